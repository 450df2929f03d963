"""Relevance feedback: Rocchio (what the app does) against a logistic-regression probe.

    python benchmarks/bench_feedback.py

On the demo model's held-out photos (15 per colour–shape pair, 600), each of the 40
queries "a <colour> <shape>" is ranked, its top 10 are marked 👍 (right pair) or 👎
(wrong), and the photos are ranked again — by the app's Rocchio update (the marks as
weighted query images, ``core/search/feedback.py``), and by a probe: an L2-regularised logistic
regression fitted on the marked photos' vectors, plus the query's own score. Reported:
precision at 10 over the photos not marked (what feedback has to find), before and after.
Queries whose top 10 hold no right or no wrong photo cannot train a probe and count for
both methods as Rocchio (the app's behaviour then).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photosearch.core.model import models
from photosearch.core.search.feedback import DISLIKED_WEIGHT, LIKED_WEIGHT
from photosearch.synthetic import COLOURS, SHAPES, evaluation_set

MARKED = 10


def probe_scores(vectors: np.ndarray, liked: np.ndarray, disliked: np.ndarray) -> np.ndarray:
    """Logistic regression (gradient descent, L2) on the marked vectors; its logits."""
    x = np.concatenate([liked, disliked])
    y = np.concatenate([np.ones(len(liked)), np.zeros(len(disliked))])
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(500):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        w -= 0.5 * (x.T @ (p - y) / len(y) + 0.01 * w)
        b -= 0.5 * float(np.mean(p - y))
    return vectors @ w + b


def precision_at(order: np.ndarray, relevant: np.ndarray, skip: set[int], k: int = 10) -> float:
    kept = [i for i in order if i not in skip][:k]
    return float(np.mean(relevant[kept]))


def main() -> None:
    import torch

    from photosearch.core.model.encoder import Encoder

    encoder = Encoder(models.DEMO_KEY, models.demo_model_dir())
    samples = evaluation_set(seed=4242, per_pair=15)
    vectors = encoder.encode_images(torch.stack([encoder.preprocess(s.image) for s in samples]))
    keys = [s.key for s in samples]
    before, rocchio, probe = [], [], []
    for colour in COLOURS:
        for shape in SHAPES:
            query = encoder.encode_text(f"a {colour} {shape}")
            relevant = np.array([k == (colour, shape) for k in keys])
            order = np.argsort(-(vectors @ query))
            marked = order[:MARKED]
            skip = set(marked.tolist())
            liked, disliked = marked[relevant[marked]], marked[~relevant[marked]]
            before.append(precision_at(order, relevant, skip))
            moved = query.copy()
            if len(liked):
                moved = moved + LIKED_WEIGHT * vectors[liked].mean(0)
            if len(disliked):
                moved = moved - DISLIKED_WEIGHT * vectors[disliked].mean(0)
            after = precision_at(np.argsort(-(vectors @ moved)), relevant, skip)
            rocchio.append(after)
            if len(liked) and len(disliked):
                learned = probe_scores(vectors, vectors[liked], vectors[disliked])
                score = learned / (np.std(learned) + 1e-9) + (vectors @ query) / np.std(
                    vectors @ query
                )
                probe.append(precision_at(np.argsort(-score), relevant, skip))
            else:
                probe.append(after)
    print(f"demo model, 40 queries, top {MARKED} marked, P@10 among the unmarked photos:")
    print(f"  no feedback  {np.mean(before):.3f}")
    print(f"  Rocchio      {np.mean(rocchio):.3f}  (the app)")
    print(f"  probe        {np.mean(probe):.3f}  (logistic regression + query score)")


if __name__ == "__main__":
    main()
