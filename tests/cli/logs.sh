#!/usr/bin/env bash
# ondeck logs (one pass) against moto: the lines of three tasks in timestamp order, each once
# and tagged with its task/container, while a fourth task has no log stream yet (CloudWatch
# Logs refuses a FilterLogEvents naming it: the log-streams behaviour); a stopped task's lines;
# `| head` ends quietly; --task, --container, --filter; hostile lines (escapes,
# BEL, OSC title, C1, NUL, bidi, lone surrogates, a 100 KiB line) inert in text and --json;
# other log drivers get a clear message; usage errors.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

SEED="$PYTHON3 $ONDECK_SRCDIR/tests/cli/logs_seed.py"
moto_start || tap_bail "moto did not start"
world=$(seed_world --size small --tasks-per-service 3) || tap_bail "seed_world failed"
jq_py() { "$PYTHON3" -c "import json,sys; w=json.load(sys.stdin); $1" <<<"$world"; }
mapfile -t WEB < <(jq_py 'print("\n".join(next(s for s in w["services"] if s["name"]=="web")["task_ids"]))')
API1=$(jq_py 'print(next(s for s in w["services"] if s["name"]=="api")["task_ids"][0])')
tap_is "${#WEB[@]}" 3 "web runs three tasks"

# 300 events round-robin over the three app streams, 100 ms apart, from 40 s ago.
T0=$(( $(date +%s) * 1000 - 40000 ))
$SEED --endpoint "$MOTO_URL" put /ecs/web "web/app/${WEB[0]}" "web/app/${WEB[1]}" \
    "web/app/${WEB[2]}" --count 300 --start-ms "$T0" --step-ms 100 --tag order >/dev/null || tap_bail "put failed"
# A fourth task of web that has not logged yet: its streams web/app/ID and web/redis/ID do
# not exist, and AWS refuses any FilterLogEvents that names them.
NEW=$($SEED --endpoint "$MOTO_URL" task --cluster prod --service web) || tap_bail "task failed"
emu() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["emu"].get(sys.argv[1], 0))' "$1"; }

out=$("$ONDECK" logs --cluster prod --service web --since 5m 2>"$TAP_TMPDIR/err")
tap_ok $? "logs --service web exits 0 although one task has no log stream yet"
tap_ok '[ "$(emu log-streams:refused)" -ge 1 ]' "the layer did refuse a FilterLogEvents naming it"
tap_is "$(cat "$TAP_TMPDIR/err")" \
    "ondeck: logs: 2 log streams did not exist (tasks that have not logged yet)" \
    "the missing streams are mentioned, and nothing else on stderr"
tap_ok '! grep -q "${NEW}" <<<"$out"' "and nothing is made up for that task"
printf '%s\n' "$out" >"$TAP_TMPDIR/web.txt"
check=$("$PYTHON3" - "$TAP_TMPDIR/web.txt" "${WEB[@]}" <<'EOF'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
tasks = sys.argv[2:]
seqs, times, bad = [], [], []
for ln in lines:
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+)/(\S+) (.*)$", ln)
    if not m:
        bad.append(ln); continue
    times.append(m.group(1))
    t = re.search(r"order seq=(\d+) stream=web/app/(\S+)", m.group(4))
    if t:
        seq = int(t.group(1))
        if m.group(2) != tasks[seq % 3] or m.group(3) != "app" or t.group(2) != tasks[seq % 3]:
            bad.append(ln)
        seqs.append(seq)
print("format", "ok" if not bad else bad[:2])
print("sorted", "ok" if times == sorted(times) else "no")
print("seqs", "ok" if seqs == list(range(300)) else f"{len(seqs)} {len(set(seqs))}")
print("redis", sum(1 for ln in lines if "/redis " in ln))
EOF
)
tap_like "$check" "format ok" "every line is: time task/container message, tagged right"
tap_like "$check" "sorted ok" "lines of the three tasks interleaved in timestamp order"
tap_like "$check" "seqs ok" "each of the 300 seeded events exactly once, in order"
tap_like "$check" "redis 6" "the redis container's lines are there too"

n=$("$ONDECK" logs --cluster prod --service web --container redis --since 5m | grep -c .)
tap_is "$n" 6 "--container redis: only redis lines (2 per task)"
out=$("$ONDECK" logs --cluster prod --service web --task "${WEB[1]}" --container app --since 5m)
total=$(grep -c . <<<"$out") mine=$(grep -c "^[^ ]* ${WEB[1]}/app " <<<"$out")
tap_ok '[ "$total" -gt 0 ] && [ "$total" = "$mine" ]' "--task: only that task's lines ($mine of $total)"
n=$("$ONDECK" logs --cluster prod --service web --task "${WEB[1]}" --container app --since 5m |
    grep -c "order seq=")
