"""The HTTP API's routes over the engine facade (FastAPI; its OpenAPI page at ``/docs``).

Photos are named by their catalog id, never by a path from the request: nothing outside
the catalog can be read or probed through the API.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import os
import secrets
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, status
from fastapi.responses import FileResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from photosearch import __version__
from photosearch.core import jsontext
from photosearch.core.app.engine import Engine
from photosearch.core.errors import ImageError, PhotoSearchError
from photosearch.core.media.images import thumbnail
from photosearch.core.types import Hit, Photo
from photosearch.server.token import checked

MAX_UPLOAD_BYTES = 32 * 2**20
"""The largest image accepted as a query (a camera's JPEG is well below)."""
THUMBNAIL_PIXELS = 256


def create_app(engine: Engine, token: str) -> FastAPI:
    checked(token, "The API token")  # an empty one would let every request in
    app = FastAPI(title="PhotoSearch", version=__version__)
    folders = _LibraryFolders(engine)
    bearer = HTTPBearer(auto_error=False)

    def authorised(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        given = credentials.credentials if credentials is not None else ""
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED)

    def photo(photo_id: int) -> Photo:
        found = engine.library.photo(photo_id)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"No photo has the id {photo_id}.")
        return found

    def answered(run: object) -> list[dict[str, object]]:
        try:
            result = run()  # type: ignore[operator]
        except PhotoSearchError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
        return [jsontext.hit_dict(h) for h in result.hits]

    api = APIRouter(prefix="/api", dependencies=[Depends(authorised)])

    @api.get("/search")
    def search(
        q: Annotated[str, Query(description="words and filters, as typed in the app")],
        n: Annotated[int, Query(ge=1, le=1000)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, object]]:
        """Photos matching ``q``, best first (filters alone list photos, newest first)."""
        return answered(lambda: engine.search(q, limit=n, offset=offset))

    @api.get("/similar/{photo_id}")
    def similar_to(
        photo_id: int, n: Annotated[int, Query(ge=1, le=1000)] = 20
    ) -> list[dict[str, object]]:
        """Photos like the catalogued photo ``photo_id``."""
        return answered(lambda: engine.similar(photo(photo_id).path, limit=n))

    @api.post("/similar")
    async def similar_upload(
        request: Request, n: Annotated[int, Query(ge=1, le=1000)] = 20
    ) -> list[dict[str, object]]:
        """Photos like the image sent as the request's body (at most 32 MB)."""
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_UPLOAD_BYTES:
                raise HTTPException(
                    413,  # content too large (the constant was renamed between versions)
                    f"Images up to {MAX_UPLOAD_BYTES >> 20} MB are accepted.",
                )
        if not body:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "Send an image as the body.")
        # decoding and encoding take a while: in the thread pool, so that other requests
        # are answered meanwhile (never in the event loop)
        return await run_in_threadpool(_similar_to_bytes, engine, bytes(body), n, answered)

    @api.get("/photos/{photo_id}")
    def photo_info(photo_id: int) -> dict[str, object]:
        """What the catalog knows of a photo."""
        return jsontext.hit_dict(Hit(photo(photo_id), None))

    @api.get("/photos/{photo_id}/thumbnail")
    def photo_thumbnail(
        photo_id: int,
        at: Annotated[float | None, Query(ge=0, le=1e7, description="seconds into a clip")] = None,
    ) -> FileResponse:
        """A JPEG thumbnail (256 px on the longest side); of a video, its frame at ``at``
        seconds (a hit's ``at``), else its first."""
        try:
            path = folders.served(photo(photo_id).path)
            made = thumbnail(path, THUMBNAIL_PIXELS, engine.paths.thumbnails_dir, at)
        except (ImageError, OSError) as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No thumbnail: " + str(exc)) from None
        return FileResponse(made, media_type="image/jpeg")

    @api.get("/photos/{photo_id}/file")
    def photo_file(photo_id: int) -> FileResponse:
        """The photo itself."""
        try:
            return FileResponse(folders.served(photo(photo_id).path))
        except OSError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None

    @api.get("/places")
    def places() -> dict[str, object]:
        """The towns the photos were taken in (GPS), with their region, country and count."""
        return jsontext.places_dict(engine.library.places())

    @api.get("/people")
    def people(n: Annotated[int, Query(ge=1, le=10_000)] = 100) -> dict[str, object]:
        """The people found in the photos, most photos first, with up to ``n`` of their
        photos each (search ``person:#ID`` for the rest)."""
        listed = engine.people.listed()
        return jsontext.people_dict(listed, lambda p: engine.photos_of(p, n))

    @api.get("/status")
    def library_status() -> dict[str, object]:
        """What is catalogued and indexed, and which model answers."""
        return engine.status().as_dict()

    app.include_router(api)
    return app


def _similar_to_bytes(
    engine: Engine, body: bytes, n: int, answered: Callable[[object], list[dict[str, object]]]
) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="photosearch-upload-") as folder:
        query = Path(folder) / "query"
        query.write_bytes(body)
        return answered(lambda: engine.similar(str(query), limit=n))


class _LibraryFolders:
    """What the API may send: a regular file whose real path lies inside one of the
    library's folders now. A catalogued path swapped for a link after indexing, or a
    folder that is no longer the user's, serves nothing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def served(self, path: str) -> str:
        real = os.path.realpath(path)
        roots = (os.path.realpath(f.path) for f in self.engine.library.folders() if f.enabled)
        if not any(real.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
            raise OSError("The photo is not in your folders now.")
        try:
            regular = stat.S_ISREG(os.stat(real).st_mode)
        except OSError:
            regular = False
        if not regular:
            raise OSError("The file is not there (offline?).")
        return real
