"""Plain records for places and their names. No I/O, no protobuf."""

from __future__ import annotations

from dataclasses import dataclass, field

# Feature classes of the GeoNames model (https://www.geonames.org/export/codes.html).
FEATURE_CLASSES = frozenset("AHLPRSTUV")

# Name flags, stored as one byte per name in snapshots.
PREFERRED = 1
SHORT = 2
COLLOQUIAL = 4
HISTORIC = 8
ASCII = 16  # the GeoNames `asciiname` column
CANONICAL = 32  # the place's own `name`


@dataclass(frozen=True, slots=True)
class Name:
    """One spelling of a place."""

    text: str
    language: str = ""
    flags: int = 0
    source: str = ""

    @property
    def is_preferred(self) -> bool:
        return bool(self.flags & PREFERRED)

    @property
    def is_historic(self) -> bool:
        return bool(self.flags & HISTORIC)


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry. `id` is `<source>:<id>`, e.g. `geonames:147105`."""

    id: str
    name: str
    ascii_name: str = ""
    country_code: str = ""
    admin1_code: str = ""
    admin1_name: str = ""
    feature_class: str = ""
    feature_code: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    population: int = 0
    timezone: str = ""
    admin2_code: str = ""
    names: tuple[Name, ...] = field(default=(), compare=False)


def place_id(source: str, local_id: int | str) -> str:
    return f"{source}:{local_id}"
