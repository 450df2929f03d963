"""The HTTP API's routes over the engine facade (FastAPI; its OpenAPI page at ``/docs``)."""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import secrets
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from photosearch import __version__
from photosearch.core import jsontext
from photosearch.core.engine import Engine
from photosearch.core.errors import PhotoSearchError


def create_app(engine: Engine, token: str) -> FastAPI:
    app = FastAPI(title="PhotoSearch", version=__version__)
    bearer = HTTPBearer(auto_error=False)

    def authorised(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        given = credentials.credentials if credentials is not None else ""
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED)

    guarded = [Depends(authorised)]

    @app.get("/search", dependencies=guarded)
    def search(
        q: Annotated[str, Query(description="words and filters, as typed in the app")],
        n: Annotated[int, Query(ge=1, le=1000)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, object]]:
        """Photos matching ``q``, best first (filters alone list photos, newest first)."""
        try:
            return [jsontext.hit_dict(h) for h in engine.search(q, limit=n, offset=offset).hits]
        except PhotoSearchError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None

    @app.get("/similar", dependencies=guarded)
    def similar(
        path: Annotated[str, Query(description="a photo file on this computer")],
        n: Annotated[int, Query(ge=1, le=1000)] = 20,
    ) -> list[dict[str, object]]:
        """Photos like the one at ``path`` (indexed or not)."""
        try:
            return [jsontext.hit_dict(h) for h in engine.similar(path, limit=n).hits]
        except PhotoSearchError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None

    @app.get("/status", dependencies=guarded)
    def library_status() -> dict[str, object]:
        """What is catalogued and indexed, and which model answers."""
        return engine.status()

    return app
