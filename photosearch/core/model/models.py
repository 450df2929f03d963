"""Which CLIP models PhotoSearch supports, and getting them onto disk.

Every usable model ends up as an open_clip model directory (``open_clip_config.json`` plus
weights) under the app's models dir, so one loading path (``local-dir:``) serves downloaded,
imported and bundled models alike, and nothing is fetched at load time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import socket
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from photosearch.core.errors import DownloadCancelled, ModelError, ModelNotAvailableError
from photosearch.core.types import JobControl, ProgressCallback, ProgressMeter, no_progress

log = logging.getLogger(__name__)

CONFIG_NAME = "open_clip_config.json"
INFO_NAME = "photosearch_model.json"
WEIGHT_NAMES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")
DEMO_KEY = "demo:tiny-shapes"
LOCAL_PREFIX = "local:"
APP_OFFLINE_ENV = "PHOTOSEARCH_OFFLINE_BY_APP"
"""Set by the bundle's runtime hook when it, not the user, turned HF_HUB_OFFLINE on."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A model users can pick, with what they need to know to choose."""

    key: str
    arch: str
    pretrained: str
    input_size: int
    dim: int
    download_mb: int
    imagenet_top1: float | None
    note: str
    min_score: float = 0.2
    adaptive: tuple[float, float, float] | None = None
    """(margin, lowest, highest) of an adaptive cut-off (``types.Cutoff``), for models it
    was measured on; others keep the flat ``min_score``."""
    multilingual: bool = False
    hf_tokenizer: str = ""
    """The Hugging Face repository of its text tower's tokenizer, when it has one."""


REGISTRY: tuple[ModelSpec, ...] = (
    ModelSpec(
        "ViT-B-32/laion2b_s34b_b79k",
        "ViT-B-32",
        "laion2b_s34b_b79k",
        224,
        512,
        605,
        66.6,
        "Default for CPU laptops: ~17 photos/s on 2 cores (fp32), good everyday quality.",
    ),
    ModelSpec(
        "ViT-B-32-256/datacomp_s34b_b86k",
        "ViT-B-32-256",
        "datacomp_s34b_b86k",
        256,
        512,
        606,
        72.8,
        "Better matches, ~25% slower than the default (~13 photos/s on 2 cores).",
    ),
    ModelSpec(
        "ViT-B-16/dfn2b",
        "ViT-B-16",
        "dfn2b",
        224,
        512,
        599,
        76.2,
        "Best quality listed; ~4 photos/s on 2 cores — for desktops or small libraries.",
    ),
    ModelSpec(
        "xlm-roberta-base-ViT-B-32/laion5b_s13b_b90k",
        "xlm-roberta-base-ViT-B-32",
        "laion5b_s13b_b90k",
        224,
        512,
        1466,
        62.3,
        "Multilingual: search in 100+ languages (its text side runs on 'transformers').",
        multilingual=True,
        hf_tokenizer="FacebookAI/xlm-roberta-base",
    ),
)
"""ImageNet zero-shot top-1 figures are OpenCLIP's published results; speeds measured here."""

DEMO_SPEC = ModelSpec(
    DEMO_KEY,
    "tiny-shapes",
    "photosearch-demo",
    64,
    128,
    0,
    None,
    "Demo model bundled with PhotoSearch: it only knows coloured shapes.",
    min_score=0.6,
    # benchmarks/bench_cutoff.py, held-out set: precision 0.48 → 0.68, recall 0.97 → 0.85
    adaptive=(0.15, 0.5, 0.75),
)


def cannot_run(spec: ModelSpec) -> str | None:
    """Why this installation cannot run a registry model (None: it can). The multilingual
    model's text tower is a Hugging Face one, which needs ``transformers`` — left out of
    the download (a few hundred MB for one model)."""
    if not spec.hf_tokenizer or importlib.util.find_spec("transformers") is not None:
        return None
    if getattr(sys, "frozen", False):
        return "it needs a part this copy of PhotoSearch does not include (transformers)"
    return "it needs the 'transformers' package: pip install transformers"


def offered(spec: ModelSpec) -> bool:
    """Whether to offer the download: not in a bundle that cannot run it (a pip install
    may add the missing part; the note says which)."""
    return not (getattr(sys, "frozen", False) and cannot_run(spec))


def spec_for(key: str) -> ModelSpec | None:
    if key == DEMO_KEY:
        return DEMO_SPEC
    return next((s for s in REGISTRY if s.key == key), None)


def demo_model_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "assets" / "tiny_clip"


def model_dir(key: str, models_dir: Path) -> Path:
    """Where the open_clip model directory for ``key`` lives."""
    if key == DEMO_KEY:
        return demo_model_dir()
    return models_dir / key.replace(":", "__").replace("/", "__")


