"""PhotoSearch: search your own photo library by meaning, offline."""

__version__ = "0.1.0"
