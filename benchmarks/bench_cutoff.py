"""Flat against adaptive score cut-offs, on the demo model's held-out photos.

    python benchmarks/bench_cutoff.py

"Shown as a good match" is judged per colour–shape query ("a red circle") over a
generated set of 15 photos per pair (600): precision (shown photos that are right) and
recall (right photos that are shown), summed over the 40 queries. The adaptive rule's
parameters were chosen on a calibration set (seed 11) and are tested on another (4242).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photosearch.core.model import models
from photosearch.core.types import Cutoff
from photosearch.synthetic import COLOURS, SHAPES, evaluation_set, shown_quality


def main() -> None:
    import torch

    from photosearch.core.model.encoder import Encoder

    spec = models.DEMO_SPEC
    assert spec.adaptive is not None
    rules = {
        f"flat {spec.min_score}": Cutoff(spec.min_score),
        f"adaptive {spec.adaptive}": Cutoff(spec.min_score, *spec.adaptive),
    }
    encoder = Encoder(models.DEMO_KEY, models.demo_model_dir())
    texts = {(c, s): encoder.encode_text(f"a {c} {s}") for c in COLOURS for s in SHAPES}
    print("demo model, 600 held-out photos, 40 queries: precision / recall / F1")
    for seed, role in ((11, "calibration"), (4242, "test")):
        samples = evaluation_set(seed=seed, per_pair=15)
        pixels = torch.stack([encoder.preprocess(s.image) for s in samples])
        vectors = encoder.encode_images(pixels)
        for name, rule in rules.items():
            p, r, f1 = shown_quality(vectors, [s.key for s in samples], texts, rule)
            print(f"  {role:11s} {name:28s} {p:.3f} / {r:.3f} / {f1:.3f}")


if __name__ == "__main__":
    main()
