#!/usr/bin/env bash
# bench/run.sh - `make bench`: measure ondeck against the AWS CLI and against the physical
# limit, print a table and write doc/performance.md. See doc/performance.md ("Reproduce").
#
#   bench/run.sh [--sizes "137 1500 10000"] [--delay-ms 50] [--runs 3] [--cli-budget 300]
#                [--backend replay|moto] [--bucket-sizes "137 1500"] [--console-sizes "1500 10000"]
#                [--naive-seconds 60] [--naive-sizes "137 1500"]
#                [--console-bucket-sizes "137 1500 10000"] [--world-cap 180] [--limits-set KEYS]
#                [--cli-sample N] [--idle 30] [--presses 20] [--log-events 100000]
#                [--log-live 10000] [--log-multi 20000] [--skip console,logs,logs-multi,cli]
#                [--results DIR] [--out FILE]
#                [--quick]
#
# Backend "replay" (the default when built): bench/replay/od-replay serves each world (a
# generated account at --delay-ms per request, AWS's token buckets switchable, counting calls and
# bytes itself) for the status, AWS CLI, naive-client and console phases; moto serves only the
# log phases (od-replay has no log storage). Backend "moto" is the former harness:
# one moto for everything (reset between worlds), the loopback delay proxy
# (tests/lib/awsproxy.py --delay-ms, signatures not checked: the bench measures latency, the
# tests check signatures) and bench/meter.py in front of it counting bytes. Clients talk to
# meter -> proxy -> moto. Needs ONDECK (the built binary) and ONDECK_SRCDIR (make bench sets
# both). --quick is the smoke test's mode: one run, sampled CLI, short log and console phases.
#
# With buckets on, ondeck runs with a [limits] file (ONDECK_CONFIG) at the rates it paces at on
# AWS (read from src/poller/poller.c; --limits-set adds keys, a *_burst key only when the docs
# name it): at a custom endpoint its budgets are otherwise unlimited. The console is measured
# with buckets off (first screen, complete world, idle, keys) and on (first screen, complete
# world: waited for up to 2.5x the bucket floor, at most --world-cap seconds; a world whose
# floor is beyond the cap is not waited for).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

srcdir=${ONDECK_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
: "${ONDECK:=$PWD/ondeck}"
: "${PYTHON3:=python3}"
export ONDECK ONDECK_SRCDIR=$srcdir PYTHON3

sizes="137 1500 10000"
delay=50
backend=auto           # replay when bench/replay/od-replay is built, else moto
bucket_sizes="137"       # worlds where `status` is also timed with AWS's token buckets on
console_sizes="1500 10000"  # full console phase (idle, keys); the other worlds: screen only
console_bucket_sizes="137 1500 10000"  # the console's first screen and world with buckets on
naive_sizes="137 1500"
naive_seconds=60
world_cap=180
limits_set=""
runs=3
cli_budget=300
cli_sample=0
idle=30
presses=20
log_events=100000
log_live=10000
log_multi=20000
skip=""
results=""
out="$srcdir/doc/performance.md"
quick=0

while [ $# -gt 0 ]; do
    case $1 in
    --sizes) sizes=$2; shift ;;
    --delay-ms) delay=$2; shift ;;
    --backend) backend=$2; shift ;;
    --bucket-sizes) bucket_sizes=$2; shift ;;
    --console-sizes) console_sizes=$2; shift ;;
    --naive-seconds) naive_seconds=$2; shift ;;
    --naive-sizes) naive_sizes=$2; shift ;;
    --console-bucket-sizes) console_bucket_sizes=$2; shift ;;
    --world-cap) world_cap=$2; shift ;;
    --limits-set) limits_set=$2; shift ;;
    --runs) runs=$2; shift ;;
    --cli-budget) cli_budget=$2; shift ;;
    --cli-sample) cli_sample=$2; shift ;;
    --idle) idle=$2; shift ;;
    --presses) presses=$2; shift ;;
    --log-events) log_events=$2; shift ;;
    --log-live) log_live=$2; shift ;;
    --log-multi) log_multi=$2; shift ;;
    --skip) skip=$2; shift ;;
    --results) results=$2; shift ;;
    --out) out=$2; shift ;;
    --quick) quick=1 ;;
    -h | --help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "bench: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done

if [ ! -x "$ONDECK" ]; then
    echo "bench: no ondeck binary at '$ONDECK' (run 'make' first, or set ONDECK)" >&2
    exit 1
fi
skipped() { [[ ",$skip," == *",$1,"* ]]; }

