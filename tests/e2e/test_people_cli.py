"""People from the command line and the HTTP API: ``photosearch people`` lists, names,
merges and forgets; search hits say who is in them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from photosearch.core.app.engine import Engine
from photosearch.server.app import create_app
from tests.e2e.test_cli import run
from tests.e2e.test_server import AUTH, TOKEN
from tests.people import BIDEN, OBAMA, write_people


@pytest.fixture
def engine(engine: Engine) -> Engine:
    """Faces are what these tests are about: the pass the shared fixture leaves out is on."""
    engine.set_find_faces(True)
    return engine


def test_people_in_the_cli_and_the_api(engine: Engine, tmp_path: Path) -> None:
    obama = write_people(tmp_path / "lib", OBAMA[:2])
    biden = write_people(tmp_path / "lib", BIDEN)
    engine.library.add_folder(tmp_path / "lib")
    engine.close()
    run("index")
    listed = json.loads(run("people", "--json").stdout)["people"]
    assert [p["name"] for p in listed] == [None, None]
    big, small = listed
    assert {Path(p["path"]).name for p in small["photos"]} == {p.name for p in biden}
    assert {Path(p["path"]).name for p in big["photos"]} <= {p.name for p in obama}
    assert big["faces"] >= 8 and len(big["photos"]) == big["faces"]
    assert run("people", "name", str(small["id"]), "Joe", "Biden").stdout.split()[-2:] == [
        "Joe",
        "Biden",
    ]
    hits = json.loads(run("search", "Joe Biden", "--json").stdout)
    assert {Path(h["path"]).name for h in hits} == {p.name for p in biden}
    assert all(h["people"] == [{"id": small["id"], "name": "Joe Biden"}] for h in hits)
    faces = json.loads(run("status", "--json").stdout)["faces"]
    assert faces["on"] and faces["people"] == 2 and faces["looked"] == faces["of"]
    assert faces["found"] >= big["faces"] + small["faces"]
    assert "People:   2 (" in run("status").stdout
    text = run("people").stdout.splitlines()
    assert len(text) == 2 and text[1].endswith("5 photos  Joe Biden")
    run("people", "merge", str(big["id"]), str(small["id"]))
    assert len(json.loads(run("people", "--json").stdout)["people"]) == 1
    run("people", "unmerge", str(small["id"]))
    assert len(json.loads(run("people", "--json").stdout)["people"]) == 2
    bad = run("people", "merge", str(big["id"]), "9999", check=False)
    assert bad.returncode == 1 and "nobody with the number 9999" in bad.stderr
    asked = run("people", "forget", check=False)  # no terminal: asks for --yes
    assert asked.returncode == 1 and "--yes" in asked.stderr

    reopened = Engine.open(exclusive=False)
    try:
        client = TestClient(create_app(reopened, TOKEN))
        api = client.get("/api/people", params={"n": 2}, headers=AUTH).json()["people"]
        assert [p["id"] for p in api] == [big["id"], small["id"]]
        assert len(api[0]["photos"]) == 2 and api[1]["name"] == "Joe Biden"
        assert client.get("/api/people").status_code == 401
        found = client.get("/api/search", params={"q": "person:Joe Biden"}, headers=AUTH)
        assert found.status_code == 200
    finally:
        reopened.close()

    run("people", "forget", "--yes")
    assert json.loads(run("people", "--json").stdout) == {"people": []}
    status = json.loads(run("status", "--json").stdout)
    assert status["photos"] == len(obama) + len(biden)
    assert status["faces"] == {
        "on": False,
        "looked": 0,
        "of": status["photos"],
        "found": 0,
        "people": 0,
    }
