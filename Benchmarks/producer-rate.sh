#!/usr/bin/env bash
# The highest open-loop rate kbench's capacity producers hold on the embedded broker.
#
#   Benchmarks/producer-rate.sh        # after scripts/deps; REPEATS=3 DURATION=5s PRODUCERS="1 2" by default
#
# Starts `kbench broker` (another process, as a user's broker would be) with a 40-partition topic, then runs
# `kbench produce --rate R --duration D --producers N`: the very producer processes of `kbench capacity`, on one
# intended-time schedule. A rate is held when, in every repeat, at least 99% of the schedule was sent, at most 1%
# of it more than 100 ms late, and nothing failed (the rule that makes a capacity trial valid). Rates climb a
# ladder until one is not held. Prints every run and, per producer count, the highest rate held in all repeats with
# the spread of what was achieved. The broker keeps only ~5 MiB per partition: older events are dropped, which
# costs the producers nothing.
set -euo pipefail

REPEATS=${REPEATS:-3}
DURATION=${DURATION:-5s}
PRODUCERS=${PRODUCERS:-"1 2"}
RATES=${RATES:-"250000 500000 750000 1000000 1250000 1500000 1750000 2000000 2500000 3000000"}
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps"
echo "== building kbench (release)" >&2
(cd "$root" && swift build -c release --product kbench >&2)
KBENCH="$(cd "$root" && swift build -c release --show-bin-path)/kbench"

work="$(mktemp -d "${TMPDIR:-/tmp}/kbench-rate.XXXXXX")"
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && { kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$KBENCH" broker --topic producer-rate:40 --bootstrap-file "$work/bootstrap" >/dev/null 2>"$work/broker.log" &
broker_pid=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.05; done
[ -s "$work/bootstrap" ] || { echo "kbench broker did not start:" >&2; cat "$work/broker.log" >&2; exit 1; }
bootstrap="$(head -1 "$work/bootstrap")"

echo "== machine: $(nproc) cores, $(uname -srm); $(awk '{ print "load average " $1 " " $2 " " $3 }' /proc/loadavg)"
for n in $PRODUCERS; do
  best=0 spread=""
  for rate in $RATES; do
    held=0 achieved=()
    for r in $(seq "$REPEATS"); do
      line=$("$KBENCH" produce --bootstrap "$bootstrap" --topic producer-rate --rate "$rate" --duration "$DURATION" --producers "$n" 2>&1 | tail -1 || true)
      echo "producers=$n rate=$rate run=$r: $line"
      pct=$(sed -n 's/.*events\/s, \([0-9.]*\)% of the target.*/\1/p' <<<"$line")
      achieved+=("${pct:-0}")
      case "$line" in *"held the rate"*) [[ "$line" == *"did NOT"* ]] || held=$((held + 1)) ;; esac
    done
    if [ "$held" -eq "$REPEATS" ]; then
      best=$rate
      spread="$(printf '%s\n' "${achieved[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "achieved %s–%s%% of the target", v[1], v[NR] }')"
    else
      break
    fi
  done
  echo "== $n producer process(es): highest rate held in all $REPEATS repeats: $best events/s ($spread); the next rung was not held"
done
echo "load at the end: $(awk '{ print $1 " " $2 " " $3 }' /proc/loadavg)"
