"""The active model at run time: its encoder, loaded on first use (outside the engine's
lock, so a search meanwhile is answered by the text tower), the numpy text tower that
spares a search importing torch, and what was measured of both on this computer.

Split from the ``Engine`` facade, which keeps the same calls; it shares the engine's lock,
so that a model switch and the settings that name the model change together.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from photosearch.core.model import models
from photosearch.core.settings import AppPaths, SettingsFile

if TYPE_CHECKING:
    from photosearch.core.model.encoder import Encoder
    from photosearch.core.model.phrase_tower import TextTower
    from photosearch.core.search.searcher import TextEncoder

log = logging.getLogger(__name__)


class ModelRuntime:
    """The chosen model's encoder and text tower, each made once and dropped on a change."""

    def __init__(self, paths: AppPaths, settings: SettingsFile, lock: threading.RLock) -> None:
        self.paths = paths
        self.settings_file = settings
        self._lock = lock
        self._load_lock = threading.Lock()
        """Held while the model loads; ``_lock`` is not, so searches need not wait."""
        self._generation = 0
        """Bumped when the model, its precision or device changes: a load in flight is stale."""
        self._encoder: Encoder | None = None
        self._text_tower: TextTower | None = None

    @property
    def key(self) -> str:
        return self.settings_file.current.model

    def directory(self) -> Path:
        return models.require(self.key, self.paths.models_dir)

    @property
    def loaded(self) -> Encoder | None:
        """The encoder if it is loaded (nothing is loaded to answer)."""
        return self._encoder

    def reset(self, tower: bool) -> None:
        """Forget the loaded encoder (and, for another model, its text tower); call with
        the engine's lock held, beside the settings change that caused it."""
        self._encoder = None
        if tower:
            self._text_tower = None
        self._generation += 1

    @property
    def active_precision(self) -> str | None:
        """What the loaded model runs in (None until it is loaded)."""
        encoder = self._encoder
        return encoder.precision if encoder is not None else None

    @property
    def active_device(self) -> str | None:
        """Where the loaded model runs and why, in words (None until it is loaded)."""
        encoder = self._encoder
        if encoder is None:
            return None
        if encoder.fallback:
            return f"cpu ({encoder.fallback})"
        return f"{encoder.device.type} ({encoder.device_choice.reason})"

    def encoder(self) -> Encoder:
        """The active model, loaded on first use.

        The load (seconds) runs outside the engine's lock, so a text search meanwhile is
        answered by the text tower instead of waiting; a model switch during the load
        makes it load again, for the new model.
        """
        from photosearch.core.model import phrase_speed, phrase_tower
        from photosearch.core.model.encoder import Encoder, default_threads

        with self._load_lock:
            while True:
                with self._lock:
                    if self._encoder is not None:
                        return self._encoder
                    generation = self._generation
                    key, directory = self.key, self.directory()
                    settings = self.settings_file.current
                    threads = 1 if settings.gentle else settings.torch_threads
                    precision_setting, device = settings.precision, settings.device
                    weights = models.weights_file(directory)
                    machine = phrase_speed.machine_key(
                        models.fingerprint(weights) if weights else key,
                        threads or default_threads(),
                    )
                    fastest = phrase_speed.remembered(self._text_paths_record, machine)
                    measure = not self.vouched(directory) or (
                        fastest is None and precision_setting == "auto"
                    )
                log.info("loading model %s", key)
                encoder = Encoder(
                    key, directory, threads, precision_setting, measure, device, fastest
                )
                if encoder.text_tower_cosine is not None:
                    phrase_tower.record_check(
                        self._text_tower_record, encoder.fingerprint, encoder.text_tower_cosine
                    )
                if encoder.text_trials:
                    phrase_speed.remember(self._text_paths_record, machine, encoder.text_trials)
                with self._lock:
                    if generation == self._generation:
                        self._encoder = encoder
                        self._text_tower = None
                        return encoder

    def text_encoder(self) -> Encoder | TextEncoder:
        """What turns a phrase into a vector: the loaded model, else its text tower alone."""
        with self._lock:
            if self._encoder is not None:
                return self._encoder
        return self.text_tower() or self.encoder()

    def text_tower(self) -> TextTower | None:
        """The active model's numpy text tower, once the model has vouched for it.

        It spares a search that finds no model loaded the 5–6 s of importing torch
        (``core/phrase_tower.py``).
        """
        from photosearch.core.model.phrase_tower import TextTower

        with self._lock:
            if self._text_tower is None:
                directory = self.directory()
                if self.vouched(directory):
                    self._text_tower = TextTower(directory)
            return self._text_tower

    @property
    def _text_tower_record(self) -> Path:
        return self.paths.cache_dir / "text-tower-checks.json"

    @property
    def _text_paths_record(self) -> Path:
        return self.paths.cache_dir / "text-paths.json"

    def vouched(self, directory: Path) -> bool:
        """Whether the numpy text tower of the model in ``directory`` was checked against
        the model itself on this computer."""
        from photosearch.core.model import phrase_tower

        weights = models.weights_file(directory)
        return weights is not None and phrase_tower.is_verified(
            self._text_tower_record, models.fingerprint(weights)
        )
