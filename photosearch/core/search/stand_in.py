"""While a newly chosen model indexes the library, the model used before keeps answering
searches — so a switch never leaves the user with a half-empty index. The engine drops
the stand-in once the new model has every photo.

Also home of :func:`open_store`, the one way a model's vector index is opened (for the
active model and for a stand-in alike).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from photosearch.core.model import models
from photosearch.core.settings import AppPaths, Settings
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.vectors import VectorStore
from photosearch.core.types import Cutoff

if TYPE_CHECKING:
    from photosearch.core.model.encoder import Encoder
    from photosearch.core.search.searcher import TextEncoder

log = logging.getLogger(__name__)


def open_store(paths: AppPaths, catalog: Catalog, key: str) -> VectorStore:
    """The vector index of the installed model ``key``, opened and caught up (a large
    library's lost index is rebuilt in the background, searchable meanwhile)."""
    directory = models.require(key, paths.models_dir)
    weights = models.weights_file(directory)
    assert weights is not None
    dim = models.embedding_dim(directory)
    spec = models.spec_for(key)
    model_id = catalog.ensure_model(
        key, spec.pretrained if spec else "", dim, models.fingerprint(weights)
    )
    store = VectorStore(paths.index_dir, catalog, model_id, dim)
    store.open(wait=False)
    return store


def cutoff_for(key: str, settings: Settings) -> Cutoff | None:
    """The score cut-off searches with ``key`` use: the user's (flat), else the model's
    own (adaptive where it was measured)."""
    if settings.min_score is not None:
        return Cutoff(settings.min_score)
    spec = models.spec_for(key)
    if spec is None:
        return None
    return Cutoff(spec.min_score, *spec.adaptive) if spec.adaptive else Cutoff(spec.min_score)


class StandIn:
    """The previous model, read-only: its vectors, and its text side for new phrases."""

    def __init__(
        self, key: str, paths: AppPaths, catalog: Catalog, settings: Settings, tower_ok: bool
    ) -> None:
        self.key = key
        self.directory: Path = models.require(key, paths.models_dir)
        self.settings = settings
        self.vectors = open_store(paths, catalog, key)
        self._tower_ok = tower_ok
        self._text: TextEncoder | None = None
        self._encoder: Encoder | None = None
        self._lock = threading.Lock()

    @property
    def cutoff(self) -> Cutoff | None:
        return cutoff_for(self.key, self.settings)

    def encoder(self) -> Encoder:
        """The previous model itself, loaded only for an image that is not indexed."""
        from photosearch.core.model.encoder import Encoder

        with self._lock:
            if self._encoder is None:
                log.info("loading %s to answer while the new model catches up", self.key)
                s = self.settings
                self._encoder = Encoder(
                    self.key, self.directory, s.torch_threads, s.precision, False, s.device
                )
            return self._encoder

    def text_encoder(self) -> TextEncoder:
        """Its numpy text tower when that has been vouched for, else the model."""
        from photosearch.core.model.phrase_tower import TextTower

        with self._lock:
            if self._text is None and self._tower_ok:
                self._text = TextTower(self.directory)
            if self._text is not None:
                return self._text
        return self.encoder()
