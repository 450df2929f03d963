from __future__ import annotations

import time

import pytest

from photosearch.core.errors import QueryError
from photosearch.core.search.query import Term, parse


def texts(q: str) -> list[tuple[float, str | None]]:
    return [(t.weight, t.text) for t in parse(q).terms]


def test_plain_words_are_one_term() -> None:
    assert texts("dog on the beach at sunset") == [(1.0, "dog on the beach at sunset")]


def test_plus_minus_and_weights() -> None:
    assert texts("beach + 2*sunset - people") == [(1.0, "beach"), (2.0, "sunset"), (-1.0, "people")]
    assert texts("beach+sunset") == [(1.0, "beach"), (1.0, "sunset")]
    assert texts("-people") == [(-1.0, "people")]
    assert texts("0.5 * red") == [(0.5, "red")]


def test_hyphenated_words_are_not_operators() -> None:
    assert texts("red t-shirt - black-and-white") == [
        (1.0, "red t-shirt"),
        (-1.0, "black-and-white"),
    ]


def test_quotes_protect_operators() -> None:
    assert texts('"rock + roll" - crowd') == [(1.0, "rock + roll"), (-1.0, "crowd")]
    with pytest.raises(QueryError, match="quote"):
        parse('"unclosed')


def test_filters_are_extracted() -> None:
    q = parse('cat in:"My Trips" in:2021 after:2021-06 before:2022 type:jpg,png min:0.3')
    assert q.terms == (Term(1.0, text="cat"),)
    f = q.filters
    assert f.folders == ("My Trips", "2021")
    assert f.after == time.mktime((2021, 6, 1, 0, 0, 0, 0, 0, -1))
    assert f.before == time.mktime((2022, 1, 1, 0, 0, 0, 0, 0, -1))
    assert f.types == ("jpg", "jpeg", "jpe", "png")
    assert f.min_score == 0.3
    assert f.narrows


def test_unknown_colon_words_stay_text() -> None:
    assert texts("ratio 16:9 http://x") == [(1.0, "ratio 16:9 http://x")]


def test_filter_only_query_has_no_terms() -> None:
    q = parse("in:Holidays")
    assert q.terms == () and q.filters.folders == ("Holidays",)


@pytest.mark.parametrize(
    "bad", ["after:2021-13", "before:yesterday", "min:high", "in:", "2* + cat"]
)
def test_bad_input_gives_clear_error(bad: str) -> None:
    with pytest.raises(QueryError):
        parse(bad)


def test_empty_and_operator_only_queries() -> None:
    assert parse("").terms == ()
    assert parse(" + - ").terms == ()


def test_filters_can_be_read_replaced_and_removed_as_text() -> None:
    from photosearch.core.search.query import (
        filter_tokens,
        filter_values,
        with_filter,
        without_token,
    )

    text = 'beach in:"My Trips" after:2021 type:jpg'
    assert filter_values(text, "in") == ["My Trips"] and filter_values(text, "before") == []
    assert filter_tokens(text) == ['in:"My Trips"', "after:2021", "type:jpg"]
    assert with_filter(text, "after", "2019-06") == 'beach in:"My Trips" type:jpg after:2019-06'
    assert with_filter(text, "in", None) == "beach after:2021 type:jpg"
    assert with_filter("dog", "in", "Summer 2020") == 'dog in:"Summer 2020"'
    assert without_token(text, "after:2021") == 'beach in:"My Trips" type:jpg'
    assert parse(with_filter(text, "type", "png")).filters.types == ("png",)
    assert with_filter("t-shirt - red", "type", "png") == "t-shirt - red type:png"


def test_on_is_a_whole_day_month_or_year() -> None:

    def span(text: str) -> tuple[str, str]:
        filters = parse(text).filters
        assert filters.after is not None and filters.before is not None
        return (
            time.strftime("%Y-%m-%d", time.localtime(filters.after)),
            time.strftime("%Y-%m-%d", time.localtime(filters.before)),
        )

    assert span("on:2023-06-14") == ("2023-06-14", "2023-06-15")
    assert span("on:2024-02-29") == ("2024-02-29", "2024-03-01")
    assert span("on:2023-12") == ("2023-12-01", "2024-01-01")
    assert span("on:2023") == ("2023-01-01", "2024-01-01")
    with pytest.raises(QueryError, match="on:2023-06-14"):
        parse("on:")


def test_day_is_a_day_of_the_year_checked() -> None:
    assert parse("day:12-03 before:2026").filters.day == "12-03"
    assert parse("day:2-29").filters.day == "02-29"  # a day in leap years
    assert parse("day:2-29").filters.narrows
    for wrong in ("day:13-01", "day:02-30", "day:xmas"):
        with pytest.raises(QueryError, match="MM-DD"):
            parse(wrong)