tap_is "$n" 100 "--task: all 100 of its seeded events"
out=$("$ONDECK" logs --cluster prod --service web --container app --since 5m --filter '"500"')
tap_like "$out" "GET / 500 upstream error" "--filter keeps matching lines"
tap_ok '! grep -q "order seq=" <<<"$out"' "--filter drops the rest"
n=$("$ONDECK" logs --cluster prod --service web --container app --since "$(date -u -d @$(( T0 / 1000 + 11 )) +%Y-%m-%dT%H:%M:%SZ)" | grep -c "order seq=")
tap_ok '[ "$n" -gt 0 ] && [ "$n" -lt 300 ]' "--since with an ISO time starts there ($n of 300)"

# --json: one object per line with the fields.
"$ONDECK" logs --cluster prod --service web --container app --since 5m --json >"$TAP_TMPDIR/web.json"
tap_ok $? "--json exits 0"
check=$("$PYTHON3" - "$TAP_TMPDIR/web.json" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
need = {"timestamp", "time", "ingestionTime", "task", "container", "group", "stream", "eventId", "message"}
print("rows", len(rows))
print("fields", "ok" if all(need <= set(r) for r in rows) else "missing")
print("ids", "ok" if len({(r["stream"], r["eventId"]) for r in rows}) == len(rows) else "dup")
print("types", "ok" if all(isinstance(r["timestamp"], int) and r["group"] == "/ecs/web" for r in rows) else "bad")
EOF
)
tap_like "$check" "rows 318" "--json: 300 seeded + 18 seeder lines"
tap_like "$check" "fields ok" "--json objects have every field"
tap_like "$check" "ids ok" "--json: every eventId once"
tap_like "$check" "types ok" "--json: timestamps are integers (ms)"

# Hostile lines in api's first task.
$SEED --endpoint "$MOTO_URL" hostile /ecs/api "api/app/$API1" >"$TAP_TMPDIR/hostile.json" ||
    tap_bail "hostile seeding failed"
"$ONDECK" logs --cluster prod --service api --task "$API1" --since 5m >"$TAP_TMPDIR/h.txt" 2>&1
tap_ok $? "hostile lines: exit 0"
"$ONDECK" logs --cluster prod --service api --task "$API1" --since 5m --json >"$TAP_TMPDIR/h.json" 2>&1
tap_ok $? "hostile lines --json: exit 0"
check=$("$PYTHON3" - "$TAP_TMPDIR/h.txt" "$TAP_TMPDIR/h.json" <<'EOF'
import json, re, sys
def scan(data):
    bad = []
    if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", data): bad.append("C0/DEL")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return bad + ["invalid-utf8"]
    if re.search("[\u0080-\u009f]", text): bad.append("C1")
    if re.search("[\u2028\u2029\u202a-\u202e\u2066-\u2069]", text): bad.append("bidi")
    if re.search("[\ud800-\udfff]", text): bad.append("surrogate")
    return bad
txt, js = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
print("text-bytes", scan(txt) or "clean")
print("json-bytes", scan(js) or "clean")
t = txt.decode("utf-8")
for probe in ["\\x1b]0;PWNED-TITLE\\x07", "\\x1b[31mred", "bell \\x07\\x07\\x07", "\\u009b31m",
              "nul \\x00 inside", "bidi \\u202egnp", "\\x1b]52;c;", "caf\u00e9 \u65e5\u672c\u8a9e",
              "lone \ufffd surrogate", "del \\x7f"]:
    print("probe", "ok" if probe in t else "missing", repr(probe))
long = [l for l in t.splitlines() if " long " in l]
print("long", "ok" if long and len(long[0].encode()) <= 16 * 1024 + 200 and "bytes]" in long[0] else "bad")
rows = [json.loads(l) for l in js.decode().splitlines()]
msgs = {r["message"] for r in rows}
print("json-data", "ok" if "osc-title \x1b]0;PWNED-TITLE\x07 after" in msgs and
      "nul \x00 inside" in msgs and any(m.startswith("long ") and len(m) > 100000 for m in msgs)
      else "bad")
EOF
)
tap_like "$check" "text-bytes clean" "text output: no raw ESC, BEL, C0, C1, DEL, NUL, bidi or invalid UTF-8"
tap_like "$check" "json-bytes clean" "--json output: none of those raw bytes either"
tap_ok '! grep -q "probe missing" <<<"$check"' "the escapes are shown as visible placeholders, text kept"
tap_like "$check" "long ok" "a 100 KiB line is cut to 16 KiB with a marker"
tap_like "$check" "json-data ok" "--json keeps the data (escapes decode back, long line whole)"
# The two lines that carry a title (OSC 0 and OSC 2) show it after a visible \x1b], and no
# other line holds the text.
tap_is "$(grep -c PWNED "$TAP_TMPDIR/h.txt")" 2 "the title text is on exactly the two lines that carry it"
tap_is "$(grep -c '\\x1b\][02];PWNED' "$TAP_TMPDIR/h.txt")" 2 "both times after a visible escape"

