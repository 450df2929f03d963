"""``serve``: the local HTTP API for other programs, closed to everyone else."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from photosearch.core.app.engine import Engine
from photosearch.core.errors import PhotoSearchError


def serve(engine: Engine, args: argparse.Namespace) -> int:
    """The local HTTP API, until Ctrl+C."""
    from photosearch.server.token import api_token

    token = api_token(engine.paths.data_dir)
    if args.show_token:
        print(token)
        return 0
    try:
        import uvicorn

        from photosearch.server.app import create_app
    except ImportError:
        advice = (
            "this copy of PhotoSearch was built without it"  # a download: no pip to run
            if getattr(sys, "frozen", False)
            else "install the server extra: pip install 'photosearch[server]'"
        )
        print(f"photosearch: the HTTP API is not available: {advice}.", file=sys.stderr)
        return 1
    tls = bool(args.certfile and args.keyfile)
    if bool(args.certfile) != bool(args.keyfile):
        raise PhotoSearchError("--certfile and --keyfile go together: give both.")
    if not loopback(args.host) and not tls:
        raise PhotoSearchError(
            f"Listening on {args.host} would send the token across the network in clear "
            "text. Give a certificate and its key (--certfile, --keyfile) to serve HTTPS, "
            "or leave --host out to answer this computer only."
        )
    scheme = "https" if tls else "http"
    print(f"PhotoSearch API on {scheme}://{args.host}:{args.port} (docs: /docs)", file=sys.stderr)
    uvicorn.run(
        create_app(engine, token),
        host=args.host,
        port=args.port,
        log_level="warning",
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
    )
    return 0


def loopback(host: str) -> bool:
    """Whether ``host`` names this computer only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
