"""Line reading shared by the readers: plain files or `.zip` archives, UTF-8 checked per line."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Iterator

from gazetteer.validate import Collector


def read_lines(path: str, errors: Collector) -> Iterator[tuple[int, str]]:
    """Yield (line number, text without newline). Undecodable lines become errors."""
    label = os.path.basename(path)
    try:
        stream, label = _open(path)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        errors.add(label, None, f"cannot open: {exc}")
        return
    with stream:
        line_no = 0
        try:
            for line_no, raw in enumerate(stream, 1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    errors.add(label, line_no, f"invalid UTF-8 at byte {exc.start}")
                    continue
                if line_no == 1:
                    text = text.removeprefix("\ufeff")  # a byte-order mark, as Excel writes
                yield line_no, text.rstrip("\r\n")
        except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
            errors.add(label, line_no + 1, f"archive is truncated or corrupt: {exc}")


def _open(path: str) -> tuple[io.BufferedIOBase, str]:
    label = os.path.basename(path)
    if path.lower().endswith(".zip"):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.namelist() if not m.endswith("/")]
        # GeoNames zips hold one data file named like the zip, sometimes with a readme.
        stem = label[:-4].lower()
        chosen = next((m for m in members if os.path.basename(m).lower().startswith(stem)), None)
        if chosen is None:
            data = [m for m in members if not os.path.basename(m).lower().startswith("readme")]
            if len(data) != 1:
                archive.close()
                raise ValueError(f"expected one data file in the archive, found {len(data)}")
            chosen = data[0]
        return _ZipStream(archive, archive.open(chosen)), f"{label}/{chosen}"
    return open(path, "rb"), label  # noqa: SIM115 - closed by the caller's `with`


class _ZipStream(io.BufferedIOBase):
    def __init__(self, archive: zipfile.ZipFile, member: io.BufferedIOBase) -> None:
        self._archive = archive
        self._member = member

    def __iter__(self):  # type: ignore[override]
        return iter(self._member)

    def close(self) -> None:
        self._member.close()
        self._archive.close()
        super().close()
