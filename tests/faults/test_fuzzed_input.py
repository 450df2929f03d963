"""Whatever a person types or a file system holds: the query parser, the tokenizers and
the word splitters answer or say what is wrong (``QueryError``), never crash or hang;
file names of any bytes and lengths up to the file system's limit are indexed and found.
"""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from photosearch.core.app.engine import Engine
from photosearch.core.errors import QueryError
from photosearch.core.model.tokenizer import ClipTokenizer
from photosearch.core.search.query import parse
from photosearch.core.store.word_split import folder_words, name_words, query_words, split_words
from tests.conftest import write_photos

pytestmark = pytest.mark.faults

FILTER_WORDS = [
    "in:",
    "type:",
    "after:",
    "before:",
    "min:",
    "sort:",
    "text:",
    "name:",
    "camera:",
    "tag:",
    "similar:",
    "-",
    '"',
    "*",
    "OR",
    "AND",
    "NEAR",
    "(",
    ")",
]
queries = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.one_of(st.sampled_from(FILTER_WORDS), st.text(string.printable, max_size=12)),
        max_size=12,
    ).map(" ".join),
)
FAST = settings(max_examples=400, deadline=500, suppress_health_check=[HealthCheck.too_slow])
TOKENIZER = ClipTokenizer(77)


@FAST
@given(queries)
def test_the_parser_answers_or_names_the_mistake(text: str) -> None:
    try:
        query = parse(text)
    except QueryError as exc:
        assert str(exc)
    else:
        assert query is not None


@FAST
@given(st.text(max_size=2000))
def test_the_tokenizer_always_gives_a_bounded_list_of_ids(text: str) -> None:
    ids = TOKENIZER(text)
    assert 2 <= len(ids) <= 77 and all(isinstance(i, int) and i >= 0 for i in ids)


@FAST
@given(st.one_of(st.text(max_size=500), st.binary(max_size=500)))
def test_the_word_splitters_take_any_text_or_path(value: str | bytes) -> None:
    for result in (name_words(value), folder_words(b"/photos", value)):
        assert isinstance(result, str)
    if isinstance(value, str):
        assert isinstance(query_words(value), str)
        assert split_words(value) is None or isinstance(split_words(value), str)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries)
def test_any_query_against_a_real_catalog_answers_or_names_the_mistake(
    searchable: Engine, text: str
) -> None:
    """The FTS expressions and SQL filters built from a query run on the real catalog."""
    try:
        result = searchable.search(text, limit=5)
    except QueryError as exc:
        assert str(exc)
    else:
        assert len(result.hits) <= 5


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from photosearch.core.model import models
    from photosearch.core.settings import AppPaths

    home = tmp_path_factory.mktemp("home")
    paths = AppPaths(home / "data", home / "cache", home / "data" / "models", home / "logs")
    engine = Engine.open(paths)
    engine.use_model(models.DEMO_KEY)
    engine.set_device("cpu", save=False)
    folder = tmp_path_factory.mktemp("photos")
    write_photos(folder, 8)
    engine.library.add_folder(str(folder))
    engine.update()
    yield engine  # type: ignore[misc]
    engine.close()


name_bytes = st.binary(min_size=1, max_size=120).filter(
    # a name starting with "." is hidden: left out on purpose, as file managers do
    lambda b: b"/" not in b and b"\0" not in b and not b.startswith(b".")
)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(name_bytes, min_size=1, max_size=25, unique=True))
def test_file_names_of_any_bytes_are_indexed_and_found(
    plumbing_engine: Engine, tmp_path_factory: pytest.TempPathFactory, names: list[bytes]
) -> None:
    folder = tmp_path_factory.mktemp("names")
    source = write_photos(folder / "source", 1)[0].read_bytes()
    root = os.fsencode(folder / "library")
    os.mkdir(root)
    longest = b"L" * (255 - len(b".jpg")) + b".jpg"  # the longest name ext4 allows
    deep = root + b"/" + b"/".join([b"d" * 200] * 20)  # a path far past 255 bytes
    os.makedirs(deep)
    written = set()
    for name in [*(n + b".jpg" for n in names), longest]:
        path = os.path.join(root, name[:255])
        with open(path, "wb") as fh:
            fh.write(source)
        written.add(os.fsdecode(path))
    with open(os.path.join(deep, b"deep.jpg"), "wb") as fh:
        fh.write(source)
    written.add(os.fsdecode(os.path.join(deep, b"deep.jpg")))
    plumbing_engine.library.add_folder(os.fsdecode(root))
    _, index = plumbing_engine.update()
    assert index is not None and not index.errors
    found = plumbing_engine.search("", limit=len(written) + 10, everything=True)
    assert written <= {hit.path for hit in found.hits}
    plumbing_engine.library.remove_folder(os.fsdecode(root))
