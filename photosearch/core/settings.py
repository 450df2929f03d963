"""Where PhotoSearch keeps its files, and the user's settings.

One place resolves every directory (platformdirs, overridable with ``PHOTOSEARCH_HOME``
so tests and portable installs never touch the real user profile).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock
from platformdirs import PlatformDirs

from photosearch.core.atomic import write_text_atomically

APP_NAME = "PhotoSearch"
HOME_ENV = "PHOTOSEARCH_HOME"
DEFAULT_MODEL = "ViT-B-32/laion2b_s34b_b79k"
PRECISIONS = ("auto", "fp32", "bf16", "int8")
"""How the model computes on the CPU: see ``core/model/precision.py``."""
DEVICES = ("auto", "cpu", "cuda", "mps")
"""Where the model runs: see ``core/model/devices.py``."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AppPaths:
    """The directories the app writes to; nothing the user owns is among them."""

    data_dir: Path
    cache_dir: Path
    models_dir: Path
    log_dir: Path

    @classmethod
    def resolve(cls, home: Path | str | None = None) -> AppPaths:
        """Paths under ``home`` (or ``$PHOTOSEARCH_HOME``), else the platform's user dirs."""
        root = home if home is not None else os.environ.get(HOME_ENV)
        if root:
            base = Path(root).expanduser().resolve()
            return cls(base / "data", base / "cache", base / "models", base / "logs")
        dirs = PlatformDirs(APP_NAME, appauthor=False)
        data = Path(dirs.user_data_dir)
        return cls(data, Path(dirs.user_cache_dir), data / "models", Path(dirs.user_log_dir))

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "vectors"

    @property
    def thumbnails_dir(self) -> Path:
        return self.cache_dir / "thumbnails"

    @property
    def settings_path(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo-photos"

    def ensure(self) -> None:
        for d in (self.data_dir, self.cache_dir, self.models_dir, self.log_dir):
            d.mkdir(parents=True, exist_ok=True)


@dataclass(slots=True)
class Settings:
    """User preferences, persisted as JSON in the data dir."""

    model: str = DEFAULT_MODEL
    min_score: float | None = None  # None: the model's own recommended cut-off
    batch_size: int = 16
    decode_threads: int = 0  # 0: chosen from the CPU count
    torch_threads: int = 0  # 0: chosen from the CPU count
    gentle: bool = False
    precision: str = "auto"  # see core/model/precision.py: auto, fp32, bf16 or int8
    device: str = "auto"  # see core/model/devices.py: auto, cpu, cuda or mps
    read_text: bool = True
    """Read the words in photos (receipts, signs) after indexing, so they can be searched."""
    find_faces: bool = True
    """Look for faces after indexing and group them into people (all on this computer)."""
    previous_model: str | None = None
    """The model that answers searches until ``model`` has indexed every photo."""
    thumbnail_cache_mb: int = 2048
    """The thumbnail cache's budget on disk; the least recently used go beyond it."""
    model_speeds: dict[str, float] = field(default_factory=dict)
    """Photos per second each model indexed at on this computer, as last measured."""
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Settings:
        """The settings in ``path`` as they are now (read only: nothing is moved or written)."""
        return SettingsFile(path, writable=False).current

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Settings:
        """Settings from the file's JSON; unknown keys are kept aside in ``extra``."""
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values: dict[str, object] = {k: v for k, v in raw.items() if k in known}
        values["extra"] = {k: v for k, v in raw.items() if k not in known}
        return cls(**values)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        data = {k: v for k, v in dataclasses.asdict(self).items() if k != "extra"}
        data.update(self.extra)
        return data


class SettingsFile:
    """The one owner of ``settings.json``.

    ``current`` is what this process runs with: the file's settings plus per-command
    options (``override``: ``--device``, ``--gentle``), which are never written. A change
    (``change``) writes only the fields it names, under a lock shared by threads and
    processes, over the file as it is on disk *now* (never a stale copy), with fsync. A
    read-only owner (search, status and the other commands that run beside the app)
    never writes. A damaged file is moved aside and reported (``problem``), never
    silently replaced by defaults.
    """

    def __init__(self, path: Path, writable: bool = True) -> None:
        self.path = path
        self.writable = writable
        self.problem: str | None = None
        """Why the file could not be used, in words, when it could not."""
        self._lock = threading.RLock()
        self._overrides: dict[str, object] = {}
        self.current = self._read()

    def _read(self) -> Settings:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            settings = Settings.from_dict(raw)
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError, TypeError) as exc:
            return self._damaged(exc)
        for name, value in self._overrides.items():
            setattr(settings, name, value)
        return settings

    def _damaged(self, exc: Exception) -> Settings:
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        kept = ""
        if self.writable:
            try:
                os.replace(self.path, aside)
                kept = f" It was kept as {aside.name}."
            except OSError as move_error:
                log.warning("cannot move %s aside: %s", self.path, move_error)
        self.problem = (
            f"Your settings could not be read ({exc}), so PhotoSearch uses its defaults "
            f"until you choose again.{kept}"
        )
        log.warning("%s", self.problem)
        return Settings()

    def override(self, **values: object) -> None:
        """Options for this run only (``--device``, ``--gentle``): never written."""
        with self._lock:
            for name, value in values.items():
                _check_field(name)
                self._overrides[name] = value
                setattr(self.current, name, value)

    def change(self, **values: object) -> None:
        """Set these fields and write them (only them) to the file; a read-only owner
        keeps them for this run."""
        with self._lock:
            for name, value in values.items():
                _check_field(name)
                self._overrides.pop(name, None)
                setattr(self.current, name, value)
            if not self.writable:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(self.path.with_name(self.path.name + ".lock")):
                on_disk = self._on_disk()
                on_disk.update(values)
                write_text_atomically(self.path, json.dumps(on_disk, indent=2, sort_keys=True))

    def _on_disk(self) -> dict[str, object]:
        """The file's JSON as it is now (another process may have changed other fields)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            self._damaged(ValueError("damaged while running"))
            return {}
        return raw if isinstance(raw, dict) else {}


_FIELDS = frozenset(f.name for f in dataclasses.fields(Settings)) - {"extra"}


def _check_field(name: str) -> None:
    if name not in _FIELDS:
        raise AttributeError(f"Settings has no field {name!r}")
