"""The PySide6 desktop app; it talks to the engine only through ``bridge.py``."""
