#!/usr/bin/env python3
"""Writes data.om: two hours of OpenMetrics samples shaped to hit PromQL's edge cases.

The names follow node_exporter and a RED-instrumented application (as in the project's
benchmark generator), but every irregularity is placed on purpose: counter resets, series that
start late or end early, gaps just under, exactly at and over the 5 m lookback, NaN and
infinities, non-monotonic and degenerate histograms, duplicate values for count_values, label
values for label_replace regexes, and recording-rule names with colons.

Deterministic: a fixed seed and a fixed start, so rerunning gives the same bytes.

    python3 make_data.py            # writes data.om beside this file
"""
import math
import os
import random

from openmetrics_writer import write_openmetrics

T0 = 1_700_000_000  # first sample, unix seconds
SPAN = 7200  # two hours
HERE = os.path.dirname(os.path.abspath(__file__))

rnd = random.Random(20231114)
families = []  # (family name, type, help, [(labels dict, [(ms, value)])])


def family(name, typ, help_text):
    series = []
    families.append((name, typ, help_text, series))
    return series


def grid(interval, jitter_ms=0, start=0, end=SPAN, skip=()):
    """Sample times in ms from T0+start to T0+end every interval s, shifted by a scrape jitter,
    leaving out the offsets (seconds after T0) that fall into any (from, to) of `skip`."""
    times = []
    for offset in range(start, end + 1, interval):
        if any(a <= offset < b for a, b in skip):
            continue
        times.append((T0 + offset) * 1000 + jitter_ms)
    return times


def counter(times, rate, start=0.0, resets=(), integer=True, decimals=2):
    """A counter growing by about `rate` per second; at each offset in `resets` it restarts
    from a small value, as a process restart does."""
    out, v, prev = [], start, None
    pending = sorted(resets)
    for ms in times:
        offset = ms // 1000 - T0
        dt = 0 if prev is None else (ms - prev) / 1000
        prev = ms
        if pending and offset >= pending[0]:
            pending.pop(0)
            v = float(rnd.randint(0, 3)) if integer else round(rnd.uniform(0, 2), decimals)
        elif dt:
            inc = rate * dt * rnd.uniform(0.4, 1.6)
            v = v + (float(int(inc + 0.5)) if integer else round(inc, decimals))
            if not integer:
                v = round(v, decimals)
        out.append((ms, v))
    return out


def walk(times, start, step, decimals, low=-math.inf, high=math.inf):
    out, v = [], start
    for ms in times:
        out.append((ms, v))
        v = round(min(max(v + rnd.uniform(-1, 1) * step, low), high), decimals)
        if decimals == 0:
            v = float(int(v))
    return out


def constant(times, value):
    return [(ms, value) for ms in times]


# ---------------------------------------------------------------- node_exporter, 60 s scrapes
NODE = [("host-1.example.com:9100", 0), ("host-2.example.com:9100", 250), ("host-3.example.org:9100", 731)]
NODE_INTERVAL = 60
# host-2 misses four scrapes: its samples around the hole are exactly 300 s apart, the lookback.
HOST2_SKIP = [(3000, 3240)]
HOST3_REBOOT = 4020


def node_times(instance, jitter):
    skip = HOST2_SKIP if instance.startswith("host-2") else ()
    return grid(NODE_INTERVAL, jitter, skip=skip)


def node_labels(instance, **extra):
    return dict(instance=instance, job="node", **extra)


cpu = family("node_cpu_seconds", "counter", "Seconds the CPUs spent in each mode.")
for instance, jitter in NODE:
    resets = (HOST3_REBOOT,) if instance.startswith("host-3") else ()
    for c in ("0", "1"):
        for mode, rate in (("idle", 0.83), ("user", 0.12), ("system", 0.05)):
            times = node_times(instance, jitter)
            start = round(rnd.uniform(1e4, 1e5) * rate, 2)
            cpu.append((node_labels(instance, cpu=c, mode=mode),
                        counter(times, rate, start, resets, integer=False)))

mem_avail = family("node_memory_MemAvailable_bytes", "gauge", "Memory information field MemAvailable_bytes.")
mem_total = family("node_memory_MemTotal_bytes", "gauge", "Memory information field MemTotal_bytes.")
for instance, jitter in NODE:
    times = node_times(instance, jitter)
    total = float(rnd.choice([8, 16, 32]) * 1024 ** 3)
    mem_total.append((node_labels(instance), constant(times, total)))
    mem_avail.append((node_labels(instance),
                      walk(times, float(int(total * 0.4)), total * 0.01, 0, 0, total)))

