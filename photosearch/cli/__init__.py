"""The ``photosearch`` command: the window with no arguments, scriptable commands otherwise.

``run.main`` is the entry point; ``parser`` holds the grammar, one module per group of
commands does the work through the ``Engine`` facade, ``console`` draws progress and
handles Ctrl+C, ``render`` prints results as text or JSON.
"""

from photosearch.cli.run import main

__all__ = ["main"]
