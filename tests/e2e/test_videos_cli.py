"""Videos from the command line and the HTTP API: a clip is one hit, at its moment, with
``media`` and ``at`` in JSON, and its thumbnail is the frame at that moment."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from photosearch.core.app.engine import Engine
from photosearch.server.app import create_app
from photosearch.synthetic import shape_scene, write_clip, write_library
from tests.e2e.test_cli import run
from tests.e2e.test_server import AUTH, TOKEN


def test_a_clip_is_one_hit_at_its_moment_in_the_cli_and_the_api(
    engine: Engine, tmp_path: Path
) -> None:
    write_library(tmp_path / "library" / "photos", 30, seed=6)
    blue, red = shape_scene("blue", "square", 1), shape_scene("red", "circle", 3)
    clip = write_clip(tmp_path / "library" / "late.mov", [(blue, 5.0), (red, 5.0)])
    engine.library.add_folder(tmp_path / "library")
    engine.update()
    clips = json.loads(run("search", "a red circle type:video", "--json").stdout)
    assert [h["path"] for h in clips] == [str(clip)] and clips[0]["media"] == "video"
    assert 5.0 <= clips[0]["at"] < 10.0 and abs(clips[0]["duration"] - 10.0) < 0.2
    found = json.loads(run("search", "a red circle", "-n", "50", "--json").stdout)
    assert [h["path"] for h in found if h["media"] == "video"] == [str(clip)]  # once
    photos = [h for h in found if h["media"] != "video"]
    assert photos and all(h["media"] == "photo" and "at" not in h for h in photos)
    text = run("search", "a red circle type:video").stdout.splitlines()
    assert len(text) == 1 and text[0].endswith(f"{clip}  at 0:0{int(clips[0]['at'])}")

    client = TestClient(create_app(engine, TOKEN))
    answer = client.get(
        "/api/search", params={"q": "a red circle type:video", "n": 5}, headers=AUTH
    ).json()
    assert [(h["path"], h["at"]) for h in answer] == [(str(clip), clips[0]["at"])]
    url = f"/api/photos/{answer[0]['id']}/thumbnail"
    moment = client.get(url, params={"at": answer[0]["at"]}, headers=AUTH)
    start = client.get(url, headers=AUTH)
    assert moment.status_code == start.status_code == 200
    assert moment.content[:2] == b"\xff\xd8" and moment.content != start.content
    assert client.get(url, params={"at": -1}, headers=AUTH).status_code == 422
