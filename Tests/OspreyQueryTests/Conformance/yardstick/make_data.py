#!/usr/bin/env python3
"""Writes data.om: 90 minutes of a small production-like scrape, shaped like the benchmark's
yardstick workload (node_exporter series, an application's RED counters and a classic
histogram), at 15 s scrapes, with the irregularities a dashboard meets in practice:

- host-b reboots at T0+2700 s: its counters restart near zero, node_boot_time_seconds jumps,
  its up is 0 for one scrape and its other series miss that scrape (a 30 s hole);
- app-1 restarts at T0+4000 s (its request counters and histogram reset);
- http_requests_total{route="/api/login"} on app-1 stops at T0+3000 s, and queue_depth
  {queue="emails"} at T0+3600 s while queue_depth{queue="sms"} starts at T0+1800 s;
- app-2 is scraped every 15 s until T0+2700 s and every 60 s after (the interval changes);
- info series (node_uname_info, app_build_info) are scraped every 60 s;
- recording-rule names with colons (one starting with a colon), evaluated every 60 s;
- label values for regexes: a newline, a tab, a non-breaking space, é precomposed and
  decomposed (two distinct series in Prometheus), a Persian digit, an empty-looking value.

The span crosses midnight of 30 November into 1 December 2023 (UTC), so date functions change
value inside the data.

Deterministic: a fixed seed and a fixed start.

    python3 make_data.py            # writes data.om beside this file
"""
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from openmetrics_writer import write_openmetrics  # noqa: E402

T0 = 1_701_385_200  # 2023-11-30 23:00:00 UTC
SPAN = 5400  # 90 minutes
HERE = os.path.dirname(os.path.abspath(__file__))

rnd = random.Random(424242)
families = []  # (family name, type, help, [(labels dict, [(ms, value)])])


def family(name, typ, help_text):
    series = []
    families.append((name, typ, help_text, series))
    return series


def grid(interval, jitter_ms=0, start=0, end=SPAN, skip=(), change=None):
    """Sample times in ms every `interval` s from T0+start to T0+end (shifted by a jitter),
    without the offsets inside any [a, b) of `skip`; `change=(at, interval2)` switches to
    another interval from offset `at` on."""
    times, offset = [], start
    while offset <= end:
        if not any(a <= offset < b for a, b in skip):
            times.append((T0 + offset) * 1000 + jitter_ms)
        offset += change[1] if change and offset >= change[0] else interval
    return times


def counter(times, rate, start=0.0, resets=(), integer=True):
    out, v, prev = [], start, None
    pending = sorted(resets)
    for ms in times:
        offset = ms // 1000 - T0
        dt = 0 if prev is None else (ms - prev) / 1000
        prev = ms
        if pending and offset >= pending[0]:
            pending.pop(0)
            v = float(rnd.randint(0, 2)) if integer else round(rnd.uniform(0, 1), 2)
        elif dt:
            inc = rate * dt * rnd.uniform(0.5, 1.5)
            v = v + float(int(inc + 0.5)) if integer else round(v + inc, 2)
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


# ---------------------------------------------------------------- node_exporter, 15 s
HOSTS = [("host-a:9100", 0), ("host-b:9100", 412)]
REBOOT = 2700  # host-b: up=0 at this scrape, nothing else; counters restart after


def node_times(instance, jitter):
    skip = [(REBOOT, REBOOT + 15)] if instance.startswith("host-b") else ()
    return grid(15, jitter, skip=skip)


def node(instance, **extra):
    return dict(instance=instance, job="node", **extra)


