#!/usr/bin/env python3
"""What a signed-in visitor costs an app made with --auth Individual: the home page's throughput and the server's
CPU per request for a visitor with a sign-in cookie against one without, in the same process, in alternating rounds.

A signed-in request reads the account's security stamp and roles (one query; see the platform README's Accounts
section) and renders the header for the account. The account is made as a visitor makes one (sign-up, then the
address confirmed in the database in place of the emailed link), and signed in through the login form.

Usage: accounts.py --app DIR --name NAME --database-url URL [--rounds 3] [--warmup 30] [--seconds 6]
The warm-up is long because a signed-in request runs much code that is still being compiled after 8 s.
DIR is the app's publish directory (bin/publish), NAME its executable; the database is migrated first.
"""
import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench  # noqa: E402
import coldstart  # noqa: E402

PASSWORD = "correct horse battery"
EMAIL = "bench@example.com"


class Visitor:
    """A browser's cookies and the router's headers, over plain HTTP to the app's port."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None):
        headers = {"Host": "localhost", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.77"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    cookie, _, content = pair.partition("=")
                    if content:
                        self.cookies[cookie] = content
                    else:
                        self.cookies.pop(cookie, None)
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def post_form(self, path, fields):
        _, page = self.request("GET", path)
        token = re.search(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"', page)
        if token is None:
            sys.exit(f"no antiforgery token on {path}")
        return self.request("POST", path, {**fields, "__RequestVerificationToken": token.group(1)})


def psql(database_url, sql):
    subprocess.run(["psql", database_url, "-qAtc", sql], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=6)
    args = parser.parse_args()

    port = coldstart.free_port()
    env = dict(os.environ) | {
        "PORT": str(port), "SECRET_KEY": os.urandom(32).hex(), "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": args.database_url, "FORM_POSTS_PER_MINUTE": "100000",
    }
    subprocess.run([f"./{args.name}", "migrate"], cwd=args.app, env=env, check=True, stdout=subprocess.DEVNULL)
    process = subprocess.Popen([f"./{args.name}"], cwd=args.app, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not coldstart.answers_200(port):
            if time.time() > deadline or process.poll() is not None:
                sys.exit("the app did not answer 200 on /")
            time.sleep(0.1)

        visitor = Visitor(port)
        visitor.post_form("/Account/Register", {"Input.Email": EMAIL, "Input.Password": PASSWORD})
        psql(args.database_url, f"UPDATE users SET email_confirmed = true WHERE normalized_email = '{EMAIL.upper()}'")
        status, _ = visitor.post_form("/Account/Login", {"Input.Email": EMAIL, "Input.Password": PASSWORD})
        cookie = "; ".join(f"{name}={value}" for name, value in visitor.cookies.items())
        _, home = visitor.request("GET", "/")
        if status != 302 or "Sign out</button>" not in home:
            sys.exit(f"the sign-in did not take (status {status})")

        measured = {"anonymous": [], "signed in": []}
        headers = {"anonymous": [], "signed in": ["-H", f"Cookie: {cookie}"]}
        for kind in measured:
            wrk(port, headers[kind], args.warmup)
        for round_ in range(args.rounds):
            for kind in (list(measured) if round_ % 2 == 0 else list(reversed(measured))):
                before = coldstart.cpu_ms(process.pid)
                requests, rps = wrk(port, headers[kind], args.seconds)
                cpu_us = (coldstart.cpu_ms(process.pid) - before) * 1000 / max(requests, 1)
                measured[kind].append((rps, cpu_us))
        print(f"load {' '.join(bench.load())}")
        anonymous = measured["anonymous"]
        for kind, results in measured.items():
            ratios = [rps / anonymous[i][0] for i, (rps, _) in enumerate(results)]
            print(f"{kind:10} {statistics.median(r for r, _ in results):8.0f} requests/s"
                  f"  {statistics.median(c for _, c in results):6.0f} µs CPU/request"
                  f"  ratio {statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})")
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(port, extra, seconds):
    out = bench.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "-H", "X-Forwarded-Proto: https", "-H", "Accept-Encoding: br",
                     *extra, f"http://localhost:{port}/"])
    if "Non-2xx or 3xx responses" in out:
        sys.exit(f"answers that were not 2xx/3xx:\n{out}")
    return int(re.search(r"(\d+) requests in", out).group(1)), float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


if __name__ == "__main__":
    main()
