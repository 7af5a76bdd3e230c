#!/usr/bin/env bash
# Compares apps made by `dotnet new heroku-web` with a bare `dotnet new webapp`, all published the way
# Heroku's .NET buildpack publishes them, side by side in one run:
#   - first visit: local asset requests and bytes (Brotli) that the home page needs
#   - throughput: requests per second for the CSS bundle vs the bare template's stylesheet (wrk)
#   - cold start: time from process start to the first 200 on / (hyperfine)
#   - memory: resident set size after the throughput run
# Writes BENCHMARKS.md. Needs the .NET 10 SDK, curl, wrk, hyperfine and, for the database variant,
# PostgreSQL's initdb/pg_ctl (Debian: apt-get install wrk hyperfine postgresql).
# Usage: benchmarks/run.sh [seconds per wrk run, default 10]
set -euo pipefail

DURATION=${1:-10}
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

for tool in curl wrk hyperfine dotnet; do
  command -v "$tool" >/dev/null || { echo "$tool is required (Debian: apt-get install wrk hyperfine curl)" >&2; exit 1; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
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
# Polls until / answers 200 (as through Heroku's router: the visitor used HTTPS), for at most a minute.
wait_ok() {
  for _ in $(seq 6000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' "http://localhost:$1/")" = 200 ] && return 0
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

declare -A REQUESTS BYTES CSS RPS RSS
for app in HerokuWeb HerokuWebDb BareWebApp; do
  port=$(free_port)
  pid=$(start "$app" "$port"); PIDS+=("$pid")
  wait_ok "$port"
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
  # Each template's own stylesheet: the bundle here, css/site.css in the bare template.
  CSS[$app]=$(printf '%s\n' "${assets[@]}" | grep -E '^/(bundles|css)/site\.' | grep -E '\.css' | head -1)
  # A first run warms the JIT up (tiered compilation); the second is the one measured.
  wrk -t2 -c32 -d"${DURATION}s" "${HEADERS[@]}" -H 'Accept-Encoding: br' "http://localhost:$port${CSS[$app]}" >/dev/null
  RPS[$app]=$(wrk -t2 -c32 -d"${DURATION}s" "${HEADERS[@]}" -H 'Accept-Encoding: br' "http://localhost:$port${CSS[$app]}" \
    | awk '/Requests\/sec/ {print $2}')
  RSS[$app]=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

echo "Cold start (hyperfine)"
# One process start to first 200 per run; hyperfine runs it without a shell in between (-N).
cat > "$WORK/cold-start.sh" <<'SCRIPT'
#!/usr/bin/env bash
port=$(shuf -i 20000-40000 -n1)
pid=$(start "$1" "$port")
wait_ok "$port"; status=$?
kill "$pid"
exit $status
SCRIPT
chmod +x "$WORK/cold-start.sh"
export -f start wait_ok
hyperfine -N --warmup 2 --runs 20 --export-json "$WORK/cold.json" \
  -n HerokuWeb "$WORK/cold-start.sh HerokuWeb" \
  -n HerokuWebDb "$WORK/cold-start.sh HerokuWebDb" \
  -n BareWebApp "$WORK/cold-start.sh BareWebApp" >/dev/null
declare -A COLD COLDMEAN
while read -r name mean sd; do COLD[$name]="$mean ± $sd"; COLDMEAN[$name]=$mean; done < <(python3 -c "
import json
for r in json.load(open('$WORK/cold.json'))['results']: print(r['command'], round(r['mean']*1000), round(r['stddev']*1000))")

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
{
  echo "# Benchmarks"
  echo
  echo "Apps made by \`dotnet new heroku-web\` (\`--database none\`, and the default with PostgreSQL) against a bare"
  echo "\`dotnet new webapp\`, all published with the buildpack's command and run from the publish directory in"
  echo "Production, in one run on the same machine. Ratios are heroku-web ÷ bare webapp."
  echo
  echo "Produced by \`benchmarks/run.sh $DURATION\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(dotnet --version) SDK,"
  echo "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(hyperfine --version)."
  echo
  echo "| Measure | heroku-web (none) | heroku-web (postgres) | bare webapp | ratio (none) | target |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| Local asset requests on a first visit | ${REQUESTS[HerokuWeb]} | ${REQUESTS[HerokuWebDb]} | ${REQUESTS[BareWebApp]} | $(ratio "${REQUESTS[HerokuWeb]}" "${REQUESTS[BareWebApp]}") | at most 2 |"
  echo "| Asset bytes on a first visit (Brotli) | ${BYTES[HerokuWeb]} | ${BYTES[HerokuWebDb]} | ${BYTES[BareWebApp]} | $(ratio "${BYTES[HerokuWeb]}" "${BYTES[BareWebApp]}") | at most 0.25 |"
  echo "| Requests/s for the stylesheet (wrk, 2 threads, 32 connections, ${DURATION}s, br) | ${RPS[HerokuWeb]} | ${RPS[HerokuWebDb]} | ${RPS[BareWebApp]} | $(ratio "${RPS[HerokuWeb]}" "${RPS[BareWebApp]}") | at least 0.95 |"
  echo "| Process start to first 200 on / (ms, mean ± σ of 20) | ${COLD[HerokuWeb]} | ${COLD[HerokuWebDb]} | ${COLD[BareWebApp]} | $(ratio "${COLDMEAN[HerokuWeb]}" "${COLDMEAN[BareWebApp]}") | at most 1.00 |"
  echo "| Resident memory after the wrk run (MB) | ${RSS[HerokuWeb]} | ${RSS[HerokuWebDb]} | ${RSS[BareWebApp]} | $(ratio "${RSS[HerokuWeb]}" "${RSS[BareWebApp]}") | |"
  echo
  echo "Stylesheets measured: heroku-web \`${CSS[HerokuWeb]}\`, bare webapp \`${CSS[BareWebApp]}\`."
} > "$ROOT/BENCHMARKS.md"
cat "$ROOT/BENCHMARKS.md"
