"""The second, lower-priority pass after the model's: metadata for photos indexed before
the catalog kept it, then the words in photos (OCR).

It runs in small batches; between them it lets the model's pass go first (``yield_to``),
so a photo copied in while thousands wait to be read is searchable by meaning at once.
Pausing and stopping act between batches, like indexing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from photosearch.core.catalog import Catalog
from photosearch.core.errors import FileGoneError, ImageError
from photosearch.core.photo_meta import PhotoMeta, read_meta_file
from photosearch.core.photo_text import (
    add_meta,
    meta_missing,
    meta_missing_count,
    store_text,
    text_counts,
    text_pending,
)
from photosearch.core.text_reader import TextReader
from photosearch.core.types import JobControl, ProgressCallback, ProgressMeter

log = logging.getLogger(__name__)

META_BATCH = 128
TEXT_BATCH = 8


@dataclass
class TextReport:
    metadata: int = 0
    """Photos whose metadata was read in this pass."""
    looked: int = 0
    """Photos looked at for words."""
    with_words: int = 0
    errors: int = 0
    stopped: bool = False


def read_missing_meta(
    catalog: Catalog,
    progress: ProgressCallback,
    control: JobControl,
    report: TextReport,
    yield_to: Callable[[], None],
) -> None:
    """Metadata of indexed photos that have none yet: their headers only, no pixels."""
    first = meta_missing(catalog, META_BATCH)
    if not first:
        return
    meter = ProgressMeter("metadata", meta_missing_count(catalog), progress)
    batch = first
    while batch:
        if not control.checkpoint():
            report.stopped = True
            return
        # an unreadable header is stored empty, so that it is not tried again each run
        add_meta(catalog, [(pid, read_meta_file(path) or PhotoMeta()) for pid, path in batch])
        report.metadata += len(batch)
        meter.advance(len(batch))
        yield_to()
        batch = meta_missing(catalog, META_BATCH)


def read_words(
    catalog: Catalog,
    reader: Callable[[], TextReader],
    progress: ProgressCallback,
    control: JobControl,
    report: TextReport,
    yield_to: Callable[[], None],
    wanted: Callable[[], bool] = lambda: True,
) -> None:
    """Look at every indexed photo not yet looked at for words, and keep what is read,
    until done or no longer ``wanted`` (the setting turned off meanwhile)."""
    batch = text_pending(catalog, TEXT_BATCH)
    if not batch:
        return
    done, total = text_counts(catalog)
    meter = ProgressMeter("read text", total - done, progress)
    meter.report()
    ocr = reader()
    while batch and wanted():
        if not control.checkpoint():
            report.stopped = True
            return
        rows: list[tuple[int, str | None]] = []
        errors = 0
        for photo_id, path in batch:
            try:
                text = ocr.read(path)
            except FileGoneError:
                text = None  # the next scan forgets it
            except ImageError as exc:
                log.info("no words read in %s: %s", path, exc)
                text, errors = None, errors + 1
            rows.append((photo_id, text))
            report.with_words += text is not None
        store_text(catalog, rows)
        report.looked += len(batch)
        report.errors += errors
        meter.advance(len(batch), errors=errors)
        yield_to()
        batch = text_pending(catalog, TEXT_BATCH)
