#!/usr/bin/env python3
"""Records what Prometheus answers to each data set's queries.txt over its data.om, as the
conformance fixtures.

A data set is a folder: this one (`classic`) and `yardstick/`. For each, backfills data.om
with promtool into a temporary TSDB, starts Prometheus on it (loopback, an ephemeral port),
asks every query as instant queries at the data set's instants and as range queries, and
writes Prometheus's responses unchanged into the same folder:

    expected_instant.json   instant queries   [{query, kind, timeMs, ordered, response}]
    expected_range.json     range queries     [{query, kind, startMs, endMs, stepMs, response}]
    dataset.json            what Prometheus holds: every series with its sample count and
                            first and last timestamps, for checking the loader on its own

    python3 record.py [--dataset NAME]... [--prometheus PATH] [--promtool PATH]
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


class Dataset:
    """Where a data set lives and when to ask: `instants` in ms, `ranges` as
    (start ms, end ms, step ms, every, phase): the range is asked for every query whose index
    in queries.txt is `phase` modulo `every`."""

    def __init__(self, name, folder, instants, ranges, span):
        self.name, self.folder, self.instants, self.ranges, self.span = name, folder, instants, ranges, span


# classic: 2 h from T0. Instants near the start (windows reach before the first sample), on a
# sample time of the unjittered series, between sample times, 2 minutes after the last sample
# (inside the lookback) and 10 minutes after it (past the lookback). Every query over the
# whole data at 60 s steps aligned with the unjittered series, every 4th also at an odd step
# from an odd start, which puts the steps between the sample times.
T0 = 1_700_000_000
END = T0 + 7200
CLASSIC = Dataset(
    "classic", HERE,
    instants=[(T0 + 90) * 1000, (T0 + 3600) * 1000, (T0 + 5432) * 1000 + 500, (END + 120) * 1000, (END + 600) * 1000],
    ranges=[((T0 - 120) * 1000, (END + 420) * 1000, 60_000, 1, 0),
            ((T0 + 1000) * 1000 + 500, (T0 + 4700) * 1000 + 500, 37_000, 4, 0)],
    span=((T0 - 60) * 1000, (END + 60) * 1000))

# yardstick: 90 min from Y0 (23:00 UTC on 30 November 2023, so midnight is inside). Instants a
# minute in, exactly on host-b's reboot scrape (a sample time of the unjittered series),
# between sample times, exactly on the last sample and exactly 5 m after it (the lookback's
# closed end). Ranges: all the data at 60 s; at a 47 s step that divides nothing from an odd
# start; at 15 s (the scrape interval) around the reboot; and at a coarse 7 m step.
Y0 = 1_701_385_200
YEND = Y0 + 5400
YARDSTICK = Dataset(
    "yardstick", os.path.join(HERE, "yardstick"),
    instants=[(Y0 + 60) * 1000, (Y0 + 2700) * 1000, (Y0 + 3333) * 1000 + 333, YEND * 1000, (YEND + 300) * 1000],
    ranges=[((Y0 - 120) * 1000, (YEND + 420) * 1000, 60_000, 1, 0),
            ((Y0 + 601) * 1000 + 500, (Y0 + 4000) * 1000 + 500, 47_000, 3, 1),
            ((Y0 + 2580) * 1000 + 250, (Y0 + 3120) * 1000 + 250, 15_000, 4, 2),
            (Y0 * 1000, YEND * 1000, 420_000, 5, 3)],
    span=((Y0 - 60) * 1000, (YEND + 60) * 1000))

DATASETS = {d.name: d for d in (CLASSIC, YARDSTICK)}

# Range queries of expressions that Prometheus refuses for ranges (strings, range vectors)
# all fail the same way: a few of them are enough.
RANGE_REFUSED_KEEP = 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seconds(ms):
    return f"{ms // 1000}.{ms % 1000:03d}"


def queries(folder):
    with open(os.path.join(folder, "queries.txt")) as f:
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
    def __init__(self, prometheus, promtool, folder):
        self.dir = tempfile.mkdtemp(prefix="osprey-conformance-")
        tsdb = os.path.join(self.dir, "tsdb")
        os.mkdir(tsdb)
        subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics", os.path.join(folder, "data.om"), tsdb],
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


def dataset(prom, span):
    """Every series Prometheus holds, by asking for all samples of the data's span."""
    start, end = span
    answer = prom.ask("/api/v1/query", {"query": f'{{__name__=~".+"}}[{(end - start) // 1000}s]', "time": seconds(end)})
    assert answer["status"] == "success", answer
    series = []
    for s in answer["data"]["result"]:
        times = [round(float(t) * 1000) for t, _ in s["values"]]
        series.append({"labels": s["metric"], "samples": len(times), "firstMs": times[0], "lastMs": times[-1]})
    series.sort(key=lambda s: sorted(s["labels"].items()))
    return {"series": len(series), "samples": sum(s["samples"] for s in series), "perSeries": series}


