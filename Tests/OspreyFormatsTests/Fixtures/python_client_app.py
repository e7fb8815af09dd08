#!/usr/bin/env python3
"""Fixture generator for Osprey parser tests.

Serves a deterministic set of prometheus_client metrics on 127.0.0.1:PORT
(PORT from argv[1], default 0 = pick a free port and print it) until killed.

Capture:
  curl -s http://127.0.0.1:PORT/metrics > python_client.prom
  curl -s -H 'Accept: application/openmetrics-text; version=1.0.0; charset=utf-8' \
       http://127.0.0.1:PORT/metrics > python_client.openmetrics
"""
import socket
import sys
import time

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Enum,
    Gauge,
    Histogram,
    Info,
    Summary,
    start_http_server,
)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def build_registry() -> CollectorRegistry:
    reg = CollectorRegistry()

    requests = Counter(
        "osprey_requests",
        "Total HTTP requests handled.",
        ["method", "path"],
        registry=reg,
    )
    requests.labels(method="GET", path="/").inc(3)
    requests.labels(method="POST", path="/api/v1/write").inc(1.5)
    # Label value with backslash, double quote and newline.
    requests.labels(method="GET", path='C:\\dir\\"quoted"\nnext line').inc()

    temperature = Gauge(
        "osprey_temperature_celsius",
        "Temperature by sensor.",
        ["sensor"],
        registry=reg,
    )
    temperature.labels(sensor="normal").set(21.5)
    temperature.labels(sensor="nan").set(float("nan"))
    temperature.labels(sensor="posinf").set(float("inf"))
    temperature.labels(sensor="neginf").set(float("-inf"))
    temperature.labels(sensor="negative").set(-3.25e-5)

    latency = Histogram(
        "osprey_request_duration_seconds",
        "Request latency.",
        ["handler"],
        buckets=(0.005, 0.05, 0.5, 5.0),
        registry=reg,
    )
    latency.labels(handler="query").observe(0.01, exemplar={"trace_id": "abc123"})
    latency.labels(handler="query").observe(0.3)
    latency.labels(handler="query").observe(7.0, exemplar={"trace_id": "def456", "span_id": "s1"})
    latency.labels(handler="write").observe(0.002)

    size = Summary("osprey_payload_bytes", "Payload size.", registry=reg)
    for v in (100, 250, 4096):
        size.observe(v)

    build = Info("osprey_build", "Build information.", registry=reg)
    build.info({"version": "0.1.0", "revision": "deadbeef", "branch": "main"})

    state = Enum(
        "osprey_state",
        "Current server state.",
        states=["starting", "running", "stopping"],
        registry=reg,
    )
    state.state("running")

    weird = Counter(
        "osprey_weird_help",
        "Help with a backslash \\ and a\nnewline.",
        registry=reg,
    )
    weird.inc(42)

    return reg


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if port == 0:
        port = free_port()
    reg = build_registry()
    start_http_server(port, addr="127.0.0.1", registry=reg)
    print(port, flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
