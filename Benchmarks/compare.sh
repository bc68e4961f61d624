#!/usr/bin/env bash
# kbench against kcat on librdkafka's embedded broker, as whole processes (start-up and shut-down included).
#
#   Benchmarks/compare.sh            # after scripts/deps; RUNS=5 MESSAGES=1000000 by default
#   LIBRDKAFKA=2.16.0 Benchmarks/compare.sh   # kbench, kcat and the broker all on another librdkafka
#
# LIBRDKAFKA takes what `kbench --librdkafka` takes (system, a version under .build/librdkafka/, a librdkafka.so.1
# or its directory): kbench selects it itself (KBENCH_LIBRDKAFKA), kcat gets its directory on LD_LIBRARY_PATH.
#
# 1. builds kbench (release) and starts `kbench broker` with a 40-partition topic, seeded once with
#    MESSAGES keyed 100 B events by `kbench seed`;
# 2. consume: RUNS rounds of `kbench consume` (no group: all partitions assigned, work none) against
#    `kcat -C -e -q -f ''`, in alternating order, plus kcat with -X fetch.wait.max.ms=10 as a reference
#    (kcat's default 500 ms wait on the final empty fetch is part of its time);
# 3. produce: RUNS rounds of `kbench produce` against `kcat -P -K '\t'` fed MESSAGES keyed lines
#    (user-<id> keys, 100 B values, generated once), and kcat with kbench's producer settings (idempotence, a
#    100,000-message queue), each round on a freshly started broker so that no run meets the ~5 MiB-per-partition
#    retention of the embedded broker; wall time and the producers' own CPU time;
# 4. a default sweep (sleep:1ms work) to read a worker's peak RSS.
# Prints every run, the medians and the kbench/kcat ratios. Everything it starts is stopped on exit.
set -euo pipefail

RUNS=${RUNS:-5}
MESSAGES=${MESSAGES:-1000000}
VALUE_BYTES=100
PARTITIONS=40
root="$(cd "$(dirname "$0")/.." && pwd)"

# --- tools ---------------------------------------------------------------------------------------------
need=()
command -v kcat >/dev/null 2>&1 || need+=(kcat)
[ -x /usr/bin/time ] || need+=(time)
command -v awk >/dev/null 2>&1 || need+=(gawk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "compare.sh: installing ${need[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  else
    echo "compare.sh needs: ${need[*]} (sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
fi
"$root/scripts/deps"

LIBRDKAFKA=${LIBRDKAFKA:-system}
if [ "$LIBRDKAFKA" != system ]; then
  if [ -d "$LIBRDKAFKA" ]; then libdir=$LIBRDKAFKA
  elif [ -f "$LIBRDKAFKA" ]; then libdir=$(dirname "$LIBRDKAFKA")
  else libdir="$root/.build/librdkafka/$LIBRDKAFKA"; fi
  [ -f "$libdir/librdkafka.so.1" ] || { echo "compare.sh: LIBRDKAFKA=$LIBRDKAFKA: no librdkafka.so.1 in $libdir" >&2; exit 64; }
  export KBENCH_LIBRDKAFKA="$LIBRDKAFKA"
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

echo "== building kbench (release)" >&2
(cd "$root" && swift build -c release --product kbench >&2)
KBENCH="$(cd "$root" && swift build -c release --show-bin-path)/kbench"

work="$(mktemp -d "${TMPDIR:-/tmp}/kbench-compare.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts `kbench broker` with the given topics; sets $bootstrap and $broker_pid.
start_broker() {
  local file="$work/bootstrap.$RANDOM"
  local args=() t
  for t in "$@"; do args+=(--topic "$t:$PARTITIONS"); done
  "$KBENCH" broker --embedded-brokers 1 "${args[@]}" --bootstrap-file "$file" >/dev/null 2>"$work/broker.log" &
  broker_pid=$!
  pids+=("$broker_pid")
  local i
  for i in $(seq 100); do [ -s "$file" ] && break; sleep 0.05; done
  [ -s "$file" ] || { echo "kbench broker did not start:" >&2; cat "$work/broker.log" >&2; exit 1; }
  bootstrap="$(head -1 "$file")"
}
stop_broker() {
  kill "$broker_pid" 2>/dev/null || true
  wait "$broker_pid" 2>/dev/null || true
}

# Runs a command as a whole process; appends "<label> <wall seconds> <peak RSS MiB> <cpu seconds>" to $work/runs.
timed() {
  local label=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -o "$work/time.out" -f "%M %U %S" "$@" >"$work/out" 2>"$work/err" || {
    echo "$label failed:" >&2; cat "$work/err" >&2; exit 1; }
  t1=$(date +%s%N)
  if grep -qi "fail\|error" "$work/err"; then echo "$label reported:" >&2; cat "$work/err" >&2; fi
  read -r rss_kb user sys <"$work/time.out"
  awk -v l="$label" -v a="$t0" -v b="$t1" -v r="$rss_kb" -v u="$user" -v s="$sys" -v n="$MESSAGES" \
    'BEGIN { w = (b - a) / 1e9; printf "%-18s %7.3f s  %9.0f msg/s  RSS %6.1f MiB  CPU %5.2f s\n", l, w, n / w, r / 1024, u + s
             printf "%s %.6f %.1f %.2f\n", l, w, r / 1024, u + s >> "'"$work/runs"'" }'
}

