#!/usr/bin/env bash
# ondeck logs --follow against moto: new events (on time, and late within the overlap window)
# are picked up exactly once; SIGINT and SIGTERM end the follow with status 0; a task whose
# stream does not exist yet (CloudWatch Logs refuses the names: the log-streams behaviour) is
# followed once the stream appears, and a task started during the follow joins it at the next
# rescan; through the fault proxy with 30% throttling nothing is lost or repeated.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

SEED="$PYTHON3 $ONDECK_SRCDIR/tests/cli/logs_seed.py"
moto_start || tap_bail "moto did not start"
world=$(seed_world --size small --tasks-per-service 3) || tap_bail "seed_world failed"
mapfile -t WEB < <("$PYTHON3" -c 'import json,sys; w=json.load(sys.stdin)
print("\n".join(next(s for s in w["services"] if s["name"]=="web")["task_ids"]))' <<<"$world")
STREAMS=("web/app/${WEB[0]}" "web/app/${WEB[1]}" "web/app/${WEB[2]}")

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
put() # TAG SEQ_BASE COUNT START_MS
{
    $SEED --endpoint "$MOTO_URL" put /ecs/web "${STREAMS[@]}" --tag "$1" --seq-base "$2" \
        --count "$3" --start-ms "$4" >/dev/null
}
# wait_lines FILE N SECONDS: until FILE has at least N lines; returns 1 on timeout.
wait_lines()
{
    local i n
    for ((i = 0; i < $3 * 10; i++)); do
        n=$(grep -c . "$1" 2>/dev/null)
        [ "${n:-0}" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
# FilterLogEvents calls the proxy has answered so far.
fle_calls()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
print(json.load(sys.stdin)["by_operation"].get("logs:FilterLogEvents", 0))'
}
# wait_calls K SECONDS: until the follower has made K more FilterLogEvents calls (passes
# over the overlap window), instead of sleeping and hoping; returns 1 on timeout.
wait_calls()
{
    local base i
    base=$(fle_calls)
    for ((i = 0; i < $2 * 10; i++)); do
        [ "$(fle_calls)" -ge $((base + $1)) ] && return 0
        sleep 0.1
    done
    return 1
}
# verify FILE TAG N: every "TAG seq=i" for i < N exactly once, no duplicate event ids.
verify()
{
    "$PYTHON3" - "$1" "$2" "$3" <<'EOF'
import collections, json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
tag, n = sys.argv[2], int(sys.argv[3])
ids = collections.Counter((r["stream"], r["eventId"]) for r in rows)
seqs = collections.Counter(int(m.group(1)) for r in rows
                           for m in [re.match(tag + r" seq=(\d+) ", r["message"])] if m)
missing = [i for i in range(n) if seqs[i] == 0]
dups = [i for i, c in seqs.items() if c > 1]
print(f"rows={len(rows)} dup_ids={sum(1 for c in ids.values() if c > 1)} "
      f"missing={len(missing)} repeated={len(dups)} extra={len(set(seqs) - set(range(n)))}")
EOF
}

follow() # OUT ERR: start a follower in the background; sets FPID
{
    "$ONDECK" logs --cluster prod --service web --container app --follow --json --since 1m \
        --poll-interval 300ms --overlap 10s --stats >"$1" 2>"$2" &
    FPID=$!
    od_atexit "kill $FPID 2>/dev/null"
}

OUT=$TAP_TMPDIR/follow.json ERR=$TAP_TMPDIR/follow.err
follow "$OUT" "$ERR"
wait_lines "$OUT" 18 20
tap_ok $? "the follow prints the 18 existing app lines"

put ontime 0 30 "$(now_ms)"
wait_lines "$OUT" 48 20
tap_ok $? "30 new events are picked up"
# Late: stamped 5 s in the past (inside the 10 s overlap), ingested now.
put late 0 30 $(( $(now_ms) - 5000 ))
wait_lines "$OUT" 78 20
tap_ok $? "30 late events (5 s old when ingested) are picked up"
put burst 0 3000 "$(now_ms)"
wait_lines "$OUT" 3078 30
tap_ok $? "a burst of 3,000 is picked up"
wait_calls 6 30
tap_ok $? "six more passes re-read the overlap window"
kill -INT "$FPID"
wait "$FPID"
tap_is "$?" 0 "SIGINT ends the follow with status 0"
tap_is "$(grep -c . "$OUT")" 3078 "nothing repeated after more polls over the overlap"
for spec in "ontime 30" "late 30" "burst 3000"; do
    set -- $spec
    tap_like "$(verify "$OUT" "$1" "$2")" "dup_ids=0 missing=0 repeated=0 extra=0" \
        "$1: every event exactly once"
done
tap_like "$(cat "$ERR")" "delivered 3078, duplicates dropped [1-9]" \
    "the overlap re-read events and dedup dropped them (stats)"
tap_ok '! grep -q "PWNED\|error" "$ERR"' "no errors on stderr"

# SIGTERM too.
follow "$TAP_TMPDIR/t.json" "$TAP_TMPDIR/t.err"
wait_lines "$TAP_TMPDIR/t.json" 3078 30
tap_ok $? "the second follow prints the 3,078 lines"
kill -TERM "$FPID"
wait "$FPID"
tap_is "$?" 0 "SIGTERM ends the follow with status 0"

# A task whose stream does not exist yet, and a task that starts during the follow.
SEED_TASK() { $SEED --endpoint "$MOTO_URL" task --cluster prod --service web; }
LATE=$(SEED_TASK) || tap_bail "task failed"
OUT=$TAP_TMPDIR/new.json ERR=$TAP_TMPDIR/new.err
"$ONDECK" logs --cluster prod --service web --container app --follow --json --since 1m \
    --poll-interval 300ms --overlap 10s --rescan-interval 1s --stats >"$OUT" 2>"$ERR" &
FPID=$!
od_atexit "kill $FPID 2>/dev/null"
wait_lines "$OUT" 3078 30
tap_ok $? "a task without a log stream costs the others nothing: all 3,078 lines"
$SEED --endpoint "$MOTO_URL" put /ecs/web "web/app/$LATE" --tag appeared --count 20 \
    --start-ms "$(now_ms)" >/dev/null || tap_bail "put failed"
wait_lines "$OUT" 3098 30
tap_ok $? "once its stream appears, its 20 lines are followed"
JOINED=$(SEED_TASK) || tap_bail "task failed"
$SEED --endpoint "$MOTO_URL" put /ecs/web "web/app/$JOINED" --tag joined --count 20 \
    --start-ms "$(now_ms)" >/dev/null || tap_bail "put failed"
wait_lines "$OUT" 3118 30
tap_ok $? "a task started during the follow joins it at the next rescan (20 lines)"
wait_calls 6 30
kill -INT "$FPID"
wait "$FPID"
tap_is "$?" 0 "SIGINT ends that follow with status 0"
tap_is "$(grep -c . "$OUT")" 3118 "nothing repeated"
tap_like "$(verify "$OUT" appeared 20)" "dup_ids=0 missing=0 repeated=0 extra=0" \
    "the stream that appeared late: every event exactly once"
tap_like "$(verify "$OUT" joined 20)" "dup_ids=0 missing=0 repeated=0 extra=0" \
    "the task that joined: every event exactly once"
tap_is "$(grep -c "\"task\":\"$LATE\"" "$OUT")" 20 "tagged with the late task"
tap_ok '! grep -qi "error\|exception" "$ERR"' "no errors on stderr"

# Through the fault proxy: 30% of requests throttled (and signatures checked).
proxy_start --throttle 0.3 --seed 11 || tap_bail "proxy did not start"
OUT=$TAP_TMPDIR/throttled.json ERR=$TAP_TMPDIR/throttled.err
follow "$OUT" "$ERR"
wait_lines "$OUT" 3118 60
tap_ok $? "throttled: the backlog comes through"
for b in 0 1 2 3 4; do
    put thr $((b * 400)) 400 "$(now_ms)"
    sleep 0.5
done
put thrlate 0 60 $(( $(now_ms) - 4000 ))
wait_lines "$OUT" $((3118 + 2060)) 90
tap_ok $? "throttled: 2,060 new events come through"
wait_calls 10 60
tap_ok $? "throttled: more passes over the overlap window"
kill -INT "$FPID"
wait "$FPID"
tap_is "$?" 0 "throttled: SIGINT ends with status 0"
tap_is "$(grep -c . "$OUT")" $((3118 + 2060)) "throttled: nothing repeated"
tap_like "$(verify "$OUT" thr 2000)" "dup_ids=0 missing=0 repeated=0 extra=0" \
    "throttled: every new event exactly once"
tap_like "$(verify "$OUT" thrlate 60)" "dup_ids=0 missing=0 repeated=0 extra=0" \
    "throttled: late events exactly once"
throttled=$(proxy_stats | "$PYTHON3" -c 'import json,sys; s=json.load(sys.stdin); print(s.get("throttled", s))')
tap_diag "proxy stats: throttled=$throttled"
tap_ok '[ "${throttled:-0}" -gt 0 ] 2>/dev/null' "the proxy did throttle ($throttled)"
tap_done
