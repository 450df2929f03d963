"""Entry point of the frozen app: the same ``main`` as ``python -m photosearch``.

``freeze_support`` must run first in a frozen program, before anything may start a child
process (torch and Pillow plugins can), or the child would start a second app.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from photosearch.cli import main

    sys.exit(main())
