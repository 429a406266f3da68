"""Keyboard slips counted on real QWERTY geometry."""

from __future__ import annotations

import pytest

from normalizer.typos import NEIGHBOURS, slips


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
        ("bogao", "bogajo", 0),  # a letter left out: no key says which
        ("parris", "paris", 1),  # a doubled letter
        ("paris", "paris", 0),
        ("pzris", "paris", 1),  # a struck as z, its neighbour
    ],
)
def test_slips(query, name, count):
    assert slips(query, name) == count
