"""Writes the conformance data sets' families as one OpenMetrics file, for both make_data.py."""
import math
import os


def fmt_value(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == 0 and math.copysign(1, v) < 0:
        return "-0"
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def fmt_time(ms):
    text = f"{ms // 1000}" if ms % 1000 == 0 else f"{ms // 1000}.{ms % 1000:03d}"
    # promtool converts with int64(seconds * 1000), which truncates: only write times that
    # survive it, so Prometheus and Osprey store the same millisecond.
    assert int(float(text) * 1000) == ms, text
    return text


def escape(value):
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def series_text(name, typ, labels):
    labels = dict(labels)
    name += labels.pop("__suffix__", "_total" if typ == "counter" else "")
    if not labels:
        return name
    return name + "{" + ",".join(f'{k}="{escape(v)}"' for k, v in sorted(labels.items())) + "}"


def write_openmetrics(path, families):
    """`families` holds (name, type, help or None, [(labels, [(ms, value)])]); prints a summary."""
    lines = []
    series_count = sample_count = 0
    for name, typ, help_text, series in families:
        if help_text:
            lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {typ}")
        for labels, samples in series:
            text = series_text(name, typ, labels)
            series_count += 1
            sample_count += len(samples)
            times = [ms for ms, _ in samples]
            assert times == sorted(set(times)), text
            for ms, value in samples:
                lines.append(f"{text} {fmt_value(value)} {fmt_time(ms)}")
    lines.append("# EOF")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"series={series_count} samples={sample_count} bytes={os.path.getsize(path)}")
