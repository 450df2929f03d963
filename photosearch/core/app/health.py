"""Health: what a library holds (``status``) and whether everything it needs works
(``doctor``), as typed values the command line, the window and the HTTP API print."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from photosearch.core.errors import PhotoSearchError
from photosearch.core.index.watcher import on_network_drive
from photosearch.core.model import models
from photosearch.core.settings import AppPaths, Settings
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.people import face_counts, people_count
from photosearch.core.store.vectors import VectorStore

if TYPE_CHECKING:
    from photosearch.core.model.encoder import Encoder


@dataclass(frozen=True, slots=True)
class Check:
    """One line of ``doctor``: what was checked, whether it is fine, and the details."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class LibraryStatus:
    """Counts of the catalog and the model that answers (``photosearch status``)."""

    folders: int
    photos: int
    indexed: int
    errors: int
    pending: int
    model: str
    model_installed: bool
    answering_model: str
    catalog: str
    offline_folders: list[str]
    device: str
    unreadable_folders: list[tuple[str, str]]  # (path, reason)
    faces: dict[str, int | bool]
    """``on`` (the setting), photos ``looked`` at for faces ``of`` those that can be,
    faces ``found``, ``people`` they form (not hidden)."""

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of ``status --json`` and ``/api/status``."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields["unreadable_folders"] = [
            {"path": path, "reason": reason} for path, reason in self.unreadable_folders
        ]
        return fields


class Examined(Protocol):
    """What the checks read of a library (the ``Engine`` is one)."""

    paths: AppPaths
    catalog: Catalog

    @property
    def settings(self) -> Settings: ...

    @property
    def model_key(self) -> str: ...

    @property
    def active_device(self) -> str | None: ...

    @property
    def answering_model(self) -> str: ...

    def loaded_vectors(self) -> VectorStore | None: ...

    def vectors(self) -> VectorStore: ...

    def model_directory(self) -> Path: ...

    def encoder(self) -> Encoder: ...


def library_status(library: Examined) -> LibraryStatus:
    loaded = library.loaded_vectors()
    model_id = loaded.model_id if loaded is not None else None
    installed = models.is_installed(library.model_key, library.paths.models_dir)
    if model_id is None and installed:
        model_id = library.vectors().model_id
    counts = library.catalog.counts(model_id)
    folders = library.catalog.folders()
    device = library.active_device or f"not loaded yet (setting: {library.settings.device})"
    return LibraryStatus(
        folders=counts["folders"],
        photos=counts["photos"],
        indexed=counts["indexed"],
        errors=counts["errors"],
        pending=counts["pending"],
        model=library.model_key,
        model_installed=installed,
        answering_model=library.answering_model if installed else library.model_key,
        catalog=str(library.paths.catalog_path),
        offline_folders=[f.path for f in folders if not f.online],
        device=device,
        unreadable_folders=[(path, reason) for f in folders for path, reason in f.unreadable],
        faces=_faces(library),
    )


def _faces(library: Examined) -> dict[str, int | bool]:
    looked, of, found = face_counts(library.catalog)
    return {
        "on": library.settings.find_faces,
        "looked": looked,
        "of": of,
        "found": found,
        "people": people_count(library.catalog),
    }


def doctor(library: Examined) -> list[Check]:
    """Check the environment, model, catalog and index, saying what to do about problems."""
    import torch

    data = library.paths.data_dir
    checks = [
        Check("python", sys.version_info >= (3, 10), sys.version.split()[0]),
        Check("torch", True, f"{torch.__version__}, {torch.get_num_threads()} threads"),
        Check("data folder", os.access(data, os.W_OK), str(data)),
    ]
    problems = library.catalog.integrity_problems()
    checks.append(
        Check("catalog", not problems, "; ".join(problems) or str(library.paths.catalog_path))
    )
    try:
        directory = library.model_directory()
        encoder = library.encoder()
        checks.append(Check("model", True, f"{library.model_key} ({directory})"))
        checks.append(
            Check(
                "model precision",
                True,
                f"{encoder.precision}, text {encoder.text_precision}"
                f" (setting: {library.settings.precision})",
            )
        )
        device = library.active_device or ""
        asked = library.settings.device
        fell_back = encoder.fallback is not None or (
            asked in ("cuda", "mps") and encoder.device.type != asked
        )
        checks.append(Check("device", not fell_back, device))
        store = library.vectors()
        keys = len(library.catalog.embedding_ids(store.model_id))  # photos, clips' moments
        if store.ready.is_set():
            in_sync = len(store) == keys
            detail = f"{len(store)} vectors, {keys} in catalog"
        else:  # a lost index of a large library: its rebuild runs on, searched meanwhile
            in_sync, detail = True, f"being rebuilt from the catalog's {keys} vectors"
        checks.append(Check("vector index", in_sync, detail))
    except PhotoSearchError as exc:
        checks.append(Check("model", False, str(exc)))
    for folder in library.catalog.folders():
        online = folder.online and os.path.isdir(folder.path)
        detail = f"{folder.photo_count} photos, {folder.error_count} skipped"
        network = on_network_drive(folder.path)
        if folder.force_polling or network:
            detail += f"; watched by polling ({'network drive' if network else 'setting'})"
        if not online:
            detail = "offline: " + detail
        for path, reason in folder.unreadable:
            where = "the folder itself" if path == folder.path else path
            detail += f"; cannot read {where}: {reason}"
        checks.append(Check(f"folder {folder.path}", online and not folder.unreadable, detail))
    checks.extend(watch_limit(library.catalog))
    return checks


def watch_limit(catalog: Catalog) -> list[Check]:
    """Linux needs one inotify watch per directory; say when the limit is too low."""
    try:
        limit = int(Path("/proc/sys/fs/inotify/max_user_watches").read_text())
    except (OSError, ValueError):
        return []
    directories = {
        os.path.dirname(path)
        for folder in catalog.folders()
        for path in catalog.photo_states(folder.id)
    }
    ok = len(directories) < 0.8 * limit
    detail = f"inotify allows {limit} watches; your photo folders need about {len(directories)}"
    if not ok:
        detail += (
            ". PhotoSearch falls back to polling (slower to notice changes); raise "
            "fs.inotify.max_user_watches to watch natively."
        )
    return [Check("folder watching", ok, detail)]
