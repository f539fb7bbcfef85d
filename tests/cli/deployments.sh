#!/usr/bin/env bash
# ECS service deployments (ListServiceDeployments, DescribeServiceDeployments; the
# ecs-deployments behaviour of the AWS-behaviour layer) in `ondeck status --service`: each
# strategy (BLUE_GREEN with a PAUSE hook before production traffic, LINEAR, CANARY, ROLLING) is
# stepped through its lifecycle stages on the layer's clock (offset_s) and status --json is read
# at each stage; the hook awaiting action is shown in text and JSON with its expiry and
# timeoutAction; a StopServiceDeployment ROLLBACK sent with boto3 is seen rolling back.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
drive()
{
    AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/deployments_drive.py" "$@"
}
# Each stage lasts 1000 s of the layer's clock, as does each minute of bake time and hook
# timeout; the test moves the clock (offset_s) instead of waiting.
clock()
{
    proxy_config "{\"emu\": {\"ecs-deployments\": {\"stage_s\": 1000, \"minute_s\": 1000, \"offset_s\": $1}}}" >/dev/null
}
clock 0
drive seed || tap_bail "seeding failed"

# status --json of one service, reduced to "status stage hook weight(target) weight(source)".
stage_of()
{
    "$ONDECK" status --cluster dep --service "$1" --json >"$out" 2>"$err" </dev/null || {
        echo "exit $?: $(cat "$err")"
        return
    }
    "$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))["services"][0]["serviceDeployment"]
if d is None:
    print("none"); sys.exit()
h = d["hookAwaitingAction"]
t = d["targetServiceRevision"]
s = d["sourceServiceRevisions"]
w = lambda r: "%g" % r["requestedProductionTrafficWeight"] if "requestedProductionTrafficWeight" in r else "-"
print(d["strategy"], d["status"], d["lifecycleStage"] or "-",
      "hook:%s:%s" % (h["status"], h["timeoutAction"]) if h else "nohook",
      w(t), w(s[0]) if s else "-")' "$out"
}

# 1. Before any change: the creation's deployment, settled.
drive deploy bg || tap_bail "UpdateService failed"
for svc in lin can roll; do drive deploy $svc || tap_bail "UpdateService $svc failed"; done

# 2. BLUE_GREEN through its stages, the hook before production traffic waits.
want=(
    "500 BLUE_GREEN IN_PROGRESS RECONCILE_SERVICE nohook 0 100"
    "1500 BLUE_GREEN IN_PROGRESS PRE_SCALE_UP nohook 0 100"
    "2500 BLUE_GREEN IN_PROGRESS SCALE_UP nohook 0 100"
    "3500 BLUE_GREEN IN_PROGRESS POST_SCALE_UP nohook 0 100"
    "4500 BLUE_GREEN IN_PROGRESS TEST_TRAFFIC_SHIFT nohook 0 100"
    "5500 BLUE_GREEN IN_PROGRESS POST_TEST_TRAFFIC_SHIFT nohook 0 100"
    "6500 BLUE_GREEN IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT hook:AWAITING_ACTION:ROLLBACK 0 100"
    "20000 BLUE_GREEN IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT hook:AWAITING_ACTION:ROLLBACK 0 100"
)
for w in "${want[@]}"; do
    clock "${w%% *}"
    tap_is "$(stage_of bg)" "${w#* }" "blue/green at clock ${w%% *}: ${w#* }"
done

# 3. The hook in text: loud, with its expiry and timeout action.
"$ONDECK" status --cluster dep --service bg >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "status --service bg exits 0"
tap_grep "$(cat "$out")" '^  service deployment BLUE_GREEN IN_PROGRESS, stage PRODUCTION_TRAFFIC_SHIFT$' \
    "text: the strategy, status and stage"
tap_grep "$(cat "$out")" '^    stages RECONCILE > PRE_SCALE > SCALE_UP > POST_SCALE > TEST_SHIFT > POST_TEST > \[PROD_SHIFT\] > POST_PROD > BAKE > CLEAN_UP$' \
    "text: the stages as a row, the current one marked"
tap_grep "$(cat "$out")" '^  ! hook AWAITING_ACTION hook-[0-9a-f]+: expires 20[0-9-]+T[0-9:]+Z.*, then ROLLBACK$' \
    "text: the hook awaiting action with its expiry and timeoutAction"
tap_grep "$(cat "$out")" '^    target [0-9]+  0/2 running, 2 pending|^    target [0-9]+  2/2 running, 0 pending, production 0%, test 100%$' \
    "text: the target revision with counts and weights"