up = family("up", "gauge", "Whether the target was scraped.")
for instance, jitter in HOSTS:
    up.append((node(instance), [(ms, 0.0 if ms // 1000 - T0 == REBOOT else 1.0) for ms in grid(15, jitter)]))

cpu = family("node_cpu_seconds", "counter", "Seconds the CPUs spent in each mode.")
for instance, jitter in HOSTS:
    resets = (REBOOT + 15,) if instance.startswith("host-b") else ()
    for mode, rate in (("idle", 1.6), ("user", 0.3)):
        cpu.append((node(instance, cpu="0", mode=mode),
                    counter(node_times(instance, jitter), rate, round(rnd.uniform(1e3, 1e5), 2), resets, integer=False)))

mem_total = family("node_memory_MemTotal_bytes", "gauge", "Memory information field MemTotal_bytes.")
mem_avail = family("node_memory_MemAvailable_bytes", "gauge", "Memory information field MemAvailable_bytes.")
for instance, jitter in HOSTS:
    total = float(16 * 1024 ** 3 if instance.startswith("host-a") else 8 * 1024 ** 3)
    mem_total.append((node(instance), constant(node_times(instance, jitter), total)))
    mem_avail.append((node(instance), walk(node_times(instance, jitter), float(int(total * 0.3)), total * 0.004, 0, 0, total)))

fs_size = family("node_filesystem_size_bytes", "gauge", "Filesystem size in bytes.")
fs_avail = family("node_filesystem_avail_bytes", "gauge", "Filesystem space available in bytes.")
for instance, jitter in HOSTS:
    size = 107374182400.0
    labels = node(instance, fstype="ext4", mountpoint="/")
    fs_size.append((labels, constant(node_times(instance, jitter), size)))
    values, v = [], size * (0.2 if instance.startswith("host-a") else 0.6)
    for ms in node_times(instance, jitter):
        values.append((ms, float(int(v))))
        v -= 3.5e6 * rnd.uniform(0.2, 1.8)
    fs_avail.append((labels, values))

net = family("node_network_receive_bytes", "counter", "Network device statistic receive_bytes.")
for instance, jitter in HOSTS:
    resets = (REBOOT + 15,) if instance.startswith("host-b") else ()
    net.append((node(instance, device="eth0"), counter(node_times(instance, jitter), 250000.0, 8.0e9, resets)))

load1 = family("node_load1", "gauge", "1m load average.")
for instance, jitter in HOSTS:
    load1.append((node(instance), walk(node_times(instance, jitter), 1.2, 0.2, 2, 0, 16)))

boot = family("node_boot_time_seconds", "gauge", "Node boot time, in unixtime.")
for instance, jitter in HOSTS:
    first = T0 - 86400 * (3 if instance.startswith("host-a") else 40) + 17
    boot.append((node(instance), [(ms, float(first if ms // 1000 - T0 < REBOOT else T0 + REBOOT + 9))
                                  for ms in node_times(instance, jitter)]))

clock = family("node_time_seconds", "gauge", "System time in seconds since epoch (1970).")
for instance, jitter in HOSTS:
    clock.append((node(instance), [(ms, ms / 1000 + (0.25 if instance.startswith("host-b") else 0.0))
                                   for ms in node_times(instance, jitter)]))

uname = family("node_uname_info", "gauge", "Labeled system information.")
for instance, jitter in HOSTS:
    uname.append((node(instance, nodename=instance.split(":")[0], release="6.1.0-13-amd64"),
                  constant(grid(60, jitter), 1.0)))

# ---------------------------------------------------------------- application, 15 s
APPS = [("app-1:8080", 123, None), ("app-2:8080", 877, (REBOOT, 60))]
APP_RESTART = 4000


def app_times(instance, jitter, change, **kw):
    return grid(15, jitter, change=change, **kw)


def app(instance, **extra):
    return dict(instance=instance, job="app", **extra)


for instance, jitter, change in APPS:
    up.append((app(instance), constant(app_times(instance, jitter, change), 1.0)))

requests = family("http_requests", "counter", "Requests handled.")
for instance, jitter, change in APPS:
    resets = (APP_RESTART,) if instance.startswith("app-1") else ()
    for route, rate in (("/api/orders", 12.0), ("/api/cart", 3.0)):
        for status, share in (("200", 0.97), ("500", 0.03)) if route == "/api/orders" else (("200", 1.0),):
            requests.append((app(instance, method="GET", route=route, status=status),
                             counter(app_times(instance, jitter, change), rate * share, 500.0 * share, resets)))
requests.append((app("app-1:8080", method="POST", route="/api/login", status="200"),
                 counter(app_times("app-1:8080", 123, None, end=3000), 0.8, 40.0)))

BUCKETS = ["0.1", "0.25", "0.5", "1", "+Inf"]
bucket_series = family("http_request_duration_seconds", "histogram", "Request latency.")
for instance, jitter, change in APPS:
    times = app_times(instance, jitter, change)
    counts, total, prev = [0.0] * len(BUCKETS), 0.0, None
    rows = {le: [] for le in BUCKETS}
    sums, cnts = [], []
    for ms in times:
        offset = ms // 1000 - T0
        if instance.startswith("app-1") and prev is not None and prev < APP_RESTART <= offset:
            counts, total = [0.0] * len(BUCKETS), 0.0
        elif prev is not None:
            for _ in range(int(10 * (offset - prev) * rnd.uniform(0.5, 1.5))):
                x = rnd.lognormvariate(math.log(0.12), 0.9)
                total += x
                for i, le in enumerate(BUCKETS):
                    if le == "+Inf" or x <= float(le):
                        counts[i] += 1
        prev = offset
        for i, le in enumerate(BUCKETS):
            rows[le].append((ms, counts[i]))
        sums.append((ms, round(total, 4)))
        cnts.append((ms, counts[-1]))
    for le in BUCKETS:
        bucket_series.append((app(instance, route="/api/orders", le=le, __suffix__="_bucket"), rows[le]))
    bucket_series.append((app(instance, route="/api/orders", __suffix__="_sum"), sums))
    bucket_series.append((app(instance, route="/api/orders", __suffix__="_count"), cnts))

build = family("app_build_info", "gauge", "Build information.")
for instance, jitter, change in APPS:
    build.append((app(instance, version="1.4.2" if instance.startswith("app-1") else "1.5.0-rc.1", goversion="go1.21.4"),
                  constant(grid(60, jitter), 1.0)))

sessions = family("active_sessions", "gauge", "Sessions open now.")
for instance, jitter, change in APPS:
    sessions.append((app(instance), walk(app_times(instance, jitter, change), 120.0, 6.0, 0, 0, 1000)))

queue = family("queue_depth", "gauge", "Messages waiting.")
queue.append((app("app-1:8080", queue="emails"), walk(app_times("app-1:8080", 123, None, end=3600), 3.0, 2.0, 0, 0, 50)))
queue.append((app("app-1:8080", queue="sms"), walk(app_times("app-1:8080", 123, None, start=1800), 0.0, 1.0, 0, 0, 20)))

# ---------------------------------------------------------------- recording rules, 60 s
rule = family("job:http_requests:rate5m", "gauge", None)
rule.append((dict(job="app"), walk(grid(60), 14.0, 1.5, 3, 0, 100)))
rule2 = family("instance:node_cpu:ratio", "gauge", None)
for instance, _ in HOSTS:
    rule2.append((dict(instance=instance, job="node"), walk(grid(60), 0.25, 0.03, 4, 0, 1)))
rule3 = family(":node_memory:sum", "gauge", None)
rule3.append((dict(), walk(grid(60), 2.5e10, 1e8, 0, 0, 1e12)))

# ---------------------------------------------------------------- label values for regexes, 60 s
odd = family("label_values", "gauge", "Series whose label values test regex engines.")
for i, value in enumerate(("line1\nline2", "tab\there", "non\u00a0breaking", "caf\u00e9", "cafe\u0301",
                           "\u06f3", "3", "UPPER", "upper", "a.b", "a+b", "$1", "x" * 70)):
    odd.append((dict(job="labels", v=value, i=f"{i:02d}"), constant(grid(120), float(i))))

# ---------------------------------------------------------------- writing
write_openmetrics(os.path.join(HERE, "data.om"), families)
