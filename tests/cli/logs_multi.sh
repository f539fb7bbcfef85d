#!/usr/bin/env bash
# ondeck logs with several sources in one stream: two services and a --log-group interleaved
# by timestamp, each line prefixed by its source (and task/container), every seeded event
# exactly once, also under injected faults on FilterLogEvents (throttling, 5xx, lost and cut
# answers, garbage), in one pass and while following; --cluster --all; a source whose log group is denied (an explicit IAM deny
# on that group) costs that source only; a group with more than 100 streams is read in
# several calls (the emulation layer refuses a FilterLogEvents naming more than 100).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

SEED="$PYTHON3 $ONDECK_SRCDIR/tests/cli/logs_seed.py"
moto_start || tap_bail "moto did not start"
world=$(seed_world --size small --tasks-per-service 3 --no-cloudfront) || tap_bail "seed_world failed"
ids() { "$PYTHON3" -c 'import json,sys; w=json.load(sys.stdin)
print("\n".join(next(s for s in w["services"] if s["name"]==sys.argv[1])["task_ids"]))' "$1" <<<"$world"; }
mapfile -t WEB < <(ids web)
mapfile -t API < <(ids api)
tap_is "${#WEB[@]}:${#API[@]}" "3:3" "web and api run three tasks each"

# 150 events in each of three sources, interleaved in time: web at T0, T0+30, ...; api at
# T0+10, ...; the group /batch/jobs (streams that are not PREFIX/CONTAINER/TASK) at T0+20.
T0=$(( $(date +%s) * 1000 - 60000 ))
$SEED --endpoint "$MOTO_URL" put /ecs/web "web/app/${WEB[0]}" "web/app/${WEB[1]}" "web/app/${WEB[2]}" \
    --count 150 --start-ms "$T0" --step-ms 30 --tag mw >/dev/null || tap_bail "put web failed"
$SEED --endpoint "$MOTO_URL" put /ecs/api "api/app/${API[0]}" "api/app/${API[1]}" "api/app/${API[2]}" \
    --count 150 --start-ms $((T0 + 10)) --step-ms 30 --tag ma >/dev/null || tap_bail "put api failed"
$SEED --endpoint "$MOTO_URL" put /batch/jobs nightly-1 nightly-2 \
    --count 150 --start-ms $((T0 + 20)) --step-ms 30 --tag mb >/dev/null || tap_bail "put batch failed"

# verify FILE [json]: format, order, and each seeded event once with its source.
verify()
{
    "$PYTHON3" - "$1" "${2:-text}" "${WEB[@]}" "${API[@]}" <<'EOF'
import collections, json, re, sys
path, mode, tasks = sys.argv[1], sys.argv[2], sys.argv[3:]
web, api = tasks[:3], tasks[3:]
bad, times, got = [], [], collections.Counter()
for ln in open(path, encoding="utf-8").read().splitlines():
    if mode == "json":
        r = json.loads(ln)
        when, src, msg = r["time"], r["source"], r["message"]
        where = f'{r["task"]}/{r["container"]}' if r["task"] else r["stream"]
    else:
        m = re.match(r"^(\S+Z) (\S+) (\S+) (.*)$", ln)
        if not m:
            bad.append(ln); continue
        when, src, where, msg = m.groups()
    times.append(when)
    t = re.match(r"(m[wab]) seq=(\d+) stream=(\S+)$", msg)
    if not t:
        if src not in ("web", "api") or not re.match(r"^[0-9a-f-]+/(app|redis)$", where):
            bad.append(ln)
        continue
    tag, seq, stream = t.group(1), int(t.group(2)), t.group(3)
    want = {"mw": ("web", f"{web[seq % 3]}/app"), "ma": ("api", f"{api[seq % 3]}/app"),
            "mb": ("/batch/jobs", f"nightly-{seq % 2 + 1}")}[tag]
    if (src, where) != want:
        bad.append(ln)
    got[(tag, seq)] += 1
print("format", "ok" if not bad else bad[:2])
print("sorted", "ok" if times == sorted(times) else "no")
missing = sum(1 for tag in ("mw", "ma", "mb") for i in range(150) if got[(tag, i)] == 0)
print(f"missing={missing} repeated={sum(1 for c in got.values() if c > 1)} extra={len(got) - 450 + missing}")
EOF
}

ARGS=(logs --cluster prod --service web --service api --log-group /batch/jobs --since 5m)
"$ONDECK" "${ARGS[@]}" >"$TAP_TMPDIR/multi.txt" 2>"$TAP_TMPDIR/err"
tap_ok $? "two services and a log group: exit 0"
tap_is "$(cat "$TAP_TMPDIR/err")" "" "nothing on stderr"
check=$(verify "$TAP_TMPDIR/multi.txt")
tap_like "$check" "format ok" "every line: time source task/container (or stream) message, tagged right"
tap_like "$check" "sorted ok" "the three sources interleaved in timestamp order"
tap_like "$check" "missing=0 repeated=0 extra=0" "each of the 450 seeded events exactly once"
# The seeded lines alternate web, api, batch every 10 ms: order means exactly that sequence.
seq=$(grep -oE " m[wab] seq=" "$TAP_TMPDIR/multi.txt" | tr -d ' =' | sed 's/seq//' | head -9 | tr '\n' ' ')
tap_is "$seq" "mw ma mb mw ma mb mw ma mb " "lines alternate between the sources as their times do"

"$ONDECK" "${ARGS[@]}" --json >"$TAP_TMPDIR/multi.json" 2>/dev/null
tap_ok $? "--json exits 0"
check=$(verify "$TAP_TMPDIR/multi.json" json)
tap_like "$check" "format ok" "--json: every object names its source"
tap_like "$check" "missing=0 repeated=0 extra=0" "--json: each seeded event exactly once"

# --cluster --all: every service of the cluster.
"$ONDECK" logs --cluster prod --all --since 5m >"$TAP_TMPDIR/all.txt" 2>"$TAP_TMPDIR/all.err"
tap_ok $? "--cluster prod --all exits 0" || tap_diag "$(cat "$TAP_TMPDIR/all.err")"
srcs=$(awk '{print $2}' "$TAP_TMPDIR/all.txt" | sort -u | tr '\n' ' ')
tap_is "$srcs" "api web worker " "--all: lines of every service of prod, each with its name"
tap_is "$(grep -c " worker [^ ]*/app worker: GET /health 200" "$TAP_TMPDIR/all.txt")" 3 \
    "--all: the worker's seeded lines, prefixed with worker"
tap_is "$("$ONDECK" logs --all --since 5m 2>&1 >/dev/null; echo "rc=$?")" \
    "ondeck: logs: --cluster is required with --service, --task or --all
Try 'ondeck logs --help'.
rc=2" "--all without --cluster: usage error"
out=$("$ONDECK" logs --cluster prod --service web --service nosuch --since 5m 2>&1 >/dev/null)
tap_is "$?" 1 "an unknown service among several: exit 1"
tap_like "$out" "nosuch: service 'nosuch' not found in cluster prod" "and a line naming it"
n=$("$ONDECK" logs --cluster prod --service web --service nosuch --since 5m 2>/dev/null | grep -c " mw seq=")
tap_is "$n" 150 "the other service is read all the same"

# Under faults: 30% of FilterLogEvents get a throttle, a 5xx, a lost or cut answer or
# garbage; the result is exactly the fault-free one.
proxy_config '{"mixed": 0.3, "mixed_kinds": "throttle,503,lose,500,reset_before,truncate,malformed,wrong_ctype",
               "only": "logs:FilterLogEvents"}' >/dev/null
