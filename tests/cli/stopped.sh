#!/usr/bin/env bash
# Why a task died and every alarm of a service, in `ondeck status`, against moto through the
# AWS-behaviour layer (ecs-stopped-tasks describes the deaths, tests/cli/stopped_seed.py):
# stopped tasks grouped by stop code and reason with each container's exit code (text and
# JSON), metric-math and load-balancer alarms attributed to their services, and DescribeAlarms
# read once per refresh however many services the cluster has.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size small >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/stopped_seed.py" \
    "$TAP_TMPDIR/world.json" >"$TAP_TMPDIR/seed.json" || tap_bail "seeding the deaths failed"
sj() { "$PYTHON3" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TAP_TMPDIR/seed.json" "$1"; }
proxy_config "$(sj 'json.dumps({"emu": s["emu"]})')" >/dev/null || tap_bail "proxy_config failed"
CRASH=$(sj 's["crash_task"]')
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
j() { "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$out" "$1"; }
ops()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["by_operation"].get(sys.argv[1], 0))' "$1"
}

# ---- why a task died: JSON --------------------------------------------------------------
"$ONDECK" status --cluster prod --service web --json >"$out" 2>"$err"
tap_is "$?" 0 "status --service web --json succeeds"
svc='d["services"][0]'
tap_is "$(j "len($svc['stoppedTaskGroups'])")" 2 "web's five stopped tasks fall in two groups"
tap_is "$(j "[(g['count'], g['stopCode']) for g in $svc['stoppedTaskGroups']]")" \
    "[(4, 'TaskFailedToStart'), (1, 'EssentialContainerExited')]" \
    "the crash loop first: 4 × TaskFailedToStart, then 1 × EssentialContainerExited"
tap_like "$(j "$svc['stoppedTaskGroups'][0]['stoppedReason']")" '^CannotPullContainerError: pull image manifest' \
    "the group's reason is the tasks' stoppedReason"
tap_is "$(j "$svc['stoppedTaskGroups'][0]['exitCodes']")" "[]" \
    "tasks that never started: no exit code (AWS sends none, moto would say 0)"
tap_is "$(j "[(e['containerName'], e['exitCode']) for e in $svc['stoppedTaskGroups'][1]['exitCodes']]")" \
    "[('app', 1), ('redis', 137)]" "app exited 1 and redis 137: each container's exit code"
tap_is "$(j "$svc['stoppedTaskGroups'][1]['newestTaskId']")" "$CRASH" "the group names its task"

# ---- why a task died: text --------------------------------------------------------------
"$ONDECK" status --cluster prod --service web >"$out" 2>"$err"
tap_is "$?" 0 "status --service web (text) succeeds"
tap_grep "$(cat "$out")" '^  stopped 4 × TaskFailedToStart: CannotPullContainerError: ' \
    "text: 4 × TaskFailedToStart: CannotPullContainerError…"
tap_grep "$(cat "$out")" "^    exit: app 1, redis 137 \(newest task $CRASH\)" \
    "text: the exit codes of app and redis, and the task"
tap_grep "$(cat "$out")" '^    exit: no exit code' "text: the pull failures have none"

# ---- every alarm of a service -----------------------------------------------------------
"$ONDECK" status --cluster prod --json >"$out" 2>"$err"
tap_is "$?" 0 "status --json succeeds"
al() { j "sorted(a['alarmName'] for a in [s for s in d['services'] if s['serviceName'] == '$1'][0]['alarms'])"; }
tap_is "$(al web)" "['alb-elb-5xx', 'web-cpu-high', 'web-latency-math']" \
    "web: its ECS alarm, the metric-math alarm on its target group, its load balancer's alarm"
tap_is "$(al api)" "['alb-elb-5xx', 'api-5xx-high']" \
    "api: its target group's alarm and the shared load balancer's, not web's target group's"
tap_is "$(al worker)" "['worker-memory-high']" "worker (no load balancer): its ECS alarm only"
tap_is "$(j "[a['services'] for a in d['alarms'] if a['alarmName'] == 'web-latency-math']")" "[['web']]" \
    "the top-level alarm names the service it belongs to (metric math)"
tap_is "$(j "[a['services'] for a in d['alarms'] if a['alarmName'] == 'alb-elb-5xx']")" "[['api', 'web']]" \
    "a load balancer's alarm belongs to every service behind it"
tap_is "$(j "[(a['stateValue'], a['stateReason'][:17]) for a in [s for s in d['services'] if s['serviceName'] == 'web'][0]['alarms'] if a['alarmName'] == 'web-latency-math']")" \
    "[('ALARM', 'Threshold Crossed')]" "with its state and reason"
tap_ok '[ "$(j "all(\"stateUpdatedTimestamp\" in a for s in d[\"services\"] for a in s[\"alarms\"])")" = True ]' \
    "and when it last changed (stateUpdatedTimestamp)"

"$ONDECK" status --cluster prod >"$out" 2>"$err"
tap_grep "$(cat "$out")" '^web .* 0 +1( |$)' "text: web's ALARM column counts its firing alarm (the metric-math one)"

# ---- DescribeAlarms once per refresh, however many services ----------------------------
proxy_reset
proxy_config "$(sj 'json.dumps({"emu": s["emu"]})')" >/dev/null
"$ONDECK" status --cluster prod --json >"$out" 2>"$err"
nsvc=$(j 'len(d["services"])')
tap_is "$(ops monitoring:DescribeAlarms)" 1 "one DescribeAlarms for $nsvc services"
"$PYTHON3" - <<'PY' || tap_bail "adding services failed"
import boto3, os
ecs = boto3.client("ecs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
td = ecs.describe_services(cluster="prod", services=["worker"])["services"][0]["taskDefinition"]
net = ecs.describe_services(cluster="prod", services=["worker"])["services"][0]["networkConfiguration"]
for i in range(12):
    ecs.create_service(cluster="prod", serviceName=f"extra-{i:02d}", taskDefinition=td,
                       desiredCount=0, launchType="FARGATE", networkConfiguration=net)
PY
proxy_reset
"$ONDECK" status --cluster prod --json >"$out" 2>"$err"
tap_is "$(j 'len(d["services"])')" $((nsvc + 12)) "twelve more services"
tap_is "$(ops monitoring:DescribeAlarms)" 1 "still one DescribeAlarms for $((nsvc + 12)) services"

tap_done
