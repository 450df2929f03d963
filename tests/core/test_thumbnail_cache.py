"""The thumbnail cache keeps to its budget, least recently used out first, and threads
making the same thumbnail at once never collide."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from PIL import Image

from photosearch.core.app.engine import Engine
from photosearch.core.media.images import thumbnail
from photosearch.core.media.thumbnail_cache import KEEP_FRACTION, MB, TOUCH_AFTER_S, prune
from tests.conftest import write_photos


def test_the_least_recently_used_go_first(tmp_path: Path) -> None:
    photos = write_photos(tmp_path / "photos", 12, size=(400, 300))
    cache = tmp_path / "thumbs"
    made = [thumbnail(str(p), 256, cache) for p in photos]
    now = time.time()
    for n, path in enumerate(made):  # made an hour or more apart, oldest first
        os.utime(path, (now - (20 - n) * TOUCH_AFTER_S,) * 2)
    thumbnail(str(photos[0]), 256, cache)  # the oldest is shown again: used now
    sizes = {p: p.stat().st_size for p in made}
    budget = sum(sizes.values()) // 2
    result = prune(cache, budget)
    kept = [p for p in made if p.exists()]
    assert made[0] in kept and not made[1].exists()  # used again beats made later
    assert result.kept_bytes == sum(sizes[p] for p in kept) <= budget * KEEP_FRACTION
    assert result.removed == len(made) - len(kept) and result.freed_bytes > 0
    assert all(p in kept for p in made[-3:])  # the newest stay
    assert prune(cache, budget).removed == 0  # within budget: nothing more


def test_the_budget_is_a_setting_kept_at_once(engine: Engine, tmp_path: Path) -> None:
    for n in range(6):
        shard = engine.paths.thumbnails_dir / f"{n:02x}"
        shard.mkdir(parents=True)
        (shard / f"{n}.jpg").write_bytes(b"\0" * MB)
    result = engine.set_thumbnail_budget(3)
    assert engine.settings.thumbnail_cache_mb == 3 and result.kept_bytes <= 3 * MB
    assert sum(1 for _ in engine.paths.thumbnails_dir.rglob("*.jpg")) == 2


def test_threads_making_the_same_thumbnail_never_collide(tmp_path: Path) -> None:
    (photo,) = write_photos(tmp_path / "photos", 1, size=(2000, 1500))
    cache = tmp_path / "thumbs"
    errors: list[BaseException] = []

    def make() -> None:
        try:
            thumbnail(str(photo), 256, cache)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    (made,) = cache.rglob("*.jpg")
    assert Image.open(made).size == (256, 192)
    assert not list(cache.rglob("*.tmp"))