proxy_reset
ONDECK_HTTP_TIMEOUT_MS=3000 "$ONDECK" "${ARGS[@]}" >"$TAP_TMPDIR/faults.txt" 2>"$TAP_TMPDIR/faults.err"
tap_ok $? "under faults: exit 0"
check=$(verify "$TAP_TMPDIR/faults.txt")
tap_like "$check" "sorted ok" "under faults: still in timestamp order"
tap_like "$check" "missing=0 repeated=0 extra=0" "under faults: each seeded event exactly once"
tap_ok 'cmp -s "$TAP_TMPDIR/faults.txt" "$TAP_TMPDIR/multi.txt"' "under faults: the same output as without"
injected=$(proxy_stats | "$PYTHON3" -c 'import json,sys
print(sum(json.load(sys.stdin)["injected"].get("logs:FilterLogEvents", {}).values()))')
tap_ok '[ "$injected" -gt 0 ]' "the proxy did inject faults ($injected)"

# A follow of two services under the same faults: events put into both while it runs come
# through once each, labelled with their service.
count() { local n; n=$(grep -c "$2" "$1" 2>/dev/null); echo "${n:-0}"; }
wait_count() # FILE PATTERN N SECONDS
{
    local i
    for ((i = 0; i < $4 * 10; i++)); do
        [ "$(count "$1" "$2")" -ge "$3" ] && return 0
        sleep 0.1
    done
    return 1
}
FOUT=$TAP_TMPDIR/follow.json
ONDECK_HTTP_TIMEOUT_MS=3000 "$ONDECK" logs --cluster prod --service web --service api --follow --json \
    --since 5m --poll-interval 1s --overlap 10s >"$FOUT" 2>"$TAP_TMPDIR/follow.err" &
FPID=$!
od_atexit "kill $FPID 2>/dev/null"
wait_count "$FOUT" '"message":"m[wa] seq=' 300 60
tap_ok $? "follow under faults: the 300 stored events of both services come through"
now=$(( $(date +%s%N) / 1000000 ))
$SEED --endpoint "$MOTO_URL" put /ecs/web "web/app/${WEB[0]}" "web/app/${WEB[1]}" --count 100 \
    --start-ms "$now" --step-ms 10 --tag fw >/dev/null || tap_bail "put fw failed"
$SEED --endpoint "$MOTO_URL" put /ecs/api "api/app/${API[0]}" --count 100 \
    --start-ms $((now + 5)) --step-ms 10 --tag fa >/dev/null || tap_bail "put fa failed"
wait_count "$FOUT" '"message":"f[wa] seq=' 200 90
tap_ok $? "follow under faults: the 200 events put while following come through"
sleep 3 # a few more passes over the overlap window, which must repeat nothing
kill -INT "$FPID"
wait "$FPID"
tap_is "$?" 0 "follow under faults: SIGINT ends it with 0"
check=$("$PYTHON3" - "$FOUT" <<'PY'
import collections, json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
got = collections.Counter()
bad = 0
for r in rows:
    m = re.match(r"(m[wa]|f[wa]) seq=(\d+) ", r["message"])
    if m:
        got[(m.group(1), int(m.group(2)))] += 1
        bad += r["source"] != ("web" if m.group(1)[1] == "w" else "api")
ids = collections.Counter((r["stream"], r["eventId"]) for r in rows)
want = [(t, i) for t in ("mw", "ma") for i in range(150)] + [(t, i) for t in ("fw", "fa") for i in range(100)]
print(f"missing={sum(1 for k in want if got[k] == 0)} repeated={sum(1 for c in got.values() if c > 1)} "
      f"dup_ids={sum(1 for c in ids.values() if c > 1)} mislabelled={bad}")
PY
)
tap_is "$check" "missing=0 repeated=0 dup_ids=0 mislabelled=0" \
    "follow under faults: every event once, with its source"
proxy_config '{"mixed": 0, "only": null}' >/dev/null

# One source denied: an explicit IAM deny of FilterLogEvents on /ecs/api only.
proxy_config '{"behaviours": "+iam", "emu": {"iam": {"allow": ["*"], "deny": [{"action": "logs:FilterLogEvents",
               "resource": "arn:aws:logs:*:log-group:/ecs/api:*"}]}}}' >/dev/null
