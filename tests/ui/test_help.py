"""The search help names every filter the search understands (a filter added to the
search language and missing here is one nobody finds)."""

from __future__ import annotations

import re

from photosearch.core.search.query import FILTER_KEYS, parse
from photosearch.ui.help import ROWS


def test_every_filter_is_in_the_help() -> None:
    shown = " ".join(example for example, _ in ROWS)
    missing = [key for key in FILTER_KEYS if not re.search(rf"(?<!\w){key}:", shown)]
    assert not missing, f"filters missing from the help: {missing}"


def test_every_example_in_the_help_is_understood() -> None:
    for example, _ in ROWS:
        parse(example)  # a QueryError here is a help page that teaches a mistake
