"""Keyboard slips counted on real QWERTY geometry."""

from __future__ import annotations

import pytest

from normalizer.typos import NEIGHBOURS, first_letter_slip, slips, swap_slips


def test_neighbours_follow_the_staggered_rows():
    assert NEIGHBOURS["g"] == frozenset("tyfhvb")
    assert NEIGHBOURS["q"] == frozenset("wa")
    assert "b" in NEIGHBOURS["h"] and "b" not in NEIGHBOURS["t"]
    assert all(c in NEIGHBOURS[d] for c, ns in NEIGHBOURS.items() for d in ns)  # symmetric


@pytest.mark.parametrize(
    ("query", "name", "count"),
    [
        ("brutben", "bruthen", 1),  # h -> b, neighbours
        ("brutben", "brutten", 0),  # t -> b, not neighbours
        ("lieras", "liers", 1),  # an extra a beside s
        ("bogao", "bogajo", 1),  # a key missed
        ("bogaxo", "bogajo", 0),  # x for j: distant keys
        ("parris", "paris", 1),  # a doubled letter
        ("paris", "paris", 0),
        ("pzris", "paris", 1),  # a struck as z, its neighbour
    ],
)
def test_slips(query, name, count):
    assert slips(query, name) == count


@pytest.mark.parametrize(
    ("query", "name", "slip"),
    [
        ("crevent", "frevent", True),  # c struck for f, neighbours
        ("oparis", "paris", True),  # o struck before p, neighbours
        ("aprsi", "paris", True),  # the first two swapped
        ("lokweng", "tlokweng", True),  # the first key missed
        ("wodoni", "dodoni", False),  # w and d are not neighbours
        ("kansas", "cansas", False),  # a spelling, not a slip
        ("ernstein", "bernstein", True),
        ("rnstein", "bernstein", False),  # two letters gone
        ("p", "paris", False),
    ],
)
def test_first_letter_slips(query, name, slip):
    assert first_letter_slip(query, name) is slip


@pytest.mark.parametrize(
    ("query", "name", "count"),
    [
        # "be" swapped and w struck beside e: two slips, which Levenshtein's alignment
        # (w -> b, an extra b) does not see.
        ("sonnewebrg", "sonneberg", 2),
        ("sonnewebrg", "sonnenberg", 1),  # n -> w is no slip; the swap is
        ("bucciakn", "bucciano", 2),  # "an" swapped, k struck beside n
        ("paris", "paris", 0),  # no swap leaves one edit
        ("xyz", "paris", 0),
    ],
)
def test_swap_slips(query, name, count):
    assert swap_slips(query, name) == count


def test_the_levenshtein_alignment_misses_a_swap_beside_an_extra_key():
    assert slips("sonnewebrg", "sonneberg") == 0 < swap_slips("sonnewebrg", "sonneberg")
