"""Settings have one owner: changes from several threads and processes never undo one
another, per-command options and read-only commands never reach the file, and a damaged
file is kept aside and reported, never silently replaced."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from photosearch.core.app.engine import Engine
from photosearch.core.settings import AppPaths, Settings, SettingsFile


def test_changes_from_many_threads_and_owners_all_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    owners = [SettingsFile(path), SettingsFile(path)]  # as the app and a command beside it
    errors: list[BaseException] = []

    def change(n: int) -> None:
        try:
            for i in range(25):
                owners[n % 2].change(model_speeds={"m": float(i)}, batch_size=n * 1000 + i)
                owners[n % 2].change(**{("min_score" if n % 2 else "decode_threads"): n + i})
        except BaseException as exc:  # any failure in a thread fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=change, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    on_disk = json.loads(path.read_text())
    assert on_disk["batch_size"] % 1000 == 24
    assert on_disk["min_score"] >= 24 and on_disk["decode_threads"] >= 24  # neither undone
    assert set(on_disk) == {"model_speeds", "batch_size", "min_score", "decode_threads"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json", "settings.json.lock"]


def test_per_command_options_are_never_written(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path)
    with Engine.open(paths) as engine:
        engine.set_device("cpu", save=False)  # --device on one command
        engine.set_gentle(True, save=False)  # watch --gentle
        assert engine.settings.device == "cpu" and engine.settings.gentle
        engine.settings_file.change(model_speeds={"x": 12.5})  # as the speed record does
    saved = json.loads(paths.settings_path.read_text())
    assert saved == {"model_speeds": {"x": 12.5}}
    assert Settings.load(paths.settings_path).device == "auto"
    assert not Settings.load(paths.settings_path).gentle


def test_read_only_commands_never_write_settings(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path)
    with Engine.open(paths) as engine:
        engine.set_min_score(0.3)
    before = paths.settings_path.read_bytes(), paths.settings_path.stat().st_mtime_ns
    with Engine.open(paths, exclusive=False) as beside:  # search, status, serve…
        beside.set_min_score(0.9)
        beside.set_read_text(False)
        assert beside.settings.min_score == 0.9  # for this run
    assert (paths.settings_path.read_bytes(), paths.settings_path.stat().st_mtime_ns) == before


def test_a_damaged_file_is_kept_aside_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"model": "ViT-L-14/my-choice", "batch_')  # torn by a crash
    owner = SettingsFile(path)
    assert owner.problem is not None and "could not be read" in owner.problem
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.damaged-")]
    assert len(aside) == 1 and "my-choice" in aside[0].read_text()
    assert owner.problem.endswith(f"It was kept as {aside[0].name}.")
    owner.change(batch_size=4)
    assert json.loads(path.read_text()) == {"batch_size": 4}
    assert "my-choice" in aside[0].read_text()  # never replaced
    read_only = tmp_path / "other" / "settings.json"
    read_only.parent.mkdir()
    read_only.write_text("[1, 2")
    assert SettingsFile(read_only, writable=False).problem is not None
    assert read_only.read_text() == "[1, 2"  # a read-only owner moves nothing