def weights_file(directory: Path) -> Path | None:
    for name in WEIGHT_NAMES:
        if (directory / name).is_file():
            return directory / name
    others = sorted(p for p in directory.glob("*") if p.suffix in WEIGHT_SUFFIXES)
    return others[0] if others else None


def is_installed(key: str, models_dir: Path) -> bool:
    d = model_dir(key, models_dir)
    return (d / CONFIG_NAME).is_file() and weights_file(d) is not None


def installed_keys(models_dir: Path) -> list[str]:
    keys = [s.key for s in REGISTRY if is_installed(s.key, models_dir)]
    if models_dir.is_dir():
        for d in sorted(models_dir.iterdir()):
            if d.name.startswith("local__") and is_installed(_local_key(d.name), models_dir):
                keys.append(_local_key(d.name))
    return keys


def _local_key(dirname: str) -> str:
    return LOCAL_PREFIX + dirname.removeprefix("local__")


def hub_repo(spec: ModelSpec) -> str:
    """The Hugging Face repository that holds a registry model's open_clip weights."""
    import open_clip

    cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained)
    return str(cfg.get("hf_hub", "")).strip("/")


def hub_endpoint() -> str:
    """``HF_ENDPOINT`` (a mirror, or a test's stand-in) or the Hugging Face hub itself."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def weights_url(spec: ModelSpec, filename: str) -> str:
    return f"{hub_endpoint()}/{hub_repo(spec)}/resolve/main/{filename}"


def require(key: str, models_dir: Path) -> Path:
    """The model's directory, or a clear message on how to get it."""
    directory = model_dir(key, models_dir)
    if is_installed(key, models_dir):
        return directory
    spec = spec_for(key)
    if spec is None or key == DEMO_KEY:
        raise ModelNotAvailableError(
            f"The model '{key}' is not installed (looked in {directory}).",
            "See `photosearch models list` for the models you have, or import one with "
            "`photosearch models import PATH`.",
        )
    raise ModelNotAvailableError(
        f"The model {spec.key} is not on this computer yet ({spec.download_mb} MB).",
        lambda: (
            f"  With internet: photosearch models download {spec.key}\n"
            f"  Without: {require_hint(spec)}\n"
            "  Or try the app right away with the built-in demo: photosearch demo"
        ),
    )


def require_hint(spec: ModelSpec) -> str:
    return (
        f"Get {weights_url(spec, WEIGHT_NAMES[0])} on another computer and run "
        f"`photosearch models import FILE --arch {spec.key}`."
    )


def write_config(spec: ModelSpec, directory: Path, installed_at: Path | None = None) -> None:
    """Write ``open_clip_config.json`` for a registry model from open_clip's own configs."""
    import open_clip

    model_cfg = open_clip.get_model_config(spec.arch)
    if model_cfg is None:
        raise ModelError(f"open_clip does not know the architecture {spec.arch}")
    pre = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained) or {}
    if pre.get("quick_gelu"):
        model_cfg["quick_gelu"] = True
    if (directory / TOKENIZER_DIR).is_dir():
        # the Hugging Face text tower reads its config and tokenizer from here, not the hub
        local = str((installed_at or directory) / TOKENIZER_DIR)
        text_cfg = model_cfg.setdefault("text_cfg", {})
        text_cfg["hf_tokenizer_name"] = text_cfg["hf_model_name"] = local
    preprocess = {k: pre[k] for k in ("mean", "std", "interpolation", "resize_mode") if k in pre}
    preprocess["size"] = spec.input_size
    config = {"model_cfg": model_cfg, "preprocess_cfg": preprocess}
    (directory / CONFIG_NAME).write_text(json.dumps(config, indent=2), encoding="utf-8")
    (directory / INFO_NAME).write_text(json.dumps(asdict(spec), indent=2), encoding="utf-8")