# median LABEL FIELD (2 = wall seconds, 3 = RSS MiB)
median() {
  awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$work/runs" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

load() { awk '{ print "load average " $1 " " $2 " " $3 }' /proc/loadavg; }

echo "== machine"
echo "nproc: $(nproc)"
lscpu | head -n 15
uname -srm
echo "kbench $("$KBENCH" --version 2>/dev/null || echo '?'); kcat $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\).*librdkafka \([^ ]*\).*/\1 (librdkafka \2)/p')"
load

# --- consume ---------------------------------------------------------------------------------------------
echo
echo "== consume: $MESSAGES x $VALUE_BYTES B keyed events in $PARTITIONS partitions, $RUNS rounds"
start_broker perf-consume
consume_bootstrap=$bootstrap
"$KBENCH" seed --bootstrap "$bootstrap" --topic perf-consume --partitions $PARTITIONS --messages "$MESSAGES" \
  --value-bytes $VALUE_BYTES | head -1
load
for r in $(seq "$RUNS"); do
  if [ $((r % 2)) -eq 1 ]; then order="kbench kcat"; else order="kcat kbench"; fi
  for who in $order; do
    case $who in
      kbench) timed kbench-consume "$KBENCH" consume --bootstrap "$consume_bootstrap" --topic perf-consume --work none ;;
      kcat)   timed kcat-consume kcat -C -b "$consume_bootstrap" -t perf-consume -e -q -f '' ;;
    esac
  done
  timed kcat-consume-fw10 kcat -C -b "$consume_bootstrap" -t perf-consume -e -q -f '' -X fetch.wait.max.ms=10
done
stop_broker

# --- produce ---------------------------------------------------------------------------------------------
echo
echo "== produce: $MESSAGES keyed events, $VALUE_BYTES B values, into $PARTITIONS partitions, $RUNS pairs (fresh broker per pair)"
input="$work/keyed.txt"
awk -v n="$MESSAGES" -v b=$VALUE_BYTES 'BEGIN { srand(42); v = sprintf("%" b "s", ""); gsub(/ /, "x", v)
  for (i = 0; i < n; i++) printf "user-%d\t%s\n", int(rand() * 100000), v }' >"$input"
load
for r in $(seq "$RUNS"); do
  start_broker perf-produce-kbench perf-produce-kcat perf-produce-kcat-same
  if [ $((r % 2)) -eq 1 ]; then order="kbench kcat kcat-same"; else order="kcat-same kcat kbench"; fi
  for who in $order; do
    case $who in
      kbench) timed kbench-produce "$KBENCH" produce --bootstrap "$bootstrap" --topic perf-produce-kbench \
                --messages "$MESSAGES" --value-bytes $VALUE_BYTES ;;
      kcat)   timed kcat-produce sh -c 'exec kcat -P -b "$1" -t perf-produce-kcat -K "$(printf "\t")" -X partitioner=murmur2_random < "$2"' \
                sh "$bootstrap" "$input" ;;
      # kcat with kbench's producer settings (idempotence, a 100,000-message queue): the same librdkafka work
      kcat-same) timed kcat-produce-same sh -c 'exec kcat -P -b "$1" -t perf-produce-kcat-same -K "$(printf "\t")" -X partitioner=murmur2_random \
                -X enable.idempotence=true -X queue.buffering.max.messages=100000 -X linger.ms=5 -X batch.num.messages=10000 < "$2"' \
                sh "$bootstrap" "$input" ;;
    esac
  done
  if [ "$r" -eq 1 ]; then  # every producer wrote everything: count it back once
    for t in perf-produce-kbench perf-produce-kcat perf-produce-kcat-same; do
      n=$(kcat -C -b "$bootstrap" -t $t -e -q -f 'x\n' | wc -l)
      [ "$n" -eq "$MESSAGES" ] || { echo "$t holds $n messages, expected $MESSAGES" >&2; exit 1; }
    done
  fi
  stop_broker
