#!/usr/bin/env bash
# Load and robustness figures for `hudna serve` (a benchmark, not a test):
#
#  1. wrk, 64 connections for 30 s, against /api/v1/incidents?admin1=Idlib over a database
#     of 1,000,000 generated incidents (hudna bench ingest's export database), signed in
#     with an API token; reports requests/s, p99 latency and errors.
#  2. The same SQLite file served by Datasette, with the equivalent query (the same rows,
#     the same order, the same page size) through its JSON SQL API, under the same wrk load;
#     reports the ratio.
#  3. schemathesis against /api/v1/openapi.json on a database with the ISSG 2016 reports,
#     with the check that no request gets a 5xx.
#
# Usage: scripts/load-test.sh [INCIDENTS] [SECONDS] [CONNECTIONS]
# Needs: wrk (Debian), python3 with venv (Datasette and schemathesis are installed with pip
# into a virtual environment under the work directory). Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

INCIDENTS=${1:-1000000}
SECONDS_=${2:-30}
CONNS=${3:-64}
WORK=${HUDNA_LOAD_DIR:-target/load-test}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

log() { printf '\n== %s\n' "$*" >&2; }

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
if [ ! -x "$WORK/venv/bin/datasette" ] || [ ! -x "$WORK/venv/bin/schemathesis" ]; then
  log "installing datasette and schemathesis into $WORK/venv"
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q datasette schemathesis
fi

log "building hudna (release)"
cargo build --release -q -p hudna
HUDNA=$PWD/target/release/hudna

DB=$WORK/bench-export.db
if [ ! -f "$DB" ] || [ "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM incidents' 2>/dev/null || echo 0)" != "$INCIDENTS" ]; then
  log "generating $INCIDENTS incidents"
  "$HUDNA" bench ingest --articles 0 --incidents "$INCIDENTS" --keep "$WORK" >/dev/null
fi
"$HUDNA" org add "Load test" --kind other --db "$DB" >/dev/null 2>&1 || true
"$HUDNA" user add loadtest --org "Load test" --role member --db "$DB" >/dev/null 2>&1 || true
TOKEN=$("$HUDNA" token create loadtest --label load-test --db "$DB" 2>/dev/null)

pick_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1"; exit 1; }

# wrk's report with a Lua summary line: requests/s, p99 (ms), non-2xx, socket errors.
cat > "$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout, summary.requests))
end
LUA

run_wrk() { # URL [HEADER]
  local out
  if [ -n "${2:-}" ]; then
    out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --latency -s "$WORK/report.lua" -H "$2" "$1")
  else
    out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --latency -s "$WORK/report.lua" "$1")
  fi
  echo "$out" >&2
  echo "$out" | awk '/^RESULT/ {print $2, $3, $4, $5, $6}'
}

log "hudna serve"
PORT=$(pick_port)
"$HUDNA" serve --db "$DB" --addr "127.0.0.1:$PORT" >/dev/null &
HPID=$!
trap 'kill $HPID 2>/dev/null || true; [ -n "${DPID:-}" ] && kill $DPID 2>/dev/null || true' EXIT
URL="http://127.0.0.1:$PORT/api/v1/incidents?admin1=Idlib"
wait_http "http://127.0.0.1:$PORT/api/v1/openapi.json"
ROWS=$(curl -fs -H "Authorization: Bearer $TOKEN" "$URL" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
log "one page: $ROWS incidents"
read -r H_RPS H_P99 H_NON2XX H_SOCK H_REQ < <(run_wrk "$URL" "Authorization: Bearer $TOKEN")
kill $HPID; wait $HPID 2>/dev/null || true

log "datasette"
DPORT=$(pick_port)
"$WORK/venv/bin/datasette" serve "$DB" --host 127.0.0.1 --port "$DPORT" \
  --setting sql_time_limit_ms 10000 --setting num_sql_threads 4 >/dev/null 2>&1 &
DPID=$!
DB_NAME=$(basename "$DB" .db)
# The same page hudna serves a member: Idlib, visible to members, in (date, id) order, 101
# rows read to know whether there is a next page.
SQL="select id, type, date, place, admin1, lat, lon, precision, perpetrator, contested, grade, killed, injured, target, target_actor, claimed, investigation, sources, reports, visibility from incidents where admin1 = 'Idlib' and (visibility = 'public' or visibility = 'members') and date is not null order by date, id limit 101"
ENC=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$SQL")
DURL="http://127.0.0.1:$DPORT/$DB_NAME.json?sql=$ENC&_shape=array"
wait_http "http://127.0.0.1:$DPORT/-/versions.json"
DROWS=$(curl -fs "$DURL" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
log "one datasette page: $DROWS rows"
read -r D_RPS D_P99 D_NON2XX D_SOCK D_REQ < <(run_wrk "$DURL")
kill $DPID; wait $DPID 2>/dev/null || true
DPID=

log "schemathesis"
SDB=$WORK/issg.db
rm -f "$SDB" "$SDB-wal" "$SDB-shm"
"$HUDNA" ingest data/scenarios/issg-2016/reports.jsonl --db "$SDB" >/dev/null 2>&1
"$HUDNA" org add "SARC" --kind ngo --db "$SDB" >/dev/null
"$HUDNA" user add fuzz --org SARC --role humanitarian --db "$SDB" >/dev/null
STOKEN=$("$HUDNA" token create fuzz --db "$SDB" 2>/dev/null)
SPORT=$(pick_port)
"$HUDNA" serve --db "$SDB" --addr "127.0.0.1:$SPORT" >/dev/null 2>"$WORK/serve-fuzz.err" &
HPID=$!
wait_http "http://127.0.0.1:$SPORT/api/v1/openapi.json"
set +e
"$WORK/venv/bin/schemathesis" run "http://127.0.0.1:$SPORT/api/v1/openapi.json" \
  --checks not_a_server_error -H "Authorization: Bearer $STOKEN" \
  --max-examples "${HUDNA_FUZZ_EXAMPLES:-200}" >"$WORK/schemathesis.log" 2>&1
S_EXIT=$?
set -e
tail -25 "$WORK/schemathesis.log" >&2
kill $HPID; wait $HPID 2>/dev/null || true
FIVEXX=$(grep -c "internal error" "$WORK/serve-fuzz.err" || true)

RATIO=$(python3 -c "print(round($H_RPS / $D_RPS, 1))")
python3 - "$INCIDENTS" "$CONNS" "$SECONDS_" "$ROWS" "$H_RPS" "$H_P99" "$H_NON2XX" "$H_SOCK" "$H_REQ" \
  "$DROWS" "$D_RPS" "$D_P99" "$D_NON2XX" "$D_SOCK" "$D_REQ" "$RATIO" "$S_EXIT" "$FIVEXX" <<'PY'
import json, sys
a = sys.argv[1:]
print(json.dumps({
    "incidents": int(a[0]), "connections": int(a[1]), "seconds": int(a[2]),
    "query": "/api/v1/incidents?admin1=Idlib (100 per page, token of a member)",
    "hudna": {"rows": int(a[3]), "req_per_s": float(a[4]), "p99_ms": float(a[5]),
              "non_2xx": int(a[6]), "socket_errors": int(a[7]), "requests": int(a[8])},
    "datasette": {"rows": int(a[9]), "req_per_s": float(a[10]), "p99_ms": float(a[11]),
                  "non_2xx": int(a[12]), "socket_errors": int(a[13]), "requests": int(a[14])},
    "hudna_over_datasette": float(a[15]),
    "schemathesis_exit": int(a[16]), "server_errors_logged": int(a[17]),
}))
PY