def download(
    key: str,
    models_dir: Path,
    progress: ProgressCallback = no_progress,
    control: JobControl | None = None,
) -> Path:
    """Download a registry model (resumable, checksummed) and install it as a model directory.

    ``huggingface_hub`` does the transfer: retries, resuming a partial file, ``HF_ENDPOINT``
    and offline mode. A model whose text side is a Hugging Face tokenizer gets its files
    too, so that it loads with no network afterwards.
    """
    spec = spec_for(key)
    if spec is None or key == DEMO_KEY:
        raise ModelError(f"'{key}' is not a model that can be downloaded.")
    if not offered(spec):
        raise ModelError(f"{key} cannot run here: {cannot_run(spec)}.")
    control = control or JobControl()
    target = model_dir(key, models_dir)
    staging = models_dir / f".{target.name}.partial"
    staging.mkdir(parents=True, exist_ok=True)
    try:
        _fetch(spec, staging, progress, control)
    except BaseException as exc:
        # bytes already fetched stay for the next try to resume; a stopped download or
        # one that got nothing leaves no folder behind
        if isinstance(exc, DownloadCancelled) or not any(
            f.is_file() and f.stat().st_size for f in staging.rglob("*")
        ):
            shutil.rmtree(staging, ignore_errors=True)
        raise
    write_config(spec, staging, installed_at=target)
    shutil.rmtree(staging / ".cache", ignore_errors=True)  # huggingface_hub's bookkeeping
    shutil.rmtree(staging / TOKENIZER_DIR / ".cache", ignore_errors=True)
    if target.exists():
        shutil.rmtree(target)
    os.replace(staging, target)
    return target


def _fetch(spec: ModelSpec, staging: Path, progress: ProgressCallback, control: JobControl) -> None:
    """The weights (and a Hugging Face text tower's files) into ``staging``."""
    with _hub_errors(spec):
        _check_reachable(hub_endpoint(), spec)
        for name in WEIGHT_NAMES:
            try:
                hub_file(hub_repo(spec), name, staging, progress, control)
                break
            except MissingOnHub:
                log.info("%s has no %s on the hub", spec.key, name)
        else:
            raise ModelNotAvailableError(f"The model hub has no weights for {spec.key}.")
        if spec.hf_tokenizer:
            for name in TOKENIZER_FILES:
                with contextlib.suppress(MissingOnHub):
                    hub_file(spec.hf_tokenizer, name, staging / TOKENIZER_DIR, progress, control)


REACH_TIMEOUT_S = 8.0


def _check_reachable(endpoint: str, spec: ModelSpec) -> None:
    """Say "no internet" at once: huggingface_hub retries a refused connection for ~25 s
    before it gives up, while the user watches a progress bar that does not move."""
    url = urllib.parse.urlsplit(endpoint)
    proxy = urllib.request.getproxies().get(url.scheme)
    if proxy and not urllib.request.proxy_bypass(url.hostname or ""):
        url = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "", port), timeout=REACH_TIMEOUT_S).close()
    except OSError as exc:
        raise ModelNotAvailableError(
            "No internet connection: the model hub cannot be reached.", require_hint(spec)
        ) from exc


TOKENIZER_DIR = "hf_text"
TOKENIZER_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "sentencepiece.bpe.model",
    "special_tokens_map.json",
)
"""What a Hugging Face text tower (config and tokenizer) needs to load offline."""


class MissingOnHub(ModelError):
    """The hub has no such file (a repository offers one weights format, not both)."""


def hub_file(
    repo: str, filename: str, folder: Path, progress: ProgressCallback, control: JobControl
) -> Path:
    """One file of a hub repository into ``folder``, its sha256 checked against the hub's."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_download, hf_hub_url
    from huggingface_hub.errors import HfHubHTTPError

    endpoint = hub_endpoint()
    try:
        path = Path(
            hf_hub_download(
                repo,
                filename,
                local_dir=folder,
                endpoint=endpoint,
                etag_timeout=30,
                tqdm_class=_progress_bar(progress, control),
            )
        )
    except HfHubHTTPError as exc:
        if exc.response is not None and exc.response.status_code == 404:
            raise MissingOnHub(f"{repo} has no {filename}") from exc
        raise
    meta = get_hf_file_metadata(hf_hub_url(repo, filename, endpoint=endpoint), timeout=30)
    expected = (meta.etag or "").strip('"').lower()
    is_sha256 = len(expected) == 64 and all(c in "0123456789abcdef" for c in expected)
    if is_sha256 and fingerprint(path) != expected:  # (the sha256 is kept for the catalog)
        path.unlink()
        raise ModelError(f"The download of {filename} was damaged on the way; try again.")
    return path


def _progress_bar(progress: ProgressCallback, control: JobControl) -> type:
    """A tqdm class for huggingface_hub that reports to ``progress`` and can be cancelled."""
    from tqdm.auto import tqdm

    class Bar(tqdm):  # type: ignore[misc,valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)
            total = kwargs.get("total")
            self.meter = ProgressMeter(
                "download", total if isinstance(total, int) else None, progress
            )
            initial = kwargs.get("initial")
            self.meter.done = initial if isinstance(initial, int) else 0

        def update(self, n: float | None = 1) -> bool | None:
            if not control.checkpoint():
                raise DownloadCancelled("Download cancelled; it resumes where it stopped.")
            self.meter.advance(int(n or 0))
            return None

    return Bar


@contextlib.contextmanager
def _hub_errors(spec: ModelSpec) -> Iterator[None]:
    """huggingface_hub's errors as messages for people."""
    from huggingface_hub import constants
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    if constants.is_offline_mode() and os.environ.get(APP_OFFLINE_ENV) == "1":
        # the frozen app's own guard against libraries going online, not the user's
        # choice: this download is what the user asked for
        constants.HF_HUB_OFFLINE = False
    if constants.is_offline_mode():
        raise ModelNotAvailableError(
            "Downloads are turned off on this computer (HF_HUB_OFFLINE is set).",
            require_hint(spec),
        )
    try:
        yield
    except LocalEntryNotFoundError as exc:  # what it raises when the hub cannot be reached
        raise ModelNotAvailableError(
            "No internet connection: the model hub cannot be reached.", require_hint(spec)
        ) from exc
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "no answer"
        raise ModelNotAvailableError(
            f"The download of {spec.key} failed (the model hub answered {status}); try again later."
        ) from exc
    except OSError as exc:
        raise ModelNotAvailableError(f"The download of {spec.key} failed: {exc}") from exc