tap_grep "$(cat "$out")" '^    source [0-9]+  2/2 running, 0 pending, production 100%, test 0%$' \
    "text: the source revision with counts and weights"

# 4. Continued (boto3): production traffic shifts, bake, clean up, done.
drive continue bg || tap_bail "ContinueServiceDeployment failed"
want=(
    "20500 BLUE_GREEN IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 100 0"
    "21500 BLUE_GREEN IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT nohook 100 0"
    "22500 BLUE_GREEN IN_PROGRESS BAKE_TIME nohook 100 0"
    "27500 BLUE_GREEN IN_PROGRESS CLEAN_UP nohook 100 0"
    "28500 BLUE_GREEN SUCCESSFUL - nohook 100 0"
)
for w in "${want[@]}"; do
    clock "${w%% *}"
    tap_is "$(stage_of bg)" "${w#* }" "blue/green continued, at clock ${w%% *}: ${w#* }"
done
tap_grep "$(cat "$out")" '"bakeTimeInMinutes":[[:space:]]*5,' "JSON: bakeTimeInMinutes"

# 5. LINEAR (50% steps) from clock 30000, then CANARY (20%) from clock 45000 (the layer's
# clock only moves forward).
clock 30000
drive deploy lin
want_lin=(
    "30500 LINEAR IN_PROGRESS RECONCILE_SERVICE nohook 0 100"
    "36500 LINEAR IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 50 50"
    "37500 LINEAR IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 50 50"
    "38500 LINEAR IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 100 0"
    "39500 LINEAR IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT nohook 100 0"
    "40500 LINEAR IN_PROGRESS BAKE_TIME nohook 100 0"
    "42000 LINEAR SUCCESSFUL - nohook 100 0"
)
want_can=(
    "45500 CANARY IN_PROGRESS RECONCILE_SERVICE nohook 0 100"
    "51500 CANARY IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 20 80"
    "53000 CANARY IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 20 80"
    "54500 CANARY IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 100 0"
    "55500 CANARY IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT nohook 100 0"
    "56500 CANARY IN_PROGRESS BAKE_TIME nohook 100 0"
    "58000 CANARY SUCCESSFUL - nohook 100 0"
)
for w in "${want_lin[@]}"; do
    clock "${w%% *}"
    tap_is "$(stage_of lin)" "${w#* }" "linear at clock ${w%% *}: ${w#* }"
done
clock 45000
drive deploy can
for w in "${want_can[@]}"; do
    clock "${w%% *}"
    tap_is "$(stage_of can)" "${w#* }" "canary at clock ${w%% *}: ${w#* }"
done

# 6. ROLLING: no traffic weights, its three stages.
clock 60000
drive deploy roll
for w in "60500 ROLLING IN_PROGRESS RECONCILE_SERVICE nohook - -" \
         "61500 ROLLING IN_PROGRESS SCALE_UP nohook - -" \
         "63500 ROLLING SUCCESSFUL - nohook - -"; do
    clock "${w%% *}"
    tap_is "$(stage_of roll)" "${w#* }" "rolling at clock ${w%% *}: ${w#* }"
done

# 7. StopServiceDeployment ROLLBACK sent with boto3 mid-canary: seen rolling back, then rolled
# back, and moto's service is back on the source task definition.
clock 70000
drive deploy can
clock 76500
tap_is "$(stage_of can)" "CANARY IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 20 80" "canary shifting before the stop"
drive stop can ROLLBACK || tap_bail "StopServiceDeployment failed"
clock 77000
tap_is "$(stage_of can)" "CANARY ROLLBACK_REQUESTED - nohook 0 100" "after StopServiceDeployment ROLLBACK: ROLLBACK_REQUESTED, traffic back on the source"
clock 78000
tap_is "$(stage_of can)" "CANARY ROLLBACK_IN_PROGRESS - nohook 0 100" "then ROLLBACK_IN_PROGRESS"
"$ONDECK" status --cluster dep --service can >"$out" 2>"$err" </dev/null
tap_grep "$(cat "$out")" '^    rollback: Rollback requested \(StopServiceDeployment\)\.$' "text: the rollback reason"
clock 79500
tap_is "$(stage_of can)" "CANARY ROLLBACK_SUCCESSFUL - nohook 0 100" "then ROLLBACK_SUCCESSFUL"
tap_grep "$(AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c 'import boto3
print(boto3.client("ecs").describe_services(cluster="dep", services=["can"])["services"][0]["taskDefinition"])')" \
    '(task-definition/)?web:1$' "moto's service is back on the source task definition web:1"