if [ -z "$results" ]; then
    results=$(mktemp -d "${TMPDIR:-/tmp}/ondeck-bench.XXXXXX")
fi
mkdir -p "$results"
rm -f "$results"/*.json
export OD_WORKDIR=$results/work
mkdir -p "$OD_WORKDIR"

# shellcheck source=../tests/lib/moto.sh
. "$srcdir/tests/lib/moto.sh"

bench_py() { "$PYTHON3" "$srcdir/bench/bench.py" "$@"; }
# With buckets on, ondeck keeps its default retries (AWS_MAX_ATTEMPTS=1 is for the CLI phase).
bench_py_retrying() { env -u AWS_MAX_ATTEMPTS "$PYTHON3" "$srcdir/bench/bench.py" "$@"; }
say() { printf 'bench: %s\n' "$*" >&2; }

replay_bin=${ONDECK_REPLAY:-$(dirname "$ONDECK")/bench/replay/od-replay}
if [ "$backend" = auto ]; then
    backend=moto
    [ -x "$replay_bin" ] && backend=replay
fi

# The date and the machine, first: the load average says how quiet the machine was.
bench_py sysinfo >"$results/sysinfo.json"
# [limits] at ondeck's AWS rates, for every phase with buckets on.
limits_conf=$OD_WORKDIR/limits.conf
bench_py limits --out "$limits_conf" --set "$limits_set" >"$results/limits.json" ||
    { say "cannot write $limits_conf"; exit 1; }
# with_limits CMD...: CMD with that file as ondeck's config.
with_limits() { ONDECK_CONFIG=$limits_conf "$@"; }
cat >"$results/config.json" <<EOF
{"sizes": "$sizes", "delay_ms": $delay, "runs": $runs, "cli_budget": $cli_budget,
 "cli_sample": $cli_sample, "idle": $idle, "presses": $presses, "log_events": $log_events,
 "log_live": $log_live, "quick": $quick, "skip": "$skip", "backend": "$backend",
 "bucket_sizes": "$bucket_sizes", "console_sizes": "$console_sizes", "naive_seconds": $naive_seconds,
 "naive_sizes": "$naive_sizes", "console_bucket_sizes": "$console_bucket_sizes",
 "world_cap": $world_cap, "started": ${EPOCHREALTIME/./}}
EOF

say "starting moto"
moto_start || { say "moto did not start"; exit 1; }
proxy_start --no-verify --delay-ms "$delay" --max-skew 0 || { say "proxy did not start"; exit 1; }
rm -f "$OD_WORKDIR/meter.port" "$OD_WORKDIR/meter.ctl"
OD_BG_LOG="$OD_WORKDIR/meter.log"
od_spawn "$PYTHON3" "$srcdir/bench/meter.py" --upstream-port "$PROXY_PORT" \
    --port-file "$OD_WORKDIR/meter.port" --control-port-file "$OD_WORKDIR/meter.ctl"
METER_PID=$OD_BG_PID
od_atexit 'od_kill "$METER_PID"'
for _ in $(seq 100); do [ -s "$OD_WORKDIR/meter.port" ] && break; sleep 0.05; done
[ -s "$OD_WORKDIR/meter.port" ] || { say "meter did not start"; cat "$OD_WORKDIR/meter.log" >&2; exit 1; }
export METER_CTL PROXY_URL BENCH_DELAY_MS=$delay
METER_CTL=$(cat "$OD_WORKDIR/meter.ctl")
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$OD_WORKDIR/meter.port")"
export AWS_MAX_ATTEMPTS=1 # the CLI would retry; nothing here fails, so keep it honest

in_list() { [[ " $2 " == *" $1 "* ]]; }

# replay_start N: an od-replay serving N services at the delay; sets REPLAY_URL, REPLAY_PID.
replay_start()
{
    rm -f "$OD_WORKDIR/replay.port"
    OD_BG_LOG="$OD_WORKDIR/replay-$1.log"
    od_spawn "$replay_bin" --services "$1" --latency-ms "$delay" --port-file "$OD_WORKDIR/replay.port"
    REPLAY_PID=$OD_BG_PID
    for _ in $(seq 100); do [ -s "$OD_WORKDIR/replay.port" ] && break; sleep 0.05; done
    [ -s "$OD_WORKDIR/replay.port" ] || { say "od-replay did not start"; cat "$OD_BG_LOG" >&2; return 1; }
    REPLAY_URL="http://127.0.0.1:$(cat "$OD_WORKDIR/replay.port")"
}
# on_replay CMD...: CMD with every client, control call and byte count on the replay server.
on_replay() { AWS_ENDPOINT_URL=$REPLAY_URL PROXY_URL=$REPLAY_URL METER_CTL= "$@"; }
replay_config() { od_proxy_call POST "$REPLAY_URL/__proxy/config" "$1" >/dev/null; }

if [ "$backend" = replay ]; then
    # Phases asked for worlds not in --sizes move to the nearest one there (the smoke test's
    # single small world still measures the buckets and the console).
    pick() { local n want=$1 out=""; for n in $sizes; do in_list "$n" "$want" && out="$out $n"; done
        [ -n "$out" ] && { echo "$out"; return; }; echo "$2"; }
    smallest=""; largest=0
    for n in $sizes; do [ "$n" -gt "$largest" ] && largest=$n; [ -z "$smallest" ] || [ "$n" -lt "$smallest" ] && smallest=$n; done
    bucket_sizes=$(pick "$bucket_sizes" "$smallest")
    console_sizes=$(pick "$console_sizes" "$largest")
    naive_sizes=$(pick "$naive_sizes" "$smallest")
    console_bucket_sizes=$(pick "$console_bucket_sizes" "$largest")
    for n in $sizes; do
        say "replay world of $n services"
        replay_start "$n" || exit 1
        # The world's size, as the server counts it (generated: no seeding time).
        od_proxy_call GET "$REPLAY_URL/__proxy/stats" | "$PYTHON3" -c '
import json, sys
st = json.load(sys.stdin)
json.dump({"size": st["services"], "seconds": None, "backend": "replay",
           "services_prod": st["services"], "tasks_prod": 2 * st["services"],
           "target_groups": st["target_groups"], "load_balancers": st["load_balancers"]},
          sys.stdout)' >"$results/seed-$n.json"
        r=$runs floor=--floor
        [ "$n" -ge 1500 ] && r=1  # one cold run: each takes a minute or more
        [ "$n" -ge 10000 ] && floor="" # and no second one at 0 ms delay (15 minutes in all)
        say "  cold status, buckets off ($r runs)"
        on_replay bench_py status --cluster prod --runs "$r" $floor --no-warm \
            --workdir "$OD_WORKDIR" >"$results/status-$n.json" || say "status phase failed"
        if in_list "$n" "$bucket_sizes"; then
            say "  cold status, AWS's buckets on, [limits] at ondeck's AWS rates"
            replay_config '{"buckets": true}'
            on_replay with_limits bench_py_retrying status --cluster prod --runs 1 --no-warm \
                --workdir "$OD_WORKDIR" >"$results/buckets-$n.json" || say "bucket phase failed"
            replay_config '{"buckets": false}'
        fi
        if in_list "$n" "$naive_sizes" && ! skipped naive; then
            say "  the naive client, buckets on (a pass every 30 s, at most ${naive_seconds}s)"
            replay_config '{"buckets": true}'
            on_replay bench_py naive --cluster prod --max-seconds "$naive_seconds" \
                >"$results/naive-$n.json" || say "naive phase failed"
            replay_config '{"buckets": false}'
        fi
        # The CLI's cost is per invocation (Python start-up): a sample of each kind says it all,
        # and the largest world adds nothing the 1,500-service one does not.
        if ! skipped cli && { [ "$n" -lt 10000 ] || [ "$n" = "$smallest" ]; }; then
            say "  the AWS CLI script"
            sample=$cli_sample
            [ "$quick" = 1 ] && sample=1
            [ "$sample" = 0 ] && sample=3
            on_replay bench_py cli --cluster prod --budget "$cli_budget" --sample "$sample" \
                --workdir "$OD_WORKDIR/cli-$n" >"$results/cli-$n.json" || say "cli phase failed"
        fi
        st=120 ft=60
        [ "$quick" = 1 ] && st=15 ft=15
        if in_list "$n" "$console_sizes" && ! skipped console; then
            say "  console: first screen, idle ${idle}s, $presses key presses"
            on_replay bench_py console --cluster prod --idle "$idle" --presses "$presses" \
                --screen-timeout "$st" --first-refresh-timeout "$ft" \
                >"$results/console-$n.json" || say "console phase failed"
        elif ! skipped console; then
            say "  console: first screen and complete world"
            on_replay bench_py console --cluster prod --mode screen --screen-timeout "$st" \
                --world-timeout "$ft" >"$results/console-$n.json" || say "console phase failed"
        fi
        if in_list "$n" "$console_bucket_sizes" && ! skipped console-buckets; then
            # Wait for the world up to 2.5x the bucket floor (1.1x tells met from missed; the
            # rest shows by how much), within the cap; a floor beyond the cap: the screen only.
            fl=$(bench_py floor --status "$results/status-$n.json")
            wt=$("$PYTHON3" -c 'import sys; f, cap, st = map(float, sys.argv[1:])
print(f"{min(cap, 2.5 * f + 10):.0f}" if 1.1 * f + 10 <= cap else f"{min(st, 60):.0f}")' \
                "${fl:-0}" "$world_cap" "$st")
            say "  console, AWS's buckets on: first screen, complete world (floor ${fl}s, wait ${wt}s)"
            replay_config '{"buckets": true}'
            on_replay with_limits bench_py console --cluster prod --mode screen \
                --screen-timeout "$st" --world-timeout "$wt" \
                >"$results/console-buckets-$n.json" || say "console phase (buckets on) failed"
            replay_config '{"buckets": false}'
        fi
        od_kill "$REPLAY_PID"
    done
    sizes_moto=""
else
    sizes_moto=$sizes
fi

if [ "$backend" = replay ]; then
    # Only the log phases need moto's storage; they run once, as the first moto world did.
    if ! skipped logs; then
        say "log follow ($log_events events + $log_live live)"
        bench_py logs --events "$log_events" --live "$log_live" \
            >"$results/logs.json" || say "logs phase failed"
    fi
    if ! skipped logs-multi; then
        say "logs of several sources ($log_multi events in 1, then 4 log groups)"
        bench_py logs-multi --events "$log_multi" --sources "1 4" --runs "$runs" \
            >"$results/logs-multi.json" || say "logs-multi phase failed"
    fi
fi
largest=0
for n in $sizes_moto; do [ "$n" -gt "$largest" ] && largest=$n; done
first=1
for n in $sizes_moto; do
    say "world of $n services: seeding"
    od_proxy_call POST "$MOTO_URL/moto-api/reset" >/dev/null
    metric_args=()
    [ "$n" -gt 50 ] && metric_args=(--metric-services 20)
    t0=${EPOCHREALTIME/./}
    seed_world --size "$n" "${metric_args[@]}" >"$OD_WORKDIR/world-$n.json" ||
        { say "seeding $n services failed"; exit 1; }
    t1=${EPOCHREALTIME/./}
    "$PYTHON3" - "$OD_WORKDIR/world-$n.json" "$n" "$(((t1 - t0) / 1000))" "${metric_args[*]:-}" \
        >"$results/seed-$n.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
svcs = [s for s in w["services"] if s["cluster"] == "prod"]
json.dump({"size": int(sys.argv[2]), "seconds": int(sys.argv[3]) / 1000.0,
           "metric_args": sys.argv[4],
           "services_prod": len(svcs),
           "tasks_prod": sum(len(s.get("task_ids", [])) for s in svcs),
           "target_groups": len(w.get("target_groups", [])),
           "load_balancers": len(w.get("load_balancers", [])),
           "timings": w.get("timings", {})}, sys.stdout)
PY
    say "world of $n services: cold status ($runs runs)"
    bench_py status --cluster prod --runs "$runs" --floor --workdir "$OD_WORKDIR" \
        >"$results/status-$n.json" || say "status phase failed"
    if ! skipped cli; then
        say "world of $n services: the AWS CLI script"
        sample=$cli_sample
        [ "$quick" = 1 ] && sample=1
        bench_py cli --cluster prod --budget "$cli_budget" --sample "$sample" \
            --workdir "$OD_WORKDIR/cli-$n" >"$results/cli-$n.json" || say "cli phase failed"
    fi
    if [ "$first" = 1 ] && ! skipped logs; then
        say "log follow ($log_events events + $log_live live)"
        bench_py logs --events "$log_events" --live "$log_live" \
            >"$results/logs.json" || say "logs phase failed"
    fi
    if [ "$first" = 1 ] && ! skipped logs-multi; then
        say "logs of several sources ($log_multi events in 1, then 4 log groups)"
        bench_py logs-multi --events "$log_multi" --sources "1 4" --runs "$runs" \
            >"$results/logs-multi.json" || say "logs-multi phase failed"
    fi
    if [ "$n" = "$largest" ] && ! skipped console; then
        say "console on $n services: idle ${idle}s, $presses key presses"
        bench_py console --cluster prod --idle "$idle" --presses "$presses" \
            >"$results/console-$n.json" || say "console phase failed"
    fi
    first=0
done

printf '%s\n' "${EPOCHREALTIME/./}" >"$results/finished"  # the report gives the run's length
say "report"
bench_py report --results "$results" --out "$out"
rc=$?
say "results in $results; report in $out"
exit "$rc"
