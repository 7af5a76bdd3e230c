#!/usr/bin/env python3
"""Paired throughput of published apps on one path: a quick A/B of a change, in the benchmark's method.

In each round every app is started afresh, warmed up on the path, then measured with wrk, in an order
rotated from round to round; ratios are taken against the first app within each round. Prints each
app's median requests/s, its server CPU µs per request and its ratio to the first app (median, min-max).

Usage: compare.py [--path /] [--rounds 3] [--warmup 10] [--seconds 6] [--env NAME=VALUE]... 'NAME=DIR::COMMAND [ARG...]'...
'{port}' in a command's arguments or in an --env value becomes the port the app is given; the apps
inherit this environment. Example, the published `none` app against a bare webapp on the home page:
  compare.py --env PORT={port} --env SECRET_KEY=$(openssl rand -hex 32) --env ALLOWED_HOSTS=localhost \\
    'bare=BareWebApp/bin/publish::./BareWebApp --urls http://*:{port}' 'none=HerokuWeb/src/HerokuWeb/bin/publish::./HerokuWeb'
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench  # noqa: E402
import coldstart  # noqa: E402


def measure(name, port, path, seconds):
    result = bench.wrk(port, path, seconds)
    if result["bad"]:
        sys.exit(f"{name} answered {result['bad']} requests for {path} with an error: it measures nothing")
    return result["requests"], result["rps"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default="/")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("apps", nargs="+")
    args = parser.parse_args()
    env = dict(os.environ) | dict(item.split("=", 1) for item in args.env)
    apps = []
    for spec in args.apps:
        name, rest = spec.split("=", 1)
        directory, command = rest.split("::", 1)
        apps.append((name, directory, shlex.split(command)))

    results = {name: [] for name, _, _ in apps}
    for round_ in range(args.rounds):
        for name, directory, command in apps[round_ % len(apps):] + apps[:round_ % len(apps)]:
            port = coldstart.free_port()
            process = subprocess.Popen([a.replace("{port}", str(port)) for a in command], cwd=directory,
                                       env={k: v.replace("{port}", str(port)) for k, v in env.items()},
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                deadline = time.time() + 60
                while not coldstart.answers_200(port):
                    if process.poll() is not None or time.time() > deadline:
                        sys.exit(f"{name} did not answer 200 on / (exit code {process.poll()})")
                    time.sleep(0.01)
                measure(name, port, args.path, args.warmup)
                before = coldstart.cpu_ms(process.pid)
                requests, rps = measure(name, port, args.path, args.seconds)
                results[name].append((rps, (coldstart.cpu_ms(process.pid) - before) * 1000 / requests))
            finally:
                process.terminate()
                process.wait()
    first = apps[0][0]
    for name, _, _ in apps:
        ratios = [mine[0] / theirs[0] for mine, theirs in zip(results[name], results[first])]
        print(f"{name}: {statistics.median(r[0] for r in results[name]):.0f} req/s, "
              f"{statistics.median(r[1] for r in results[name]):.1f} CPU µs per request, "
              f"÷ {first} {statistics.median(ratios):.3f} ({min(ratios):.2f}–{max(ratios):.2f})")


if __name__ == "__main__":
    main()
