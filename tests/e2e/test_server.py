"""``photosearch serve``: the local HTTP API answers as the CLI does, and only with the
token; the token file is the user's alone."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from photosearch.core.engine import Engine
from photosearch.server.app import create_app
from photosearch.server.token import TOKEN_ENV, api_token
from photosearch.synthetic import write_library
from tests.e2e.test_cli import run


@pytest.fixture
def library(engine: Engine, tmp_path: Path) -> Engine:
    write_library(tmp_path / "shapes", 60, seed=8)
    engine.add_folder(tmp_path / "shapes")
    engine.update()
    return engine


def test_requests_need_the_token_and_get_what_the_cli_prints(library: Engine) -> None:
    client = TestClient(create_app(library, "s3cret"))
    assert client.get("/search", params={"q": "a red circle"}).status_code == 401
    wrong = client.get("/search", params={"q": "x"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "s3cret" not in wrong.text
    auth = {"Authorization": "Bearer s3cret"}
    answer = client.get("/search", params={"q": "a red circle", "n": 5}, headers=auth)
    assert answer.status_code == 200
    cli = json.loads(run("search", "a red circle", "-n", "5", "--json").stdout)
    # the same fields and photos; scores agree to rounding (this process encodes the words
    # with the loaded model, the command with the text tower)
    assert [{**h, "score": None} for h in answer.json()] == [{**h, "score": None} for h in cli]
    assert all(abs(a["score"] - b["score"]) < 1e-3 for a, b in zip(answer.json(), cli, strict=True))
    first = answer.json()[0]["path"]
    like = client.get("/similar", params={"path": first, "n": 3}, headers=auth).json()
    assert len(like) == 3 and first not in [h["path"] for h in like]
    bad = client.get("/search", params={"q": 'a "broken'}, headers=auth)
    assert bad.status_code == 400 and "quote" in bad.json()["detail"]
    assert client.get("/status", headers=auth).json()["photos"] == 60
    assert client.get("/openapi.json").status_code == 200  # the API's own description


def test_the_token_is_made_once_for_the_user_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    token = api_token(tmp_path / "data")
    assert len(token) >= 32 and api_token(tmp_path / "data") == token
    mode = stat.S_IMODE(os.stat(tmp_path / "data" / "api-token").st_mode)
    assert mode == 0o600
    monkeypatch.setenv(TOKEN_ENV, "from-the-environment")
    assert api_token(tmp_path / "data") == "from-the-environment"


def test_serve_listens_on_this_computer_only(library: Engine) -> None:
    token = run("serve", "--show-token").stdout.strip()
    port = 18765 + os.getpid() % 1000
    proc = subprocess.Popen(
        [sys.executable, "-m", "photosearch", "serve", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/status"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    assert json.loads(answer.read())["photos"] == 60
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.5)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)
        assert refused.value.code == 401
    finally:
        proc.terminate()
        proc.wait(30)
