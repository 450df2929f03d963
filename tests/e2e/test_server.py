"""``photosearch serve``: the local HTTP API answers as the CLI does, only with the token,
names photos by id only, and survives hostile uploads."""

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

from photosearch.core.app.engine import Engine
from photosearch.server.app import MAX_UPLOAD_BYTES, create_app
from photosearch.server.token import TOKEN_ENV, TokenError, api_token
from photosearch.synthetic import write_library
from tests.e2e.test_cli import run
from tests.photos import huge_png_header

TOKEN = "s3cret-" + "x" * 40
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def library(engine: Engine, tmp_path: Path) -> Engine:
    write_library(tmp_path / "shapes", 60, seed=8)
    engine.library.add_folder(tmp_path / "shapes")
    engine.update()
    return engine


def test_requests_need_the_token_and_get_what_the_cli_prints(library: Engine) -> None:
    client = TestClient(create_app(library, TOKEN))
    assert client.get("/api/search", params={"q": "a red circle"}).status_code == 401
    wrong = client.get("/api/status", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and TOKEN not in wrong.text
    answer = client.get("/api/search", params={"q": "a red circle", "n": 5}, headers=AUTH)
    assert answer.status_code == 200
    cli = json.loads(run("search", "a red circle", "-n", "5", "--json").stdout)
    # the same fields and photos; scores agree to rounding (this process encodes the words
    # with the loaded model, the command with the text tower)
    assert [{**h, "score": None} for h in answer.json()] == [{**h, "score": None} for h in cli]
    assert all(abs(a["score"] - b["score"]) < 1e-3 for a, b in zip(answer.json(), cli, strict=True))
    bad = client.get("/api/search", params={"q": 'a "broken'}, headers=AUTH)
    assert bad.status_code == 400 and "quote" in bad.json()["detail"]
    assert client.get("/api/status", headers=AUTH).json()["photos"] == 60
    assert "/api/search" in client.get("/openapi.json").json()["paths"]


def test_photos_are_named_by_id_only(library: Engine, tmp_path: Path) -> None:
    client = TestClient(create_app(library, TOKEN))
    first = client.get("/api/search", params={"q": "a red circle", "n": 1}, headers=AUTH).json()[0]
    info = client.get(f"/api/photos/{first['id']}", headers=AUTH).json()
    assert info["path"] == first["path"] and info["score"] is None
    like = client.get(f"/api/similar/{first['id']}", params={"n": 3}, headers=AUTH).json()
    assert len(like) == 3 and first["path"] not in [h["path"] for h in like]
    thumb = client.get(f"/api/photos/{first['id']}/thumbnail", headers=AUTH)
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8"
    file = client.get(f"/api/photos/{first['id']}/file", headers=AUTH)
    assert file.content == Path(first["path"]).read_bytes()
    for missing in ("/api/photos/999999", "/api/photos/999999/file", "/api/similar/999999"):
        assert client.get(missing, headers=AUTH).status_code == 404
    assert client.get("/api/photos/..%2F..%2Fetc%2Fpasswd/file", headers=AUTH).status_code in (
        404,
        422,
    )


def test_uploads_search_by_image_and_hostile_ones_are_refused(
    library: Engine, tmp_path: Path
) -> None:
    client = TestClient(create_app(library, TOKEN))
    first = client.get("/api/search", params={"q": "a red circle", "n": 1}, headers=AUTH).json()[0]
    body = Path(first["path"]).read_bytes()
    like = client.post("/api/similar", params={"n": 3}, content=body, headers=AUTH)
    assert like.status_code == 200 and like.json()[0]["path"] == first["path"]
    bomb = tmp_path / "bomb.png"
    huge_png_header(bomb)
    for hostile in (bomb.read_bytes(), body[: len(body) // 3], b"not an image at all"):
        refused = client.post("/api/similar", content=hostile, headers=AUTH)
        assert refused.status_code == 400, refused.text
    too_big = client.post("/api/similar", content=b"\0" * (MAX_UPLOAD_BYTES + 1), headers=AUTH)
    assert too_big.status_code == 413
    assert client.get("/api/status", headers=AUTH).status_code == 200  # still answering


def test_the_token_is_made_once_for_the_user_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    token = api_token(tmp_path / "data")
    assert len(token) >= 32 and api_token(tmp_path / "data") == token
    mode = stat.S_IMODE(os.stat(tmp_path / "data" / "api-token").st_mode)
    assert mode == 0o600
    monkeypatch.setenv(TOKEN_ENV, "from-the-environment-" + "z" * 20)
    assert api_token(tmp_path / "data") == "from-the-environment-" + "z" * 20


def test_an_empty_or_short_token_never_opens_the_door(
    library: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    data = tmp_path / "data"
    data.mkdir()
    (data / "api-token").write_text("")  # a crash between creating and writing it
    made = api_token(data)
    assert len(made) >= 32 and (data / "api-token").read_text().strip() == made
    assert stat.S_IMODE(os.stat(data / "api-token").st_mode) == 0o600
    (data / "api-token").write_text("short\n")
    with pytest.raises(TokenError, match="too short"):
        api_token(data)
    for given in ("", "x" * 31):
        monkeypatch.setenv(TOKEN_ENV, given)
        with pytest.raises(TokenError, match=TOKEN_ENV):
            api_token(data)
    with pytest.raises(TokenError):
        create_app(library, "")
    monkeypatch.setenv(TOKEN_ENV, "")
    refused = run("serve", check=False)
    assert refused.returncode == 1 and "too short" in refused.stderr


def test_only_files_inside_the_library_are_served(library: Engine, tmp_path: Path) -> None:
    client = TestClient(create_app(library, TOKEN))
    first = client.get("/api/search", params={"q": "a red circle", "n": 1}, headers=AUTH).json()[0]
    secret = tmp_path / "secret.txt"
    secret.write_text("not a photo of the library")
    photo = Path(first["path"])
    photo.unlink()
    photo.symlink_to(secret)  # swapped for a link after indexing
    for route in ("file", "thumbnail"):
        answer = client.get(f"/api/photos/{first['id']}/{route}", headers=AUTH)
        assert answer.status_code == 404 and "not a photo" not in answer.text


def test_an_upload_search_never_holds_up_other_requests(library: Engine) -> None:
    """The image is encoded in the thread pool: /api/status answers meanwhile."""
    import asyncio
    import threading

    import httpx

    release = threading.Event()
    started = threading.Event()
    similar = library.similar

    def slow_similar(*args: object, **kwargs: object) -> object:
        started.set()
        release.wait(20)
        return similar(*args, **kwargs)  # type: ignore[arg-type]

    library.similar = slow_similar  # type: ignore[method-assign]
    first = library.search("a red circle", limit=1).hits[0].photo.path
    body = Path(first).read_bytes()

    async def both() -> tuple[int, bool, int]:
        transport = httpx.ASGITransport(app=create_app(library, TOKEN))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            upload = asyncio.create_task(client.post("/api/similar", content=body, headers=AUTH))
            while not started.is_set():
                await asyncio.sleep(0.01)
            status = await asyncio.wait_for(client.get("/api/status", headers=AUTH), 10)
            still_running = not upload.done()
            release.set()
            return status.status_code, still_running, (await upload).status_code

    try:
        assert asyncio.run(both()) == (200, True, 200)
    finally:
        release.set()


def test_serve_elsewhere_needs_a_certificate(library: Engine) -> None:
    refused = run("serve", "--host", "0.0.0.0", check=False)
    assert refused.returncode == 1 and "--certfile" in refused.stderr
    assert "clear text" in refused.stderr
    half = run("serve", "--host", "0.0.0.0", "--certfile", "cert.pem", check=False)
    assert half.returncode == 1 and "give both" in half.stderr


def test_serve_listens_on_this_computer_only(library: Engine) -> None:
    token = run("serve", "--show-token").stdout.strip()
    port = 18765 + os.getpid() % 1000
    proc = subprocess.Popen(
        [sys.executable, "-m", "photosearch", "serve", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/status"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    assert json.loads(answer.read())["photos"] == 60
                break
            except urllib.error.HTTPError:
                raise
            except urllib.error.URLError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.5)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)
        assert refused.value.code == 401
    finally:
        proc.terminate()
        proc.wait(30)


def test_requests_are_answered_while_another_process_indexes(tmp_path: Path) -> None:
    import threading

    write_library(tmp_path / "shapes", 40, seed=8)
    run("models", "use", "demo:tiny-shapes")
    run("index", str(tmp_path / "shapes"), "-q")
    token = run("serve", "--show-token").stdout.strip()
    port = 19765 + os.getpid() % 1000
    server = subprocess.Popen([sys.executable, "-m", "photosearch", "serve", "--port", str(port)])
    statuses: list[int] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/search?q=a+red+circle&n=10",
                headers={"Authorization": f"Bearer {token}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
            except urllib.error.URLError:
                time.sleep(0.2)  # still starting

    try:
        askers = [threading.Thread(target=ask) for _ in range(4)]
        for thread in askers:
            thread.start()
        write_library(tmp_path / "more", 120, seed=44)
        indexed = run("index", str(tmp_path / "more"), "-q")
        assert indexed.returncode == 0
        time.sleep(1.0)
        stop.set()
        for thread in askers:
            thread.join(60)
    finally:
        server.terminate()
        server.wait(30)
    assert len(statuses) >= 10 and set(statuses) == {200}, statuses[:20]
