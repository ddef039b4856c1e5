#!/usr/bin/env python3
"""Reads the soak's statistics lines (`vanity --stats-every`) and log; prints resident memory,
threads and frame times per window (10 minutes, or a fifth of a shorter run) and a verdict.

Warm-up is the first window (the first two of a short run, so that both sources have been shown).
Fails (exit 1) when after warm-up: the peak resident memory of the last window exceeds that of
the first window after warm-up by more than 5 MB an hour (at least 5 MB; 40 MB for runs under
10 minutes, which only catch fast leaks: the hour is the real check), the thread count grows,
presented frames take longer (render p50 over 1.25x; fps is no measure: a still is not redrawn;
over 2x for runs under 10 minutes, whose 12-second windows on a shared 2-core machine vary by
0.68-1.37x from noise alone, so only a gross slowdown is caught there) or the log holds a
warning or an error. Usage: soak_report.py STATS.jsonl LOG MINUTES
"""
import json
import re
import statistics
import sys

MB_PER_HOUR = 5.0
MIN_ALLOWED_MB = 5.0
SHORT_RUN_ALLOWED_MB = 40.0
SLOWDOWN = 1.25
SHORT_RUN_SLOWDOWN = 2.0


def windows(lines, minutes):
    span = 600.0 if minutes >= 10 else minutes * 60.0 / 5.0
    last = max(int(round(minutes * 60.0 / span)) - 1, 0)
    out = {}
    for line in lines:
        # The line written at exit, a moment after the end, belongs to the last window.
        out.setdefault(min(int((line["t"] - 1e-6) // span), last), []).append(line)
    return span, [out[k] for k in sorted(out)]


def main():
    stats_path, log_path, minutes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(stats_path) as f:
        lines = [json.loads(l) for l in f if l.strip()]
    if len(lines) < 3:
        print(f"soak: only {len(lines)} statistics line(s) in {stats_path}")
        return 1
    span, groups = windows(lines, minutes)
    print(f"{'window':>13} {'RSS MB':>8} {'threads':>8} {'fps':>6} {'render p50':>11} {'latency p95':>12} {'track p50':>10}")
    for g in groups:
        start, end = g[0]["t"] - (g[0]["t"] - 1e-6) % span, g[-1]["t"]
        label = f"{start / 60:5.1f}-{end / 60:5.1f} min"
        fps = statistics.mean(l["fps"] for l in g)
        render = statistics.median(l["render_ms"]["p50"] for l in g)
        latency = max(l["latency_ms"]["p95"] for l in g)
        track = statistics.median(l["track_ms"]["p50"] for l in g)
        threads = max(l.get("threads", 0) for l in g)
        print(f"{label:>13} {g[-1].get('rss_mb', 0):8.1f} {threads:8d} {fps:6.1f} {render:8.2f} ms "
              f"{latency:9.1f} ms {track:7.2f} ms")

    short = minutes < 10
    warm_windows = 2 if short else 1
    if len(groups) <= warm_windows:
        print(f"soak: {len(groups)} window(s): too short to compare")
        return 1
    warm = [l for g in groups[:warm_windows] for l in g]
    first = groups[warm_windows]
    # Peaks per window: the still and the video need different amounts of memory, so a single
    # line depends on which is showing; a window's peak compares like with like.
    rss_start = max(l["rss_mb"] for l in first)
    rss_end = max(l["rss_mb"] for l in groups[-1])
    hours = max((groups[-1][-1]["t"] - first[0]["t"]) / 3600.0, 1e-9)
    growth = rss_end - rss_start
    allowed = max(MB_PER_HOUR * hours, SHORT_RUN_ALLOWED_MB if short else MIN_ALLOWED_MB)
    threads_warm = max(l["threads"] for l in warm)
    threads_end = max(l["threads"] for l in groups[-1])
    render = lambda g: statistics.median(l["render_ms"]["p50"] for l in g if l["frames"] > 0)
    render_first, render_last = render(first), render(groups[-1])
    with open(log_path, errors="replace") as f:
        log = f.readlines()
    bad = [l.rstrip() for l in log if re.search(r"\b(WARN|ERROR)\b|panicked", l)]
    switches = sum("demo: showing" in l for l in log)

    print(f"peak RSS after warm-up: {rss_start:.1f} -> {rss_end:.1f} MB ({growth:+.1f} MB over {hours * 60:.0f} min, "
          f"{growth / hours:+.1f} MB/h; allowed {allowed:.1f} MB)")
    print(f"threads: {threads_warm} during warm-up, {threads_end} in the last window")
    print(f"render p50: {render_first:.1f} ms first window after warm-up, {render_last:.1f} ms last "
          f"({render_last / render_first:.2f}x)")
    print(f"sources switched: {switches} times; warnings and errors in the log: {len(bad)}")
    for l in bad[:5]:
        print(f"  {l}")
    failures = []
    if growth > allowed:
        failures.append("memory grows")
    if threads_end > threads_warm:
        failures.append("threads grow")
    if render_last > (SHORT_RUN_SLOWDOWN if short else SLOWDOWN) * render_first:
        failures.append("frames slow down")
    if bad:
        failures.append("warnings or errors in the log")
    if switches == 0:
        failures.append("the sources were never switched")
    print("soak: " + ("FAILED: " + ", ".join(failures) if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
