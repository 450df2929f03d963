from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from photosearch.ui.actions import release_clipboard


@pytest.fixture(scope="session", autouse=True)
def _clipboard_released(qapp: QApplication) -> Iterator[None]:
    """Tests copy to the clipboard; release it before Python shuts down, as the app does."""
    yield
    release_clipboard()
