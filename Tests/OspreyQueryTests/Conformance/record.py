#!/usr/bin/env python3
"""Records what Prometheus answers to queries.txt over data.om, as the conformance fixtures.

Backfills data.om with promtool into a temporary TSDB, starts Prometheus on it (loopback, an
ephemeral port), asks every query as instant queries at INSTANTS and as range queries, and
writes Prometheus's responses unchanged:

    expected_instant.json   instant queries   [{query, kind, timeMs, ordered, response}]
    expected_range.json     range queries     [{query, kind, startMs, endMs, stepMs, response}]
    dataset.json            what Prometheus holds: every series with its sample count and
                            first and last timestamps, for checking the loader on its own

    python3 record.py [--prometheus PATH] [--promtool PATH]
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1_700_000_000
END = T0 + 7200

# Instants, in ms: near the start (windows reach before the first sample), on a sample time of
# the unjittered series, between sample times, 2 minutes after the last sample (inside the
# lookback) and 10 minutes after it (past the lookback).
INSTANTS = [(T0 + 90) * 1000, (T0 + 3600) * 1000, (T0 + 5432) * 1000 + 500, (END + 120) * 1000, (END + 600) * 1000]

# Every query over the whole data, from before the first sample to past the lookback after the
# last, at 60 s steps aligned with the unjittered series. Every RANGE_ODD_EVERY-th query also
# at an odd step from an odd start, which puts the steps between the sample times.
RANGE_FULL = ((T0 - 120) * 1000, (END + 420) * 1000, 60_000)
RANGE_ODD = ((T0 + 1000) * 1000 + 500, (T0 + 4700) * 1000 + 500, 37_000)
RANGE_ODD_EVERY = 4
# Range queries of expressions that Prometheus refuses for ranges (strings, range vectors)
# all fail the same way: a few of them are enough.
RANGE_REFUSED_KEEP = 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seconds(ms):
    return f"{ms // 1000}.{ms % 1000:03d}"


def queries():
    with open(os.path.join(HERE, "queries.txt")) as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


def outer_call(query):
    """The function name if the whole query is one call (under any parentheses), else None."""
    q = query.strip()
    while q.startswith("(") and matching(q, 0) == len(q) - 1:
        q = q[1:-1].strip()
    m = re.match(r"([a-z_]+)\s*\(", q)
    if m and matching(q, m.end() - 1) == len(q) - 1:
        return m.group(1)
    return None


def matching(text, open_index):
    """Index of the parenthesis closing the one at open_index, skipping string literals."""
    depth, i, quote = 0, open_index, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote != "`":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'`":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


class Prometheus:
    def __init__(self, prometheus, promtool):
        self.dir = tempfile.mkdtemp(prefix="osprey-conformance-")
        tsdb = os.path.join(self.dir, "tsdb")
        os.mkdir(tsdb)
        subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics", os.path.join(HERE, "data.om"), tsdb],
                       check=True, stdout=subprocess.DEVNULL)
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            # The evaluation interval is the default step of subqueries without one.
            f.write("global:\n  evaluation_interval: 1m\n")
        self.base = f"http://127.0.0.1:{free_port()}"
        self.log = open(os.path.join(self.dir, "prometheus.log"), "w")
        self.process = subprocess.Popen(
            [prometheus, f"--config.file={config}", f"--storage.tsdb.path={tsdb}",
             "--storage.tsdb.retention.time=100y", f"--web.listen-address={self.base[7:]}",
             "--query.lookback-delta=5m"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/-/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if self.process.poll() is not None or time.time() > deadline:
                raise SystemExit(f"prometheus did not become ready; log in {self.log.name}")
            time.sleep(0.2)

    def ask(self, path, params):
        data = urllib.parse.urlencode(params).encode() if params else None
        try:
            with urllib.request.urlopen(self.base + path, data=data, timeout=60) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            # Errors come back with 400/422/503 and a JSON body that says which.
            return json.load(e)

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.dir)


def dataset(prom):
    """Every series Prometheus holds, by asking for all samples of the data's span."""
    answer = prom.ask("/api/v1/query", {"query": '{__name__=~".+"}[3h]', "time": seconds((END + 60) * 1000)})
    assert answer["status"] == "success", answer
    series = []
    for s in answer["data"]["result"]:
        times = [round(float(t) * 1000) for t, _ in s["values"]]
        series.append({"labels": s["metric"], "samples": len(times), "firstMs": times[0], "lastMs": times[-1]})
    series.sort(key=lambda s: sorted(s["labels"].items()))
    return {"series": len(series), "samples": sum(s["samples"] for s in series), "perSeries": series}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prometheus", default="prometheus")
    ap.add_argument("--promtool", default="promtool")
    a = ap.parse_args()
    prom = Prometheus(a.prometheus, a.promtool)
    try:
        version = prom.ask("/api/v1/status/buildinfo", {})["data"]["version"]
        instant, ranged = [], []
        refused_kept = 0
        for index, query in enumerate(queries()):
            ordered = outer_call(query) in ("sort", "sort_desc")
            first = None
            for ms in INSTANTS:
                response = prom.ask("/api/v1/query", {"query": query, "time": seconds(ms)})
                instant.append({"query": query, "kind": "instant", "timeMs": ms, "ordered": ordered, "response": response})
                first = first or response
                # A query Prometheus cannot parse fails the same way at every instant.
                if response["status"] == "error" and response["errorType"] == "bad_data":
                    break
            if first["status"] == "error" and first["errorType"] == "bad_data":
                configs = [RANGE_FULL]
            elif first["status"] == "success" and first["data"]["resultType"] in ("matrix", "string"):
                refused_kept += 1
                configs = [RANGE_FULL] if refused_kept <= RANGE_REFUSED_KEEP else []
            else:
                configs = [RANGE_FULL] + ([RANGE_ODD] if index % RANGE_ODD_EVERY == 0 else [])
            for start, end, step in configs:
                response = prom.ask("/api/v1/query_range", {
                    "query": query, "start": seconds(start), "end": seconds(end), "step": f"{step / 1000:g}"})
                ranged.append({"query": query, "kind": "range", "startMs": start, "endMs": end, "stepMs": step,
                               "response": response})
        data = dataset(prom)
    finally:
        prom.close()

    def write(name, value):
        with open(os.path.join(HERE, name), "w") as f:
            # One case per line: compact, yet diffs of a re-recording stay readable.
            if isinstance(value, list):
                f.write("[\n" + ",\n".join(json.dumps(v, separators=(",", ":"), ensure_ascii=False) for v in value) + "\n]\n")
            else:
                json.dump(value, f, indent=1, ensure_ascii=False)
                f.write("\n")
        print(f"{name}: {os.path.getsize(os.path.join(HERE, name))} bytes", file=sys.stderr)

    write("expected_instant.json", instant)
    write("expected_range.json", ranged)
    write("dataset.json", dict(prometheus=version, **data))
    for kind, cases in (("instant", instant), ("range", ranged)):
        errors = sum(1 for c in cases if c["response"]["status"] == "error")
        print(f"{kind}: {len(cases)} cases, {errors} errors", file=sys.stderr)


if __name__ == "__main__":
    main()
