#!/usr/bin/env python3
"""Benchmarks apps made by `dotnet new heroku-web` against a bare `dotnet new webapp`, in one run.

Every app is published with Heroku's buildpack command and run from its publish directory as a dyno
runs it (Production, $PORT, the router's X-Forwarded-Proto). Each round runs every app back to back, in
a rotated order, and each ratio is taken within its round, so a slow spell of a shared machine moves
both sides of a ratio; the report gives each ratio's median over the rounds and its spread (min-max).
See BENCHMARKS.md for what each row means. Run it through benchmarks/run.sh.
"""
import argparse
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import coldstart  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"Host": "localhost", "X-Forwarded-Proto": "https"}
# The budget of Eco, Basic and Standard-1X dynos. A dyno does not impose it as a cgroup limit the GC
# could see; DOTNET_GCHeapHardLimit is how an app would impose it on itself.
DYNO_BUDGET = 512 * 1024 * 1024
# An identical file for every app: the same bytes, the same path, so requests/s compare the pipelines.
PROBE_PATH = "/probe/probe.css"

NONE, POSTGRES, BARE = "heroku-web none", "heroku-web postgres", "bare webapp"


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(command, cwd=None, env=None, quiet=True):
    result = subprocess.run(command, cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT if quiet else None)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {shlex.join(map(str, command))}\n{result.stdout or ''}")
    return result.stdout


def wrk(port, path, seconds, threads=2, connections=32):
    """One wrk run as the router sends requests (HTTPS forwarded, Brotli accepted): requests, requests/s,
    answers that were not 2xx/3xx, socket errors."""
    out = run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-H", "X-Forwarded-Proto: https",
               "-H", "Accept-Encoding: br", f"http://localhost:{port}{path}"])
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "bad": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else ""}


def load():
    return open("/proc/loadavg").read().split()[:3]


def median(values):
    return statistics.median(values) if values else float("nan")


def spread(values, digits=2):
    if not values:
        return "n/a"
    return f"{median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def probe_bytes():
    # A stylesheet of about 6 KB, the same bytes on every run.
    generator = random.Random(12)
    rules = [f".probe-{i} {{ margin: {generator.randint(0, 64)}px; color: #{generator.randrange(16**6):06x}; }}\n"
             for i in range(150)]
    return "".join(rules).encode()


class OtlpSink:
    """An OTLP/HTTP receiver that takes every post and keeps only counts: what export costs the app, not a backend."""

    def __init__(self):
        import http.server
        import threading
        sink = self
        self.posts, self.bytes = 0, 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                sink.posts, sink.bytes = sink.posts + 1, sink.bytes + length
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", coldstart.free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()


class App:
    def __init__(self, name, project_dir, publish_target, executable, paths, command):
        self.name, self.project_dir, self.publish_target = name, project_dir, publish_target
        self.executable, self.paths, self.command = executable, paths, command

    @property
    def publish_dir(self):
        return self.project_dir / "bin" / "publish"