done

# --- sweep worker RSS --------------------------------------------------------------------------------------
echo
echo "== sweep worker peak RSS (default settings: sleep:1ms work): sweep --partitions 10 --consumers 1,10 --duration 2s"
load
"$KBENCH" sweep --partitions 10 --consumers 1,10 --duration 2s --no-report --out "$work/sweep.csv" >"$work/sweep.log" 2>&1 &
sweep_pid=$!
pids+=("$sweep_pid")
hwm=0  # the workers' own high-water mark (VmHWM), sampled while they run
while kill -0 "$sweep_pid" 2>/dev/null; do
  for p in $(pgrep -P "$sweep_pid" 2>/dev/null); do
    v=$(awk '/^VmHWM/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
    [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
  done
  sleep 0.05
done
wait "$sweep_pid" || { echo "sweep failed:" >&2; tail -20 "$work/sweep.log" >&2; exit 1; }
sweep_rss=$(grep -v '^#' "$work/sweep.csv" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "max_worker_rss_mib") c = i; next }
  { if ($c > m) m = $c } END { print m }')
load

# --- summary -----------------------------------------------------------------------------------------------
echo
echo "== medians of $RUNS (whole processes, $MESSAGES messages)"
summary() {  # kbench-label kcat-label
  local a b
  a=$(median "$1" 2); b=$(median "$2" 2)
  awk -v la="$1" -v lb="$2" -v a="$a" -v b="$b" -v n="$MESSAGES" 'BEGIN {
    printf "%-18s %7.3f s  %9.0f msg/s\n%-18s %7.3f s  %9.0f msg/s\n  ratio %s/%s (msgs/s): %.2f\n", la, a, n / a, lb, b, n / b, la, lb, b / a }'
}
summary kbench-consume kcat-consume
summary kbench-consume kcat-consume-fw10
summary kbench-produce kcat-produce
summary kbench-produce kcat-produce-same
# CPU time is the producers' own cost: a producer waiting for a slow broker sleeps, so it does not depend on how
# fast the single-threaded embedded broker ingests (which wall time does, and which varies with the machine).
for l in kbench-produce kcat-produce kcat-produce-same; do
  awk -v l="$l" '$1 == l { print $2, $4 }' "$work/runs" | sort -g | awk -v l="$l" -v n="$MESSAGES" '
    { w[NR] = $1; c[NR] = $2 } END {
      m = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
      printf "%-18s wall median %.3f s (min %.3f, max %.3f)", l, m, w[1], w[NR] }'
  awk -v l="$l" '$1 == l { print $4 }' "$work/runs" | sort -g | awk -v n="$MESSAGES" '
    { c[NR] = $1 } END { m = (NR % 2) ? c[(NR + 1) / 2] : (c[NR / 2] + c[NR / 2 + 1]) / 2
      printf "; CPU median %.2f s (min %.2f, max %.2f) = %.2f µs per event\n", m, c[1], c[NR], m / n * 1e6 }'
done
echo "peak RSS, median: kbench consume $(median kbench-consume 3) MiB, kcat -C $(median kcat-consume 3) MiB, kbench produce $(median kbench-produce 3) MiB, kcat -P $(median kcat-produce 3) MiB"
awk -v c="$sweep_rss" -v h="$hwm" 'BEGIN { printf "sweep worker peak RSS: max_worker_rss_mib (CSV) %.1f MiB; workers'"'"' own VmHWM %.1f MiB\n", c, h / 1024 }'
echo "(max_worker_rss_mb comes from getrusage(ru_maxrss), which on Linux also counts the spawning runner's RSS at exec time; VmHWM is the worker's own.)"