fs_avail = family("node_filesystem_avail_bytes", "gauge", "Filesystem space available to non-root users in bytes.")
fs_size = family("node_filesystem_size_bytes", "gauge", "Filesystem size in bytes.")
for instance, jitter in NODE:
    times = node_times(instance, jitter)
    mounts = [("/dev/sda1", "ext4", "/"), ("/dev/nvme0n1p2", "xfs", "/data")]
    for device, fstype, mountpoint in mounts:
        size = float(rnd.choice([50, 200, 1000]) * 1024 ** 3)
        labels = node_labels(instance, device=device, fstype=fstype, mountpoint=mountpoint)
        fs_size.append((labels, constant(times, size)))
        # /data fills up steadily: predict_linear and deriv have a clear trend to find.
        if mountpoint == "/data":
            values, v = [], size * 0.5
            for ms in times:
                values.append((ms, float(int(v))))
                v -= size * 0.0004 * rnd.uniform(0.5, 1.5)
            fs_avail.append((labels, values))
        else:
            fs_avail.append((labels, walk(times, float(int(size * 0.7)), size * 0.001, 0, 0, size)))
# A size without an avail partner: one-to-one matching must leave it out.
fs_size.append((node_labels(NODE[0][0], device="tmpfs", fstype="tmpfs", mountpoint="/run"),
                constant(node_times(*NODE[0]), 1.6e9)))

load1 = family("node_load1", "gauge", "1m load average.")
for instance, jitter in NODE:
    load1.append((node_labels(instance), walk(node_times(instance, jitter), 0.5, 0.15, 2, 0, 8)))

net = family("node_network_receive_bytes", "counter", "Network device statistic receive_bytes.")
for instance, jitter in NODE:
    resets = (HOST3_REBOOT,) if instance.startswith("host-3") else ()
    for device, rate in (("eth0", 125000.0), ("lo", 300.0)):
        times = node_times(instance, jitter)
        net.append((node_labels(instance, device=device),
                    counter(times, rate, float(rnd.randint(10 ** 6, 10 ** 9)), resets)))

