"""Keyboard slips: which edits between a query and a name a finger makes easily.

A typo is most often a neighbouring key struck instead of the right one, or beside it
(an extra letter next to the one meant, or the same letter twice), a key missed, or
two keys struck in the wrong order (the engine counts those from the OSA distance).
A substitution by a distant key is not a slip (a spelling mistake, or no typo of this
name at all). Between two names the same number of edits away, the one reached by such
slips is the likelier meant: `Brutben` is Bruthen (h and b are neighbours), not
Brütten (t and b are not).
Neighbours come from the physical QWERTY layout, rows staggered as on a real keyboard.
"""

from __future__ import annotations

import math

from rapidfuzz.distance import Levenshtein

__all__ = ["NEIGHBOURS", "first_letter_slip", "slips", "swap_slips"]

_ROWS = (("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75))


def _neighbours(reach: float = 1.3) -> dict[str, frozenset[str]]:
    pos = {c: (r, off + i) for r, (row, off) in enumerate(_ROWS) for i, c in enumerate(row)}
    return {
        c: frozenset(
            d for d, (r2, x2) in pos.items() if d != c and math.hypot(r2 - r, x2 - x) <= reach
        )
        for c, (r, x) in pos.items()
    }


NEIGHBOURS = _neighbours()


def _near(a: str, b: str) -> bool:
    return b in NEIGHBOURS.get(a, ())


def slips(query: str, name: str) -> int:
    """How many of the edits from `name` to `query` are keyboard slips.

    Counted on a Levenshtein alignment; transposed letters, one edit in the OSA distance
    the caller ranks by and two here, the caller counts itself.
    """
    count = 0
    for op in Levenshtein.editops(query, name):
        if op.tag == "replace":
            count += _near(query[op.src_pos], name[op.dest_pos])
        elif op.tag == "delete":  # a letter the query has and the name lacks
            extra = query[op.src_pos]
            around = query[op.src_pos - 1 : op.src_pos] + query[op.src_pos + 1 : op.src_pos + 2]
            count += any(c == extra or _near(extra, c) for c in around)
        elif op.tag == "insert":  # a letter the name has and the query lacks: a key missed
            count += 1
    return count


def swap_slips(query: str, name: str) -> int:
    """Slips in reaching `query` from `name` by two keys struck in the wrong order and
    one edit more, when that is how the query was typed: the swap (a slip) and the other
    edit if it is one ("sonnewebrg" from Sonneberg: "be" swapped, w struck beside e: 2,
    where the Levenshtein alignment `slips` reads finds two distant substitutions and
    0). 0 when no swap leaves the query one edit from the name."""
    best = 0
    for i in range(len(name) - 1):
        if name[i] == name[i + 1]:
            continue
        swapped = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        if Levenshtein.distance(query, swapped, score_cutoff=1) == 1:
            best = max(best, 1 + slips(query, swapped))
    return best


def first_letter_slip(query: str, name: str) -> bool:
    """Whether the query's first letter differs from the name's by a keyboard slip: a
    neighbouring key struck instead of the first letter or just before it, the first two
    letters swapped, or the first key missed. Slips fall on any letter alike; it is
    spelling mistakes that spare the first one (the engine's first-letter penalty)."""
    if len(query) < 2 or len(name) < 2:
        return False
    q0, q1, n0, n1 = query[0], query[1], name[0], name[1]
    return (
        (q1 == n1 and _near(q0, n0))  # struck instead
        or (q1 == n0 and _near(q0, n0))  # struck before
        or (q0 == n1 and q1 == n0)  # swapped
        or (q0 == n1 and query[1:3] == name[2:4])  # missed
    )