class Bench:
    def __init__(self, options):
        self.options = options
        if options.reuse:
            self.work = Path(options.reuse).resolve()
        else:
            self.work = Path(tempfile.mkdtemp(prefix="heroku-web-bench."))
        os.chmod(self.work, 0o755)  # the postgres user must reach the throwaway cluster below it
        self.hive = self.work / "hive"
        self.dotnet_root = str(Path(shutil.which("dotnet")).resolve().parent)
        self.secret = os.urandom(36).hex()
        self.pg = None
        self.database_url = ""
        self.loads = {}
        self.instantiation_times = None

    # --- setup -------------------------------------------------------------------------------------

    def dotnet_new(self, template, output, *extra):
        run(["dotnet", "new", template, "-o", str(output), "--debug:custom-hive", str(self.hive),
             "--no-update-check", *extra], cwd=self.work)

    def instantiation(self):
        """`dotnet new heroku-web` (postgres, the default) and `--database none` against `dotnet new webapp`."""
        templates = {NONE: ["heroku-web", "--database", "none"], POSTGRES: ["heroku-web"], BARE: ["webapp"]}
        results = {}
        for restore in (False, True):
            times = {name: [] for name in templates}
            for round_ in range(self.options.instantiation_rounds):
                names = list(templates)
                for i in range(len(names)):
                    name = names[(i + round_) % len(names)]
                    output = self.work / "instantiate" / f"{round_}-{i}"
                    started = time.perf_counter()
                    self.dotnet_new(*templates[name][:1], output, *templates[name][1:],
                                    *([] if restore else ["--no-restore"]))
                    times[name].append(time.perf_counter() - started)
                    shutil.rmtree(output)
            results["with restore" if restore else "without restore"] = times
        return results

    def prepare(self, time_instantiation=True):
        log(f"Packing the template and making the apps in {self.work}")
        run(["dotnet", "pack", str(ROOT / "Template.Pack.csproj"), "-o", str(self.work / "pack"), "-nologo"])
        package = next((self.work / "pack").glob("*.nupkg"))
        run(["dotnet", "new", "install", str(package), "--debug:custom-hive", str(self.hive)])
        if time_instantiation:
            self.loads["instantiation"] = load()
            log("Timing `dotnet new`")
            self.instantiation_times = self.instantiation()

        self.dotnet_new("heroku-web", self.work / "HerokuWeb", "--database", "none")
        self.dotnet_new("heroku-web", self.work / "HerokuWebDb")
        self.dotnet_new("webapp", self.work / "BareWebApp", "--no-restore")
        self.define_apps()
        for app in self.apps.values():
            probe = app.project_dir / "wwwroot" / PROBE_PATH.lstrip("/")
            probe.parent.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(probe_bytes())
        log("Publishing with the buildpack's command")
        for app in self.apps.values():
            if app.name == POSTGRES or not self.options.telemetry_only:
                self.publish(app)

    def define_apps(self):
        heroku = ["./{exe}"]
        bare = ["./{exe}", "--urls", "http://*:{port}"]  # the buildpack's command when there is no Procfile
        self.apps = {
            NONE: App(NONE, self.work / "HerokuWeb/src/HerokuWeb", self.work / "HerokuWeb/HerokuWeb.slnx",
                      "HerokuWeb", [PROBE_PATH, "/"], heroku),
            POSTGRES: App(POSTGRES, self.work / "HerokuWebDb/src/HerokuWebDb", self.work / "HerokuWebDb/HerokuWebDb.slnx",
                          "HerokuWebDb", [PROBE_PATH, "/", "/Guestbook"], heroku),
            BARE: App(BARE, self.work / "BareWebApp", self.work / "BareWebApp/BareWebApp.csproj",
                      "BareWebApp", [PROBE_PATH, "/"], bare),
        }

    def publish(self, app, target=None):
        # Heroku's .NET buildpack: dotnet publish <sln|csproj> --runtime linux-x64 "-p:PublishDir=bin/publish"
        run(["dotnet", "publish", str(target or app.publish_target), "--runtime", "linux-x64", "-p:PublishDir=bin/publish",
             "--artifacts-path", str(self.work / "artifacts" / str(app.project_dir.relative_to(self.work)).replace("/", "-")),
             "-nologo"])

    def start_postgres(self):
        initdb = shutil.which("initdb") or sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))[-1]
        bin_dir = Path(initdb).parent
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        data = self.work / "pg" / "data"
        shutil.rmtree(data.parent, ignore_errors=True)  # a cluster left by an earlier run in this folder
        data.parent.mkdir()
        if os.getuid() == 0:
            shutil.chown(data.parent, "postgres")
        port = coldstart.free_port()
        run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"])
        run([*as_postgres, str(bin_dir / "pg_ctl"), "start", "-w", "-D", str(data), "-l", str(data.parent / "log"),
             "-o", f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1"])
        self.pg = (as_postgres, bin_dir, data, port)
        self.database_url = f"postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"
        # The release phase, then rows for the guestbook page to read on every request.
        app = self.apps[POSTGRES]
        subprocess.run(self.command(app, 1) + ["migrate"], cwd=app.publish_dir, env=self.env(app, 1),
                       check=True, stdout=subprocess.DEVNULL)
        rows = ",".join(f"('Visitor {i}', 'Message number {i} from the benchmark.', now() - interval '{i} minutes')"
                        for i in range(30))
        self.psql(f"INSERT INTO guestbook_entries (name, message, created_at) VALUES {rows}")

    def stop_postgres(self):
        if self.pg:
            as_postgres, bin_dir, data, _ = self.pg
            subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "stop", "-m", "immediate", "-D", str(data)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    # --- running apps ------------------------------------------------------------------------------

    def env(self, app, port, extra=None):
        env = {"PATH": "/usr/bin:/bin", "DOTNET_ROOT": self.dotnet_root, "DOTNET_RUNNING_IN_CONTAINER": "true",
               "PORT": str(port)}
        if app.name != BARE:
            env |= {"SECRET_KEY": self.secret, "ALLOWED_HOSTS": "localhost"}
        if app.name == POSTGRES:
            env["DATABASE_URL"] = self.database_url
        return env | (extra or {})

    def command(self, app, port):
        return [part.format(exe=app.executable, port=port) for part in app.command]

    def start(self, app, extra_env=None, publish_dir=None, any_answer=False):
        """Starts an app and waits for a 200 on / (any answer at all, with any_answer)."""
        port = coldstart.free_port()
        process = subprocess.Popen(self.command(app, port), cwd=publish_dir or app.publish_dir,
                                   env=self.env(app, port, extra_env),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while not (coldstart.answers(port) if any_answer else coldstart.answers_200(port)):
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                sys.exit(f"{app.name} did not answer {'' if any_answer else '200 '}on / (exit code {process.poll()})")
            time.sleep(0.01)
        return process, port

    @staticmethod
    def stop(process):
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def wrk(self, process, port, path, seconds):
        """Requests/s, the server's CPU µs per request, and the count of answers that were not 2xx/3xx."""
        before = coldstart.cpu_ms(process.pid)
        result = wrk(port, path, seconds, self.options.threads, self.options.connections)
        cpu = coldstart.cpu_ms(process.pid) - before
        return result | {"cpu_us": cpu * 1000 / max(result["requests"], 1)}

    @staticmethod
    def wrk_version():
        out = subprocess.run(["wrk", "--version"], text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
        return " ".join(out.split()[:2])

    @staticmethod
    def peak_rss_mb(pid):
        status = open(f"/proc/{pid}/status").read()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024

    def first_visit(self, app, port):
        """Local assets the home page makes a browser fetch, and their bytes with Brotli."""
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("GET", "/", headers=HEADERS)
        html = connection.getresponse().read().decode()
        assets = sorted(set(re.findall(r'(?:href|src)="(/[^"/][^"]*\.(?:css|js|ico|png|svg|webp|woff2?)(?:\?[^"]*)?)"', html)))
        total = 0
        for asset in assets:
            connection.request("GET", asset, headers=HEADERS | {"Accept-Encoding": "br"})
            total += len(connection.getresponse().read())
        connection.close()
        return len(assets), total

    # --- measurements ------------------------------------------------------------------------------

    def throughput(self):
        """Rounds: every app started afresh, warmed up, then each path measured; peak memory after the
        paths every app serves (the probe file and the home page), before the database-only page."""
        log(f"Throughput: {self.options.rounds} rounds")
        self.loads["throughput"] = load()
        names = list(self.apps)
        rounds = []
        self.visits = {}
        for round_ in range(self.options.rounds):
            result = {}
            for i in range(len(names)):
                app = self.apps[names[(i + round_) % len(names)]]
                process, port = self.start(app)
                try:
                    if round_ == 0:
                        self.visits[app.name] = self.first_visit(app, port)
                    measured = {}
                    for path in app.paths:
                        # A page's first request is start-up work (the guestbook's loads EF Core and the key
                        # ring); the warm-up lets tiered compilation reach its optimized code.
                        coldstart.get(port, path)
                        self.wrk(process, port, path, self.options.warmup)
                        measured[path] = self.wrk(process, port, path, self.options.seconds)
                        if path == "/":
                            measured["peak_rss_mb"] = self.peak_rss_mb(process.pid)
                    measured["peak_rss_end_mb"] = self.peak_rss_mb(process.pid)
                    result[app.name] = measured
                finally:
                    self.stop(process)
            rounds.append(result)
            log(f"  round {round_ + 1}: " + "  ".join(
                f"{name} {result[name][PROBE_PATH]['rps']:.0f}/{result[name]['/']['rps']:.0f} req/s" for name in names))
        self.loads["throughput end"] = load()
        return rounds

    def cold_start(self):
        log(f"Cold start: {self.options.cold_runs} interleaved runs")
        self.loads["cold start"] = load()
        results = {app.name: {"wall_ms": [], "cpu_ms": []} for app in self.apps.values()}
        names = list(self.apps)
        for run_ in range(1 + self.options.cold_runs):  # the first run only warms the disk cache
            for i in range(len(names)):
                app = self.apps[names[(i + run_) % len(names)]]
                spec = {"name": app.name, "dir": str(app.publish_dir), "command": self.command(app, "{port}")}
                wall, cpu = coldstart.start_once(spec, self.env(app, "{port}"))
                if run_:
                    results[app.name]["wall_ms"].append(wall)
                    results[app.name]["cpu_ms"].append(cpu)
        # The database variant reads its key ring and starts EF Core on the first page that needs them.
        app = self.apps[POSTGRES]
        spec = {"name": app.name, "dir": str(app.publish_dir), "command": self.command(app, "{port}")}
        results[POSTGRES]["guestbook_ms"] = [coldstart.start_once(spec, self.env(app, "{port}"), then="/Guestbook")[2]
                                             for _ in range(self.options.cold_runs)]
        for app in self.apps.values():
            spec = {"name": app.name, "dir": str(app.publish_dir), "command": self.command(app, "{port}")}
            with tempfile.NamedTemporaryFile(suffix=".jit") as jit:
                coldstart.start_once(spec, self.env(app, "{port}"), jit.name)
                results[app.name]["jit"] = sum(1 for line in open(jit.name) if "JIT compiled" in line)
        return results

    def dyno_budget(self):
        """Peak memory under the same load with the GC held to a dyno's 512 MB."""
        log("Memory on a 512 MB budget")
        self.loads["memory"] = load()
        results = {}
        for app in self.apps.values():
            process, port = self.start(app, {"DOTNET_GCHeapHardLimit": hex(DYNO_BUDGET)})
            try:
                bad = 0
                for path in app.paths:
                    bad += self.wrk(process, port, path, self.options.seconds)["bad"]
                    if path == "/":  # the paths every app serves: the ratio compares these
                        results[app.name] = {"peak_rss_mb": self.peak_rss_mb(process.pid)}
                results[app.name] |= {"peak_rss_end_mb": self.peak_rss_mb(process.pid), "bad": bad}
            finally:
                self.stop(process)
        return results

    def psql(self, sql):
        _, bin_dir, _, port = self.pg
        psql = shutil.which("psql") or str(bin_dir / "psql")
        return run([psql, "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-q", "-At", "-c", sql]).strip()

    def start_worker(self, app, extra_env):
        """Starts `App worker` and waits for its log to say it started; returns the process, its log lines and
        the wall time from process start to that line."""
        import threading
        lines = []
        started = time.perf_counter()
        port = coldstart.free_port()  # read and checked like every setting, though the worker listens on none
        process = subprocess.Popen(self.command(app, port) + ["worker"], cwd=app.publish_dir,
                                   env=self.env(app, port, extra_env), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
        deadline = time.time() + 60
        while not any("worker: started" in line for line in lines):
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                sys.exit(f"the worker did not start (exit code {process.poll()}):\n{''.join(lines)}")
            time.sleep(0.005)
        return process, lines, (time.perf_counter() - started) * 1000

    def contact_posts(self, port, count):
        """Posts the contact form `count` times, as a visitor does (its antiforgery token and cookie), each post
        enqueuing one email job; returns each post's milliseconds."""
        import http.client
        import urllib.parse
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/Contact", headers=HEADERS)
        response = connection.getresponse()
        page = response.read().decode()
        cookies = "; ".join(value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie")
        token = re.search(r'name="__RequestVerificationToken"[^>]*value="([^"]+)"', page).group(1)
        times = []
        for i in range(count):
            body = urllib.parse.urlencode({"Input.Name": f"Visitor {i}", "Input.Message": f"Message {i} from the benchmark.",
                                           "__RequestVerificationToken": token})
            started = time.perf_counter()
            connection.request("POST", "/Contact", body, headers=HEADERS | {
                "Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            if response.status != 302:
                sys.exit(f"a contact post answered {response.status}, not the redirect that follows an enqueued job")
        connection.close()
        return times

    def worker(self):
        """The postgres variant's worker process: start-up, memory idle and after a batch of email jobs that
        contact posts enqueued, how fast it drains them, and how long SIGTERM takes to stop it."""
        log(f"Worker: {self.options.jobs} jobs")
        self.loads["worker"] = load()
        app = self.apps[POSTGRES]
        extra = {"CONTACT_EMAIL": "owner@example.com", "EMAIL_URL": "consolemail://",
                 "FORM_POSTS_PER_MINUTE": "100000"}
        results = {}
        # Idle: started on an empty queue.
        process, _, results["start_ms"] = self.start_worker(app, extra)
        time.sleep(10)
        results["idle_rss_mb"] = self.peak_rss_mb(process.pid)
        results["idle_cpu_ms"] = coldstart.cpu_ms(process.pid)
        stopping = time.perf_counter()
        self.stop(process)
        results["stop_ms"] = (time.perf_counter() - stopping) * 1000
        # A batch: the web process enqueues (the contact form), then a worker starts and runs them all.
        web, port = self.start(app, extra)
        try:
            self.contact_posts(port, 5)  # the first posts start the job client; the rest are measured
            results["post_ms"] = self.contact_posts(port, self.options.jobs)
        finally:
            self.stop(web)
        process, lines, _ = self.start_worker(app, extra)
        started = time.perf_counter()
        deadline = time.time() + 300
        queued = self.options.jobs + 5
        while int(self.psql("SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded'") or 0) < queued:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                sys.exit(f"the worker did not run {queued} jobs:\n{''.join(lines[-20:])}")
            time.sleep(0.05)
        results["drain_s"] = time.perf_counter() - started
        results["busy_rss_mb"] = self.peak_rss_mb(process.pid)
        self.stop(process)
        self.psql("TRUNCATE hangfire.job CASCADE")
        return results

    def telemetry(self):
        """The postgres app with OpenTelemetry exporting (every signal, over OTLP/HTTP to a local sink) against the same
        app with it off, in paired rounds: throughput and CPU per request, peak memory, cold start."""
        app = self.apps[POSTGRES]
        sink = OtlpSink()
        on = {"OTEL_EXPORTER_OTLP_ENDPOINT": sink.endpoint, "DYNO": "web.1", "HEROKU_APP_NAME": "bench"}
        log(f"Telemetry: {self.options.telemetry_rounds} paired rounds, export on against off")
        self.loads["telemetry"] = load()
        paths = ["/", "/Guestbook"]
        rounds = []
        try:
            for round_ in range(self.options.telemetry_rounds):
                result = {}
                for mode in (("off", "on") if round_ % 2 == 0 else ("on", "off")):
                    process, port = self.start(app, on if mode == "on" else None)
                    try:
                        measured, posts, sent = {}, sink.posts, sink.bytes
                        for path in paths:
                            coldstart.get(port, path)
                            self.wrk(process, port, path, self.options.warmup)
                            measured[path] = self.wrk(process, port, path, self.options.seconds)
                        measured["peak_rss_mb"] = self.peak_rss_mb(process.pid)
                        requests = sum(measured[path]["requests"] for path in paths)
                    finally:
                        self.stop(process)
                    # What the process sent, its last batches on shutdown included, per measured request.
                    measured["otlp_bytes_per_request"] = (sink.bytes - sent) / max(requests, 1)
                    measured["otlp_posts"] = sink.posts - posts
                    result[mode] = measured
                rounds.append(result)
                log(f"  round {round_ + 1}: " + "  ".join(
                    f"{mode} {result[mode]['/']['rps']:.0f}/{result[mode]['/Guestbook']['rps']:.0f} req/s" for mode in ("off", "on")))
            cold = {"off": [], "on": []}
            spec = {"name": app.name, "dir": str(app.publish_dir), "command": self.command(app, "{port}")}
            for run_ in range(1 + self.options.cold_runs):  # the first run only warms the disk cache
                for mode in (("off", "on") if run_ % 2 == 0 else ("on", "off")):
                    wall, _ = coldstart.start_once(spec, self.env(app, "{port}", on if mode == "on" else None))
                    if run_:
                        cold[mode].append(wall)
        finally:
            sink.close()
        return {"rounds": rounds, "cold": cold}

    def telemetry_report(self, telemetry):
        rounds, cold, o = telemetry["rounds"], telemetry["cold"], self.options
        lines = ["", f"## OpenTelemetry on (postgres variant, {len(rounds)} paired rounds)", "",
                 "The same published app with `OTEL_EXPORTER_OTLP_ENDPOINT` naming a local OTLP/HTTP sink (traces, "
                 "metrics and logs, default batching) against it unset, started afresh for each side of a round; "
                 f"wrk as above ({o.seconds} s measured after {o.warmup} s of warm-up per path). Ratios are on ÷ off "
                 "within each round: median (min–max). Off is the app of every other row of this report.", "",
                 "| Measure | off | on | on ÷ off |", "| --- | --- | --- | --- |"]

        def row(label, values_off, values_on, digits=0):
            ratios = [b / a for a, b in zip(values_off, values_on)]
            lines.append(f"| {label} | {median(values_off):.{digits}f} | {median(values_on):.{digits}f} | {spread(ratios)} |")

        for path, label in (("/", "home page"), ("/Guestbook", "guestbook page (a database read per request)")):
            row(f"Requests/s, {label}", [r["off"][path]["rps"] for r in rounds], [r["on"][path]["rps"] for r in rounds])
            row(f"Server CPU µs per request, {label}", [r["off"][path]["cpu_us"] for r in rounds], [r["on"][path]["cpu_us"] for r in rounds])
        row("Peak resident memory after both pages (MB)", [r["off"]["peak_rss_mb"] for r in rounds], [r["on"]["peak_rss_mb"] for r in rounds])
        row("Cold start, process start to the first 200 on / (ms)", cold["off"], cold["on"])
        lines.append(f"| OTLP bytes sent per request | | {median([r['on']['otlp_bytes_per_request'] for r in rounds]):.0f} | |")
        lines.append(f"| OTLP posts in a round | | {median([r['on']['otlp_posts'] for r in rounds]):.0f} | |")
        return lines

    def publish_sizes(self):
        return {name: sum(f.stat().st_size for f in app.publish_dir.rglob("*") if f.is_file()) / 1e6
                for name, app in self.apps.items()}

    def ablation(self):
        """The `none` app with one middleware line of its pipeline removed at a time, in paired rounds
        against the whole app, on the probe file and the home page."""
        app = self.apps[NONE]
        # The app and the platform project beside it: the pipeline is mostly the platform's (UseHeroku).
        sources = sorted(source for source in app.project_dir.parent.rglob("*.cs") if not {"bin", "obj"} & set(source.parts))
        pieces = []
        for source in sources:
            for number, line in enumerate(source.read_text().splitlines()):
                if re.match(r"\s*app\.Use\w+\(.*\);\s*$", line):
                    pieces.append((source, number, line.strip()))
        log(f"Ablation: {len(pieces)} pieces")
        self.loads["ablation"] = load()
        variants = []
        for index, (source, number, line) in enumerate(pieces):
            copy = self.work / f"ablation-{index}"
            shutil.rmtree(copy, ignore_errors=True)  # left by an earlier run in this folder
            shutil.copytree(app.project_dir.parent.parent, copy,
                            ignore=shutil.ignore_patterns("bin", "obj", "TestResults"))
            target = copy / source.relative_to(app.project_dir.parent.parent)
            lines = target.read_text().splitlines()
            lines[number] = re.sub(r"app\.Use\w+\(.*\);", "{ }", lines[number])
            target.write_text("\n".join(lines) + "\n")
            project = copy / app.project_dir.relative_to(app.project_dir.parent.parent)
            variant = App(f"without {line}", project, copy / app.publish_target.name, app.executable,
                          [PROBE_PATH, "/"], app.command)
            try:
                self.publish(variant)
            except SystemExit as failure:
                log(f"  {line}: does not build without it, skipped ({str(failure).splitlines()[0]})")
                continue
            variants.append((f"{source.name}: `{line}`", variant))
        rows = {label: {PROBE_PATH: [], "/": [], "cpu" + PROBE_PATH: [], "cpu/": [], "status": set()} for label, _ in variants}
        for round_ in range(self.options.ablation_rounds):
            for label, variant in variants:
                measured = {}
                for which in ((app, variant) if round_ % 2 == 0 else (variant, app)):
                    process, port = self.start(which, any_answer=which is variant)
                    try:
                        if which is variant:
                            # Without some pieces the app answers differently (a redirect): the row says so.
                            rows[label]["status"] |= {coldstart.get(port, path) for path in (PROBE_PATH, "/")}
                        for path in (PROBE_PATH, "/"):
                            self.wrk(process, port, path, self.options.ablation_warmup)
                            measured[which.name, path] = self.wrk(process, port, path, self.options.ablation_seconds)
                    finally:
                        self.stop(process)
                for path in (PROBE_PATH, "/"):
                    rows[label][path].append(measured[variant.name, path]["rps"] / measured[app.name, path]["rps"])
                    rows[label]["cpu" + path].append(
                        measured[app.name, path]["cpu_us"] - measured[variant.name, path]["cpu_us"])
            log(f"  ablation round {round_ + 1} done")
        return rows

    # --- report ------------------------------------------------------------------------------------

    def report(self, rounds, cold, budget, worker, sizes, ablation):
        o = self.options
        lines = []
        add = lines.append

        def ratios(metric, name, path=None):
            values = []
            for round_ in rounds:
                get = (lambda r: r[path][metric]) if path else (lambda r: r[metric])
                values.append(get(round_[name]) / get(round_[BARE]))
            return values

        def med(metric, name, path=None):
            return median([(r[name][path][metric] if path else r[name][metric]) for r in rounds])

        cold_ratio = {name: [a / b for a, b in zip(cold[name]["wall_ms"], cold[BARE]["wall_ms"])] for name in (NONE, POSTGRES)}
        cold_cpu_ratio = {name: [a / b for a, b in zip(cold[name]["cpu_ms"], cold[BARE]["cpu_ms"])] for name in (NONE, POSTGRES)}
        targets = [
            ("same-file static ≥ 0.95× (none)", median(ratios("rps", NONE, PROBE_PATH)) >= 0.95),
            ("same-file static ≥ 0.95× (postgres)", median(ratios("rps", POSTGRES, PROBE_PATH)) >= 0.95),
            ("home page ≥ 0.95× (none)", median(ratios("rps", NONE, "/")) >= 0.95),
            ("home page ≥ 0.95× (postgres)", median(ratios("rps", POSTGRES, "/")) >= 0.95),
            ("cold start ≤ 1.0× (none)", median(cold_ratio[NONE]) <= 1.0),
            ("cold start ≤ 1.2× (postgres)", median(cold_ratio[POSTGRES]) <= 1.2),
            ("peak memory under load ≤ 1.0× (none)", median(ratios("peak_rss_mb", NONE)) <= 1.0),
            ("peak memory under load ≤ 1.0× (postgres)", median(ratios("peak_rss_mb", POSTGRES)) <= 1.0),
        ]
        met = [label for label, ok in targets if ok]
        missed = [label for label, ok in targets if not ok]

        add("# Benchmark results")
        add("")
        add(f"Produced by `{o.command_line}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
            f"from commit `{o.commit}`.")
        add(f"Machine: {os.cpu_count()} cores (nproc {run(['nproc']).strip()}), .NET SDK {run(['dotnet', '--version']).strip()}, "
            f"{self.wrk_version()}; "
            "load average (1, 5, 15 min) at the start of each stage: "
            + "; ".join(f"{stage} {' '.join(values)}" for stage, values in self.loads.items()) + ".")
        add("wrk, the apps and PostgreSQL share the machine's cores; a load average above the core count "
            "means other work shared it too, and the spreads below show how much that moved each ratio.")
        add("")
        add(f"**Targets met: {len(met)} of {len(targets)}.** " + ("Met: " + "; ".join(met) + ". " if met else "")
            + ("Not met: " + "; ".join(missed) + "." if missed else ""))
        add("")
        add(f"## Throughput and memory ({o.rounds} rounds; wrk {o.threads} threads, {o.connections} connections, "
            f"{o.seconds} s measured after {o.warmup} s of warm-up per path, Brotli accepted)")
        add("")
        add("Ratios are heroku-web ÷ bare webapp within each round: median (min–max over the rounds).")
        add("")
        add("| Measure | heroku-web none | heroku-web postgres | bare webapp | none ÷ bare | postgres ÷ bare |")
        add("| --- | --- | --- | --- | --- | --- |")
        for label, path in ((f"Requests/s, the same 6 KB file (`{PROBE_PATH}`)", PROBE_PATH), ("Requests/s, home page", "/")):
            add(f"| {label} | {med('rps', NONE, path):.0f} | {med('rps', POSTGRES, path):.0f} | {med('rps', BARE, path):.0f} "
                f"| {spread(ratios('rps', NONE, path))} | {spread(ratios('rps', POSTGRES, path))} |")
            add(f"| Server CPU µs per request, {'same file' if path == PROBE_PATH else 'home page'} "
                f"| {med('cpu_us', NONE, path):.0f} | {med('cpu_us', POSTGRES, path):.0f} | {med('cpu_us', BARE, path):.0f} "
                f"| {spread(ratios('cpu_us', NONE, path))} | {spread(ratios('cpu_us', POSTGRES, path))} |")
        guestbook = [r[POSTGRES]["/Guestbook"] for r in rounds]
        add(f"| Requests/s, guestbook page (a database read per request) | | {median([g['rps'] for g in guestbook]):.0f} | | | |")
        add(f"| Server CPU µs per request, guestbook page | | {median([g['cpu_us'] for g in guestbook]):.0f} | | | |")
        add(f"| Peak resident memory under load (MB, VmHWM after the same file and the home page) "
            f"| {med('peak_rss_mb', NONE):.0f} | {med('peak_rss_mb', POSTGRES):.0f} | {med('peak_rss_mb', BARE):.0f} "
            f"| {spread(ratios('peak_rss_mb', NONE))} | {spread(ratios('peak_rss_mb', POSTGRES))} |")
        add(f"| Peak resident memory after the guestbook page too (MB) | | {med('peak_rss_end_mb', POSTGRES):.0f} | | | |")
        add(f"| Peak resident memory, GC heap held to 512 MB (`DOTNET_GCHeapHardLimit={hex(DYNO_BUDGET)}`, MB, one run) "
            f"| {budget[NONE]['peak_rss_mb']:.0f} | {budget[POSTGRES]['peak_rss_mb']:.0f} | {budget[BARE]['peak_rss_mb']:.0f} "
            f"| {budget[NONE]['peak_rss_mb'] / budget[BARE]['peak_rss_mb']:.2f} | {budget[POSTGRES]['peak_rss_mb'] / budget[BARE]['peak_rss_mb']:.2f} |")
        add(f"| The same, after the guestbook page too (MB) | | {budget[POSTGRES]['peak_rss_end_mb']:.0f} | | | |")
        bad = {name: sum(r[name][p]["bad"] for r in rounds for p in self.apps[name].paths) for name in self.apps}
        add("")
        add("Answers other than 2xx/3xx during the measured runs (a rate limit or an error would show here): "
            + ", ".join(f"{name} {count}" for name, count in bad.items()) + ".")
        add("")
        add(f"## Cold start ({o.cold_runs} interleaved runs after one warm-up run)")
        add("")
        add("Process start to the first 200 on `/` (polled every 5 ms), the CPU time the app's process used by then "
            "(other work on the machine inflates it far less than the wall time), and the methods the JIT compiled "
            "by then (one run). Ratios are paired by run.")
        add("")
        add("| Measure | heroku-web none | heroku-web postgres | bare webapp | none ÷ bare | postgres ÷ bare |")
        add("| --- | --- | --- | --- | --- | --- |")
        add(f"| Wall time (ms, median (min–max)) | {spread(cold[NONE]['wall_ms'], 0)} | {spread(cold[POSTGRES]['wall_ms'], 0)} "
            f"| {spread(cold[BARE]['wall_ms'], 0)} | {spread(cold_ratio[NONE])} | {spread(cold_ratio[POSTGRES])} |")
        add(f"| CPU time (ms, median (min–max)) | {spread(cold[NONE]['cpu_ms'], 0)} | {spread(cold[POSTGRES]['cpu_ms'], 0)} "
            f"| {spread(cold[BARE]['cpu_ms'], 0)} | {spread(cold_cpu_ratio[NONE])} | {spread(cold_cpu_ratio[POSTGRES])} |")
        add(f"| Methods compiled by the JIT | {cold[NONE]['jit']} | {cold[POSTGRES]['jit']} | {cold[BARE]['jit']} "
            f"| {cold[NONE]['jit'] / cold[BARE]['jit']:.2f} | {cold[POSTGRES]['jit'] / cold[BARE]['jit']:.2f} |")
        add(f"| First request to the guestbook page after that 200 (ms, median (min–max); the key ring and EF Core "
            f"start there) | | {spread(cold[POSTGRES]['guestbook_ms'], 0)} | | | |")
        add("")
        add(f"## `dotnet new` ({o.instantiation_rounds} interleaved rounds)")
        add("")
        if self.instantiation_times is None:
            add("Not measured in this run (--reuse).")
        else:
            add("| Command | heroku-web none (s) | heroku-web postgres (s) | bare webapp (s) | none ÷ bare | postgres ÷ bare |")
            add("| --- | --- | --- | --- | --- | --- |")
            for mode, times in self.instantiation_times.items():
                r_none = [a / b for a, b in zip(times[NONE], times[BARE])]
                r_pg = [a / b for a, b in zip(times[POSTGRES], times[BARE])]
                add(f"| `dotnet new`, {mode} | {median(times[NONE]):.2f} | {median(times[POSTGRES]):.2f} "
                    f"| {median(times[BARE]):.2f} | {spread(r_none)} | {spread(r_pg)} |")
        add("")
        add("## First visit")
        add("")
        add("| Measure | heroku-web none | heroku-web postgres | bare webapp |")
        add("| --- | --- | --- | --- |")
        add(f"| Local asset requests the home page makes | {self.visits[NONE][0]} | {self.visits[POSTGRES][0]} | {self.visits[BARE][0]} |")
        add(f"| Their bytes with Brotli | {self.visits[NONE][1]} | {self.visits[POSTGRES][1]} | {self.visits[BARE][1]} |")
        add(f"| Published folder (MB, `bin/publish`) | {sizes[NONE]:.1f} | {sizes[POSTGRES]:.1f} | {sizes[BARE]:.1f} |")
        add("")
        add(f"## The worker process (postgres variant, one run)")
        add("")
        add("`App worker`, the Procfile's `worker:`, run from the publish directory as a dyno runs it, with "
            "`EMAIL_URL=consolemail://`. A bare webapp has no counterpart: its column is the web app's peak under "
            "load above, for scale.")
        add("")
        add("| Measure | worker | bare webapp under load |")
        add("| --- | --- | --- |")
        add(f"| Process start to its `worker: started` log line (ms) | {worker['start_ms']:.0f} | |")
        add(f"| Peak resident memory after 10 s idle (MB) | {worker['idle_rss_mb']:.0f} | {med('peak_rss_mb', BARE):.0f} |")
        add(f"| CPU time used by then (ms; it polls the queue every 5 s) | {worker['idle_cpu_ms']:.0f} | |")
        add(f"| SIGTERM to exit, idle (ms) | {worker['stop_ms']:.0f} | |")
        add(f"| Contact post that enqueues an email job, one after another (ms, median (min–max) of {o.jobs}) "
            f"| {spread(worker['post_ms'], 1)} | |")
        add(f"| {o.jobs + 5} queued email jobs run by one worker, from its start (s) | {worker['drain_s']:.1f} | |")
        add(f"| Peak resident memory after them (MB) | {worker['busy_rss_mb']:.0f} | {med('peak_rss_mb', BARE):.0f} |")
        if ablation:
            add("")
            add(f"## Cost of each piece of the pipeline (`none` app, {o.ablation_rounds} paired rounds)")
            add("")
            add("Each row is the app published with that one line removed, against the whole app in the same round "
                f"({o.ablation_seconds} s measured after {o.ablation_warmup} s of warm-up per path): requests/s without "
                "it ÷ with it (above 1.00: the piece costs throughput), and the server CPU µs per request it costs.")
            add("")
            add("| Piece removed | same file: req/s ratio | same file: CPU µs | home page: req/s ratio | home page: CPU µs |")
            add("| --- | --- | --- | --- | --- |")
            for label, row in ablation.items():
                answers = "" if row["status"] <= {200} else f" (answers {', '.join(map(str, sorted(row['status'])))} without it)"
                add(f"| {label}{answers} | {spread(row[PROBE_PATH])} | {spread(row['cpu' + PROBE_PATH], 1)} "
                    f"| {spread(row['/'])} | {spread(row['cpu/'], 1)} |")
        add("")
        add("## Every round")
        add("")
        for name in self.apps:
            for path in self.apps[name].paths:
                add(f"- {name} `{path}` req/s: " + ", ".join(f"{r[name][path]['rps']:.0f}" for r in rounds))
            add(f"- {name} peak MB: " + ", ".join(f"{r[name]['peak_rss_mb']:.0f}" for r in rounds))
            add(f"- {name} cold start ms: " + ", ".join(f"{v:.0f}" for v in cold[name]["wall_ms"]))
        return "\n".join(lines) + "\n"

    def main(self):
        try:
            if self.options.reuse:
                self.define_apps()
            else:
                self.prepare(time_instantiation=not self.options.telemetry_only)
            self.start_postgres()
            if self.options.telemetry_only:
                report = "\n".join([f"# OpenTelemetry's cost", "", f"Produced by `{self.options.command_line}` on "
                                     f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} from commit `{self.options.commit}`; "
                                     f"{os.cpu_count()} cores."] + self.telemetry_report(self.telemetry())
                                    + ["", "Load average (1, 5, 15 min) at the start of each stage: "
                                       + "; ".join(f"{stage} {' '.join(values)}" for stage, values in self.loads.items()) + "."]) + "\n"
                Path(self.options.output).write_text(report)
                print(report)
                return
            rounds = self.throughput()
            cold = self.cold_start()
            budget = self.dyno_budget()
            worker = self.worker()
            sizes = self.publish_sizes()
            ablation = self.ablation() if self.options.ablation else None
            telemetry = self.telemetry() if self.options.telemetry else None
            report = self.report(rounds, cold, budget, worker, sizes, ablation)
            if telemetry:
                report += "\n".join(self.telemetry_report(telemetry)) + "\n"
            Path(self.options.output).write_text(report)
            (self.work / "raw.json").write_text(json.dumps({"rounds": rounds, "cold": cold, "budget": budget,
                                                            "worker": worker, "sizes": sizes}))
            print(report)
        finally:
            self.stop_postgres()
            if not self.options.keep and not self.options.reuse:
                shutil.rmtree(self.work, ignore_errors=True)
            else:
                log(f"Kept {self.work}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=4, help="measured seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=8,
                        help="warm-up seconds per path before each measured run: on 2 cores tiered compilation is "
                             "still compiling several seconds into a load (BENCHMARKS.md, Profile)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--instantiation-rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=200, help="email jobs the worker runs in its measurement")
    parser.add_argument("--ablation", action="store_true", help="also measure the pipeline piece by piece")
    parser.add_argument("--ablation-rounds", type=int, default=3)
    parser.add_argument("--ablation-warmup", type=int, default=4,
                        help="warm-up seconds per path in the ablation, whose two sides are the same app but one line")
    parser.add_argument("--ablation-seconds", type=int, default=3)
    parser.add_argument("--telemetry", action="store_true",
                        help="also measure the postgres app with OpenTelemetry exporting against it off")
    parser.add_argument("--telemetry-only", action="store_true",
                        help="measure that alone (no other stage), into benchmarks/results-telemetry.md unless --output")
    parser.add_argument("--telemetry-rounds", type=int, default=4)
    parser.add_argument("--output")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--reuse", metavar="DIR", help="measure the apps a --keep run published in DIR again")
    parser.add_argument("--command-line", default=shlex.join(sys.argv))
    options = parser.parse_args()
    options.output = options.output or str(ROOT / "benchmarks" / ("results-telemetry.md" if options.telemetry_only else "results.md"))
    head = run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).strip()
    dirty = run(["git", "-C", str(ROOT), "status", "--porcelain"]).strip()
    options.commit = head + (" with uncommitted changes" if dirty else "")
    Bench(options).main()


if __name__ == "__main__":
    main()
