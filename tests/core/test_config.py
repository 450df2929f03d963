"""Settings survive saves from several threads at once, and always read back whole."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from photosearch.config import Settings


def test_concurrent_saves_never_collide(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            for i in range(50):
                Settings(batch_size=n * 1000 + i).save(path)
        except BaseException as exc:  # any failure in a thread fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Settings.load(path).batch_size % 1000 == 49
    assert json.loads(path.read_text())["batch_size"] == Settings.load(path).batch_size
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp files left
