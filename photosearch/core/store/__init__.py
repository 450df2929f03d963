"""Store: everything PhotoSearch keeps on disk about a library.

The SQLite catalog (connection, migrations in ``schema``, photo/folder/embedding
queries), the full-text index of names, metadata and words read in photos, saved searches,
and the usearch vector store with its scan of 4-bit codes. SQL stays in this room.

onnxruntime must be loaded before usearch's compiled module (see ``core/ort.py``); every
use of usearch is in this package, so it is imported here first.
"""

from photosearch.core import ort  # noqa: F401  (before usearch)
