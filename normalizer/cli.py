"""The `placenorm` command: serve, normalize, place, info, reload, build.

Exit codes: 0 ok, 1 no match / not found, 2 usage, 3 cannot reach the server (or it
cannot answer yet, or in time), 4 input rejected (by the server or a bad file).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_NO_MATCH, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_REJECTED = 0, 1, 2, 3, 4
DEFAULT_SERVER = "127.0.0.1:50051"
ADDED_COLUMNS = (
    "place_id",
    "place_name",
    "country_code",
    "admin1_name",
    "latitude",
    "longitude",
    "score",
    "match_type",
    "ambiguous",
)


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    if bad := _not_utf8(args):
        print(f"placenorm: {bad}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except CliError as exc:
        print(f"placenorm: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


# Arguments naming local files, which may hold any bytes the file system allows. Every
# other argument is text matched or sent to the server, which must be UTF-8.
_LOCAL_FILES = frozenset(
    "input output snapshot data_dir tls_ca tls_cert tls_key tls_client_ca token_file "
    "admin_token_file".split()
)


def _not_utf8(args: argparse.Namespace) -> str | None:
    """What is wrong with the first text argument that is not UTF-8 (Python reads such
    bytes of the command line as lone surrogates), or None."""
    local = _LOCAL_FILES | ({"sources"} if args.command == "build" else set())
    for dest, value in vars(args).items():
        if dest in local:
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and not _utf8(v):
                return f"argument {dest.replace('_', '-')}: {v!r} is not valid UTF-8"
    return None


def _utf8(text: str) -> bool:
    """Whether `text` can be written as UTF-8 (it holds no lone surrogate)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ------------------------------------------------------------------ parser
class _Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr (what was wrong, where help is), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _candidates_per_name(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n}: at least 1 candidate per name")
    return n


def _number(kind: type, low: float | None = None, high: float | None = None, *, above=None):
    """An argparse type: a `kind` number at least `low` (more than `above`), at most
    `high`. A default given as a string (from an environment variable) is checked too."""
    noun = "an integer" if kind is int else "a number"

    def parse(text: str):
        try:
            n = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        if low is not None and not n >= low:
            raise argparse.ArgumentTypeError(f"{text}: at least {low}")
        if above is not None and not n > above:
            raise argparse.ArgumentTypeError(f"{text}: more than {above}")
        if high is not None and not n <= high:
            raise argparse.ArgumentTypeError(f"{text}: at most {high}")
        return n

    return parse


def _one_of(*options: str):
    """An argparse type for `choices` whose default may come from the environment:
    argparse checks choices on the command line only."""

    def parse(text: str) -> str:
        if text not in options:
            raise argparse.ArgumentTypeError(f"{text!r}: one of {', '.join(options)}")
        return text

    return parse


