"""The engine: everything PhotoSearch does, with no user interface.

Rooms, lowest first (an import-linter layers contract keeps every arrow downward):
the ground floor here (types, errors, atomic writes, memory, the instance lock, JSON
text, counts in words, settings and paths, onnxruntime's loading), then ``media`` (photo
files), ``store`` and ``model`` (the catalog and vectors; OpenCLIP), ``search``,
``index``, ``curate``, and ``app`` (the ``Engine`` facade and the indexing service), which
the command line, the window's bridge and the HTTP server call.
"""
