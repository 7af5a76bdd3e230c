#!/usr/bin/env python3
"""Where the CPU goes per request: `perf` samples of the `none` app and the bare webapp under the same load.

Both apps are made and published as benchmarks/run.sh makes them (or taken from a `run.sh --keep` folder
with --reuse), started with DOTNET_PerfMapEnabled=1 so perf names the JIT's code, warmed up, then sampled
with `perf record -g` while wrk loads one path (W^X off, so that perf can name the JIT's code). The report gives CPU µs per request by binary (kernel,
JIT-compiled .NET code, the runtime, the JIT itself) and the .NET methods that cost the `none` app more
than the bare webapp, per request. Needs perf (Debian: apt-get install linux-perf) and wrk.
Usage: benchmarks/profile.py [--reuse DIR] [--warmup 10] [--seconds 8] [--output benchmarks/profile.md]
"""
import argparse
import collections
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench  # noqa: E402
import coldstart  # noqa: E402

PATHS = [bench.PROBE_PATH, "/"]
FREQUENCY = 999


def sample(b, app, path, warmup, seconds, data):
    """Requests served and perf's per-symbol sample counts for one measured run."""
    # W^X off: with it on, the JIT's code runs from an anonymous double mapping that perf cannot name.
    process, port = b.start(app, {"DOTNET_PerfMapEnabled": "1", "DOTNET_EnableWriteXorExecute": "0"})
    try:
        coldstart.get(port, path)
        b.wrk(process, port, path, warmup)
        perf = subprocess.Popen(["perf", "record", "-F", str(FREQUENCY), "-g", "-p", str(process.pid), "-o", str(data),
                                 "--", "sleep", str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.2)
        served = bench.wrk(port, path, seconds)["requests"]
        if perf.wait() != 0:
            sys.exit(f"perf record failed ({perf.returncode}): is perf installed and allowed (perf_event_paranoid)?")
    finally:
        b.stop(process)
    requests = served * (seconds - 0.2) / seconds  # perf stops 0.2 s before wrk does
    report = bench.run(["perf", "report", "-i", str(data), "--no-children", "--sort", "dso,sym", "-n", "-q", "-g", "none"])
    samples = collections.Counter()
    for line in report.splitlines():
        match = re.match(r"\s*[\d.]+%\s+(\d+)\s+(\[JIT\] tid \d+|\S+(?: \(deleted\))?)\s+\[.\]\s+(.*)", line)
        if match:
            # Code the JIT wrote: "[JIT] tid N" in newer perf, "perf-PID.map" in older.
            dso = "[JIT]" if re.match(r"\[JIT\]|perf-\d+\.map|memfd:doublemapper", match.group(2)) else match.group(2)
            symbol = re.sub(r"\[(Optimized\w*|Tier\w*|PreJIT|QuickJitted\w*|Instrumented\w*)\]$", "", match.group(3).strip())
            samples[dso, symbol] += int(match.group(1))
    return requests, samples


def per_request(requests, samples, key):
    return {k: v * 1e6 / FREQUENCY / requests for k, v in samples.items() if key(k)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", metavar="DIR", help="the apps a `benchmarks/run.sh --keep` run published in DIR")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--output", default=str(bench.ROOT / "benchmarks" / "profile.md"))
    options = parser.parse_args()
    b = bench.Bench(argparse.Namespace(reuse=options.reuse, threads=2, connections=32))
    try:
        report(b, options)
    finally:
        if not options.reuse:
            bench.shutil.rmtree(b.work, ignore_errors=True)


def report(b, options):
    if options.reuse:
        b.define_apps()
    else:
        b.prepare(time_instantiation=False)
    names = [bench.NONE, bench.BARE]
    lines = ["# Where the CPU goes per request", "",
             f"Produced by `benchmarks/profile.py{' ' + shlex.join(sys.argv[1:]) if sys.argv[1:] else ''}` on "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average at the start {' '.join(bench.load())}. "
             f"`perf record -F {FREQUENCY} -g` on the app's process for {options.seconds} s of wrk load "
             f"(2 threads, 32 connections, Brotli) after {options.warmup} s of warm-up on the same path.", ""]
    for path in PATHS:
        measured = {}
        for name in names:
            bench.log(f"Profiling {name} on {path}")
            measured[name] = sample(b, b.apps[name], path, options.warmup, options.seconds, b.work / "perf.data")
        by_dso = {name: collections.Counter() for name in names}
        for name, (requests, samples) in measured.items():
            for (dso, _), us in per_request(requests, samples, lambda k: True).items():
                by_dso[name][dso] += us
        lines += [f"## `{path}`", "", f"| CPU µs per request, by binary | {' | '.join(names)} | difference |", "| --- | --- | --- | --- |"]
        for dso, _ in (by_dso[names[0]] + by_dso[names[1]]).most_common(8):
            lines.append(f"| {dso} | {by_dso[names[0]][dso]:.1f} | {by_dso[names[1]][dso]:.1f} | {by_dso[names[0]][dso] - by_dso[names[1]][dso]:+.1f} |")
        total = [sum(by_dso[name].values()) for name in names]
        lines += [f"| **All** | {total[0]:.1f} | {total[1]:.1f} | {total[0] - total[1]:+.1f} |", ""]
        jit = [per_request(*measured[name], lambda k: k[0] == "[JIT]") for name in names]
        lines += ["The .NET methods (JIT-compiled code) that cost the `none` app the most more per request:", "",
                  f"| {' µs | '.join(names)} µs | method |", "| --- | --- | --- |"]
        for symbol in sorted(set(jit[0]) | set(jit[1]), key=lambda k: jit[1].get(k, 0) - jit[0].get(k, 0))[:15]:
            lines.append(f"| {jit[0].get(symbol, 0):.2f} | {jit[1].get(symbol, 0):.2f} | `{symbol[1][:140]}` |")
        lines.append("")
    Path(options.output).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
