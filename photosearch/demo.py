"""``photosearch demo``: a sample library and the built-in tiny model, no download needed.

The demo keeps its own catalog and settings (under the data dir's ``demo`` folder) so it
never changes the user's real library or chosen model.
"""

from __future__ import annotations

import ssl
import sys

from photosearch.core.app.engine import Engine
from photosearch.core.media import faces
from photosearch.core.media.faces import FaceReader
from photosearch.core.media.places import gazetteer
from photosearch.core.model import models
from photosearch.core.settings import AppPaths
from photosearch.core.types import ProgressCallback, no_progress
from photosearch.core.wording import count
from photosearch.synthetic import text_photo, write_demo_clip, write_library

EXAMPLES = ("a red circle", "blue square", "yellow star + black", "green - triangle")


def demo_paths(paths: AppPaths) -> AppPaths:
    return AppPaths.resolve(paths.data_dir / "demo")


def prepare_demo(paths: AppPaths, count: int) -> Engine:
    """Create (once) the demo photos and an engine on them using the demo model."""
    demo = demo_paths(paths)
    demo.ensure()
    folder = demo.demo_dir
    if not folder.is_dir() or sum(1 for _ in folder.iterdir()) < count:
        write_library(folder, count)
    if not (folder / "clips").is_dir():
        write_demo_clip(folder)  # videos are searched too: found at the moment that matches
    engine = Engine.open(demo)
    if engine.model_key != models.DEMO_KEY:
        engine.use_model(models.DEMO_KEY)
    engine.library.add_folder(folder)
    return engine


def run_demo(
    paths: AppPaths, count: int, gui: bool, progress: ProgressCallback = no_progress
) -> int:
    """The demo, beside the user's own library (whose lock it never takes): printed
    answers (indexing reports to ``progress``), or a window of its own (an open demo
    window comes to the front instead)."""
    print(
        "The demo model only knows coloured shapes (circle, square, triangle, star, cross "
        "in red, green, blue, yellow, orange, purple, white, black).",
        file=sys.stderr,
    )
    demo = demo_paths(paths)
    if gui:
        from photosearch.ui import theme
        from photosearch.ui.app import run_app
        from photosearch.ui.single_instance import hand_over, server_name

        if hand_over(server_name(demo.data_dir), []):
            return 0  # the demo's window is open already: it comes to the front
        demo.data_dir.mkdir(parents=True, exist_ok=True)  # it looks as the user chose
        theme.save_choice(demo.data_dir, theme.saved_choice(paths.data_dir))
    with prepare_demo(paths, count) as engine:
        if not gui:
            engine.update(progress)
            for text in EXAMPLES:
                result = engine.search(text, limit=5)
                print(f"\n{text}")
                for hit in result.hits or result.weak:
                    print(f"  {hit.score:.3f}  {hit.path}")
            return 0
    return run_app(demo, demo=True)  # the window indexes as it shows


def self_test() -> int:
    """Index generated photos with the bundled model in a throwaway folder and search them.

    Used by packaging checks: it proves the model, decoders, catalog, index and search all
    work in this installation, with no network and without touching the user's library.
    """
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="photosearch-selftest-") as tmp:
        paths = AppPaths.resolve(Path(tmp))
        write_library(paths.demo_dir, 60, seed=5)
        sign, words = text_photo(7)
        sign.save(paths.demo_dir / "sign.jpg", quality=85)
        write_demo_clip(paths.demo_dir)
        with Engine.open(paths) as engine:
            engine.use_model(models.DEMO_KEY)
            engine.library.add_folder(paths.demo_dir)
            _, report = engine.update()
            hits = engine.search("a red circle", limit=3).hits
            read = [h.path for h in engine.search(f'text:"{words}"').hits]
            clips = engine.search("a yellow star type:video", limit=3).hits
        authorities = trusted_authorities()
        faces_found = FaceReader().read_image(sign) if faces.available() else None
        towns = gazetteer()
        place = towns.places([(38.7223, -9.1393)])[0] if towns is not None else None
        ok = (
            report is not None
            and report.encoded == 62
            and bool(hits)
            and "red-circle" in hits[0].path
            and read == [str(paths.demo_dir / "sign.jpg")]
            and authorities != 0
            and place is not None
            and place.country == "Portugal"
            and len(clips) == 1
            and (clips[0].at or 0.0) >= 8.0
            and faces_found == []
        )
        print(
            f"self-test: indexed {report.encoded if report else 0} photos, top hit "
            f"{hits[0].path if hits else None}, words read in {count(len(read), 'photo')}, "
            f"{'the OS' if authorities is None else authorities} certificate authorities for "
            f"downloads, Lisbon's coordinates in {place.words() if place else None}, the "
            f"star in the clip at {clips[0].at if clips else None} s, face models "
            f"{'loaded' if faces_found is not None else 'missing'}: "
            f"{'OK' if ok else 'FAILED'}"
        )
        return 0 if ok else 1


def trusted_authorities() -> int | None:
    """Certificate authorities the model download trusts: the TLS context of the HTTP
    stack huggingface_hub uses (the OS store). None where that stack asks the OS at each
    connection (truststore, on Windows and macOS). A bundle that finds none on Linux could
    never download a model over HTTPS."""
    try:
        from httpcore2 import default_ssl_context
    except ImportError:  # huggingface_hub before 2.0 (requests or httpx): certifi's bundle
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    else:
        context = default_ssl_context()
    if not isinstance(context, ssl.SSLContext):
        return None
    return int(context.cert_store_stats()["x509_ca"])
