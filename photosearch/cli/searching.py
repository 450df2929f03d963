"""``search`` and ``similar``: photos by words, by a photo, or by a region of one."""

from __future__ import annotations

import argparse

from photosearch.cli.render import print_result
from photosearch.core.app.engine import Engine
from photosearch.core.errors import QueryError
from photosearch.core.media.images import upright_size
from photosearch.core.types import Crop


def search(engine: Engine, args: argparse.Namespace) -> int:
    print_result(engine.search(args.query, tuple(args.image), args.n, args.offset), args.json)
    return 0


def similar(engine: Engine, args: argparse.Namespace) -> int:
    crop = parse_crop(args.crop, args.image) if args.crop else None
    if args.at is not None and args.at < 0:
        raise QueryError(f"--at {args.at:g}: give the seconds into the video, 0 or more")
    print_result(engine.similar(args.image, args.text, args.n, crop, args.at), args.json)
    return 0


def parse_crop(text: str, image: str) -> Crop:
    """``x,y,w,h`` as fractions of the photo (all ≤ 1) or in its pixels, as fractions."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or min(values) < 0 or values[2] == 0 or values[3] == 0:
        raise QueryError(
            f"--crop {text}: give x,y,width,height, e.g. 0.5,0,0.5,0.5 or 40,30,200,150"
        )
    if max(values) > 1:
        width, height = upright_size(image)
        values = [values[0] / width, values[1] / height, values[2] / width, values[3] / height]
    left, top, w, h = values
    if left + w > 1 + 1e-6 or top + h > 1 + 1e-6:
        raise QueryError(f"--crop {text} reaches outside the photo.")
    return left, top, w, h
