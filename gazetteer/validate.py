"""All-or-nothing validation: a source with any bad row is rejected whole.

Errors read `file:line: what is wrong`, the form editors and CI logs link to.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

MAX_REPORTED = 50


class SourceError(Exception):
    """A source was rejected. `errors` holds the first few `file:line: ...` lines."""

    def __init__(self, errors: list[str], total: int | None = None) -> None:
        self.errors = list(errors)
        self.total = total if total is not None else len(self.errors)
        more = (
            f" (and {self.total - len(self.errors)} more)" if self.total > len(self.errors) else ""
        )
        first = self.errors[0] if self.errors else "source rejected"
        super().__init__(f"{first}{more}")


class Collector:
    """Collects row errors; keeps the first MAX_REPORTED, counts them all."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.count = 0

    def add(self, file: str, line: int | None, message: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_REPORTED:
            where = f"{file}:{line}" if line is not None else file
            self.errors.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.count:
            raise SourceError(self.errors, self.count)

    def __bool__(self) -> bool:
        return self.count > 0


def check_coordinates(lat: float, lon: float) -> str | None:
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        return f"latitude {lat} out of range -90..90"
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        return f"longitude {lon} out of range -180..180"
    return None


def parse_float(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None
    return value


def parse_int(text: str, what: str, *, default: int | None = None) -> int:
    text = text.strip()
    if not text and default is not None:
        return default
    if not text.lstrip("-").isdigit():
        raise ValueError(f"{what} {text!r} is not an integer")
    return int(text)


def known_country_codes(extra: Iterable[str] = ()) -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes GeoNames uses (incl. XK Kosovo), plus any given."""
    from gazetteer.default import country_table

    return frozenset(country_table()) | frozenset(extra)
