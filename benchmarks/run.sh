#!/usr/bin/env bash
# Compares apps made by `dotnet new heroku-web` (--database none and postgres) with a bare
# `dotnet new webapp`, all published the way Heroku's .NET buildpack publishes them, in one run:
# requests/s on one identical file and on the home page, the guestbook page's database read, cold start,
# peak memory under load (also with the GC held to a dyno's 512 MB), `dotnet new` time and, with
# --ablation, the cost of each piece of the middleware pipeline. Each round runs every app back to back
# and reports paired ratios; BENCHMARKS.md explains the method.
# Writes benchmarks/results.md. Needs the .NET 10 SDK, python3, wrk and PostgreSQL's initdb/pg_ctl/psql
# (Debian: apt-get install wrk postgresql). On a quiet 2-core machine the default run takes about
# 15 minutes; --ablation adds about 30.
# Usage: benchmarks/run.sh [--rounds 5] [--seconds 4] [--cold-runs 10] [--ablation] [--help for the rest]
set -euo pipefail

for tool in dotnet python3 wrk git; do
  command -v "$tool" >/dev/null || { echo "$tool is required (Debian: apt-get install wrk python3 postgresql)" >&2; exit 1; }
done
command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || { echo "PostgreSQL's initdb is required (Debian: apt-get install postgresql)" >&2; exit 1; }

exec python3 "$(dirname "$0")/bench.py" --command-line "benchmarks/run.sh${*:+ $*}" "$@"
