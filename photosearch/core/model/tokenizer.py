"""CLIP's byte-pair tokenizer without torch, so a text search need not import it.

The same rules as open_clip's ``SimpleTokenizer`` with its default ("lower") cleaning,
whose module imports torch; it reads the vocabulary file that open_clip ships, and the
tests hold its output to open_clip's, token for token.
"""

from __future__ import annotations

import gzip
import html
import importlib.util
import itertools
from functools import cache
from pathlib import Path

import ftfy
import regex

MERGES = 49152 - 256 - 2
"""How many merge rules CLIP's vocabulary uses (the file holds a header line first)."""
START, END = "<start_of_text>", "<end_of_text>"


def vocabulary_file() -> Path:
    """open_clip's BPE vocabulary, found without importing open_clip (that imports torch)."""
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("open_clip is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "bpe_simple_vocab_16e6.txt.gz"


@cache
def _byte_symbols() -> dict[int, str]:
    """Each byte as a printable character: BPE works on strings without whitespace."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += range(ord("®"), ord("ÿ") + 1)
    symbols = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in symbols:
            symbols[b] = chr(256 + extra)
            extra += 1
    return symbols


class ClipTokenizer:
    """Text to CLIP token ids: clean, split into words, merge byte pairs by rank."""

    def __init__(self, context_length: int = 77, vocabulary: Path | None = None) -> None:
        with gzip.open(vocabulary or vocabulary_file()) as fh:
            lines = fh.read().decode("utf-8").split("\n")
        merges = [tuple(line.split()) for line in lines[1 : MERGES + 1]]
        symbols = list(_byte_symbols().values())
        vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
        vocab += [START, END]
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        self.start_id, self.end_id = self.ids[START], self.ids[END]
        self.context_length = context_length
        self._words: dict[str, list[int]] = {}
        self._pattern = regex.compile(
            rf"{START}|{END}|'s|'t|'re|'ve|'m|'ll|'d|[\p{{L}}]+|[\p{{N}}]|[^\s\p{{L}}\p{{N}}]+",
            regex.IGNORECASE,
        )

    def __call__(self, text: str) -> list[int]:
        """The ids of one text: start, words, end; cut to the context length, end kept."""
        cleaned = " ".join(html.unescape(html.unescape(ftfy.fix_text(text))).split()).lower()
        ids = [self.start_id]
        for word in self._pattern.findall(cleaned):
            ids += self._word_ids(word)
        ids.append(self.end_id)
        if len(ids) > self.context_length:
            ids = ids[: self.context_length]
            ids[-1] = self.end_id
        return ids

    def _word_ids(self, word: str) -> list[int]:
        if word not in self._words:
            if word in (START, END):
                self._words[word] = [self.ids[word]]
            else:
                symbols = "".join(_byte_symbols()[b] for b in word.encode("utf-8"))
                self._words[word] = [self.ids[t] for t in self._merge(symbols)]
        return self._words[word]

    def _merge(self, symbols: str) -> list[str]:
        """Apply the lowest-ranked merge rule until none applies."""
        parts = [*symbols[:-1], symbols[-1] + "</w>"]
        while len(parts) > 1:
            pairs = set(itertools.pairwise(parts))
            best = min(pairs, key=lambda pair: self.ranks.get(pair, len(self.ranks)))
            if best not in self.ranks:
                break
            merged: list[str] = []
            i = 0
            while i < len(parts):
                if i < len(parts) - 1 and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        return parts
