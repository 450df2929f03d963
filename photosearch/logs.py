"""Logging set-up shared by the CLI and the GUI: a rotating file plus stderr."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path


def setup_logging(log_dir: Path, verbose: bool = False) -> None:
    """Log to ``log_dir`` (and errors to stderr). A log folder that cannot be written
    (a read-only or full disk) costs the log file, never the run."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / "photosearch.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        pass
    else:
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        root.addHandler(file_handler)
    console = logging.StreamHandler()
    console.setLevel(logging.INFO if verbose else logging.ERROR)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(console)
    # A log that cannot be written (disk full) is dropped, not printed as a traceback.
    logging.raiseExceptions = False