"$ONDECK" "${ARGS[@]}" --log-group /batch/gone >"$TAP_TMPDIR/denied.txt" 2>"$TAP_TMPDIR/denied.err"
tap_is "$?" 1 "a denied source and a missing group: exit 1"
tap_is "$(grep -c . "$TAP_TMPDIR/denied.err")" 2 "one line for each failing source"
tap_like "$(cat "$TAP_TMPDIR/denied.err")" "ondeck: logs: api \(/ecs/api\): .*not authorized to perform: logs:FilterLogEvents" \
    "the denied one is named (the service and its group)"
tap_like "$(cat "$TAP_TMPDIR/denied.err")" "ondeck: logs: /batch/gone: " "the missing group is named"
check=$(verify "$TAP_TMPDIR/denied.txt")
tap_like "$check" "missing=150 repeated=0 extra=0" "the others go on: only api's 150 events are missing"
tap_is "$(grep -c " api " "$TAP_TMPDIR/denied.txt")" 0 "and nothing of api is made up"
proxy_config '{"behaviours": "-iam"}' >/dev/null

# A group with more than 100 streams: 50 more web tasks (app + redis: 106 streams in
# /ecs/web), two events each; FilterLogEvents takes 100 names at most.
mapfile -t MORE < <($SEED --endpoint "$MOTO_URL" tasks --cluster prod --service web --count 50)
tap_is "${#MORE[@]}" 50 "50 more web tasks"
streams=()
for t in "${MORE[@]}"; do streams+=("web/app/$t" "web/redis/$t"); done
$SEED --endpoint "$MOTO_URL" put /ecs/web "${streams[@]}" --count 200 --start-ms $((T0 + 5)) \
    --step-ms 7 --tag many >/dev/null || tap_bail "put many failed"
proxy_reset
"$ONDECK" logs --cluster prod --service web --service api --since 5m --stats \
    >"$TAP_TMPDIR/many.txt" 2>"$TAP_TMPDIR/many.err"
tap_ok $? "106 streams of web and api's: exit 0"
tap_is "$(grep -oE "many seq=[0-9]+" "$TAP_TMPDIR/many.txt" | sort -u | wc -l):$(grep -c "many seq=" "$TAP_TMPDIR/many.txt")" \
    "200:200" "every event of the 100 new streams exactly once"
tap_is "$(grep -c " mw seq=" "$TAP_TMPDIR/many.txt"):$(grep -c " ma seq=" "$TAP_TMPDIR/many.txt")" "150:150" \
    "and the other streams' too"
tap_like "$(cat "$TAP_TMPDIR/many.err")" "queries 3," "web's 106 streams in two queries, api's in one"
tap_done
