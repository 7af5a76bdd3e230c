#!/usr/bin/env bash
# Compares apps made by `dotnet new heroku-web` with a bare `dotnet new webapp`, all published the way
# Heroku's .NET buildpack publishes them, side by side in one run:
#   - first visit: local asset requests and bytes (Brotli) that the home page needs
#   - throughput: requests per second for the CSS bundle vs the bare template's stylesheets (wrk), in
#     interleaved rounds, reported as medians with the server's CPU time per request
#   - cold start: time from process start to the first 200 on / (hyperfine)
#   - memory: resident set size after the throughput runs
# Writes BENCHMARKS.md. Needs the .NET 10 SDK, curl, wrk, hyperfine, python3 and, for the database variant,
# PostgreSQL's initdb/pg_ctl (Debian: apt-get install wrk hyperfine postgresql).
# Usage: benchmarks/run.sh [seconds per wrk run, default 5] [rounds, default 5]
set -euo pipefail

DURATION=${1:-5}
ROUNDS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/heroku-web-bench.XXXXXX)
chmod 755 "$WORK"  # the postgres user must reach the throwaway cluster below it
HIVE=$WORK/hive
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "${PGDATA_DIR:-}" ] && run_pg pg_ctl stop -m immediate -D "$PGDATA_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in curl wrk hyperfine python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "$tool is required (Debian: apt-get install wrk hyperfine curl python3)" >&2; exit 1; }
done

# A free port below the kernel's ephemeral range, which wrk and curl fill with connections of their own.
free_port() {
  python3 -c '
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
while True:
    port = random.randrange(10000, low)
    try:
        socket.create_server(("", port)).close()
        print(port)
        break
    except OSError:
        pass'
}
publish() { (cd "$1" && dotnet publish "$2" --runtime linux-x64 -p:PublishDir=bin/publish --artifacts-path "$WORK/artifacts-$(basename "$1")" -v quiet -nologo >/dev/null); }

