"""``eval``: a model's recall on a captioned image set, in a throwaway catalog."""

from __future__ import annotations

import argparse

from photosearch.cli.console import ProgressBar, interruptible, print_json
from photosearch.core.settings import AppPaths


def evaluate(args: argparse.Namespace, paths: AppPaths) -> int:
    """Recall@K of a model on a captioned image set, in a throwaway catalog."""
    from photosearch.core.app.evaluation import evaluate
    from photosearch.core.settings import Settings

    model = args.model or Settings.load(paths.settings_path).model
    bar = ProgressBar(not args.json)
    with interruptible() as control:
        report = evaluate(
            args.captions,
            args.images,
            paths.models_dir,
            model,
            args.precision,
            args.index,
            args.device or "auto",
            bar,
            control,
        )
    bar.close()
    if args.json:
        print_json(report.as_dict())
        return 0
    print(f"{report.model} · {report.precision} · {report.index} index")
    print(f"{report.images} images, {report.captions} captions, {report.images_per_s:.1f} images/s")
    for title, result in (
        ("text → image", report.text_to_image),
        ("image → text", report.image_to_text),
    ):
        print(
            f"{title}: R@1 {result.r1:.1f}  R@5 {result.r5:.1f}  R@10 {result.r10:.1f}"
            f"  median rank {result.median_rank:g}"
        )
    return 0
