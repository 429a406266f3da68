"""The golden queries of tests/fixtures/golden.tsv against the default gazetteer."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "fixtures" / "golden.tsv"


def _golden() -> list:
    cases = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            expected, query = line.split("\t")
            cases.append(pytest.param(expected, query, id=query))
    return cases


@pytest.mark.parametrize(("expected", "query"), _golden())
def test_golden_query(engine, expected, query):
    ids = [c.place.id for c in engine.normalize(query, limit=5).candidates]
    if expected.startswith("~"):
        assert expected[1:] in ids
    else:
        assert ids[:1] == [expected]


def test_golden_file_is_well_formed():
    cases = _golden()
    assert len(cases) >= 200
    assert len({c.values for c in cases}) == len(cases)  # no line twice
