"""The real `placenorm` command as a subprocess, against real servers."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from normalizer.engine import Normalizer
from tests.conftest import (
    FIXTURES,
    MINI_SOURCES,
    TOKEN,
    ServerProcess,
    cli,
    on_fresh_connections,
    reloadable_data_dir,
    reloadable_workers,
)


def test_normalize_table(mini_server):
    r = cli("normalize", "Shushi", "Naxcivan", "--server", mini_server.address)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["query", "name", "admin1", "country", "id", "score", "match"]
    assert "Shusha" in lines[1] and "geonames:147105" in lines[1] and "AZ" in lines[1]


def test_normalize_json_has_response_fields(mini_server):
    r = cli("normalize", "Susa", "--json", "--limit", "3", "--server", mini_server.address)
    obj = json.loads(r.stdout.splitlines()[0])
    assert {"query", "normalized_query", "candidates", "ambiguous", "gazetteer_version"} <= set(obj)
    assert obj["candidates"][0]["place"]["id"].startswith("geonames:")


def test_options_map_to_request(mini_server):
    r = cli("normalize", "Moscow", "--country", "US", "--json", "--server", mini_server.address)
    assert json.loads(r.stdout)["candidates"][0]["place"]["id"] == "geonames:5601538"
    r = cli(
        "normalize",
        "Susa",
        "--context",
        "Stepanakert",
        "--context",
        "Yerevan",
        "--json",
        "--server",
        mini_server.address,
    )
    assert json.loads(r.stdout)["candidates"][0]["place"]["id"] == "geonames:147105"


@pytest.fixture(params=["server", "local"])
def at(request, mini_server, mini_snapshot) -> list[str]:
    """The flags that send names to the test server, or answer them from the library."""
    if request.param == "local":
        return ["--local", "--snapshot", str(mini_snapshot)]
    return ["--server", mini_server.address]


@pytest.mark.parametrize(
    ("option", "message"),
    [(("--country", "ZZ"), "unknown country code 'ZZ'"), (("--feature-class", "Q"), "'Q'")],
)
def test_bulk_options_no_row_could_pass_are_refused_before_reading(tmp_path, at, option, message):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("name\nYerevan\nShushi\n", encoding="utf-8")
    r = cli("normalize", "--input", str(src), "--output", str(out), *option, *at)
    assert r.returncode == 4 and not out.exists()
    (line,) = r.stderr.splitlines()
    assert "invalid_argument" in line and message in line


def test_min_score_drops_the_weaker_candidates(at):

    def scores(*extra: str) -> list[float]:
        r = cli("normalize", "Susa", "--limit", "5", "--json", *extra, *at)
        return [c["score"] for c in json.loads(r.stdout)["candidates"]]

    everything = scores()
    assert len(everything) >= 2 and min(everything) < 0.3 < max(everything)
    assert scores("--min-score", "0.3") == [x for x in everything if x >= 0.3]
    r = cli("normalize", "Susa", "--min-score", "1", *at)
    assert r.returncode == 1 and "(no match)" in r.stdout
    r = cli("normalize", "Susa", "--min-score", "2", *at)
    assert r.returncode == 2 and "argument --min-score: 2: at most 1" in r.stderr


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (("normalize",), 2, "nothing to normalize"),
        (("normalize", "Qqqqzzzzxxx"), 1, ""),
        (("normalize", "Susa", "--country", "ZZ"), 4, "unknown country code 'ZZ'"),
        (("place", "geonames:1"), 1, "no place with id"),
    ],
)
def test_exit_codes(mini_server, args, code, stderr):
    r = cli(*args, "--server", mini_server.address)
    assert r.returncode == code
    assert stderr in r.stderr and "Traceback" not in r.stderr


def test_unreachable_server_exit_3():
    r = cli("info", "--server", "127.0.0.1:9", "--timeout", "2")
    assert r.returncode == 3
    assert r.stderr.count("\n") == 1 and "cannot reach the server at 127.0.0.1:9" in r.stderr


def test_a_server_up_but_slow_or_starting_is_not_called_unreachable(mini_server, tmp_path):
    # Exit 3 still (retry later), but saying what is the matter.
    from tests.conftest import start_server

    r = cli("normalize", "Yerevan", "--server", mini_server.address, "--timeout", "0.000001")
    assert r.returncode == 3 and r.stderr.count("\n") == 1
    assert (
        f"no answer from the server at {mini_server.address} within --timeout 1e-06 s" in r.stderr
    )
    starting = start_server(tmp_path, None)  # no gazetteer loaded yet
    try:
        r = cli("normalize", "Yerevan", "--server", starting.address)
    finally:
        starting.close()
    assert r.returncode == 3 and r.stderr.count("\n") == 1
    assert f"the server at {starting.address} cannot answer yet: no gazetteer loaded" in r.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("normalize", "--limit", "abc", "Paris"), "'abc' is not a number"),
        (("normalize", "--limit", "0", "Paris"), "0: at least 1 candidate per name"),
        (("normalize", "--bogus"), "unrecognized arguments: --bogus"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("normalize", "--timeout", "0", "Paris"), "argument --timeout: 0: more than 0"),
        (("normalize", "--min-score", "nan", "Paris"), "argument --min-score: nan: at least 0"),
        (("normalize", "--streams", "0", "--input", "x.csv"), "--streams: 0: at least 1"),
        (("normalize", "--batch-size", "-1", "--input", "x.csv"), "-1: at least 0"),
        (("serve", "--port", "70000"), "argument --port: 70000: at most 65535"),
        (("serve", "--workers", "0", "--port", "5"), "argument --workers: 0: at least 1"),
        (("serve", "--grace", "soon"), "argument --grace: 'soon' is not a number"),
        (("answers", "--workers", "0"), "argument --workers: 0: at least 1"),
        # Defaults from the environment are checked as the flags they stand for.
        (("serve", "PLACENORM_PORT=http"), "argument --port: 'http' is not an integer"),
        (("serve", "PLACENORM_METRICS_PORT=0"), "argument --metrics-port: 0: at least 1"),
        (("serve", "PLACENORM_LOG_FORMAT=xml"), "--log-format: 'xml': one of plain, json"),
        (("serve", "--server-model", "fork"), "argument --server-model: 'fork': one of aio"),
    ],
)
def test_usage_error_is_one_line_exit_2(args, said):
    env = dict(a.split("=", 1) for a in args if "=" in a)
    r = cli(*[a for a in args if "=" not in a], env=env)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and said in r.stderr and "--help" in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("normalize", "--local", "Paris", "Par\udcffis"),
        ("normalize", "--context", "Par\udcffis", "Paris"),
        ("place", "geonames:1\udcff"),
    ],
)
def test_arguments_not_utf8_are_a_usage_error(args):
    # Bytes that are not UTF-8 on the command line (a Latin-1 terminal, a file name
    # pasted as a name) reach Python as lone surrogates.
    r = cli(*args)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "\\udcff" in r.stderr and "' is not valid UTF-8" in r.stderr


def test_bulk_csv_keeps_rows_and_columns(mini_server, tmp_path):
    src = tmp_path / "in.csv"
    rows = [
        {"ref": str(i), "place": name}
        for i, name in enumerate(["Shushi", "Yerevna", "", "Zzqqxx", "Moscow"])
    ]
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["ref", "place"])
        w.writeheader()
        w.writerows(rows)
    out = tmp_path / "out.csv"
    r = cli(
        "normalize",
        "--input",
        str(src),
        "--column",
        "place",
        "--output",
        str(out),
        "--server",
        mini_server.address,
    )
    assert r.returncode == 0, r.stderr
    with open(out, encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert [g["ref"] for g in got] == ["0", "1", "2", "3", "4"]
    assert got[0]["place_id"] == "geonames:147105" and got[1]["place_id"] == "geonames:616052"
    assert got[2]["place_id"] == "" and got[3]["place_id"] == ""
    assert set(got[0]) >= {
        "ref",
        "place",
        "place_id",
        "place_name",
        "country_code",
        "admin1_name",
        "latitude",
        "longitude",
        "score",
        "match_type",
        "ambiguous",
    }
    assert "2 row(s) not resolved: row 3 (query is empty), row 4 (no match)" in r.stderr
    assert "\r" not in r.stderr  # no progress bar when stderr is not a terminal


def test_bulk_input_with_a_byte_order_mark(mini_server, tmp_path):
    # Excel's "CSV UTF-8" starts with one: the first column is still `name`.
    src = tmp_path / "in.csv"
    src.write_bytes("\ufeffname,n\nYerevan,1\n".encode())
    r = cli("normalize", "--input", str(src), "--server", mini_server.address)
    assert r.returncode == 0, r.stderr
    assert next(csv.DictReader(r.stdout.splitlines()))["place_id"] == "geonames:616052"
    r = cli(
        "normalize", "--input", "-", "--format", "jsonl", "--server", mini_server.address,
        input='\ufeff{"name": "Yerevan"}\n',
    )  # fmt: skip
    assert r.returncode == 0 and json.loads(r.stdout)["place_id"] == "geonames:616052", r.stderr


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_bulk_csv_separated_otherwise_is_read_and_written_so(mini_server, tmp_path, delimiter):
    # Spreadsheets in many locales save "CSV" with semicolons; tabs are TSV.
    src = tmp_path / "in.csv"
    src.write_text(f'n{delimiter}name\n1{delimiter}"Yerevan{delimiter} Armenia"\n', "utf-8")
    r = cli("normalize", "--input", str(src), "--server", mini_server.address)
    assert r.returncode == 0, r.stderr
    (row,) = csv.DictReader(r.stdout.splitlines(), delimiter=delimiter)
    assert row["n"] == "1" and row["place_id"] == "geonames:616052"


def test_bulk_jsonl_stdin_stdout(mini_server):
    data = '{"name": "Stepanakert", "n": 1}\n{"name": "Yeraskh", "n": 2}\n'
    r = cli(
        "normalize",
        "--input",
        "-",
        "--format",
        "jsonl",
        "--server",
        mini_server.address,
        input=data,
    )
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["n"] for o in out] == [1, 2] and out[1]["place_id"] == "geonames:391241"


def test_bulk_jsonl_objects_without_a_usable_name_are_refused_alone(at):
    # A record whose name is null, missing or a number is one refused row, written back
    # whole, as an empty CSV cell is; only a line that is not an object stops the run.
    data = "".join(
        json.dumps(o) + "\n"
        for o in (
            {"name": None, "n": 1},
            {"n": 2},
            {"name": 5, "n": 3},
            {"name": "Yerevan", "n": 4},
        )
    )
    r = cli("normalize", "--input", "-", "--format", "jsonl", *at, input=data)
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(o["n"], o.get("name"), o["place_id"]) for o in out] == [
        (1, None, ""), (2, None, ""), (3, 5, ""), (4, "Yerevan", "geonames:616052")
    ]  # fmt: skip
    assert "row 1 (query is empty), row 2 (query is empty), row 3 ('name' is not a string)" in (
        r.stderr
    )
    r = cli("normalize", "--input", "-", "--format", "jsonl", *at, input=data + "[1, 2]\n")
    assert r.returncode == 4 and "placenorm: stdin:5: expected a JSON object" in r.stderr


def test_bulk_missing_column_and_bad_file(mini_server, mini_snapshot, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    r = cli("normalize", "--input", str(src), "--column", "place", "--server", mini_server.address)
    assert r.returncode == 4 and "no column 'place'" in r.stderr
    # Bytes that are not UTF-8 in one row: that row alone is refused, its bytes written
    # back as they came; the rows after it are answered.
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name,n\n" + b"Yerevan,1\n" * 3 + b"Ye\xffrevan,\xfe2\nYerevan,3\n")
    out = tmp_path / "out.csv"
    for where in (["--server", mini_server.address], ["--local", "--snapshot", str(mini_snapshot)]):
        r = cli("normalize", "--input", str(bad), "--output", str(out), *where)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        assert "1 row(s) not resolved: row 4 (query is not valid U" in r.stderr
        lines = out.read_bytes().splitlines()
        assert lines[4].startswith(b"Ye\xffrevan,\xfe2,,") and b"geonames:616052" in lines[5]
    # A quote left open runs on for thousands of lines, to the field-size limit: the
    # message names the line the row began on.
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text('name\nYerevan\n"Moscow\n' + "Town of many names\n" * 10_000)
    r = cli("normalize", "--input", str(unclosed), "--server", mini_server.address)
    assert r.returncode == 4 and r.stderr.count("\n") == 1
    assert f"{unclosed}:3: bad CSV row: field larger than field limit" in r.stderr


def test_place_and_info(mini_server):
    r = cli("place", "geonames:147105", "--server", mini_server.address)
    assert r.returncode == 0 and "Shusha" in r.stdout and "Շուշի" in r.stdout
    r = cli("info", "--json", "--server", mini_server.address)
    assert json.loads(r.stdout)["places"] == "13"


def test_reload_commands(mini_server, tmp_path):
    for src in MINI_SOURCES:
        shutil.copy(src, mini_server.config.data_dir)
    shutil.copy(FIXTURES / "places.csv", mini_server.config.data_dir)
    env = {"PLACENORM_ADMIN_TOKEN": TOKEN}
    names = ["mini.txt", "alternateNamesV2.txt", "admin1CodesASCII.txt", "places.csv"]
    r = cli("reload", *names, "--dry-run", "--server", mini_server.address, env=env)
    assert r.returncode == 0 and "dry_run_ok" in r.stderr
    r = cli("reload", *names, "--server", mini_server.address, env=env)
    assert r.returncode == 0 and "swapped" in r.stderr and "places=15" in r.stderr
    r = cli(
        "reload",
        "--upload",
        str(FIXTURES / "places.jsonl"),
        "--server",
        mini_server.address,
        env=env,
    )
    assert r.returncode == 0 and "places=2" in r.stderr
    r = cli("reload", "nope.txt", "--server", mini_server.address, env=env)
    assert r.returncode == 4 and "no such file" in r.stderr
    r = cli(
        "reload",
        "mini.txt",
        "--server",
        mini_server.address,
        env={"PLACENORM_ADMIN_TOKEN": "wrong"},
    )
    assert r.returncode == 4 and "permission_denied" in r.stderr
    r = cli(
        "reload", "mini.txt", "--server", mini_server.address, env={"PLACENORM_ADMIN_TOKEN": ""}
    )
    assert r.returncode == 2 and "admin token" in r.stderr


def test_admin_tokens_that_cannot_travel_in_a_header_are_a_usage_error(tmp_path):
    bad = tmp_path / "bad.token"
    bad.write_text("two words\n", encoding="utf-8")
    two = tmp_path / "two.token"
    two.write_text("s3cret\nsecond line\n", encoding="utf-8")
    for args, env in [
        (("serve", "--port", "0", "--admin-token-file", str(bad)), {}),
        (("reload", "x.txt", "--token-file", str(bad)), {}),
        (("serve", "--port", "0"), {"PLACENORM_ADMIN_TOKEN": "tøken"}),
    ]:
        r = cli(*args, env=env)
        assert r.returncode == 2 and r.stderr.count("\n") == 1
        assert "the token must be printable ASCII without spaces" in r.stderr
    from normalizer.config import read_token

    assert read_token(str(two)) == "s3cret"  # the first line, as documented


def test_build_offline_and_local(tmp_path):
    out = tmp_path / "x.snapshot"
    r = cli("build", *MINI_SOURCES, "--output", str(out))
    assert r.returncode == 0, r.stderr
    assert Normalizer.load(out).info().places == 13
    r = cli("normalize", "Շուշի", "--local", "--snapshot", str(out), "--json")
    assert json.loads(r.stdout)["candidates"][0]["place"]["id"] == "geonames:147105"
    r = cli("place", "geonames:616052", "--local", "--snapshot", str(out), "--json")
    assert json.loads(r.stdout)["name"] == "Yerevan"
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,latitude,longitude\n1,A,100,1\n", encoding="utf-8")
    r = cli("build", str(bad), "--output", str(tmp_path / "y.snapshot"))
    assert r.returncode == 4 and "bad.csv:2: latitude 100.0" in r.stderr
    assert not (tmp_path / "y.snapshot").exists()


def test_serve_sigterm_drains_and_restart_serves_last_reload(tmp_path, mini_snapshot):
    data, token = reloadable_data_dir(tmp_path)
    srv = ServerProcess(
        "--snapshot", str(mini_snapshot), "--data-dir", str(data), "--admin-token-file", str(token)
    )
    srv.wait_serving()
    r = cli("reload", "mini.txt", "places.csv", "--server", srv.address, "--token-file", str(token))
    assert r.returncode == 0, r.stderr
    assert srv.stop(signal.SIGTERM) == 0
    # Restarted without --snapshot: the last good reload is served.
    srv = ServerProcess("--data-dir", str(data))
    srv.wait_serving()
    r = cli("normalize", "North Depot", "--json", "--server", srv.address)
    assert json.loads(r.stdout)["candidates"][0]["place"]["id"] == "depot:1"
    assert srv.stop() == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tgkill(2) is Linux's")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_on_a_signal_another_thread_takes(tmp_path, mini_snapshot, sig):
    """The kernel may hand a process's signal to any of its threads (gRPC's among them);
    the server still drains and exits 0."""
    import ctypes

    srv = ServerProcess(
        "--snapshot", str(mini_snapshot), "--data-dir", str(tmp_path / "data"), "--no-answers"
    )
    srv.wait_serving()
    pid = srv.proc.pid
    others = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task") if int(t) != pid)
    assert others, "a gRPC server runs threads besides the main one"
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.tgkill(pid, others[-1], int(sig)) == 0, os.strerror(ctypes.get_errno())
    assert srv.proc.wait(timeout=30) == 0, "".join(srv.lines)
    assert any("draining" in line for line in srv.lines)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_a_worker_that_dies_is_replaced(tmp_path, mini_snapshot):
    # Killed (out of memory, by hand): the parent forks another in its place, which serves
    # what its sibling serves (here a reload made after the start, not --snapshot); every
    # connection is answered, and SIGTERM still ends all with 0.
    data, token = reloadable_data_dir(tmp_path)
    srv = reloadable_workers(mini_snapshot, data, token, "--no-answers")
    try:
        srv.wait_logged("gazetteer serving", count=2)
        r = cli(
            "reload", "mini.txt", "places.csv", "--server", srv.address, "--token-file", str(token)
        )
        assert r.returncode == 0, r.stderr
        srv.wait_logged("gazetteer serving", count=4)  # the reload reached both workers
        pid = srv.proc.pid
        workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        assert len(workers) == 2
        os.kill(int(workers[0]), signal.SIGKILL)
        srv.wait_logged(f"worker pid={workers[0]} exited code=-9; starting another")
        srv.wait_logged("gazetteer serving", count=5)
        for resp in on_fresh_connections(srv.address, 20, _normalize("North Depot")):
            assert [c.place.id for c in resp.candidates[:1]] == ["depot:1"], "".join(srv.lines)
    finally:
        assert srv.stop() == 0


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_workers_that_keep_dying_stop_the_server(tmp_path, mini_snapshot):
    # A crash loop is not hidden by replacements: the sixth death in a minute stops all.
    import time

    srv = ServerProcess(
        "--workers", "2", "--snapshot", str(mini_snapshot), "--data-dir", str(tmp_path),
        "--no-answers",
    )  # fmt: skip
    srv.wait_logged("gazetteer serving", count=2)
    pid = srv.proc.pid
    deadline = time.monotonic() + 60
    while srv.proc.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[:1]:
                os.kill(int(child), signal.SIGKILL)
        time.sleep(0.2)
    assert srv.proc.wait(timeout=30) == 1
    srv.wait_logged("restarted too often: stopping")
    assert sum("starting another" in line for line in srv.lines) == 5


def test_json_log_is_one_object_a_line(tmp_path, mini_snapshot):
    from datetime import datetime

    srv = ServerProcess(
        "--snapshot", str(mini_snapshot), "--data-dir", str(tmp_path), "--log-format", "json"
    )
    srv.wait_serving()
    assert srv.stop() == 0
    events = [json.loads(line) for line in srv.lines if not line.startswith("placenorm serving")]
    assert [e["msg"].split()[0] for e in events][:2] == ["listening", "gazetteer"]
    assert any(e["msg"].startswith("signal=SIGTERM draining") for e in events)
    for e in events:
        assert set(e) == {"ts", "level", "logger", "msg"} and e["level"] == "info"
        assert datetime.fromisoformat(e["ts"]).utcoffset().total_seconds() == 0


def test_serve_bad_flags(tmp_path, mini_snapshot):
    r = cli("serve", "--snapshot", "/nonexistent.snapshot", "--port", "0")
    assert r.returncode == 2 and "no such snapshot" in r.stderr
    # A broken snapshot is refused before anything listens (it said "serving on", then
    # stopped with the reason in a log line).
    cut = tmp_path / "cut.snapshot"
    cut.write_bytes(mini_snapshot.read_bytes()[:5000])
    r = cli("serve", "--snapshot", str(cut), "--port", "0")
    assert r.returncode == 4 and r.stderr.strip().splitlines() == [
        f"placenorm: {cut}: truncated: 5000 bytes, expected {mini_snapshot.stat().st_size}; "
        "rebuild it"
    ]
    r = cli("serve", "--tls-cert", "x.pem", "--port", "0")
    assert r.returncode == 2 and "go together" in r.stderr
    # Workers share one port: a port picked by each (0) would part them.
    r = cli("serve", "--workers", "2", "--port", "0")
    assert r.returncode == 2 and "share one port" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_with_its_metrics_port_taken_says_so_and_exits(tmp_path, mini_snapshot, workers):
    # One process: it fails before its gRPC port listens. Several: the worker that serves
    # the metrics cannot start, so the parent stops the others and says why (it once
    # went on with one worker fewer and no word).
    import socket

    from tests.conftest import free_port

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = cli(
            "serve", "--port", str(free_port()), "--workers", str(workers),
            "--snapshot", str(mini_snapshot), "--data-dir", str(tmp_path),
            "--metrics-port", str(port), timeout=60,
        )  # fmt: skip
    said = f"placenorm: cannot serve: metrics port 127.0.0.1:{port}: Address already in use"
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == said
    assert "serving on" not in r.stderr
    if workers == 1:
        assert r.stderr.strip().splitlines() == [said]


def _normalize(query: str):
    from placenorm.v1 import placenorm_pb2 as pb

    return lambda stub: stub.Normalize(pb.NormalizeRequest(query=query), timeout=10)


def test_metrics_of_workers_count_every_workers_calls(tmp_path, mini_snapshot):
    # The first worker serves /metrics; the calls the others answer count there too.
    import re
    import urllib.request

    from tests.conftest import free_port

    port = free_port()
    srv = ServerProcess(
        "--workers", "2", "--snapshot", str(mini_snapshot), "--data-dir", str(tmp_path),
        "--no-answers", "--metrics-port", str(port),
    )  # fmt: skip
    try:
        srv.wait_logged("gazetteer serving", count=2)
        on_fresh_connections(srv.address, 20, _normalize("Shushi"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
            body = resp.read().decode()
    finally:
        assert srv.stop() == 0
    ok = r'^placenorm_requests_total\{code="OK",method="Normalize"\} (\S+)$'
    assert re.findall(ok, body, re.M) == ["20.0"], body
    assert re.findall(r"^placenorm_gazetteer_places (\S+)$", body, re.M) == ["13.0"], body


def test_readme_examples_run(default_server, tmp_path):
    """Every `$ placenorm ...` line in README.md runs and exits 0 against a real server."""
    import shlex

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    lines = [ln[2:] for ln in readme if ln.startswith("$ placenorm ")]
    assert len(lines) >= 5
    (tmp_path / "names.csv").write_text(
        "id,place\n1,Shushi\n2,Nakhichevan\n3,Stepanakrt\n", encoding="utf-8"
    )
    for line in lines:
        args = shlex.split(line)[1:]
        r = cli(*args, env={"PLACENORM_SERVER": default_server.address}, timeout=60, cwd=tmp_path)
        assert r.returncode == 0, f"{line}: {r.stderr}"
        assert r.stdout.strip(), line


def test_bulk_cut_off_by_the_server_says_where_to_resume(tmp_path, mini_snapshot):
    import subprocess
    import time

    from tests.conftest import ROOT

    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("id,name\n" + "".join(f"{i},Yerevan\n" for i in range(300_000)))
    srv = ServerProcess("--snapshot", str(mini_snapshot), "--data-dir", str(tmp_path / "d"))
    srv.wait_serving()
    bulk = subprocess.Popen(
        [sys.executable, "-m", "normalizer.cli", "normalize", "--input", str(src),
         "--output", str(out), "--server", srv.address],
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 100_000) and time.monotonic() < deadline:
        time.sleep(0.01)
    srv.proc.kill()  # the server dies mid-run
    srv.proc.wait(timeout=30)
    _, err = bulk.communicate(timeout=60)
    assert bulk.returncode == 3 and "Traceback" not in err and err.count("\n") == 1, err
    n = int(err.split("stopped after row ")[1].split(":")[0])
    assert f"the output holds rows 1-{n}" in err and 0 < n < 300_000
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == n and [r["id"] for r in rows[-2:]] == [str(n - 2), str(n - 1)]
    assert rows[-1]["place_id"] == "geonames:616052"


def test_bulk_order_kept_across_parallel_streams(mini_server, tmp_path):
    names = ["Yerevan", "Shushi", "Zzqqxx", "Moscow", "Stepanakrt", "", "Sousse"]
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["n", "name"])
        w.writerows([i, names[i % len(names)]] for i in range(5000))
    out = tmp_path / "out.csv"
    for mode in (["--batch-size", "0"], ["--batch-size", "64"]):  # streams, then batches
        r = cli(
            "normalize",
            "--input",
            str(src),
            "--output",
            str(out),
            "--streams",
            "3",
            *mode,
            "--server",
            mini_server.address,
        )
        assert r.returncode == 0, r.stderr
        with open(out, encoding="utf-8") as fh:
            got = list(csv.DictReader(fh))
        assert [int(g["n"]) for g in got] == list(range(5000))
        assert all((g["place_id"] == "geonames:616052") == (g["name"] == "Yerevan") for g in got)


@pytest.mark.parametrize("where", ["server", "local"])
def test_a_refused_name_is_one_short_line_and_the_others_are_answered(
    mini_server, mini_snapshot, where
):
    at = (
        ["--server", mini_server.address]
        if where == "server"
        else ["--local", "--snapshot", str(mini_snapshot)]
    )
    r = cli("normalize", "Yerevan", "x" * 5000, "-", "Shushi", *at)
    assert r.returncode == 4 and "Traceback" not in r.stderr
    long, dash = r.stderr.splitlines()
    assert "at most 256" in long and len(long) < 160  # the name shown shortened
    assert "'-': query has no letters or digits" in dash
    rows = [line.split() for line in r.stdout.splitlines()[1:]]
    assert [row[:2] for row in rows] == [
        ["Yerevan", "Yerevan"],
        ["x" * 40 + "…", "(refused)"],
        ["-", "(refused)"],
        ["Shushi", "Shusha"],
    ]


def test_a_refused_name_in_json_has_the_response_fields_and_its_error(at):
    r = cli("normalize", "Susa", "-", "--json", *at)
    assert r.returncode == 4
    answered, refused = (json.loads(line) for line in r.stdout.splitlines())
    assert set(answered) - {"error"} == set(refused) - {"error"}
    assert refused["error"]["code"] == "INVALID_ARGUMENT" and refused["candidates"] == []


def test_one_reason_for_every_name_is_said_once(mini_server):
    r = cli("normalize", "Yerevan", "Shushi", "--country", "XX", "--server", mini_server.address)
    assert r.returncode == 4 and r.stdout == ""
    (line,) = r.stderr.splitlines()
    assert "unknown country code 'XX'" in line
