from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from photosearch.core.errors import CatalogError, CatalogTooNewError
from photosearch.core.search.query import parse
from photosearch.core.store.catalog import Catalog, Encoded
from photosearch.core.store.filters import where_sql
from photosearch.core.store.schema import MIGRATIONS, PAGE_SIZE


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_catalog_is_wal_and_current(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    db = cat.read()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    cat.close()


def test_vectors_share_pages(tmp_path: Path) -> None:
    """Several 512-d vector rows fit in one page (the default 4 KB page held only one)."""
    cat = Catalog(tmp_path / "c.sqlite3")
    folder = cat.add_folder("/p")
    cat.apply_scan([(folder.id, f"/p/{i}.jpg", 1, i, None) for i in range(2000)], [], [], [])
    model = cat.ensure_model("m", "", 512, "x")
    ids = [pid for pid, _ in cat.pending(model)]
    vectors = np.random.default_rng(0).random((2000, 512), dtype=np.float32)
    cat.commit_batch(
        model, [Encoded(i, v, 1, 1, None) for i, v in zip(ids, vectors, strict=True)], []
    )
    cat.close()
    assert (tmp_path / "c.sqlite3").stat().st_size < 2000 * 512 * 4 * 1.4


def test_newer_catalog_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    Catalog(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.commit()
    db.close()
    before = digest(path)
    with pytest.raises(CatalogTooNewError, match="newer PhotoSearch"):
        Catalog(path)
    assert digest(path) == before


def test_garbage_catalog_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(os.urandom(8192))
    before = digest(path)
    with pytest.raises(CatalogError, match="damaged or is not a PhotoSearch catalog"):
        Catalog(path)
    assert digest(path) == before


def test_migration_backs_up_first_and_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cat = Catalog(path)
    cat.add_folder("/photos")
    cat.close()

    def next_fails(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE photos ADD COLUMN rating INTEGER")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        Catalog(path, (*MIGRATIONS, next_fails))
    backup = path.with_name(f"c.sqlite3.v{len(MIGRATIONS)}.bak")
    assert backup.exists()
    cat = Catalog(path)  # still the current version, column not added, data intact
    assert [f.path for f in cat.folders()] == ["/photos"]
    assert "rating" not in [r[1] for r in cat.read().execute("PRAGMA table_info(photos)")]
    cat.close()

    def next_version(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE photos ADD COLUMN rating INTEGER")

    cat = Catalog(path, (*MIGRATIONS, next_version))
    assert cat.read().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    cat.close()


def test_v1_catalog_gains_directories_and_a_date_index(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    old = Catalog(path, MIGRATIONS[:1])
    folder_id = old._db.execute(
        "INSERT INTO folders(path, added_at) VALUES (?, 0)", (b"/photos",)
    ).lastrowid
    old._db.executemany(
        "INSERT INTO photos(folder_id, path, ext, size, mtime_ns) VALUES (?, ?, 'jpg', 1, ?)",
        [
            (folder_id, os.fsencode(p), i)
            for i, p in enumerate(
                ["/photos/Holidays 2019/a.jpg", "/photos/b.jpg", "/photos/x/c.jpg"]
            )
        ],
    )
    old._db.commit()
    old.close()
    cat = Catalog(path)
    where, params = where_sql(parse("in:holidays").filters)
    ids = cat.filtered_ids(where, params)
    assert [p.path for p in cat.photos(ids.tolist()).values()] == ["/photos/Holidays 2019/a.jpg"]
    where, params = where_sql(parse("after:2001-01-01").filters)
    plan = " ".join(
        str(r)
        for r in cat.read().execute(
            f"EXPLAIN QUERY PLAN SELECT id FROM photos p WHERE {where}", params
        )
    )
    assert "photos_date" in plan, plan
    cat.close()


def test_moved_photos_change_directory(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    folder = cat.add_folder("/p")
    cat.apply_scan([(folder.id, "/p/old/a.jpg", 1, 1, None)], [], [], [])
    (pid,) = cat.filtered_ids("1", []).tolist()
    cat.apply_scan([], [], [(pid, folder.id, "/p/new/a.jpg", 1, 1)], [])
    for text, expected in (("in:old", []), ("in:new", [pid])):
        where, params = where_sql(parse(text).filters)
        assert cat.filtered_ids(where, params).tolist() == expected
    cat.close()


def test_folder_names_match_in_any_case_and_unicode_form(tmp_path: Path) -> None:
    import unicodedata

    cat = Catalog(tmp_path / "c.sqlite3")
    folder = cat.add_folder("/p")
    names = [
        unicodedata.normalize("NFD", "/p/Été 2023/a.jpg"),  # as macOS stores it
        "/p/Straße/b.jpg",
        "/p/ΣΊΣΥΦΟΣ/c.jpg",
        "/p/100%_done/d.jpg",
        os.fsdecode(b"/p/caf\xe9/e.jpg"),  # not UTF-8
        "/p/plain/f.jpg",
    ]
    cat.apply_scan([(folder.id, n, 1, i, None) for i, n in enumerate(names)], [], [], [])
    by_name = {p.path: p.id for p in cat.photos(cat.filtered_ids("1", []).tolist()).values()}
    for text, expected in (
        ("in:été", [names[0]]),
        ('in:"ÉTÉ 2023"', [names[0]]),
        ("in:STRASSE", [names[1]]),
        ("in:σίσυφος", [names[2]]),
        ("in:100%_", [names[3]]),
        ("in:%", [names[3]]),
        ("in:caf", [names[4]]),
        ("in:PLAIN", [names[5]]),
    ):
        where, params = where_sql(parse(text).filters)
        assert cat.filtered_ids(where, params).tolist() == [by_name[n] for n in expected], text
    cat.close()


def test_non_utf8_paths_round_trip(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    name = os.fsdecode(b"/photos/caf\xe9 \xf0\x9f\x8c\x85.jpg")
    folder = cat.add_folder("/photos")
    cat.apply_scan([(folder.id, name, 10, 1, "k")], [], [], [])
    assert list(cat.photo_states(folder.id)) == [name]
    photo = cat.photo_by_path(name)
    assert photo is not None and os.fsencode(photo.path) == os.fsencode(name)
    cat.close()


def test_reads_proceed_while_a_write_is_open(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    folder = cat.add_folder("/p")
    cat.apply_scan([(folder.id, f"/p/{i}.jpg", 1, 1, None) for i in range(10)], [], [], [])
    model = cat.ensure_model("m", "", 4, "fp")
    seen: list[int] = []
    with cat.write():
        t = threading.Thread(target=lambda: seen.append(len(cat.pending(model))))
        t.start()
        t.join(5)
    assert seen == [10]
    cat.close()


def test_commit_batch_is_one_generation_and_skips_deleted_photos(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    folder = cat.add_folder("/p")
    cat.apply_scan([(folder.id, f"/p/{i}.jpg", 1, 1, None) for i in range(3)], [], [], [])
    model = cat.ensure_model("m", "", 4, "fp")
    (a, _), (b, _), (c, _) = cat.pending(model)
    cat.remove_photo(c)
    vec = np.ones(4, np.float32) / 2
    gen = cat.commit_batch(
        model, [Encoded(a, vec, 1, 1, None), Encoded(c, vec, 1, 1, None)], [(b, "bad")]
    )
    assert cat.generation() == gen
    ids = cat.embedding_ids(model)
    assert ids.tolist() == [a]
    assert cat.errors() == [("/p/1.jpg", "bad")]
    assert cat.pending(model) == []
    cat.close()