boot = family("node_boot_time_seconds", "gauge", "Node boot time, in unixtime.")
for instance, jitter in NODE:
    times = node_times(instance, jitter)
    first = float(T0 - rnd.randint(86400, 864000))
    if instance.startswith("host-3"):
        boot.append((node_labels(instance),
                     [(ms, first if ms // 1000 - T0 < HOST3_REBOOT else float(T0 + HOST3_REBOOT - 40)) for ms in times]))
    else:
        boot.append((node_labels(instance), constant(times, first)))

uname = family("node_uname_info", "gauge", "Labeled system information as provided by the uname system call.")
for (instance, jitter), (nodename, release) in zip(NODE, [("host-1", "6.1.0-13-amd64"), ("host-2", "6.1.0-13-amd64"),
                                                          ("host-3", "5.10.0-26-amd64")]):
    uname.append((node_labels(instance, nodename=nodename, release=release, sysname="Linux"),
                  constant(node_times(instance, jitter), 1.0)))

# ---------------------------------------------------------------- application (RED), 60 s scrapes
API = [("10.0.0.1:8080", 137), ("10.0.0.2:8080", 0), ("10.0.0.3:8080", 512)]
API_INTERVAL = 60
API3_START = 2400  # the third replica is deployed 40 minutes in
API2_RESTART = 5010


def api_times(instance, jitter, start=0):
    if instance.startswith("10.0.0.3"):
        start = max(start, API3_START)
    return grid(API_INTERVAL, jitter, start=start)


def api_labels(instance, **extra):
    return dict(instance=instance, job="api", **extra)


reqs = family("http_requests", "counter", "Total HTTP requests by method, handler and status code.")
ROUTES = [("GET", "/api/v1/users", "200", 6.0), ("GET", "/api/v1/users", "500", 0.05),
          ("GET", "/api/v1/orders", "200", 2.5), ("POST", "/api/v1/orders", "201", 0.8),
          ("POST", "/api/v1/orders", "500", 0.1)]
for instance, jitter in API:
    resets = (API2_RESTART,) if instance.startswith("10.0.0.2") else ()
    for method, handler, code, rate in ROUTES:
        # Client libraries create an error series at its first error: these start late.
        start = 1800 if code == "500" and handler == "/api/v1/users" else 0
        times = api_times(instance, jitter, start)
        first = 0.0 if start or instance.startswith("10.0.0.3") else float(rnd.randint(1000, 50000))
        reqs.append((api_labels(instance, method=method, handler=handler, code=code),
                     counter(times, rate, first, resets)))

BUCKETS = ["0.05", "0.1", "0.25", "0.5", "1", "+Inf"]
duration = family("http_request_duration_seconds", "histogram", "HTTP request latency.")
for instance, jitter in API:
    times = api_times(instance, jitter)
    restart = API2_RESTART if instance.startswith("10.0.0.2") else None
    median = {"10.0.0.1:8080": 0.08, "10.0.0.2:8080": 0.2, "10.0.0.3:8080": 0.6}[instance]
    counts, total = [0.0] * len(BUCKETS), 0.0
    rows = {le: [] for le in BUCKETS}
    sums, cnts = [], []
    for ms in times:
        offset = ms // 1000 - T0
        if restart and offset >= restart:
            counts, total, restart = [0.0] * len(BUCKETS), 0.0, None
        # An idle quarter hour: every bucket's rate is zero, histogram_quantile gives NaN.
        idle = instance.startswith("10.0.0.1") and 6000 <= offset < 6900
        n = 0 if idle or not rows["+Inf"] else rnd.randint(20, 120)
        for _ in range(n):
            x = rnd.lognormvariate(math.log(median), 0.9)
            total += x
            for i, le in enumerate(BUCKETS):
                if x <= float(le):
                    counts[i] += 1
        total = round(total, 4)
        for i, le in enumerate(BUCKETS):
            rows[le].append((ms, counts[i]))
        sums.append((ms, total))
        cnts.append((ms, counts[-1]))
    for le in BUCKETS:
        duration.append((dict(api_labels(instance), le=le, __suffix__="_bucket"), rows[le]))
    duration.append((dict(api_labels(instance), __suffix__="_sum"), sums))
    duration.append((dict(api_labels(instance), __suffix__="_count"), cnts))

inflight = family("http_requests_in_flight", "gauge", "Requests being served.")
for instance, jitter in API:
    inflight.append((api_labels(instance), walk(api_times(instance, jitter), 3.0, 2.0, 0, 0, 12)))

build = family("app_build_info", "gauge", "Build information of the running binary.")
for instance, jitter in API:
    version = "1.5.0" if instance.startswith("10.0.0.3") else "1.4.2"
    build.append((api_labels(instance, version=version, goversion="go1.21.4"),
                  constant(api_times(instance, jitter), 1.0)))

up = family("up", "gauge", None)
for instance, jitter in NODE:
    times = grid(NODE_INTERVAL, jitter)
    values = []
    for ms in times:
        offset = ms // 1000 - T0
        down = instance.startswith("host-2") and 3000 <= offset < 3240
        values.append((ms, 0.0 if down else 1.0))
    up.append((node_labels(instance), values))
for instance, jitter in API:
    up.append((api_labels(instance), constant(api_times(instance, jitter), 1.0)))

# ---------------------------------------------------------------- RPC service, 60 s scrapes
RPC = [("rpc-a:9000", 40), ("rpc-b:9000", 0)]


def rpc_labels(instance, **extra):
    return dict(instance=instance, job="rpc", **extra)


summary = family("rpc_duration_seconds", "summary", "RPC latency distributions.")
for instance, jitter in RPC:
    times = grid(60, jitter)
    base = 0.011 if instance.startswith("rpc-a") else 0.0042
    for q, factor in (("0.5", 1.0), ("0.9", 2.7), ("0.99", 8.5)):
        summary.append((rpc_labels(instance, quantile=q),
                        [(ms, round(base * factor * rnd.uniform(0.8, 1.25), 6)) for ms in times]))
    total, count, sums, counts = 0.0, 0.0, [], []
    for ms in times:
        n = rnd.randint(100, 400)
        count += n
        total = round(total + n * base * rnd.uniform(0.9, 1.4), 6)
        sums.append((ms, total))
        counts.append((ms, count))
    summary.append((rpc_labels(instance, __suffix__="_sum"), sums))
    summary.append((rpc_labels(instance, __suffix__="_count"), counts))

# Buckets whose counts are not monotonic in le (as a racy client can expose): histogram_quantile
# must repair them. The le values are written as OpenMetrics canonical floats ("1.0").
racy = family("rpc_latency_seconds", "histogram", "RPC latency, from a client with racy buckets.")
for instance, jitter in RPC:
    times = grid(60, jitter)
    les = ["0.1", "0.5", "1.0", "+Inf"]
    rows = {le: [] for le in les}
    c = [0.0] * 4
    sums, counts, total = [], [], 0.0
    for ms in times:
        inc = [rnd.randint(5, 20), rnd.randint(20, 40), rnd.randint(5, 10), rnd.randint(1, 5)]
        c[0] += inc[0]
        c[1] += inc[0] + inc[1]
        c[2] += inc[0] + inc[1] + inc[2]
        c[3] += sum(inc)
        total = round(total + sum(inc) * 0.3, 3)
        racy_row = list(c)
        if instance.startswith("rpc-a"):
            # le="0.5" reads ahead of le="1.0" by a wide margin.
            racy_row[1] = c[1] + 400
        for le, v in zip(les, racy_row):
            rows[le].append((ms, v))
        sums.append((ms, total))
        counts.append((ms, c[3]))
    for le in les:
        racy.append((dict(rpc_labels(instance), le=le, __suffix__="_bucket"), rows[le]))
    racy.append((dict(rpc_labels(instance), __suffix__="_sum"), sums))
    racy.append((dict(rpc_labels(instance), __suffix__="_count"), counts))

# Only the +Inf bucket: too few buckets for a quantile.
queue_wait = family("queue_wait_seconds", "histogram", "Time jobs wait in the queue.")
times = grid(60, 40)
cnt = counter(times, 3.0, 0.0)
queue_wait.append((dict(rpc_labels("rpc-a:9000"), le="+Inf", __suffix__="_bucket"), cnt))
queue_wait.append((dict(rpc_labels("rpc-a:9000"), __suffix__="_sum"), [(ms, round(v * 0.7, 3)) for ms, v in cnt]))
queue_wait.append((dict(rpc_labels("rpc-a:9000"), __suffix__="_count"), cnt))

# Buckets without +Inf: histogram_quantile answers NaN.
legacy = family("legacy_latency_seconds", "histogram", "A histogram that lost its +Inf bucket.")
times = grid(60, 0)
low = counter(times, 1.0, 0.0)
legacy.append((dict(rpc_labels("rpc-b:9000"), le="0.1", __suffix__="_bucket"), low))
legacy.append((dict(rpc_labels("rpc-b:9000"), le="1", __suffix__="_bucket"), [(ms, v * 2) for ms, v in low]))

# ---------------------------------------------------------------- batch jobs, 60 s
batch_ts = family("batch_last_success_timestamp_seconds", "gauge", "When the task last succeeded.")
batch_records = family("batch_records_processed", "counter", "Records processed by the task.")
# backup stops reporting after one hour (ends early); report starts after half an hour.
for task, start, end in (("backup", 0, 3600), ("report", 1800, SPAN)):
    times = grid(60, 0, start=start, end=end)
    values, last = [], float(T0 + start - 600)
    for ms in times:
        if (ms // 1000 - T0) % 900 == 0:
            last = float(ms // 1000)
        values.append((ms, last))
    batch_ts.append((dict(job="batch", task=task), values))
    # report's counter first appears at a small value: rate must not extrapolate below zero.
    batch_records.append((dict(job="batch", task=task),
                          counter(times, 40.0 if task == "report" else 15.0, 25.0 if task == "report" else 90000.0)))

# A counter that resets three times, with fractional values, one reset to a value above zero.
cpu_time = family("process_cpu_seconds", "counter", "Total user and system CPU time spent in seconds.")
times = grid(15, 0)
vals, v = [], 12.5
for ms in times:
    offset = ms // 1000 - T0
    if offset in (1500, 3300, 6600):
        v = {1500: 0.25, 3300: 3.0, 6600: 0.0}[offset]
    else:
        v = round(v + rnd.uniform(0.01, 0.09), 2)
    vals.append((ms, v))
cpu_time.append((dict(job="prometheus", instance="localhost:9090"), vals))

goroutines = family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
goroutines.append((dict(job="prometheus", instance="localhost:9090"), walk(grid(15, 0), 40.0, 3.0, 0, 20, 90)))

# ---------------------------------------------------------------- queue worker, 30 s scrapes
processed = family("worker_jobs_processed", "counter", "Jobs taken off each queue.")
queue_length = family("worker_queue_length", "gauge", "Jobs waiting in each queue.")
for queue, rate, resets in (("emails", 4.0, (2730,)), ("reports", 0.3, ())):
    times = grid(30, 0)
    labels = dict(job="worker", instance="worker-0:9200", queue=queue)
    processed.append((labels, counter(times, rate, 500.0, resets)))
    queue_length.append((labels, walk(times, 12.0, 4.0, 0, 0, 60)))

# ---------------------------------------------------------------- gauges with edge values
temps = family("temperature_celsius", "gauge", "Sensor temperatures.")
for sensor, start, step in (("outdoor", -3.5, 0.4), ("freezer", -18.25, 0.125), ("cpu", 48.0, 1.5), ("probe:1", 0.0, 0.75)):
    temps.append((dict(job="sensors", sensor=sensor), walk(grid(60, 0), start, step, 3)))

special = family("special_values", "gauge", "NaN and infinities.")
times = grid(60, 0)
special.append((dict(job="sensors", kind="nan"), constant(times, math.nan)))
special.append((dict(job="sensors", kind="posinf"), constant(times, math.inf)))
special.append((dict(job="sensors", kind="neginf"), constant(times, -math.inf)))
cycle = [1.0, math.nan, -2.5, math.inf, 0.0, -math.inf, 0.5, -0.0]
special.append((dict(job="sensors", kind="mixed"), [(ms, cycle[i % len(cycle)]) for i, ms in enumerate(times)]))
special.append((dict(job="sensors", kind="tiny"), [(ms, 1e-300 * (i % 5 + 1)) for i, ms in enumerate(times)]))
special.append((dict(job="sensors", kind="huge"), [(ms, 1.5e308 if i % 3 else -1.7e308) for i, ms in enumerate(times)]))

flaky = family("flaky_gauge", "gauge", "A gauge whose target drops out.")
for name, skip in (("gap-short", [(2000, 2200)]), ("gap-exact", [(2000, 2240)]), ("gap-long", [(2000, 2700)]),
                   ("gap-twice", [(1200, 1800), (4800, 5700)])):
    flaky.append((dict(job="flaky", instance=name), walk(grid(60, 0, skip=skip), 10.0, 1.0, 1)))

flaky_events = family("flaky_events", "counter", "Events from a target that drops out.")
flaky_events.append((dict(job="flaky", instance="gap-long"), counter(grid(60, 0, skip=[(2000, 2700)]), 2.0, 100.0)))
flaky_events.append((dict(job="flaky", instance="gap-twice"),
                     counter(grid(60, 0, skip=[(1200, 1800), (4800, 5700)]), 0.5, 7.0)))

pool = family("worker_pool_size", "gauge", "Configured workers per pool.")
# Repeated values for count_values; pools b and e change size mid-way.
for name, first, second in (("a", 4, 4), ("b", 4, 8), ("c", 8, 8), ("d", 8, 8), ("e", 8, 16), ("f", 16, 16)):
    pool.append((dict(job="config", pool=name),
                 [(ms, float(first if ms // 1000 - T0 < 3900 else second)) for ms in grid(120, 0)]))

# Label values for label_replace/label_join regexes, including an escaped quote and non-ASCII.
source = family("label_source", "gauge", "Series whose labels are for rewriting.")
for i, (path, pod, owner) in enumerate((("/api/v1/users", "web-7f9c5d-abc12", "alice@example.com"),
                                        ("/api/v2/orders/123", "web-7f9c5d-xyz89", "bob@corp.example.org"),
                                        ("/healthz", "worker-0", 'say "hi"'),
                                        ("/", "café-1", "zoë"))):
    source.append((dict(job="labels", path=path, pod=pod, owner=owner, idx=str(i)),
                   constant(grid(120, 0), float(i + 1))))

# ---------------------------------------------------------------- recording-rule style names
rule1 = family("job:http_requests:rate5m", "gauge", None)
rule2 = family("instance:node_cpu_utilisation:rate1m", "gauge", None)
rule3 = family("code:http_requests:ratio_rate5m", "gauge", None)
times = grid(60, 0)
rule1.append((dict(job="api"), walk(times, 25.0, 2.0, 3, 0, 100)))
for instance, _ in NODE:
    rule2.append((dict(instance=instance, job="node"), walk(times, 0.2, 0.05, 4, 0, 1)))
for code, share in (("200", 0.9), ("404", 0.06), ("500", 0.04)):
    rule3.append((dict(code=code, job="api"), walk(times, share, share * 0.1, 5, 0, 1)))


# ---------------------------------------------------------------- writing
write_openmetrics(os.path.join(HERE, "data.om"), families)
