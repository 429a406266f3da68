"""CSV and JSONL sources in placenorm's own simple schema (documented in README.md).

Columns / keys: id, name, latitude, longitude (required); country_code, feature_class,
feature_code, population, admin1_code, admin1_name, timezone, alt_names, source.
`alt_names` is `|`-separated in CSV, each `text` or `text@lang`; in JSONL a list of
strings or of `{"text": ..., "lang": ...}` objects.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from gazetteer.model import CANONICAL, FEATURE_CLASSES, Name, Place, class_of_code
from gazetteer.sources._io import read_lines
from gazetteer.validate import Collector, check_coordinates, parse_float, parse_int

REQUIRED = ("id", "name", "latitude", "longitude")
KNOWN = frozenset(
    REQUIRED
    + ("country_code", "feature_class", "feature_code", "population", "admin1_code")
    + ("admin1_name", "timezone", "alt_names", "source")
)


def header_delimiter(header: str, columns: Iterable[str]) -> str:
    """The delimiter a CSV header line uses: a comma; or semicolons or tabs, as
    spreadsheets in many locales save "CSV", when so the header holds `columns`."""
    wanted = set(columns)
    for delimiter in ",;\t":
        try:
            if wanted <= set(next(csv.reader([header], delimiter=delimiter), [])):
                return delimiter
        except csv.Error:  # the header's own reading reports it
            continue
    return ","


def read_csv(path: str, errors: Collector) -> Iterator[tuple[int, Place]]:
    label = path.rsplit("/", 1)[-1]
    lines = read_lines(path, errors)
    header_line = next(lines, None)
    if header_line is None:
        errors.add(label, 1, "empty file: expected a header row")
        return
    delimiter = header_delimiter(header_line[1], REQUIRED)
    try:
        header = next(csv.reader([header_line[1]], delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        errors.add(label, 1, f"bad CSV header: {exc}")
        return
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        errors.add(label, 1, f"header lacks required column(s): {', '.join(missing)}")
        return
    unknown = [c for c in header if c not in KNOWN]
    if unknown:
        errors.add(label, 1, f"unknown column(s): {', '.join(unknown)}")
        return
    for line, text in lines:
        if not text.strip():
            continue
        try:
            row = next(csv.reader([text], delimiter=delimiter))
        except (csv.Error, StopIteration) as exc:
            errors.add(label, line, f"bad CSV: {exc}")
            continue
        if len(row) != len(header):
            errors.add(label, line, f"expected {len(header)} columns, found {len(row)}")
            continue
        record = dict(zip(header, row, strict=True))
        alts = [_split_lang(a) for a in record.get("alt_names", "").split("|") if a.strip()]
        place = _place(record, alts, label, line, errors)
        if place is not None:
            yield line, place


def read_jsonl(path: str, errors: Collector) -> Iterator[tuple[int, Place]]:
    label = path.rsplit("/", 1)[-1]
    for line, text in read_lines(path, errors):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.add(label, line, f"bad JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(record, dict):
            errors.add(label, line, "expected a JSON object")
            continue
        unknown = [k for k in record if k not in KNOWN]
        if unknown:
            errors.add(label, line, f"unknown key(s): {', '.join(unknown)}")
            continue
        raw_alts = record.get("alt_names") or []
        if not isinstance(raw_alts, list):
            errors.add(label, line, "alt_names must be a list")
            continue
        alts: list[tuple[str, str]] = []
        for alt in raw_alts:
            if isinstance(alt, str):
                alts.append((alt, ""))
            elif isinstance(alt, dict) and isinstance(alt.get("text"), str):
                alts.append((alt["text"], str(alt.get("lang", ""))))
            else:
                errors.add(label, line, f"bad alternate name {alt!r}")
                break
        else:
            place = _place(
                {k: _text(v) for k, v in record.items() if k != "alt_names"},
                alts,
                label,
                line,
                errors,
            )
            if place is not None:
                yield line, place


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _split_lang(alt: str) -> tuple[str, str]:
    text, sep, lang = alt.strip().rpartition("@")
    if sep and text and lang.replace("-", "").isalnum() and len(lang) <= 12:
        return text, lang
    return alt.strip(), ""


def _place(
    record: dict[str, str], alts: list[tuple[str, str]], label: str, line: int, errors: Collector
) -> Place | None:
    for column in REQUIRED:
        if not record.get(column, "").strip():
            what = "empty name" if column == "name" else f"missing {column}"
            errors.add(label, line, what)
            return None
    try:
        lat = parse_float(record["latitude"], "latitude")
        lon = parse_float(record["longitude"], "longitude")
        population = parse_int(record.get("population", ""), "population", default=0)
    except ValueError as exc:
        errors.add(label, line, str(exc))
        return None
    if (problem := check_coordinates(lat, lon)) is not None:
        errors.add(label, line, problem)
        return None
    fclass = record.get("feature_class", "").strip().upper()
    if fclass and fclass not in FEATURE_CLASSES:
        errors.add(label, line, f"unknown feature class {fclass!r}")
        return None
    fcode = record.get("feature_code", "").strip().upper()
    # A code without its class ("PPLC", "ADM1"): the class GeoNames gives that code, so
    # that class filters and the division and town rules see the row as what it is.
    fclass = fclass or class_of_code(fcode)
    if any(not text.strip() for text, _ in alts):
        errors.add(label, line, "empty alternate name")
        return None
    raw_id = record["id"].strip()
    source = record.get("source", "").strip() or "custom"
    pid = raw_id if ":" in raw_id else f"{source}:{raw_id}"
    name = record["name"].strip()
    names = (Name(name, "", CANONICAL, source),) + tuple(
        Name(t.strip(), lang, 0, source) for t, lang in alts
    )
    return Place(
        id=pid,
        name=name,
        ascii_name=name,
        country_code=record.get("country_code", "").strip().upper(),
        admin1_code=record.get("admin1_code", "").strip(),
        admin1_name=record.get("admin1_name", "").strip(),
        feature_class=fclass,
        feature_code=fcode,
        latitude=lat,
        longitude=lon,
        population=population,
        timezone=record.get("timezone", "").strip(),
        names=names,
    )
