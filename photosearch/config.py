"""Where PhotoSearch keeps its files, and the user's settings.

One place resolves every directory (platformdirs, overridable with ``PHOTOSEARCH_HOME``
so tests and portable installs never touch the real user profile).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import PlatformDirs

from photosearch.core.atomic import write_text_atomically

APP_NAME = "PhotoSearch"
HOME_ENV = "PHOTOSEARCH_HOME"
DEFAULT_MODEL = "ViT-B-32/laion2b_s34b_b79k"
PRECISIONS = ("auto", "fp32", "bf16", "int8")
"""How the model computes on the CPU: see ``core/precision.py``."""
DEVICES = ("auto", "cpu", "cuda", "mps")
"""Where the model runs: see ``core/devices.py``."""

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
    precision: str = "auto"  # see core/precision.py: auto, fp32, bf16 or int8
    device: str = "auto"  # see core/devices.py: auto, cpu, cuda or mps
    read_text: bool = True
    """Read the words in photos (receipts, signs) after indexing, so they can be searched."""
    previous_model: str | None = None
    """The model that answers searches until ``model`` has indexed every photo."""
    model_speeds: dict[str, float] = field(default_factory=dict)
    """Photos per second each model indexed at on this computer, as last measured."""
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Read settings; unknown keys are kept aside and a broken file falls back to defaults."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)
            return cls()
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values = {k: v for k, v in raw.items() if k in known}
        values["extra"] = {k: v for k, v in raw.items() if k not in known}
        try:
            return cls(**values)
        except TypeError as exc:
            log.warning("settings file %s invalid (%s); using defaults", path, exc)
            return cls()

    def save(self, path: Path) -> None:
        data = {k: v for k, v in dataclasses.asdict(self).items() if k != "extra"}
        data.update(self.extra)
        write_text_atomically(path, json.dumps(data, indent=2, sort_keys=True))