# 8. Errors as AWS: an unknown deployment.
tap_grep "$(AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" -c 'import boto3
e = boto3.client("ecs")
try:
    e.stop_service_deployment(serviceDeploymentArn="arn:aws:ecs:us-east-1:123456789012:service-deployment/dep/can/nope")
except e.exceptions.ServiceDeploymentNotFoundException as x:
    print("not found:", x.response["Error"]["Code"])' 2>&1)" '^not found: ServiceDeploymentNotFoundException$' \
    "StopServiceDeployment of an unknown deployment: ServiceDeploymentNotFoundException"

# 9. Without the behaviour (moto alone answers ListServiceDeployments with an error): status
# still exits 0, says under the service that its deployment was not read, and nothing on
# stderr; the JSON has serviceDeployment null and the part in "stale".
proxy_config '{"behaviours": "-ecs-deployments"}' >/dev/null
"$ONDECK" status --cluster dep --service bg >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "a failed service-deployment read does not fail status"
tap_grep "$(cat "$out")" '^  service deployment not read: ' "it is said under the service"
tap_is "$(cat "$err")" "" "and not on stderr"
"$ONDECK" status --cluster dep --service bg --json >"$out" 2>"$err" </dev/null
tap_is "$("$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(d["services"][0]["serviceDeployment"], sorted(d["stale"]))' "$out")" "None ['serviceDeployments']" \
    "JSON: serviceDeployment null, serviceDeployments stale"
proxy_config '{"behaviours": "+ecs-deployments"}' >/dev/null

# 10. The circuit breaker: roll's new tasks fail to start (setting fail), its breaker (rollback
# on) reaches the threshold and ECS rolls back by itself, with the reason.
proxy_config '{"emu": {"ecs-deployments": {"fail": ["roll"], "offset_s": 90000}}}' >/dev/null
drive deploy roll
clock 91500
proxy_config '{"emu": {"ecs-deployments": {"fail": ["roll"]}}}' >/dev/null
tap_is "$(stage_of roll)" "ROLLING ROLLBACK_IN_PROGRESS - nohook - -" "a failing rolling deployment: the breaker rolls it back"
tap_is "$("$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))["services"][0]["serviceDeployment"]
print(d["deploymentCircuitBreaker"]["status"], d["deploymentCircuitBreaker"]["failureCount"] >= d["deploymentCircuitBreaker"]["threshold"] > 0, d["rollback"]["reason"].split(":")[0])' "$out")" \
    "TRIGGERED True Circuit breaker" "JSON: the breaker TRIGGERED at its threshold, the rollback's reason"
clock 93500
tap_is "$(stage_of roll)" "ROLLING ROLLBACK_SUCCESSFUL - nohook - -" "then ROLLBACK_SUCCESSFUL"
"$ONDECK" status --cluster dep --service roll >"$out" 2>"$err" </dev/null
tap_grep "$(cat "$out")" '^    circuit breaker TRIGGERED [0-9]+/[0-9]+ failed, alarms DISABLED$' "text: the breaker TRIGGERED with failures/threshold"

# 11. StopServiceDeployment ABORT: stops where it is (STOP_REQUESTED, then STOPPED), no rollback.
proxy_config '{"emu": {"ecs-deployments": {"fail": [], "offset_s": 100000}}}' >/dev/null
drive deploy lin
clock 101500
drive stop lin ABORT || tap_bail "StopServiceDeployment ABORT failed"
tap_is "$(stage_of lin)" "LINEAR STOP_REQUESTED - nohook 0 100" "after StopServiceDeployment ABORT: STOP_REQUESTED"
clock 103000
tap_is "$(stage_of lin)" "LINEAR STOPPED - nohook 0 100" "then STOPPED"
tap_grep "$(AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" -c 'import boto3
e = boto3.client("ecs")
a = e.list_service_deployments(cluster="dep", service="lin")["serviceDeployments"][0]["serviceDeploymentArn"]
try:
    e.stop_service_deployment(serviceDeploymentArn=a, stopType="ROLLBACK")
except e.exceptions.ConflictException as x:
    print("conflict:", x.response["Error"]["Code"])' 2>&1)" '^conflict: ConflictException$' \
    "stopping a STOPPED deployment again: ConflictException"

tap_done
