#!/usr/bin/env bash
# ondeck timeline against moto through the AWS-behaviour layer: a deploy, a task stopped with
# two containers' exit codes (ecs-stopped-tasks, ecs-task-containers), an alarm state change (alarm-history: moto has
# no DescribeAlarmHistory), an invalidation, each a line naming its source, oldest first;
# --since, --service and --json; the file outlives the stopped task's window at AWS
# (ecs-stopped-window) and a
# restart, is 0600, and a corrupt file is set aside with a message.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
proxy_config '{"behaviours": "+ecs-stopped-tasks,+ecs-task-containers,+ecs-stopped-window"}' >/dev/null
w() { "$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$world" "$1"; }
task=$(w '[s for s in w["services"] if s["name"] == "web"][0]["task_ids"][0]')
dist=$(w 'w["distributions"][0]["id"]')
file="$HOME/.local/state/ondeck/timeline/123456789012/us-east-1/prod.jsonl"

run() { "$ONDECK" "$@" >"$out" 2>"$err" </dev/null; }
# px: boto3 through the proxy (and the layer), as AWS answers.
px()
{
    "$PYTHON3" - "$1" <<'PY'
import boto3, os, sys
cw = boto3.client("cloudwatch", endpoint_url=os.environ["PROXY_URL"], region_name="us-east-1")
ecs = boto3.client("ecs", endpoint_url=os.environ["PROXY_URL"], region_name="us-east-1")
print(eval(sys.argv[1]))
PY
}
# j 'expr': evaluate on the JSON document in $out (d).
j() { "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$out" "$1"; }

# 0. The emulation layer: DescribeAlarmHistory answers StateUpdate items, as AWS does.
px 'cw.set_alarm_state(AlarmName="web-cpu-high", StateValue="ALARM", StateReason="Threshold Crossed: 1 datapoint [91.0] was greater than the threshold (80.0).")' >/dev/null
tap_is "$(px '[(i["HistoryItemType"], i["HistorySummary"]) for i in cw.describe_alarm_history(AlarmName="web-cpu-high", HistoryItemType="StateUpdate")["AlarmHistoryItems"]]')" \
    "[('StateUpdate', 'Alarm updated from OK to ALARM')]" \
    "alarm-history: a SetAlarmState is one StateUpdate item"
tap_is "$(px '__import__("json").loads(cw.describe_alarm_history(AlarmName="web-cpu-high")["AlarmHistoryItems"][0]["HistoryData"])["oldState"]["stateValue"]')" \
    "OK" "alarm-history: HistoryData is JSON with oldState and newState"

# 1. Things happen: a deploy, a stopped task with two containers, an invalidation.
# What killed it (the test's world): app exited 137, redis 0.
proxy_config "{\"emu\": {\"ecs-stopped-tasks\": {\"tasks\": {\"$task\": {\"stopCode\": \"UserInitiated\", \"containers\": [{\"name\": \"app\", \"exitCode\": 137}, {\"name\": \"redis\", \"exitCode\": 0}]}}}}}" >/dev/null
run deploy --cluster prod --service web --force --yes
tap_is "$?" 0 "deploy --force exits 0" || tap_diag "$(cat "$out" "$err")"
run rollback --cluster prod --service api --yes
tap_is "$?" 0 "rollback of api exits 0" || tap_diag "$(cat "$out" "$err")"
run stop-task --cluster prod --task "$task" --reason "OOM suspected" --yes
tap_is "$?" 0 "stop-task exits 0" || tap_diag "$(cat "$out" "$err")"
run invalidate --distribution "$dist" /index.html --yes
tap_is "$?" 0 "invalidate exits 0" || tap_diag "$(cat "$out" "$err")"

run timeline --cluster prod
tap_is "$?" 0 "timeline exits 0" || tap_diag "$(cat "$out" "$err")"
text=$(cat "$out")
tap_like "$text" "ecs-task +web +task $task stopped: UserInitiated: OOM suspected; app exit 137, redis exit 0" \
    "the stopped task: stop code, reason, each container's exit code"
tap_like "$text" "cw-alarm +web +alarm web-cpu-high OK -> ALARM: Threshold Crossed" \
    "the alarm's state change, under the service it watches"
tap_like "$text" "cloudfront +- +invalidation [A-Z0-9]+ of $dist" "the invalidation"
tap_like "$text" "ecs-deployment +web +deployment [^ ]+ started: web:" "the new deployment"
tap_like "$text" "ondeck +web +deploy ok web:[0-9]+ by arn:aws:" "ondeck's own deploy, with its revision and who"
tap_like "$text" "ondeck +web +stop-task ok by " "ondeck's own stop-task, under the task's service"
tap_like "$text" "ondeck +api +rollback ok api:2 -> api:1 by " "a rollback says from which revision to which"
tap_nogrep "$out" "api-5xx-high" "no line for a change the history never had (seeded straight into moto)"

