#!/usr/bin/env python3
"""Cold start of published apps, in interleaved runs: process start to the first 200 on /.

For each run and app it records the wall time, the CPU time the app's process had used by then (which
other work on the machine inflates far less than the wall time) and, with --jit, how many methods the
JIT compiled by then. Apps run in a rotated order in every run, so a slow spell of the machine spreads
over all of them. Prints one JSON object: {"app": {"wall_ms": [...], "cpu_ms": [...], "jit": n}}.

Usage: coldstart.py [--runs N] [--jit] [--env NAME=VALUE]... 'NAME=DIR::COMMAND [ARG...]'...
'{port}' in a command's arguments or in an --env value becomes the port the app is given.
"""
import argparse
import http.client
import json
import os
import random
import shlex
import socket
import subprocess
import sys
import tempfile
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    while True:
        port = random.randrange(10000, low)
        try:
            socket.create_server(("", port)).close()
            return port
        except OSError:
            pass


def cpu_ms(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / CLOCK_TICKS


def get(port, path="/", timeout=60):
    """The status of a GET, as through Heroku's router (the visitor used HTTPS)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
        return connection.getresponse().status
    finally:
        connection.close()


def answers(port):
    try:
        get(port, timeout=5)
        return True
    except OSError:
        return False


def answers_200(port):
    try:
        return get(port, timeout=5) == 200
    except OSError:
        return False


def start_once(app, env, jit_file=None, then=None):
    """Wall and CPU ms to the first 200 on /; with `then`, also the ms of a first request to that path."""
    port = free_port()
    run_env = {key: value.replace("{port}", str(port)) for key, value in env.items()}
    if jit_file:
        run_env |= {"DOTNET_JitStdOutFile": jit_file, "DOTNET_JitDisasmSummary": "1"}
    command = [arg.replace("{port}", str(port)) for arg in app["command"]]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=app["dir"], env=run_env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 60
        while not answers_200(port):
            if process.poll() is not None:
                sys.exit(f"{app['name']} exited with {process.returncode} before answering 200")
            if time.perf_counter() > deadline:
                sys.exit(f"{app['name']} did not answer 200 within a minute")
            time.sleep(0.005)
        wall = (time.perf_counter() - started) * 1000
        cpu = cpu_ms(process.pid)
        if then is None:
            return wall, cpu
        before = time.perf_counter()
        status = get(port, then)
        if status != 200:
            sys.exit(f"{app['name']} answered {status} on {then}")
        return wall, cpu, (time.perf_counter() - before) * 1000
    finally:
        process.kill()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--jit", action="store_true")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("apps", nargs="+")
    args = parser.parse_args()

    env = dict(item.split("=", 1) for item in args.env)
    apps = []
    for spec in args.apps:
        name, rest = spec.split("=", 1)
        directory, command = rest.split("::", 1)
        apps.append({"name": name, "dir": directory, "command": shlex.split(command)})

    results = {app["name"]: {"wall_ms": [], "cpu_ms": []} for app in apps}
    for run in range(args.warmup + args.runs):
        for i in range(len(apps)):
            app = apps[(i + run) % len(apps)]
            wall, cpu = start_once(app, env)
            if run >= args.warmup:
                results[app["name"]]["wall_ms"].append(round(wall))
                results[app["name"]]["cpu_ms"].append(round(cpu))
    if args.jit:
        for app in apps:
            with tempfile.NamedTemporaryFile(suffix=".jit") as jit:
                start_once(app, env, jit.name)
                results[app["name"]]["jit"] = sum(1 for line in open(jit.name) if "JIT compiled" in line)
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