# Other log drivers get a clear message.
$SEED --endpoint "$MOTO_URL" other-driver --cluster legacy --service fluent >/dev/null ||
    tap_bail "other-driver seeding failed"
out=$("$ONDECK" logs --cluster legacy --service fluent 2>&1)
rc=$?
tap_is "$rc" 1 "a service that only logs with fluentd: exit 1"
tap_like "$out" "container app \(fluent:1\) uses the fluentd log driver, not awslogs" \
    "the message names the container, task definition and driver"
tap_like "$out" "--log-group" "and points at --log-group"
$SEED --endpoint "$MOTO_URL" other-driver --cluster legacy --service quiet --driver none >/dev/null ||
    tap_bail "other-driver seeding failed"
out=$("$ONDECK" logs --cluster legacy --service quiet 2>&1)
tap_is "$?" 1 "a service without any log configuration: exit 1"
tap_like "$out" "has no log configuration" "no logConfiguration: said so"
out=$("$ONDECK" logs --cluster legacy --service fluent --log-group /ecs/web --since 5m 2>&1)
tap_like "$out" "order seq=" "--log-group: manual fallback reads the named group"
n=$("$ONDECK" logs --log-group /ecs/web --since 5m 2>/dev/null | grep -c "order seq=")
tap_is "$n" 300 "--log-group alone: the whole group"

# A stopped task (a crash loop) keeps its lines in the service's logs.
"$PYTHON3" - "${WEB[0]}" <<'PY' || tap_bail "stop_task failed"
import boto3, os, sys
ecs = boto3.client("ecs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecs.stop_task(cluster="prod", task=sys.argv[1], reason="Essential container in task exited")
PY
out=$("$ONDECK" logs --cluster prod --service web --container app --since 5m 2>/dev/null)
tap_is "$(grep -c "^[^ ]* ${WEB[0]}/app .*order seq=" <<<"$out")" 100 \
    "a stopped task's lines are still shown (all 100)"
tap_is "$(grep -c "order seq=" <<<"$out")" 300 "with the running tasks' lines (300 in all)"

# | head: the reader goes away; ondeck ends quietly with 0, also while following.
"$ONDECK" logs --cluster prod --service web --since 5m 2>"$TAP_TMPDIR/head.err" | head -n 3 >"$TAP_TMPDIR/head.out"
tap_is "${PIPESTATUS[0]}" 0 "logs | head -n 3: exit 0"
tap_is "$(grep -c . "$TAP_TMPDIR/head.out")" 3 "three lines"
timeout 30 "$ONDECK" logs --cluster prod --service web --since 5m --follow 2>>"$TAP_TMPDIR/head.err" |
    head -n 3 >"$TAP_TMPDIR/head.out"
tap_is "${PIPESTATUS[0]}" 0 "logs --follow | head -n 3 ends by itself with exit 0"
tap_is "$(grep -c . "$TAP_TMPDIR/head.out")" 3 "three lines"
# The one note a run may leave (whether it comes before the reader goes depends on timing):
# the streams of the task that has not logged. Anything else (a write error) fails.
tap_is "$(grep -v '^ondeck: logs: [0-9]* log streams\{0,1\} did not exist (tasks that have not logged yet)$' \
    "$TAP_TMPDIR/head.err")" "" "and no error on stderr"

# Errors.
out=$("$ONDECK" logs --cluster prod --service ghost 2>&1)
tap_is "$?" 1 "unknown service: exit 1"
tap_like "$out" "service 'ghost' not found" "unknown service: said so"
out=$("$ONDECK" logs --cluster prod --service web --container nope 2>&1)
tap_like "$out" "no container named 'nope' \(containers: app, redis\)" "unknown container lists the real ones"
"$ONDECK" logs --cluster prod >/dev/null 2>&1
tap_is "$?" 2 "no --service/--task/--log-group: usage error"
"$ONDECK" logs --cluster prod --service web --since yesterday >/dev/null 2>&1
tap_is "$?" 2 "bad --since: usage error"
out=$("$ONDECK" logs --log-group /ecs/nope --since 5m 2>&1)
tap_is "$?" 1 "missing log group: exit 1"
tap_like "$out" "ResourceNotFoundException" "missing log group: AWS's error shown"
tap_done
