"""A statement's content id made row by row (``statement_id``) and for Arrow columns at once
(``statement_ids``, the columnar load's) are the same for every statement."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from allegiance.model import PartialDate, Statement
from allegiance.model.entities import statement_id, statement_ids

texts = st.one_of(st.none(), st.just(""), st.text(max_size=6))
rows = st.tuples(st.text(min_size=1, max_size=6), st.text(min_size=1, max_size=6), st.text(min_size=1, max_size=6),
                 *[texts] * 7, st.booleans(), texts)


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.lists(rows, min_size=1, max_size=8))
def test_ids_made_for_columns_are_the_ids_made_row_by_row(given_rows):
    import pyarrow as pa

    columns = list(zip(*given_rows, strict=True))
    texts = [pa.array(column, pa.string()) for column in columns[:10]]
    ids = statement_ids(texts, pa.array(columns[10], pa.bool_()), pa.array(columns[11], pa.string()))
    assert ids == [statement_id(*row) for row in given_rows]


def test_a_statement_and_its_columns_have_one_id():
    import pyarrow as pa

    s = Statement(subject="tr", relation="supports", object="gna", kind="troops", start=PartialDate.parse("2020-01"),
                  source="s1", quote="Turkey has sent troops", negated=False, record="row-7")
    parts = ["tr", "supports", "gna", "troops", "2020-01", None, None, "s1", "Turkey has sent troops", None]
    ids = statement_ids([pa.array([p], pa.string()) for p in parts], pa.array([False]), pa.array(["row-7"]))
    assert ids == [s.id]
