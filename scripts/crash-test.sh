#!/usr/bin/env bash
# Crash test of `hudna ingest`: a run killed with SIGKILL part way, then run again, must end
# with exactly the record of an uninterrupted run (articles, syndication, mentions,
# incidents and their links; `hudna dump` lists them in a canonical order without ingest
# times or internal labels).
#
#   scripts/crash-test.sh [ARTICLES] [KILLS]      (defaults: 100000 articles, 2 kills)
#
# Environment: HUDNA_BIN (default: builds target/release/hudna), KEEP=1 keeps the work
# directory, SEED_ARTICLES (default ../shared/eval/dev/articles.jsonl), BATCH (entries per
# transaction, default hudna's).
# Exit status: 0 when the two records are equal, 1 when they differ, 2 on a setup error.
set -euo pipefail
cd "$(dirname "$0")/.."

articles=${1:-100000}
kills=${2:-2}
seeds=${SEED_ARTICLES:-../shared/eval/dev/articles.jsonl}
batch_args=()
[[ -n "${BATCH:-}" ]] && batch_args=(--batch "$BATCH")

if [[ -z "${HUDNA_BIN:-}" ]]; then
  cargo build --release -q -p hudna
  HUDNA_BIN=$PWD/target/release/hudna
fi
[[ -x "$HUDNA_BIN" ]] || { echo "crash-test: no hudna binary at $HUDNA_BIN" >&2; exit 2; }
[[ -f "$seeds" ]] || { echo "crash-test: no seed articles at $seeds" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hudna-crash.XXXXXX")
if [[ "${KEEP:-}" == 1 ]]; then
  echo "crash-test: keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi
# Every run uses the same binary, even if the build is replaced meanwhile.
cp "$HUDNA_BIN" "$work/hudna"
HUDNA_BIN=$work/hudna

now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# Articles committed so far (the dump reports its row counts on standard error).
committed() { "$HUDNA_BIN" dump --db "$1" 2>&1 >/dev/null | sed -n 's/.*"articles":\([0-9]*\).*/\1/p'; }

echo "crash-test: generating $articles articles"
"$HUDNA_BIN" bench corpus --articles "$articles" --seed-articles "$seeds" -o "$work/corpus.jsonl" >/dev/null

echo "crash-test: uninterrupted run"
start=$(now)
"$HUDNA_BIN" ingest "$work/corpus.jsonl" --db "$work/whole.db" --json "${batch_args[@]}" >"$work/whole.json"
whole_seconds=$(seconds_since "$start")
echo "crash-test:   ${whole_seconds}s: $(cat "$work/whole.json")"

# Each killed run starts where the committed batches of the previous ones end, and is
# killed after a random 15–60 % of the time the rest should take (the uninterrupted run's
# pace applied to the articles not yet committed).
landed=0
for ((k = 1; k <= kills; k++)); do
  done_so_far=0
  [[ -f "$work/killed.db" ]] && done_so_far=$(committed "$work/killed.db")
  pct=$((15 + RANDOM % 46))
  delay=$(awk -v s="$whole_seconds" -v p="$pct" -v n="$articles" -v d="${done_so_far:-0}" \
    'BEGIN { printf "%.2f", s * (n - d) / n * p / 100 }')
  "$HUDNA_BIN" ingest "$work/corpus.jsonl" --db "$work/killed.db" "${batch_args[@]}" \
    >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    landed=$((landed + 1))
    echo "crash-test: kill $k: SIGKILL after ${delay}s (${pct}% of the rest); $(committed "$work/killed.db") of $articles articles committed"
  else
    wait "$pid" || true
    echo "crash-test: kill $k: the run finished before ${delay}s; no crash this time"
  fi
done
if ((landed == 0)); then
  echo "crash-test: no kill landed while a run was going; use more articles" >&2
  exit 2
fi

echo "crash-test: re-run to the end"
"$HUDNA_BIN" ingest "$work/corpus.jsonl" --db "$work/killed.db" --json "${batch_args[@]}" >"$work/rerun.json"
echo "crash-test:   $(cat "$work/rerun.json")"

"$HUDNA_BIN" dump --db "$work/whole.db" >"$work/whole.dump" 2>"$work/whole.counts"
"$HUDNA_BIN" dump --db "$work/killed.db" >"$work/killed.dump" 2>"$work/killed.counts"
echo "crash-test: uninterrupted: $(cat "$work/whole.counts")"
echo "crash-test: killed+re-run: $(cat "$work/killed.counts")"
if cmp -s "$work/whole.dump" "$work/killed.dump"; then
  echo "crash-test: EQUAL ($(wc -l <"$work/whole.dump") dump lines, $(sha256sum <"$work/whole.dump" | cut -c1-16))"
else
  echo "crash-test: DIFFERENT — first differences:" >&2
  diff "$work/whole.dump" "$work/killed.dump" | head -20 >&2 || true
  exit 1
fi