def import_model(source: Path, models_dir: Path, arch: str | None = None) -> str:
    """Copy a local open_clip model directory or weights file into the models dir.

    Returns the key to select it with. A weights file needs ``arch``: a registry key (the
    file then *is* that model, e.g. downloaded elsewhere) or an open_clip architecture name.
    """
    source = source.expanduser().resolve()
    if source.is_dir():
        if not (source / CONFIG_NAME).is_file() or weights_file(source) is None:
            raise ModelError(
                f"{source} is not an open_clip model directory: it needs {CONFIG_NAME} "
                "and a weights file (.safetensors or .bin)."
            )
        key = LOCAL_PREFIX + source.name
        target = model_dir(key, models_dir)
        _install_copy(lambda tmp: shutil.copytree(source, tmp, dirs_exist_ok=True), target)
        return key
    if not source.is_file():
        raise ModelError(f"{source} does not exist.")
    if source.suffix not in WEIGHT_SUFFIXES:
        raise ModelError(f"{source.name} is not a weights file ({', '.join(WEIGHT_SUFFIXES)}).")
    if not arch:
        raise ModelError(
            "Importing a weights file needs its architecture: add --arch, e.g. "
            f"--arch {REGISTRY[0].key} (see `photosearch models list`)."
        )
    spec = spec_for(arch) or _custom_spec(arch, source)
    key = spec.key
    target = model_dir(key, models_dir)
    name = WEIGHT_NAMES[0] if source.suffix == ".safetensors" else WEIGHT_NAMES[1]

    def fill(tmp: Path) -> None:
        tmp.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, tmp / name)
        write_config(spec, tmp)

    _install_copy(fill, target)
    return key


def _custom_spec(arch: str, source: Path) -> ModelSpec:
    import open_clip

    cfg = open_clip.get_model_config(arch)
    if cfg is None:
        raise ModelError(
            f"Unknown architecture '{arch}'. Use a key from `photosearch models list` "
            "or an open_clip model name such as ViT-B-32."
        )
    size = cfg.get("vision_cfg", {}).get("image_size", 224)
    return ModelSpec(
        f"{LOCAL_PREFIX}{source.stem}",
        arch,
        "",
        int(size if isinstance(size, int) else size[0]),
        int(cfg["embed_dim"]),
        0,
        None,
        f"Imported from {source.name}",
    )


def _install_copy(fill: Callable[[Path], object], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".import-", dir=target.parent))
    try:
        fill(tmp)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fingerprint(weights: Path) -> str:
    """sha256 of the weights, cached beside them by (size, mtime) so it is computed once."""
    stat = weights.stat()
    cache = weights.with_name(weights.name + ".sha256")
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    try:
        cached_stamp, digest = cache.read_text(encoding="utf-8").split()
        if cached_stamp == stamp:
            return digest
    except (OSError, ValueError):
        pass
    h = hashlib.sha256()
    with open(weights, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    digest = h.hexdigest()
    try:
        cache.write_text(f"{stamp} {digest}", encoding="utf-8")
    except OSError:
        log.debug("cannot cache fingerprint beside %s (read-only?)", weights)
    return digest


def embedding_dim(directory: Path) -> int:
    """The vector size a model directory produces, read from its config (no model load)."""
    try:
        config = json.loads((directory / CONFIG_NAME).read_text(encoding="utf-8"))
        return int(config.get("model_cfg", config)["embed_dim"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{directory / CONFIG_NAME} is missing or invalid: {exc}") from exc