_PORT = _number(int, 0, 65535)
_COUNT = _number(int, 1)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="placenorm", description="Place-name normalizer client and server.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def connection(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--server",
            default=os.environ.get("PLACENORM_SERVER", DEFAULT_SERVER),
            help="host:port (env PLACENORM_SERVER, default %(default)s)",
        )
        sp.add_argument(
            "--timeout",
            type=_number(float, above=0),
            default=30.0,
            help="seconds per call (default 30)",
        )
        sp.add_argument("--tls-ca", help="CA certificate to verify the server (enables TLS)")
        sp.add_argument("--tls-cert", help="client certificate (mutual TLS)")
        sp.add_argument("--tls-key", help="client key (mutual TLS)")

    def local(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--local", action="store_true", help="answer from the library, no server")
        sp.add_argument("--snapshot", help="snapshot for --local (default: the built-in one)")
        sp.add_argument("--data-dir", default=os.environ.get("PLACENORM_DATA_DIR", "data"))

    s = sub.add_parser("serve", help="run the gRPC server")
    s.add_argument("--host", default=os.environ.get("PLACENORM_HOST", "127.0.0.1"))
    s.add_argument("--port", type=_PORT, default=os.environ.get("PLACENORM_PORT", "50051"))
    s.add_argument("--snapshot", default=os.environ.get("PLACENORM_SNAPSHOT"))
    s.add_argument("--data-dir", default=os.environ.get("PLACENORM_DATA_DIR", "data"))
    s.add_argument(
        "--admin-token-file", help="enables GazetteerAdmin (or env PLACENORM_ADMIN_TOKEN)"
    )
    s.add_argument(
        "--workers",
        type=_COUNT,
        default=os.environ.get("PLACENORM_WORKERS", "1"),
        help="processes sharing the port and the snapshot file",
    )
    s.add_argument("--threads", type=_COUNT, default=8, help="pool for admin calls and batches")
    s.add_argument(
        "--server-model",
        type=_one_of("aio", "threads"),
        choices=("aio", "threads"),
        default=os.environ.get("PLACENORM_SERVER_MODEL", "aio"),
        help="grpc.aio event loop (default) or a thread-pool server",
    )
    s.add_argument("--max-batch", type=_COUNT, default=10_000)
    s.add_argument("--max-upload-mb", type=_COUNT, default=2048)
    s.add_argument(
        "--grace", type=_number(float, 0), default=10.0, help="seconds to drain calls on SIGTERM"
    )
    s.add_argument(
        "--no-answers",
        dest="answers",
        action="store_false",
        help="answer every name by computation: no precomputed answers, none built",
    )
    s.add_argument(
        "--metrics-port",
        type=_number(int, 1, 65535),
        default=os.environ.get("PLACENORM_METRICS_PORT") or None,
    )
    s.add_argument(
        "--log-format",
        type=_one_of("plain", "json"),
        choices=("plain", "json"),
        default=os.environ.get("PLACENORM_LOG_FORMAT", "plain"),
    )
    s.add_argument("--tls-cert")
    s.add_argument("--tls-key")
    s.add_argument("--tls-client-ca", help="require client certificates signed by this CA (mTLS)")
    s.set_defaults(func=cmd_serve)

    n = sub.add_parser("normalize", help="resolve names")
    n.add_argument("names", nargs="*", metavar="NAME")
    n.add_argument(
        "--country", action="append", default=[], help="restrict to ISO country (repeatable)"
    )
    n.add_argument(
        "--prefer-country", action="append", default=[], help="prefer ISO country (repeatable)"
    )
    n.add_argument("--lang", help="language hint (BCP-47)")
    n.add_argument(
        "--feature-class", action="append", default=[], help="restrict to GeoNames class"
    )
    n.add_argument("--context", action="append", default=[], help="another name from the same text")
    n.add_argument("--document", action="store_true", help="resolve the NAMEs jointly, as one text")
    n.add_argument(
        "--limit", type=_candidates_per_name, default=1, help="candidates per name (default 1)"
    )
    n.add_argument(
        "--min-score",
        type=_number(float, 0, 1),
        default=0.0,
        help="drop candidates scoring below this (0..1): a name it leaves none is no match",
    )
    n.add_argument("--json", action="store_true", help="one JSON object per name")
    n.add_argument("--input", help="CSV or JSONL file of names, - for stdin")
    n.add_argument("--column", default="name", help="column / key holding the name (default name)")
    n.add_argument("--output", help="output file (default stdout); same format as the input")
    n.add_argument(
        "--format", choices=("csv", "jsonl"), help="input format (default: by extension, csv)"
    )
    n.add_argument(
        "--batch-size",
        type=_number(int, 0),
        default=250,
        help="rows per NormalizeBatch call for --input (default 250); 0 streams row by row",
    )
    n.add_argument(
        "--streams", type=_COUNT, default=2, help="parallel connections for --input (default 2)"
    )
    connection(n)
    local(n)
    n.set_defaults(func=cmd_normalize)

    pl = sub.add_parser("place", help="show one place with all its names")
    pl.add_argument("id")
    pl.add_argument("--json", action="store_true")
    connection(pl)
    local(pl)
    pl.set_defaults(func=cmd_place)

    i = sub.add_parser("info", help="show the served gazetteer")
    i.add_argument("--json", action="store_true")
    connection(i)
    i.set_defaults(func=cmd_info)

    r = sub.add_parser("reload", help="swap in new gazetteer sources")
    r.add_argument("sources", nargs="+", metavar="SOURCE")
    r.add_argument(
        "--format",
        choices=("geonames", "alternate-names", "admin1", "country-info", "csv", "jsonl"),
    )
    r.add_argument("--dry-run", action="store_true", help="validate only")
    r.add_argument("--upload", action="store_true", help="send local files instead of server paths")
    r.add_argument("--token-file", help="admin token file (or env PLACENORM_ADMIN_TOKEN)")
    connection(r)
    r.set_defaults(func=cmd_reload)

    b = sub.add_parser("build", help="compile sources into a snapshot file, offline")
    b.add_argument("sources", nargs="*", metavar="SOURCE")
    b.add_argument("--output", required=True)
    b.add_argument(
        "--format",
        choices=("geonames", "alternate-names", "admin1", "country-info", "csv", "jsonl"),
    )
    b.add_argument("--default", action="store_true", help="build the built-in default gazetteer")
    b.set_defaults(func=cmd_build)

    a = sub.add_parser(
        "answers", help="precompute the answers to every name of a snapshot, offline"
    )
    a.add_argument("--snapshot", help="snapshot file (default: the built-in one, built if missing)")
    a.add_argument("--data-dir", default=os.environ.get("PLACENORM_DATA_DIR", "data"))
    a.add_argument("--workers", type=_COUNT, default=2, help="processes computing (default 2)")
    a.add_argument("--background", type=int, metavar="PID", help=argparse.SUPPRESS)
    a.set_defaults(func=cmd_answers)
    return p


# ------------------------------------------------------------------ connection
def check_tls(cert: str | None, key: str | None, ca: str | None, *, ca_flag: str) -> None:
    """Refuse TLS files that are not PEM before gRPC reads them: it says only that it
    cannot bind (server) or cannot reach the server (client)."""
    import ssl

    if bool(cert) != bool(key):
        raise CliError("--tls-cert and --tls-key go together", EXIT_USAGE)
    for path in (cert, key, ca):
        if path and not os.path.isfile(path):
            raise CliError(f"{path}: no such file", EXIT_USAGE)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if cert:
        try:
            context.load_cert_chain(cert, key, password="")  # an encrypted key fails here
        except OSError as exc:  # ssl.SSLError included
            raise CliError(
                f"--tls-cert {cert} and --tls-key {key}: not a PEM certificate and its "
                f"unencrypted private key ({_why(exc)})",
                EXIT_USAGE,
            ) from None
    if ca:
        try:
            context.load_verify_locations(cafile=ca)
        except OSError as exc:
            raise CliError(
                f"{ca_flag} {ca}: no PEM certificate read ({_why(exc)})", EXIT_USAGE
            ) from None


def _why(exc: OSError) -> str:
    """OpenSSL's reason (`KEY_VALUES_MISMATCH` -> "key values mismatch") or the OS's."""
    import re

    reason = getattr(exc, "reason", None)
    text = reason.replace("_", " ") if reason else exc.strerror or str(exc)
    return re.sub(r"^\[\w+\] | \(_ssl\.c:\d+\)$", "", text).lower()  # "[SSL] PEM lib (_ssl.c:1)"


def _channel(args):
    import grpc

    if args.tls_ca or args.tls_cert or args.tls_key:
        check_tls(args.tls_cert, args.tls_key, args.tls_ca, ca_flag="--tls-ca")

        def read(path):
            try:
                return Path(path).read_bytes() if path else None
            except OSError as exc:
                raise CliError(f"cannot read {path}: {exc.strerror}", EXIT_USAGE) from None

        creds = grpc.ssl_channel_credentials(
            read(args.tls_ca), read(args.tls_key), read(args.tls_cert)
        )
        return grpc.secure_channel(args.server, creds)
    return grpc.insecure_channel(args.server)


def _stub(args):
    from placenorm.v1 import placenorm_pb2_grpc as pb_grpc

    channel = _channel(args)
    return channel, pb_grpc.NormalizerStub(channel)


def _rpc_error(exc, args) -> CliError:
    import grpc

    code = exc.code()
    detail = exc.details() or code.name
    if code is grpc.StatusCode.UNAVAILABLE and "gazetteer" in detail:  # up, still loading
        return CliError(
            f"the server at {args.server} cannot answer yet: {detail}", EXIT_UNREACHABLE
        )
    if code is grpc.StatusCode.UNAVAILABLE:
        return CliError(
            f"cannot reach the server at {args.server} ({code.name.lower()}): start one with "
            "`placenorm serve` or point --server / PLACENORM_SERVER at it",
            EXIT_UNREACHABLE,
        )
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:  # a slow call, or a host that drops packets
        return CliError(
            f"no answer from the server at {args.server} within --timeout {args.timeout:g} s "
            f"({detail}): is it reachable? a long call needs a larger --timeout",
            EXIT_UNREACHABLE,
        )
    if code is grpc.StatusCode.NOT_FOUND:
        return CliError(detail, EXIT_NO_MATCH)
    return CliError(f"{code.name.lower()}: {detail}", EXIT_REJECTED)


# ------------------------------------------------------------------ local engine
def _local_engine(args):
    from gazetteer.snapshot import SnapshotError
    from normalizer.build import ensure_default
    from normalizer.engine import Normalizer

    try:
        path = str(args.snapshot or ensure_default(args.data_dir))
        if path not in _ENGINES:  # one load per command: the options check shares it
            _ENGINES[path] = Normalizer.load(path)
        return _ENGINES[path]
    except SnapshotError as exc:
        raise CliError(str(exc), EXIT_REJECTED) from None


_ENGINES: dict[str, object] = {}


def _check_options(args) -> None:
    """Refuse options no name could pass (an unknown --country, --min-score 2) before a
    bulk file is read and rows are written: every row would be refused alike."""
    import grpc

    from normalizer.errors import QueryError
    from normalizer.types import Query

    if args.local:
        try:
            _local_engine(args).check(Query("x", **_options(args)))
        except QueryError as exc:
            raise CliError(f"invalid_argument: {exc}", EXIT_REJECTED) from None
        return
    channel, stub = _stub(args)
    with channel:
        try:
            stub.Normalize(_request(args, "x"), timeout=args.timeout)
        except grpc.RpcError as exc:
            raise _rpc_error(exc, args) from None


def _result_dict(result, version: str = "") -> dict:
    """The NormalizeResponse fields, as plain JSON."""
    from dataclasses import asdict

    return {
        "request_id": result.request_id,
        "query": result.query,
        "normalized_query": result.normalized_query,
        "ambiguous": result.ambiguous,
        "gazetteer_version": version,
        "candidates": [
            {
                "place": {k: v for k, v in asdict(c.place).items() if k != "names"},
                "score": c.score,
                "match_type": c.match_type.name,
                "matched_name": c.matched_name,
                "matched_language": c.matched_language,
            }
            for c in result.candidates
        ],
    }


def _pb_result_dict(resp) -> dict:
    from google.protobuf.json_format import MessageToDict

    d = MessageToDict(
        resp, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    for c in d.get("candidates", []):
        c["place"].pop("names", None)
    return d


# ------------------------------------------------------------------ normalize
def cmd_normalize(args) -> int:
    if args.input:
        if args.names:
            raise CliError("give NAMEs or --input, not both", EXIT_USAGE)
        return _bulk(args)
    if not args.names:
        raise CliError("nothing to normalize: give NAMEs or --input FILE", EXIT_USAGE)
    rows = _local_normalize(args) if args.local else _remote_normalize(args)
    refused = [r for r in rows if r.get("error")]
    if len(refused) == len(rows) and len({r["error"]["message"] for r in refused}) == 1:
        # One reason for every name (an unknown --country, a bad --limit): said once.
        raise CliError(_refusal(refused[0]), EXIT_REJECTED)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        _print_table(rows)
    if refused:
        # The other names were answered above; each refused one gets its line.
        sys.stdout.flush()
        for r in refused:
            print(f"placenorm: {_refusal(r)}", file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK if all(r["candidates"] for r in rows) else EXIT_NO_MATCH


def _refusal(row: dict) -> str:
    """`code: 'name': message`, a long name shortened."""
    error = row["error"]
    return f"{error['code'].lower()}: {_shortened(row['query'])!r}: {error['message']}"


def _shortened(name: str) -> str:
    """A name as the CLI shows it in a line: its first 40 characters, then an ellipsis."""
    return name if len(name) <= 40 else name[:40] + "…"


def _options(args) -> dict:
    return dict(
        countries=tuple(args.country),
        language=args.lang,
        feature_classes=tuple(args.feature_class),
        limit=args.limit,
        min_score=args.min_score,
        context=tuple(args.context),
        prefer_countries=tuple(args.prefer_country),
    )


def _local_normalize(args) -> list[dict]:
    from normalizer.errors import QueryError
    from normalizer.types import Query, Result

    engine = _local_engine(args)
    rows: list[dict | None] = []
    good: list[Query] = []
    for name in args.names:
        query = Query(name, **_options(args))
        try:
            engine.check(query)
            good.append(query)
            rows.append(None)
        except QueryError as exc:
            # The fields of an empty answer, as the server's refusal carries them.
            refused = _result_dict(Result(name, "", (), False), engine.version)
            rows.append(refused | {"error": {"code": "INVALID_ARGUMENT", "message": str(exc)}})
    answers = iter(engine.normalize_many(good, as_document=args.document))
    return [row or _result_dict(next(answers), engine.version) for row in rows]


def _request(args, name: str):
    from placenorm.v1 import placenorm_pb2 as pb

    return pb.NormalizeRequest(
        query=name,
        country_codes=args.country,
        language=args.lang or "",
        feature_classes=args.feature_class,
        limit=args.limit,
        min_score=args.min_score,
        context=args.context,
        prefer_country_codes=args.prefer_country,
    )


def _remote_normalize(args) -> list[dict]:
    import grpc

    from placenorm.v1 import placenorm_pb2 as pb

    channel, stub = _stub(args)
    with channel:
        try:
            batch = pb.NormalizeBatchRequest(
                requests=[_request(args, n) for n in args.names], as_document=args.document
            )
            resp = stub.NormalizeBatch(batch, timeout=args.timeout)
        except grpc.RpcError as exc:
            raise _rpc_error(exc, args) from None
    return [_pb_result_dict(r) for r in resp.responses]


def _print_table(rows: list[dict]) -> None:
    header = ("query", "name", "admin1", "country", "id", "score", "match", "")
    lines = [header]
    for r in rows:
        cands = r["candidates"] or [None]
        for k, c in enumerate(cands):
            q = r["query"] if k == 0 else ""
            if c is None:
                what = "(refused)" if r.get("error") else "(no match)"
                lines.append((_shortened(q), what, *[""] * 6))
                continue
            p = c["place"]
            mark = "ambiguous" if r["ambiguous"] and k == 0 else ""
            lines.append(
                (
                    q,
                    p["name"],
                    p.get("admin1_name", ""),
                    p.get("country_code", ""),
                    p["id"],
                    f"{float(c.get('score', 0)):.3f}",
                    str(c.get("match_type", "")).lower(),
                    mark,
                )
            )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())


# ------------------------------------------------------------------ bulk
def _bulk(args) -> int:
    fmt = args.format or ("jsonl" if args.input.endswith((".jsonl", ".ndjson")) else "csv")
    _check_options(args)
    # utf-8-sig: a byte-order mark (Excel writes one) is not part of the first column's
    # name. surrogateescape: bytes that are not UTF-8 are carried through to the output as
    # they came; a name holding some is refused, that row alone (nothing is lost).
    try:
        if args.input == "-":
            import io

            src = io.TextIOWrapper(
                sys.stdin.buffer, encoding="utf-8-sig", errors="surrogateescape", newline=""
            )
        else:
            src = open(  # noqa: SIM115
                args.input, encoding="utf-8-sig", errors="surrogateescape", newline=""
            )
    except OSError as exc:
        raise CliError(f"cannot read {args.input}: {exc.strerror}", EXIT_REJECTED) from None
    reader = None
    delimiter = ","
    try:
        if fmt == "csv":
            from gazetteer.sources.tabular import header_delimiter

            # The output is written with the input's delimiter.
            head = src.readline()
            delimiter = header_delimiter(head, [args.column])
            reader = csv.DictReader(itertools.chain([head], src), delimiter=delimiter)
            fields = reader.fieldnames or []
            if args.column not in fields:
                raise CliError(
                    f"{_label(args)}: no column {args.column!r} (columns: {', '.join(fields)})",
                    EXIT_REJECTED,
                )
            rows: Iterator[dict] = iter(reader)
        else:
            fields = []
            rows = _jsonl_rows(src, args)
        total = _count_rows(args.input, fmt) if args.input != "-" else None
        if args.output:
            out = open(  # noqa: SIM115
                args.output, "w", encoding="utf-8", errors="surrogateescape", newline=""
            )
        else:
            out = sys.stdout
            out.reconfigure(errors="surrogateescape")
        try:
            unresolved = _stream(args, fmt, rows, fields, out, total, delimiter)
        finally:
            if out is not sys.stdout:
                out.close()
    except csv.Error as exc:
        # The row that failed begins on the line after the last good one (an unclosed
        # quote fails lines later, at the field-size limit).
        where = f"{_label(args)}:{reader.line_num + 1}" if reader else _label(args)
        raise CliError(f"{where}: bad CSV row: {exc}", EXIT_REJECTED) from None
    finally:
        if args.input == "-":
            src.detach()  # stdin stays open
        else:
            src.close()
    if unresolved:
        shown = ", ".join(f"row {n} ({why})" for n, why in unresolved[:10])
        more = f" and {len(unresolved) - 10} more" if len(unresolved) > 10 else ""
        print(f"placenorm: {len(unresolved)} row(s) not resolved: {shown}{more}", file=sys.stderr)
    return EXIT_OK


def _label(args) -> str:
    """The input as messages name it."""
    return "stdin" if args.input == "-" else args.input


def _jsonl_rows(src, args) -> Iterator[dict]:
    for line_no, line in enumerate(src, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CliError(
                f"{_label(args)}:{line_no}: bad JSON: {exc.msg}", EXIT_REJECTED
            ) from None
        if not isinstance(obj, dict):  # no object to add the answer to
            raise CliError(f"{_label(args)}:{line_no}: expected a JSON object", EXIT_REJECTED)
        yield obj


def _name_of(row: dict, column: str) -> str | None:
    """The row's name: "" when missing or null (refused as empty, as an empty CSV cell is),
    None when it is not text (a JSON number or list): that row is refused alone."""
    value = row.get(column)
    if value is None:
        return ""
    return value if isinstance(value, str) else None


def _count_rows(path: str, fmt: str) -> int | None:
    try:
        with open(path, "rb") as fh:
            n = sum(1 for line in fh if line.strip())
        return max(0, n - 1) if fmt == "csv" else n
    except OSError:
        return None


def _stream(
    args,
    fmt: str,
    rows: Iterator[dict],
    fields: list[str],
    out,
    total: int | None,
    delimiter: str = ",",
) -> list:
    """Send names through NormalizeStream (or the local engine), write rows in order."""
    from tqdm import tqdm

    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(
            out,
            fieldnames=[*fields, *[c for c in ADDED_COLUMNS if c not in fields]],
            delimiter=delimiter,
        )
        writer.writeheader()
    unresolved: list[tuple[int, str]] = []
    count = [0]
    bar = tqdm(
        total=total, unit="row", file=sys.stderr, disable=not sys.stderr.isatty(), smoothing=0.1
    )

    def emit(row: dict, result: dict | None, error: str = "") -> None:
        cand = result["candidates"][0] if result and result.get("candidates") else None
        count[0] += 1
        n = count[0]
        if cand is None:
            unresolved.append((n, error or "no match"))
        p = cand["place"] if cand else {}
        added = {
            "place_id": p.get("id", ""),
            "place_name": p.get("name", ""),
            "country_code": p.get("country_code", ""),
            "admin1_name": p.get("admin1_name", ""),
            "latitude": p.get("latitude", "") if cand else "",
            "longitude": p.get("longitude", "") if cand else "",
            "score": cand.get("score", 0) if cand else "",
            "match_type": str(cand.get("match_type", "")) if cand else "",
            "ambiguous": bool(result.get("ambiguous")) if cand else "",
        }
        merged = {**row, **{k: v for k, v in added.items() if k not in row}}
        if writer:
            writer.writerow(merged)
        else:
            out.write(json.dumps(merged, ensure_ascii=False) + "\n")
        bar.update(1)

    try:
        if args.local:
            engine = _local_engine(args)
            from normalizer.errors import QueryError
            from normalizer.types import Query

            for row in rows:
                name = _name_of(row, args.column)
                if name is None:
                    emit(row, None, f"{args.column!r} is not a string")
                    continue
                try:
                    res = _result_dict(engine.normalize_query(Query(name, **_options(args))))
                    emit(row, res)
                except QueryError as exc:
                    emit(row, None, str(exc))
        else:
            try:
                _stream_remote(args, rows, emit)
            except CliError as exc:
                if count[0]:  # where to resume: the rows written are whole and in order
                    done = f"stopped after row {count[0]}: the output holds rows 1-{count[0]}"
                    raise CliError(f"{exc}; {done}", exc.code) from None
                raise
    finally:
        bar.close()
    return unresolved


def _pb_top(resp) -> dict:
    """Just the fields a bulk row needs, read straight off the message (MessageToDict is
    the slowest step of a bulk run otherwise)."""
    from placenorm.v1 import placenorm_pb2 as pb

    if not resp.candidates:
        return {"candidates": [], "ambiguous": resp.ambiguous}
    c = resp.candidates[0]
    p = c.place
    place = {
        "id": p.id,
        "name": p.name,
        "country_code": p.country_code,
        "admin1_name": p.admin1_name,
        "latitude": p.latitude,
        "longitude": p.longitude,
    }
    return {
        "candidates": [
            {"place": place, "score": c.score, "match_type": pb.MatchType.Name(c.match_type)}
        ],
        "ambiguous": resp.ambiguous,
    }


def _via_batches(stub, box, args, results: dict, ready) -> None:
    """NormalizeBatch calls of `--batch-size` rows: far fewer messages than a stream."""
    from placenorm.v1 import placenorm_pb2 as pb

    finished = False
    while not finished:
        chunk = []
        while len(chunk) < args.batch_size:
            item = box.get()
            if item is None:
                finished = True
                break
            chunk.append(item)
        if not chunk:
            break
        reqs = [_request(args, row.get(args.column) or "") for _, row in chunk]
        resp = stub.NormalizeBatch(pb.NormalizeBatchRequest(requests=reqs), timeout=args.timeout)
        with ready:
            for (seq, row), r in zip(chunk, resp.responses, strict=True):
                results[seq] = (row, r)
            ready.notify_all()


def _stream_remote(args, rows: Iterator[dict], emit) -> None:
    """Rows go out over `--streams` parallel connections (so a multi-process server spreads
    them), as NormalizeBatch calls of `--batch-size` rows, or with `--batch-size 0` as
    NormalizeStream calls, and come back in input order. Batches are the default: on this
    2-core machine they measured ~13x the rows/s of a stream, whose per-message cost in
    Python gRPC dominates.

    Bounded queues keep memory flat: the reader waits when the streams fall behind.
    """
    import queue
    import threading

    import grpc

    from placenorm.v1 import placenorm_pb2 as pb

    # A name holding bytes that are not UTF-8 (read as they came), or not text at all: no
    # request can carry it, so it is refused here, in its place.
    not_utf8, not_text = (
        pb.NormalizeResponse(error=pb.Error(code="INVALID_ARGUMENT", message=message))
        for message in ("query is not valid UTF-8", f"{args.column!r} is not a string")
    )
    n = args.streams
    window = 2000  # rows in flight per stream
    outbox = [queue.Queue(maxsize=window) for _ in range(n)]
    results: dict[int, tuple[dict, object]] = {}
    ready = threading.Condition()
    failure: list[BaseException] = []
    done_reading = threading.Event()
    total = [0]

    def feed() -> None:
        try:
            for seq, row in enumerate(rows):
                name = _name_of(row, args.column)
                if name is not None and _utf8(name):
                    outbox[seq % n].put((seq, row))
                else:
                    with ready:
                        results[seq] = (row, not_utf8 if name is not None else not_text)
                        ready.notify_all()
                total[0] = seq + 1
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            failure.append(exc)
        finally:
            done_reading.set()
            for box in outbox:
                box.put(None)
            with ready:
                ready.notify_all()

    def run_stream(box: queue.Queue) -> None:
        inflight: queue.Queue = queue.Queue()

        def requests():
            while (item := box.get()) is not None:
                inflight.put(item)
                yield _request(args, item[1].get(args.column) or "")

        channel, stub = _stub(args)
        try:
            with channel:
                if args.batch_size > 0:
                    _via_batches(stub, box, args, results, ready)
                    return
                for resp in stub.NormalizeStream(requests()):
                    seq, row = inflight.get()
                    with ready:
                        results[seq] = (row, resp)
                        ready.notify_all()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            failure.append(exc)
            with ready:
                ready.notify_all()

    threads = [threading.Thread(target=feed, daemon=True)]
    threads += [threading.Thread(target=run_stream, args=(box,), daemon=True) for box in outbox]
    for t in threads:
        t.start()
    next_seq = 0
    while True:
        with ready:
            while (
                next_seq not in results
                and not failure
                and not (done_reading.is_set() and next_seq >= total[0])
            ):
                ready.wait(timeout=0.5)
            if failure:
                break
            if next_seq not in results:
                break  # all rows written
            row, resp = results.pop(next_seq)
        if resp.HasField("error"):
            emit(row, None, resp.error.message)
        else:
            emit(row, _pb_top(resp))
        next_seq += 1
    if failure:
        exc = failure[0]
        if isinstance(exc, grpc.RpcError):
            raise _rpc_error(exc, args) from None
        raise exc


# ------------------------------------------------------------------ place / info
def cmd_place(args) -> int:
    if args.local:
        from dataclasses import asdict

        from normalizer.errors import PlaceNotFound

        engine = _local_engine(args)
        try:
            place = engine.get(args.id)
        except PlaceNotFound as exc:
            raise CliError(str(exc), EXIT_NO_MATCH) from None
        d = asdict(place)
        d["country_name"] = engine.country_name(place.country_code)
    else:
        import grpc
        from google.protobuf.json_format import MessageToDict

        from placenorm.v1 import placenorm_pb2 as pb

        channel, stub = _stub(args)
        with channel:
            try:
                msg = stub.GetPlace(pb.GetPlaceRequest(id=args.id), timeout=args.timeout)
            except grpc.RpcError as exc:
                raise _rpc_error(exc, args) from None
        d = MessageToDict(msg, preserving_proto_field_name=True)
    if args.json:
        print(json.dumps(d, ensure_ascii=False))
        return EXIT_OK
    names = d.pop("names", [])
    for key in (
        "id",
        "name",
        "country_code",
        "country_name",
        "admin1_name",
        "feature_code",
        "latitude",
        "longitude",
        "population",
        "timezone",
    ):
        if d.get(key) not in (None, ""):
            print(f"{key:13} {d[key]}")
    by_lang: dict[str, list[str]] = {}
    for nm in names:
        by_lang.setdefault(nm.get("language") or "-", []).append(nm["text"])
    print(f"{'names':13} {sum(len(v) for v in by_lang.values())}")
    for lang in sorted(by_lang):
        print(f"  {lang:11} {', '.join(by_lang[lang])}")
    return EXIT_OK


def cmd_info(args) -> int:
    import grpc
    from google.protobuf.json_format import MessageToDict

    from placenorm.v1 import placenorm_pb2 as pb

    channel, stub = _stub(args)
    with channel:
        try:
            msg = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=args.timeout)
        except grpc.RpcError as exc:
            raise _rpc_error(exc, args) from None
    d = MessageToDict(
        msg, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    if args.json:
        print(json.dumps(d, ensure_ascii=False))
    else:
        for key, value in d.items():
            print(f"{key:11} {', '.join(value) if isinstance(value, list) else value}")
    return EXIT_OK


# ------------------------------------------------------------------ reload / build
def cmd_reload(args) -> int:
    import grpc

    from normalizer.config import read_token
    from placenorm.v1 import placenorm_pb2 as pb
    from placenorm.v1 import placenorm_pb2_grpc as pb_grpc

    try:
        token = read_token(args.token_file)
    except (OSError, ValueError) as exc:
        raise CliError(f"admin token: {exc}", EXIT_USAGE) from None
    if not token:
        raise CliError(
            "reload needs the admin token: --token-file F or PLACENORM_ADMIN_TOKEN", EXIT_USAGE
        )
    metadata = (("authorization", f"Bearer {token}"),)
    channel = _channel(args)
    stub = pb_grpc.GazetteerAdminStub(channel)
    if args.upload:
        for src in args.sources:
            if not os.path.isfile(src):
                raise CliError(f"{src}: no such file", EXIT_REJECTED)
        call = stub.Upload(_upload_chunks(args), metadata=metadata)
    else:
        call = stub.Reload(
            pb.ReloadRequest(sources=args.sources, format=args.format or "", dry_run=args.dry_run),
            metadata=metadata,
        )
    phase_name = pb.ReloadProgress.Phase.Name
    with channel:
        try:
            for ev in call:
                line = f"{phase_name(ev.phase).lower():10} {ev.detail}"
                if ev.rows_read:
                    line += f" rows={ev.rows_read}"
                if ev.rows_rejected:
                    line += f" rejected={ev.rows_rejected}"
                if ev.version:
                    line += f" version={ev.version} places={ev.places}"
                print(line, file=sys.stderr)
        except grpc.RpcError as exc:
            raise _rpc_error(exc, args) from None
    return EXIT_OK


def _upload_chunks(args, chunk_size: int = 1 << 20):
    from placenorm.v1 import placenorm_pb2 as pb

    first = True
    for src in args.sources:
        with open(src, "rb") as fh:
            data = fh.read(chunk_size)
            yield pb.UploadChunk(
                filename=os.path.basename(src),
                data=data,
                format=args.format or "",
                dry_run=args.dry_run if first else False,
            )
            first = False
            while data := fh.read(chunk_size):
                yield pb.UploadChunk(data=data)


def cmd_build(args) -> int:
    from gazetteer.sources import load_sources
    from gazetteer.validate import SourceError
    from normalizer.build import build_snapshot

    def progress(phase: str, rows: int, rejected: int) -> None:
        print(
            f"{phase} rows={rows}" + (f" rejected={rejected}" if rejected else ""), file=sys.stderr
        )

    try:
        if args.default:
            from gazetteer.default import build_default, inputs_fingerprint

            sources = build_default(progress)
            fingerprint = inputs_fingerprint()
        else:
            if not args.sources:
                raise CliError("give SOURCE files or --default", EXIT_USAGE)
            sources = load_sources(args.sources, fmt=args.format, progress=progress)
            fingerprint = ""
        version = build_snapshot(sources, args.output, fingerprint=fingerprint, progress=progress)
    except SourceError as exc:
        for err in exc.errors[:20]:
            print(err, file=sys.stderr)
        raise CliError(
            f"source rejected: {exc.total} error(s); nothing written", EXIT_REJECTED
        ) from None
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror}", EXIT_REJECTED) from None
    print(f"{args.output} version={version} places={len(sources.places)}", file=sys.stderr)
    return EXIT_OK


def cmd_answers(args) -> int:
    from gazetteer.snapshot import SnapshotError, read
    from normalizer.answers import ensure_answers
    from normalizer.build import ensure_default

    if args.background:  # a server's build: one worker, lowest priority, ends with it
        os.nice(19)
        args.workers = 1
        _exit_with_parent(args.background)
    t = time.perf_counter()
    try:
        path = Path(args.snapshot) if args.snapshot else ensure_default(args.data_dir)
        if not path.is_file():
            raise CliError(
                f"{path}: no such snapshot; build one with `placenorm build`", EXIT_USAGE
            )
        out = ensure_answers(path, workers=args.workers)
        # Current by now: its count, without hashing the file again as a load would.
        count = read(out, verify=False).arrays["key.hash"].size
    except SnapshotError as exc:
        raise CliError(str(exc), EXIT_REJECTED) from None
    except OSError as exc:
        raise CliError(f"cannot write answers: {exc.strerror}", EXIT_REJECTED) from None
    print(f"{out} names={count} seconds={time.perf_counter() - t:.1f}", file=sys.stderr)
    return EXIT_OK


def _exit_with_parent(parent: int) -> None:
    """A server's background build stops when the server is gone, however it ended
    (the server's pid is passed: it may be gone before this process looks)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(EXIT_UNREACHABLE)

    threading.Thread(target=watch, daemon=True).start()


# ------------------------------------------------------------------ serve
# gRPC core experiments the server runs with unless GRPC_EXPERIMENTS says otherwise.
# tcp_frame_size_tuning (socket reads sized by the messages they carry) cut the server's
# CPU per streamed name from 74.5 to 68.5 us and raised streamed names/s by 7% (medians
# of ten alternating A/B runs on two workers); unary and batch calls unchanged.
GRPC_EXPERIMENTS = "tcp_frame_size_tuning"


def cmd_serve(args) -> int:
    # Read once, when gRPC's core starts: set before anything imports grpc.
    os.environ.setdefault("GRPC_EXPERIMENTS", GRPC_EXPERIMENTS)
    from normalizer.config import ServerConfig, read_token
    from normalizer.logs import setup_logging

    setup_logging(args.log_format)
    # `kill -USR1 <pid>` prints every thread's stack to stderr: a hung server explains itself.
    import faulthandler
    import signal

    faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        token = read_token(args.admin_token_file)
    except (OSError, ValueError) as exc:
        raise CliError(f"admin token: {exc}", EXIT_USAGE) from None
    if args.workers > 1 and args.port == 0:
        raise CliError(f"--workers {args.workers} share one port: give --port (not 0)", EXIT_USAGE)
    if args.tls_client_ca and not args.tls_cert:
        raise CliError("--tls-client-ca needs --tls-cert and --tls-key", EXIT_USAGE)
    check_tls(args.tls_cert, args.tls_key, args.tls_client_ca, ca_flag="--tls-client-ca")
    config = ServerConfig(
        host=args.host,
        port=args.port,
        data_dir=Path(args.data_dir),
        snapshot=Path(args.snapshot) if args.snapshot else None,
        admin_token=token,
        threads=args.threads,
        server_model=args.server_model,
        workers=args.workers,
        max_batch=args.max_batch,
        max_upload_bytes=args.max_upload_mb * 1024 * 1024,
        grace_seconds=args.grace,
        answers=args.answers,
        metrics_port=args.metrics_port,
        log_format=args.log_format,
        tls_cert=Path(args.tls_cert) if args.tls_cert else None,
        tls_key=Path(args.tls_key) if args.tls_key else None,
        tls_client_ca=Path(args.tls_client_ca) if args.tls_client_ca else None,
    )
    if config.snapshot and not config.snapshot.exists():
        raise CliError(
            f"{config.snapshot}: no such snapshot; build one with `placenorm build`", EXIT_USAGE
        )
    if config.snapshot:
        from gazetteer.snapshot import SnapshotError, read

        try:  # its header and size, before anything listens (the content hash: at load)
            read(config.snapshot, verify=False)
        except SnapshotError as exc:
            raise CliError(str(exc), EXIT_REJECTED) from None
    config.data_dir.mkdir(parents=True, exist_ok=True)
    from normalizer.server import serve, serve_workers

    try:
        if config.workers > 1:
            return serve_workers(config)
        return serve(
            config,
            ready=lambda port: print(
                f"placenorm serving on {config.host}:{port}", file=sys.stderr, flush=True
            ),
        )
    except OSError as exc:
        raise CliError(f"cannot serve: {exc}", EXIT_UNREACHABLE) from None


if __name__ == "__main__":
    sys.exit(main())
