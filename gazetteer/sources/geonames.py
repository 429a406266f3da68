"""Readers for the GeoNames dump formats (https://download.geonames.org/export/dump/readme.txt).

- geoname table (`allCountries.txt`, `cities500.txt`, `XX.txt`): 19 tab-separated columns
- `alternateNamesV2.txt`: 10 columns (8 in the older `alternateNames.txt`)
- `admin1CodesASCII.txt`: code, name, ascii name, geonameid
- `countryInfo.txt`: 19 columns, `#` comment lines
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gazetteer.model import (
    ASCII,
    CANONICAL,
    COLLOQUIAL,
    FEATURE_CLASSES,
    HISTORIC,
    PREFERRED,
    SHORT,
    Name,
    Place,
)
from gazetteer.sources._io import read_lines
from gazetteer.validate import Collector, check_coordinates, parse_float, parse_int

# alternateNames pseudo-languages that are codes, not names (readme, "isolanguage").
# `wkdt` (Wikidata id) is kept as an external id; the rest are dropped.
NOT_NAMES = frozenset({"link", "post", "iata", "icao", "faac", "unlc", "abbr", "fr_1793", "tcid"})
EXTERNAL_IDS = frozenset({"wkdt"})

GEONAME_COLUMNS = 19


def read_geonames(path: str, errors: Collector) -> Iterator[tuple[int, Place]]:
    label = path.rsplit("/", 1)[-1]
    for line, text in read_lines(path, errors):
        if not text.strip():
            continue
        cols = text.split("\t")
        if len(cols) != GEONAME_COLUMNS:
            errors.add(
                label, line, f"expected {GEONAME_COLUMNS} tab-separated columns, found {len(cols)}"
            )
            continue
        try:
            gid = parse_int(cols[0], "geonameid")
            lat = parse_float(cols[4], "latitude")
            lon = parse_float(cols[5], "longitude")
            population = parse_int(cols[14], "population", default=0)
        except ValueError as exc:
            errors.add(label, line, str(exc))
            continue
        name = cols[1].strip()
        if not name:
            errors.add(label, line, "empty name")
            continue
        if (problem := check_coordinates(lat, lon)) is not None:
            errors.add(label, line, problem)
            continue
        fclass = cols[6].strip()
        if fclass and fclass not in FEATURE_CLASSES:
            errors.add(label, line, f"unknown feature class {fclass!r}")
            continue
        names = [Name(name, "", CANONICAL, "geonames")]
        ascii_name = cols[2].strip()
        if ascii_name and ascii_name != name:
            names.append(Name(ascii_name, "", ASCII, "geonames"))
        names += [Name(a.strip(), "", 0, "geonames") for a in cols[3].split(",") if a.strip()]
        yield (
            line,
            Place(
                id=f"geonames:{gid}",
                name=name,
                ascii_name=ascii_name or name,
                country_code=cols[8].strip().upper(),
                admin1_code=cols[10].strip(),
                admin2_code=cols[11].strip(),
                feature_class=fclass,
                feature_code=cols[7].strip(),
                latitude=lat,
                longitude=lon,
                population=population,
                timezone=cols[17].strip(),
                names=tuple(names),
            ),
        )


def read_alternate_names(path: str, errors: Collector) -> Iterator[tuple[int, str, Name]]:
    """Yield (line, place id, Name). Codes such as `iata` and `link` are skipped."""
    label = path.rsplit("/", 1)[-1]
    for line, text in read_lines(path, errors):
        if not text.strip():
            continue
        cols = text.split("\t")
        if len(cols) not in (8, 10):
            errors.add(label, line, f"expected 8 or 10 tab-separated columns, found {len(cols)}")
            continue
        try:
            parse_int(cols[0], "alternateNameId")
            gid = parse_int(cols[1], "geonameid")
        except ValueError as exc:
            errors.add(label, line, str(exc))
            continue
        lang = cols[2].strip()
        if lang in NOT_NAMES:
            continue
        text_name = cols[3].strip()
        if not text_name:
            errors.add(label, line, "empty name")
            continue
        if lang in EXTERNAL_IDS:
            yield line, f"geonames:{gid}", Name(text_name, lang, 0, "geonames-id")
            continue
        flags = 0
        for col, flag in ((4, PREFERRED), (5, SHORT), (6, COLLOQUIAL), (7, HISTORIC)):
            if cols[col].strip() == "1":
                flags |= flag
        yield line, f"geonames:{gid}", Name(text_name, lang, flags, "geonames")


def read_admin1(path: str, errors: Collector) -> dict[str, str]:
    """`CC.A1` code -> name."""
    label = path.rsplit("/", 1)[-1]
    out: dict[str, str] = {}
    for line, text in read_lines(path, errors):
        if not text.strip():
            continue
        cols = text.split("\t")
        if len(cols) != 4:
            errors.add(label, line, f"expected 4 tab-separated columns, found {len(cols)}")
            continue
        if "." not in cols[0] or not cols[1].strip():
            errors.add(label, line, f"bad admin1 row {cols[0]!r}")
            continue
        out[cols[0].strip()] = cols[1].strip()
    return out


@dataclass(frozen=True, slots=True)
class CountryInfo:
    iso: str
    iso3: str
    name: str
    capital: str
    population: int
    geonameid: int
    languages: str


def read_country_info(path: str, errors: Collector) -> Iterator[CountryInfo]:
    label = path.rsplit("/", 1)[-1]
    for line, text in read_lines(path, errors):
        if not text.strip() or text.startswith("#"):
            continue
        cols = text.split("\t")
        if len(cols) < 17:
            errors.add(label, line, f"expected 19 tab-separated columns, found {len(cols)}")
            continue
        iso = cols[0].strip().upper()
        if len(iso) != 2 or not iso.isalpha():
            errors.add(label, line, f"bad ISO code {cols[0]!r}")
            continue
        try:
            population = parse_int(cols[7], "population", default=0)
            gid = parse_int(cols[16], "geonameid", default=0)
        except ValueError as exc:
            errors.add(label, line, str(exc))
            continue
        yield CountryInfo(
            iso,
            cols[1].strip(),
            cols[4].strip(),
            cols[5].strip(),
            population,
            gid,
            cols[15].strip(),
        )