run timeline --cluster prod --json
tap_is "$?" 0 "timeline --json exits 0"
tap_is "$(j 'sorted(d)')" "['cluster', 'entries', 'file', 'service', 'since']" "the document's keys"
tap_is "$(j 'sorted(d["entries"][0])')" "['at', 'ref', 'ref_kind', 'service', 'source', 'text', 'time']" \
    "each entry's keys"
tap_is "$("$PYTHON3" "$ONDECK_SRCDIR/tests/cli/json_doc_keys.py" "$ONDECK_SRCDIR/doc/json-output.md" check timeline "$out")" "" \
    "the document has every key doc/json-output.md lists, with its type"
tap_is "$(j 'all(a["at"] <= b["at"] for a, b in zip(d["entries"], d["entries"][1:]))')" "True" \
    "oldest first"
tap_is "$(j '[(e["ref_kind"], e["ref"]) for e in d["entries"] if e["source"] == "ecs-task"]')" \
    "[('task', '$task')]" "the stopped task line names the task (seen twice, kept once)"
tap_is "$(j '[e["ref_kind"] for e in d["entries"] if e["source"] == "cw-alarm"]')" "['alarm']" \
    "the alarm line names the alarm"
n_all=$(j 'len(d["entries"])')

# --since and --service
sleep 2
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1
px 'cw.set_alarm_state(AlarmName="web-cpu-high", StateValue="OK", StateReason="Threshold Crossed: back under")' >/dev/null
run timeline --cluster prod --since "$since" --json
tap_is "$(j '[e["text"].split(":")[0] for e in d["entries"]]')" "['alarm web-cpu-high ALARM -> OK']" \
    "--since TIME keeps what came after it"
run timeline --cluster prod --since 1h
tap_like "$(cat "$out")" "task $task stopped" "--since 1h keeps the last hour"
run timeline --cluster prod --since yesterday-ish
tap_is "$?" 2 "a --since that is no time is a usage error"
run timeline --cluster prod --service api --json
tap_is "$(j 'sorted({e["service"] or "-" for e in d["entries"]})')" "['-', 'api']" \
    "--service keeps the service's lines and the cluster's own"

# 2. On disk: 0600, and it outlives AWS's stopped-task window and a restart.
tap_is "$(stat -c %a "$file")" 600 "the timeline file is 0600"
tap_is "$(stat -c %a "$(dirname "$file")")" 700 "its directory is 0700"
tap_nogrep "$file" "AKID\|SecretAccessKey\|moto-ignores-this" "the file holds no credential"
proxy_config '{"emu": {"ecs-stopped-window": {"window_s": 0}}}' >/dev/null
tap_is "$(px 'len(ecs.list_tasks(cluster="prod", desiredStatus="STOPPED")["taskArns"])')" 0 \
    "an hour later (window 0) AWS lists no stopped task"
run timeline --cluster prod
tap_is "$?" 0 "timeline exits 0 after the window"
tap_like "$(cat "$out")" "task $task stopped: UserInitiated: OOM suspected; app exit 137, redis exit 0" \
    "the stopped task is still in the timeline"

# 3. A corrupt file is set aside with a message, never fatal.
printf '{"at":1,"key":"k","source":"s","text":"t"}\nnot json at all\n' >"$file"
run timeline --cluster prod
tap_is "$?" 0 "a corrupt file does not fail the command"
tap_like "$(cat "$err")" "timeline: .*prod.jsonl was corrupt \(line 2 does not parse\); set aside as .*prod.jsonl.corrupt-" \
    "the message says so and where it went"
tap_is "$(ls "$(dirname "$file")" | grep -c 'prod.jsonl.corrupt-')" 1 "the corrupt file was kept aside"
tap_like "$(cat "$out")" "alarm web-cpu-high" "the timeline starts afresh from what AWS still has"
tap_is "$(stat -c %a "$file")" 600 "the new file is 0600"

# 4. Bounded: [timeline] max_entries.
printf '[timeline]\nmax_entries = 3\n' >"$TAP_TMPDIR/od.conf"
run --config "$TAP_TMPDIR/od.conf" timeline --cluster prod --json
tap_is "$(j 'len(d["entries"])')" 3 "max_entries bounds the file"
tap_is "$(wc -l <"$file" | tr -d ' ')" 4 "three entries and the target-health line on disk"
tap_ok "[ $n_all -gt 3 ]" "(there were more: $n_all)"

tap_done