def record(ds, prometheus, promtool):
    prom = Prometheus(prometheus, promtool, ds.folder)
    try:
        version = prom.ask("/api/v1/status/buildinfo", {})["data"]["version"]
        instant, ranged = [], []
        refused_kept = 0
        for index, query in enumerate(queries(ds.folder)):
            ordered = outer_call(query) in ("sort", "sort_desc")
            first = None
            for ms in ds.instants:
                response = prom.ask("/api/v1/query", {"query": query, "time": seconds(ms)})
                instant.append({"query": query, "kind": "instant", "timeMs": ms, "ordered": ordered, "response": response})
                first = first or response
                # A query Prometheus cannot parse fails the same way at every instant.
                if response["status"] == "error" and response["errorType"] == "bad_data":
                    break
            configs = [(start, end, step) for start, end, step, every, phase in ds.ranges if index % every == phase]
            if first["status"] == "error" and first["errorType"] == "bad_data":
                configs = ds.ranges[:1]
            elif first["status"] == "success" and first["data"]["resultType"] in ("matrix", "string"):
                refused_kept += 1
                configs = ds.ranges[:1] if refused_kept <= RANGE_REFUSED_KEEP else []
            for start, end, step, *_ in configs:
                response = prom.ask("/api/v1/query_range", {
                    "query": query, "start": seconds(start), "end": seconds(end), "step": f"{step / 1000:g}"})
                ranged.append({"query": query, "kind": "range", "startMs": start, "endMs": end, "stepMs": step,
                               "response": response})
        data = dataset(prom, ds.span)
    finally:
        prom.close()

    def write(name, value):
        with open(os.path.join(ds.folder, name), "w") as f:
            # One case per line: compact, yet diffs of a re-recording stay readable.
            if isinstance(value, list):
                f.write("[\n" + ",\n".join(json.dumps(v, separators=(",", ":"), ensure_ascii=False) for v in value) + "\n]\n")
            else:
                json.dump(value, f, indent=1, ensure_ascii=False)
                f.write("\n")
        print(f"{ds.name}/{name}: {os.path.getsize(os.path.join(ds.folder, name))} bytes", file=sys.stderr)

    write("expected_instant.json", instant)
    write("expected_range.json", ranged)
    write("dataset.json", dict(prometheus=version, **data))
    for kind, cases in (("instant", instant), ("range", ranged)):
        errors = sum(1 for c in cases if c["response"]["status"] == "error")
        print(f"{ds.name} {kind}: {len(cases)} cases, {errors} errors", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", action="append", choices=sorted(DATASETS),
                    help="a data set to record (repeatable; default: all)")
    ap.add_argument("--prometheus", default="prometheus")
    ap.add_argument("--promtool", default="promtool")
    a = ap.parse_args()
    for name in a.dataset or list(DATASETS):
        record(DATASETS[name], a.prometheus, a.promtool)


if __name__ == "__main__":
    main()
