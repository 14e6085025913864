import datetime as dt

import pytest

from allegiance.exc import DateError
from allegiance.model import PartialDate
from allegiance.model.partial_date import DAY, MONTH, YEAR, decode_bound, encode_bound


@pytest.mark.parametrize(("text", "precision", "earliest", "latest"), [
    ("2020", YEAR, dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
    ("2020-05", MONTH, dt.date(2020, 5, 1), dt.date(2020, 5, 31)),
    ("2020-02", MONTH, dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
    ("2020-05-18", DAY, dt.date(2020, 5, 18), dt.date(2020, 5, 18)),
])
def test_a_partial_date_is_a_span_of_days(text, precision, earliest, latest):
    date = PartialDate.parse(text)
    assert (date.precision, date.earliest, date.latest, str(date)) == (precision, earliest, latest, text)


def test_years_dates_and_ints_are_accepted():
    assert str(PartialDate.parse(2020)) == "2020"
    assert str(PartialDate.parse(dt.date(2020, 5, 18))) == "2020-05-18"


@pytest.mark.parametrize(("value", "message"), [
    ("20", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '20'"),
    ("2020/05", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2020/05'"),
    ("2020-5", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2020-5'"),
    ("2020-00", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2020-00': month 0 does not exist"),
    ("2019-02-29", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2019-02-29': day 29 does not exist"),
    ("0000", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '0000': there is no year 0"),
    (True, "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got True"),
    (dt.datetime(2020, 1, 1, 5), "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got a date and time '2020-01-01T05:00:00'"),
])
def test_anything_else_is_an_error(value, message):
    with pytest.raises(DateError) as info:
        PartialDate.parse(value)
    assert str(info.value) == message


@pytest.mark.parametrize("text", ["2020", "2020-05", "2020-05-18", "1999-12"])
def test_bounds_decode_to_the_partial_date_they_came_from(text):
    date = PartialDate.parse(text)
    assert decode_bound(encode_bound(date.lo, date.precision)) == text
    assert decode_bound(encode_bound(date.hi, date.precision)) == text


def test_sentinels_decode_to_none():
    from allegiance.model.partial_date import OPEN_END, UNKNOWN_START

    assert decode_bound(encode_bound(UNKNOWN_START, 0)) is None
    assert decode_bound(encode_bound(OPEN_END, 0)) is None
    assert decode_bound(None) is None


def test_date_steps_cover_the_span_at_each_precision():
    from allegiance.model.partial_date import date_steps

    assert date_steps("2019", "2019-06", "quarter") == ["2019-01", "2019-04"]
    assert date_steps("2019-05", "2019-12", "quarter") == ["2019-04", "2019-07", "2019-10"]  # the quarter it is in
    assert date_steps("2019-11", "2020-02", "month") == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert date_steps("2018-05-03", "2020", "year") == ["2018", "2019", "2020"]
    assert date_steps("2020-02-27", "2020-03-01", "day") == ["2020-02-27", "2020-02-28", "2020-02-29", "2020-03-01"]
    with pytest.raises(DateError, match="comes after"):
        date_steps("2021", "2020", "year")
    with pytest.raises(DateError, match="expected a step of day, month, quarter, year, got 'week'"):
        date_steps("2020", "2021", "week")