echo "Packing and generating apps in $WORK"
dotnet pack "$ROOT/Template.Pack.csproj" -o "$WORK/pack" -v quiet -nologo >/dev/null
dotnet new install "$WORK"/pack/*.nupkg --debug:custom-hive "$HIVE" >/dev/null
(cd "$WORK" && dotnet new heroku-web -o HerokuWeb --database none --debug:custom-hive "$HIVE" --no-update-check >/dev/null)
(cd "$WORK" && dotnet new heroku-web -o HerokuWebDb --debug:custom-hive "$HIVE" --no-update-check >/dev/null)
(cd "$WORK" && dotnet new webapp -o BareWebApp --no-restore >/dev/null)

echo "Publishing (dotnet publish --runtime linux-x64 -p:PublishDir=bin/publish)"
publish "$WORK/HerokuWeb" HerokuWeb.slnx
publish "$WORK/HerokuWebDb" HerokuWebDb.slnx
publish "$WORK/BareWebApp" BareWebApp.csproj

# The database variant needs PostgreSQL: a throwaway cluster on a free port.
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGBIN/$1" "${@:2}"; else "$PGBIN/$1" "${@:2}"; fi; }
PGBIN=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")
PGDATA_DIR=$WORK/pg/data
mkdir -p "$WORK/pg" && { [ "$(id -u)" != 0 ] || chown postgres "$WORK/pg"; }
PGPORT=$(free_port)
run_pg initdb -D "$PGDATA_DIR" -U postgres -A trust --no-sync >/dev/null
run_pg pg_ctl start -w -D "$PGDATA_DIR" -l "$WORK/pg/log" -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1" >/dev/null
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"

SECRET=$(head -c 48 /dev/urandom | base64 -w0)
HEADERS=(-H 'X-Forwarded-Proto: https')

# Starts an app from its publish directory as its Procfile (or the buildpack's default command) does.
start() { # name port
  case $1 in
    HerokuWeb|HerokuWebDb)
      (cd "$WORK/$1/src/$1/bin/publish" && exec env -i PATH=/usr/bin:/bin DOTNET_ROOT="$DOTNET_ROOT_DIR" \
        PORT="$2" SECRET_KEY="$SECRET" ALLOWED_HOSTS=localhost DATABASE_URL="$DATABASE_URL" "./$1" >/dev/null 2>&1) &
      ;;
    BareWebApp)
      (cd "$WORK/$1/bin/publish" && exec env -i PATH=/usr/bin:/bin DOTNET_ROOT="$DOTNET_ROOT_DIR" \
        "./$1" --urls "http://*:$2" >/dev/null 2>&1) &
      ;;
  esac
  echo $!
}
# Stops an app and waits until it is gone (it is not this shell's child, so `wait` cannot).
stop_app() {
  kill "$1" 2>/dev/null || true
  while kill -0 "$1" 2>/dev/null; do sleep 0.05; done
}
# Polls until / answers 200 (as through Heroku's router: the visitor used HTTPS), for at most a minute,
# or until the app's process has exited.
wait_ok() { # port pid
  for _ in $(seq 6000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' "http://localhost:$1/")" = 200 ] && return 0
    kill -0 "$2" 2>/dev/null || { echo "The app on port $1 exited before answering." >&2; return 1; }
    sleep 0.01
  done
  echo "The app on port $1 did not answer 200 within a minute." >&2
  return 1
}
DOTNET_ROOT_DIR=$(dirname "$(readlink -f "$(command -v dotnet)")")
export WORK SECRET DATABASE_URL DOTNET_ROOT_DIR

# The database variant's release phase.
(cd "$WORK/HerokuWebDb/src/HerokuWebDb/bin/publish" && env -i PATH=/usr/bin:/bin DOTNET_ROOT="$DOTNET_ROOT_DIR" \
  PORT=1 SECRET_KEY="$SECRET" ALLOWED_HOSTS=localhost DATABASE_URL="$DATABASE_URL" ./HerokuWebDb migrate >/dev/null)

# Runs wrk against a URL of the app on a port: a first run warms the JIT up (tiered compilation), the
# second is measured. Prints requests/s and the server's CPU time per request (µs, from /proc), which
# varies less than requests/s when other work shares the machine.
throughput() { # pid port path
  wrk -t2 -c32 -d"${DURATION}s" "${HEADERS[@]}" -H 'Accept-Encoding: br' "http://localhost:$2$3" >/dev/null
  local before after out
  before=$(awk '{print $14 + $15}' "/proc/$1/stat")
  out=$(wrk -t2 -c32 -d"${DURATION}s" "${HEADERS[@]}" -H 'Accept-Encoding: br' "http://localhost:$2$3")
  after=$(awk '{print $14 + $15}' "/proc/$1/stat")
  awk -v ticks="$((after - before))" -v hz="$(getconf CLK_TCK)" \
    '/requests in/ {n = $1} /Requests\/sec/ {rps = $2} END {printf "%.0f %.1f\n", rps, ticks / hz * 1e6 / n}' <<<"$out"
}
median() { python3 -c 'import statistics, sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):g}")' "$@"; }

# First visit: what the home page makes a browser fetch.
declare -A REQUESTS BYTES CSS
for app in HerokuWeb HerokuWebDb BareWebApp; do
  port=$(free_port)
  pid=$(start "$app" "$port"); PIDS+=("$pid")
  wait_ok "$port" "$pid"
  html=$(curl -s "${HEADERS[@]}" "http://localhost:$port/")
  # Local assets the page needs: stylesheets, scripts, icons and images with a site-relative URL.
  mapfile -t assets < <(grep -oE '(href|src)="/[^"/][^"]*"' <<<"$html" | sed -E 's/^(href|src)="([^"]*)"$/\2/' \
    | grep -E '\.(css|js|ico|png|svg|webp|woff2?)(\?|$)' | sort -u)
  REQUESTS[$app]=${#assets[@]}
  total=0
  for asset in "${assets[@]}"; do
    size=$(curl -s -o /dev/null -w '%{size_download}' "${HEADERS[@]}" -H 'Accept-Encoding: br' "http://localhost:$port$asset")
    total=$((total + size))
  done
  BYTES[$app]=$total
  # Each template's own stylesheet: the bundle here, css/site.css in the bare template (whose other
  # stylesheet, Bootstrap, is measured too).
  CSS[$app]=$(printf '%s\n' "${assets[@]}" | grep -E '^/(bundles|css)/site\.' | grep -E '\.css' | head -1)
  [ "$app" = BareWebApp ] && CSS[Bootstrap]=$(printf '%s\n' "${assets[@]}" | grep -E 'bootstrap.*\.css' | head -1)
  stop_app "$pid"
done

# Throughput, in rounds: each round starts every app afresh, in a rotated order, so that a slow spell of
# the machine does not land on one app only; the medians are reported.
echo "Throughput ($ROUNDS rounds of wrk, ${DURATION}s each after a ${DURATION}s warm-up)"
declare -A RPS CPU RSS
order=(HerokuWeb HerokuWebDb BareWebApp)
for round in $(seq "$ROUNDS"); do
  for i in 0 1 2; do
    app=${order[$(((i + round) % 3))]}
    port=$(free_port)
    pid=$(start "$app" "$port"); PIDS+=("$pid")
    wait_ok "$port" "$pid"
    read -r rps cpu < <(throughput "$pid" "$port" "${CSS[$app]}")
    RPS[$app]+=" $rps"; CPU[$app]+=" $cpu"
    # Memory after the same work in every app: before the bare app also serves Bootstrap.
    RSS[$app]+=" $(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")"
    if [ "$app" = BareWebApp ]; then
      read -r rps cpu < <(throughput "$pid" "$port" "${CSS[Bootstrap]}")
      RPS[Bootstrap]+=" $rps"; CPU[Bootstrap]+=" $cpu"
    fi
    stop_app "$pid"
  done
  echo "  round $round: $(for app in HerokuWeb HerokuWebDb BareWebApp Bootstrap; do printf '%s %s/s  ' "$app" "${RPS[$app]##* }"; done)"
done
declare -A MRPS MCPU MRSS
for app in HerokuWeb HerokuWebDb BareWebApp Bootstrap; do
  # shellcheck disable=SC2086 # word splitting of the recorded values is intended
  MRPS[$app]=$(median ${RPS[$app]}); MCPU[$app]=$(median ${CPU[$app]})
done
for app in HerokuWeb HerokuWebDb BareWebApp; do
  # shellcheck disable=SC2086
  MRSS[$app]=$(median ${RSS[$app]})
done

echo "Cold start (hyperfine)"
# One process start to first 200 per run; hyperfine runs it without a shell in between (-N).
cat > "$WORK/cold-start.sh" <<'SCRIPT'
#!/usr/bin/env bash
port=$(free_port)
pid=$(start "$1" "$port")
wait_ok "$port" "$pid"; status=$?
kill "$pid"  # not waited for: only the start is timed
exit $status
SCRIPT
chmod +x "$WORK/cold-start.sh"
export -f start wait_ok free_port
hyperfine -N --warmup 2 --runs 20 --export-json "$WORK/cold.json" \
  -n HerokuWeb "$WORK/cold-start.sh HerokuWeb" \
  -n HerokuWebDb "$WORK/cold-start.sh HerokuWebDb" \
  -n BareWebApp "$WORK/cold-start.sh BareWebApp" >/dev/null
declare -A COLD COLDMEAN
while read -r name mean sd; do COLD[$name]="$mean ± $sd"; COLDMEAN[$name]=$mean; done < <(python3 -c "
import json
for r in json.load(open('$WORK/cold.json'))['results']: print(r['command'], round(r['mean']*1000), round(r['stddev']*1000))")

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
wrk_setup="wrk, 2 threads, 32 connections, ${DURATION}s, br; median of $ROUNDS rounds"
{
  echo "# Benchmarks"
  echo
  echo "Apps made by \`dotnet new heroku-web\` (\`--database none\`, and the default with PostgreSQL) against a bare"
  echo "\`dotnet new webapp\`, all published with the buildpack's command and run from the publish directory in"
  echo "Production, in one run on the same machine. Ratios are heroku-web (none) ÷ bare webapp."
  echo
  echo "Produced by \`benchmarks/run.sh $DURATION $ROUNDS\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(dotnet --version) SDK,"
  echo "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(hyperfine --version). wrk and the apps share the machine's cores."
  echo
  echo "| Measure | heroku-web (none) | heroku-web (postgres) | bare webapp | ratio | target |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| Local asset requests on a first visit | ${REQUESTS[HerokuWeb]} | ${REQUESTS[HerokuWebDb]} | ${REQUESTS[BareWebApp]} | $(ratio "${REQUESTS[HerokuWeb]}" "${REQUESTS[BareWebApp]}") | at most 2 requests |"
  echo "| Asset bytes on a first visit (Brotli) | ${BYTES[HerokuWeb]} | ${BYTES[HerokuWebDb]} | ${BYTES[BareWebApp]} | $(ratio "${BYTES[HerokuWeb]}" "${BYTES[BareWebApp]}") | at most 0.25 |"
  echo "| Requests/s, own stylesheet vs bare \`site.css\` ($wrk_setup) | ${MRPS[HerokuWeb]} | ${MRPS[HerokuWebDb]} | ${MRPS[BareWebApp]} | $(ratio "${MRPS[HerokuWeb]}" "${MRPS[BareWebApp]}") | at least 0.95 |"
  echo "| Requests/s, own stylesheet vs bare Bootstrap (same) | ${MRPS[HerokuWeb]} | ${MRPS[HerokuWebDb]} | ${MRPS[Bootstrap]} | $(ratio "${MRPS[HerokuWeb]}" "${MRPS[Bootstrap]}") | |"
  echo "| Server CPU µs per request, vs bare \`site.css\` (median) | ${MCPU[HerokuWeb]} | ${MCPU[HerokuWebDb]} | ${MCPU[BareWebApp]} | $(ratio "${MCPU[HerokuWeb]}" "${MCPU[BareWebApp]}") | |"
  echo "| Process start to first 200 on / (ms, mean ± σ of 20; includes a small script and curl polling every 10 ms) | ${COLD[HerokuWeb]} | ${COLD[HerokuWebDb]} | ${COLD[BareWebApp]} | $(ratio "${COLDMEAN[HerokuWeb]}" "${COLDMEAN[BareWebApp]}") | at most 1.00 |"
  echo "| Resident memory after the wrk runs (MB, median) | ${MRSS[HerokuWeb]} | ${MRSS[HerokuWebDb]} | ${MRSS[BareWebApp]} | $(ratio "${MRSS[HerokuWeb]}" "${MRSS[BareWebApp]}") | |"
  echo
  echo "Stylesheets measured: heroku-web \`${CSS[HerokuWeb]}\` (the whole UI), bare webapp \`${CSS[BareWebApp]}\` and"
  echo "\`${CSS[Bootstrap]}\`. Requests/s in each round (rounds start every app afresh, in a rotated order):"
  echo
  for app in HerokuWeb HerokuWebDb BareWebApp Bootstrap; do
    echo "- $app:${RPS[$app]}"
  done
} > "$ROOT/BENCHMARKS.md"
cat "$ROOT/BENCHMARKS.md"
