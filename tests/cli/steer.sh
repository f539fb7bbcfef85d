#!/usr/bin/env bash
# Steering a service deployment in flight (issue 14; doc/deployments.md "Steering"), on the
# ecs-deployments behaviour of the AWS-behaviour layer: rollback of an in-flight blue/green is
# exactly one StopServiceDeployment ROLLBACK and no UpdateService (requests counted at the
# proxy); at a PAUSE hook awaiting action, continue sends ContinueServiceDeployment CONTINUE
# and the deployment proceeds, rollback sends ContinueServiceDeployment ROLLBACK; continue with
# nothing waiting is refused (exit 4) and sends nothing; rollback --abort is
# StopServiceDeployment ABORT; a lost answer is settled by reading the deployment back and is
# never sent twice; read-only mode refuses; a deployment alarm going to ALARM rolls the
# deployment back and `status --service` says so with the reason; --wait follows the steered
# deployment to its end.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
audit="$XDG_STATE_HOME/ondeck/audit.jsonl"
drive()
{
    AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/deployments_drive.py" "$@"
}
# Each stage lasts 1000 s of the layer's clock (and each minute of bake time or hook timeout);
# the test moves the clock (offset_s, forward only) instead of waiting.
clock()
{
    proxy_config "{\"emu\": {\"ecs-deployments\": {\"stage_s\": 1000, \"minute_s\": 1000, \"offset_s\": $1}}}" >/dev/null
}
run()
{
    "$ONDECK" "$@" >"$out" 2>"$err" </dev/null
}
# Requests are counted from the last `mark` (proxy_reset would also reset the layer's records).
mark() { proxy_stats >"$TAP_TMPDIR/mark.json"; }
count_since()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
now, then = json.load(sys.stdin), json.load(open(sys.argv[1]))
k, name = sys.argv[2], sys.argv[3]
print(now[k].get(name, 0) - then[k].get(name, 0))' "$TAP_TMPDIR/mark.json" "$1" "$2"
}
ops() { count_since by_operation "$1"; }
emu() { count_since emu "$1"; }
last_audit() { tail -n 1 "$audit" | "$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# "strategy status stage hook weight(target) weight(source)" from status --json.
stage_of()
{
    "$ONDECK" status --cluster dep --service "$1" --json >"$TAP_TMPDIR/st" 2>/dev/null </dev/null || {
        echo "status exit $?"
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
      w(t), w(s[0]) if s else "-")' "$TAP_TMPDIR/st"
}

clock 0
drive seed || tap_bail "seeding failed"

# 1. Nothing in flight (the creations' deployments are over): continue and --abort are refused
#    with exit 4 and send nothing.
clock 5000
mark
run continue --cluster dep --service bg --yes
tap_is "$?" 4 "continue with no deployment in flight exits 4"
tap_like "$(cat "$err")" 'nothing to continue: no service deployment is in flight' "and says why"
run rollback --cluster dep --service bg --abort --yes
tap_is "$?" 4 "rollback --abort with nothing in flight exits 4"
tap_like "$(cat "$err")" 'nothing to abort: no service deployment is in flight' "and says why"
tap_is "$(ops ecs:ContinueServiceDeployment)+$(ops ecs:StopServiceDeployment)+$(ops ecs:UpdateService)" \
    "0+0+0" "nothing was sent"
run rollback --cluster dep --service bg --abort --revision 1 --yes
tap_is "$?" 2 "--abort with --revision is a usage error"

# 2. Blue/green in flight (SCALE_UP, no hook yet): continue is refused; rollback is one
#    StopServiceDeployment ROLLBACK, no UpdateService, no revision listing.
clock 10000
drive deploy bg || tap_bail "UpdateService bg failed"
clock 12500
tap_is "$(stage_of bg)" "BLUE_GREEN IN_PROGRESS SCALE_UP nohook 0 100" "bg is in flight at SCALE_UP"
mark
run continue --cluster dep --service bg --yes
tap_is "$?" 4 "continue with no hook awaiting action exits 4"
tap_like "$(cat "$err")" 'no lifecycle hook is awaiting action \(service deployment [0-9a-f]+ is IN_PROGRESS, stage SCALE_UP\)' \
    "and names the deployment and its stage"
tap_is "$(ops ecs:ContinueServiceDeployment)" 0 "no ContinueServiceDeployment was sent"
run rollback --cluster dep --service bg --yes
tap_is "$?" 0 "rollback of the deployment in flight exits 0" || tap_diag "$(cat "$out" "$err")"
tap_grep "$(cat "$out")" '^Change +StopServiceDeployment stopType=ROLLBACK: roll back service deployment [0-9a-f]+ \(IN_PROGRESS, stage SCALE_UP\)' \
    "the plan says StopServiceDeployment ROLLBACK of the deployment in flight"
tap_grep "$(cat "$out")" 'StopServiceDeployment ROLLBACK accepted' "the result says it was accepted"
tap_is "$(ops ecs:StopServiceDeployment)" 1 "exactly one StopServiceDeployment"
tap_is "$(ops ecs:UpdateService)" 0 "no UpdateService"
tap_is "$(ops ecs:ListTaskDefinitions)" 0 "no revision listing"
tap_is "$(emu ecs-deployments:stopped:ROLLBACK)" 1 "the layer saw one stop of type ROLLBACK"
tap_is "$(last_audit 'd["action"], d["result"], d["parameters"]["stopType"], d["before"]["serviceDeployment"]["status"]')" \
    "('rollback', 'ok', 'ROLLBACK', 'IN_PROGRESS')" "the audit line: rollback ok, stopType ROLLBACK, the deployment before"
tap_like "$(last_audit 'd["parameters"]["serviceDeploymentArn"]')" ':service-deployment/dep/bg/' \
    "the audit line names the service deployment"
tap_is "$(stage_of bg)" "BLUE_GREEN ROLLBACK_REQUESTED - nohook 0 100" "the deployment is ROLLBACK_REQUESTED"
# As AWS (Developer Guide, "Stopping Amazon ECS service deployments"): stopping a deployment
# that is rolling back is accepted and it goes on rolling back.
tap_is "$(AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" -c 'import boto3
e = boto3.client("ecs")
a = e.list_service_deployments(cluster="dep", service="bg")["serviceDeployments"][0]["serviceDeploymentArn"]
e.stop_service_deployment(serviceDeploymentArn=a, stopType="ROLLBACK")
print(e.describe_service_deployments(serviceDeploymentArns=[a])["serviceDeployments"][0]["status"])' 2>&1)" \
    "ROLLBACK_REQUESTED" "emulation: a second stop while rolling back is accepted and changes nothing"
run rollback --cluster dep --service bg --yes
tap_is "$?" 4 "rolling back again while ECS rolls back exits 4"
tap_like "$(cat "$err")" 'ECS is already ending the deployment' "and says ECS is already on it"
clock 15000
tap_is "$(stage_of bg)" "BLUE_GREEN ROLLBACK_SUCCESSFUL - nohook 0 100" "then ROLLBACK_SUCCESSFUL"

# 3. At the hook before production traffic: continue sends ContinueServiceDeployment CONTINUE
#    with the hook's id, and the deployment proceeds to production traffic.
clock 20000
drive deploy bg
clock 26500
tap_is "$(stage_of bg)" "BLUE_GREEN IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT hook:AWAITING_ACTION:ROLLBACK 0 100" \
    "bg paused at its hook"
hook=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["services"][0]["serviceDeployment"]["hookAwaitingAction"]["hookId"])' "$TAP_TMPDIR/st")
tap_is "$(AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" -c 'import boto3
e = boto3.client("ecs")
a = e.list_service_deployments(cluster="dep", service="bg")["serviceDeployments"][0]["serviceDeploymentArn"]
try:
    e.continue_service_deployment(serviceDeploymentArn=a, hookId="hook-not-this-one")
except e.exceptions.InvalidParameterException as x:
    print(x.response["Error"]["Code"])' 2>&1)" "InvalidParameterException" \
    "emulation: ContinueServiceDeployment with another hookId is an InvalidParameterException"
mark
run continue --cluster dep --service bg --yes
tap_is "$?" 0 "continue at the hook exits 0" || tap_diag "$(cat "$out" "$err")"
tap_grep "$(cat "$out")" "^Change +ContinueServiceDeployment action=CONTINUE at lifecycle hook $hook \\(AWAITING_ACTION\\)" \
    "the plan names ContinueServiceDeployment CONTINUE and the hook"
tap_is "$(ops ecs:ContinueServiceDeployment)+$(ops ecs:StopServiceDeployment)+$(ops ecs:UpdateService)" \
    "1+0+0" "exactly one ContinueServiceDeployment, nothing else"
tap_is "$(emu ecs-deployments:continued:CONTINUE)" 1 "the layer saw action CONTINUE"
tap_is "$(last_audit 'd["action"], d["result"], d["parameters"]["hookId"], d["parameters"]["hookAction"]')" \
    "('continue', 'ok', '$hook', 'CONTINUE')" "the audit line: continue ok with the hook id"
clock 27000
tap_is "$(stage_of bg)" "BLUE_GREEN IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT nohook 100 0" \
    "the deployment proceeds: production traffic shifted"
run continue --cluster dep --service bg --yes
tap_is "$?" 4 "continue again with the hook behind exits 4"
clock 40000
tap_is "$(stage_of bg)" "BLUE_GREEN SUCCESSFUL - nohook 100 0" "and ends SUCCESSFUL"

# 4. At the hook, rollback is ContinueServiceDeployment ROLLBACK with the hook's id.
clock 50000
drive deploy bg
clock 56500
tap_is "$(stage_of bg)" "BLUE_GREEN IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT hook:AWAITING_ACTION:ROLLBACK 0 100" \
    "bg paused at its hook again"
mark
run rollback --cluster dep --service bg --yes
tap_is "$?" 0 "rollback at the hook exits 0" || tap_diag "$(cat "$out" "$err")"
tap_grep "$(cat "$out")" '^Change +ContinueServiceDeployment action=ROLLBACK at lifecycle hook hook-[0-9a-f]+ \(AWAITING_ACTION\)' \
    "the plan names ContinueServiceDeployment ROLLBACK at the hook"
tap_is "$(ops ecs:ContinueServiceDeployment)+$(ops ecs:StopServiceDeployment)+$(ops ecs:UpdateService)" \
    "1+0+0" "exactly one ContinueServiceDeployment, no StopServiceDeployment, no UpdateService"
tap_is "$(emu ecs-deployments:continued:ROLLBACK)" 1 "the layer saw action ROLLBACK"
tap_is "$(stage_of bg)" "BLUE_GREEN ROLLBACK_REQUESTED - nohook 0 100" "the deployment rolls back"
clock 60000
tap_is "$(stage_of bg)" "BLUE_GREEN ROLLBACK_SUCCESSFUL - nohook 0 100" "then ROLLBACK_SUCCESSFUL"

# 5. rollback --abort: StopServiceDeployment ABORT, stopped where it is.
clock 70000
drive deploy lin
clock 71500
mark
run rollback --cluster dep --service lin --abort --yes
tap_is "$?" 0 "rollback --abort exits 0" || tap_diag "$(cat "$out" "$err")"
tap_grep "$(cat "$out")" '^Change +StopServiceDeployment stopType=ABORT: stop service deployment [0-9a-f]+ \(IN_PROGRESS, stage PRE_SCALE_UP\) where it is' \
    "the plan says StopServiceDeployment ABORT"
tap_is "$(ops ecs:StopServiceDeployment)+$(ops ecs:UpdateService)" "1+0" "one StopServiceDeployment, no UpdateService"
tap_is "$(emu ecs-deployments:stopped:ABORT)" 1 "the layer saw stop type ABORT"
tap_is "$(last_audit 'd["action"], d["parameters"]["abort"], d["parameters"]["stopType"]')" \
    "('rollback', True, 'ABORT')" "the audit line says abort, stopType ABORT"
tap_is "$(stage_of lin)" "LINEAR STOP_REQUESTED - nohook 0 100" "the deployment is STOP_REQUESTED"

# 6. Read-only mode refuses continue and rollback of a deployment in flight; nothing is sent.
clock 80000
drive deploy bg
clock 86500
mark
run --read-only continue --cluster dep --service bg --yes
tap_is "$?:$(grep -c 'read-only mode' "$err")" "2:1" "--read-only refuses continue (exit 2, says read-only mode)"
run --read-only rollback --cluster dep --service bg --yes
tap_is "$?:$(grep -c 'read-only mode' "$err")" "2:1" "--read-only refuses rollback (exit 2, says read-only mode)"
tap_is "$(ops ecs:ContinueServiceDeployment)+$(ops ecs:StopServiceDeployment)" "0+0" "nothing was sent"
tap_is "$(last_audit 'd["action"], d["result"]')" "('rollback', 'refused')" "the refusal is journaled"

# 7. A lost answer. Run ondeck on a terminal; at its [y/N] prompt set the proxy's faults to
#    $PTY_FAULTS, then answer y (the plan's own reads are not faulted).
pty()
{
    "$PYTHON3" - "$ONDECK" "$@" <<'PY'
import os, pty, select, sys, time, urllib.request
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
buf, sent = b"", False
deadline = time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        buf += data
        if not sent and b"[y/N]" in buf:
            req = urllib.request.Request(os.environ["PROXY_URL"] + "/__proxy/config",
                                         data=os.environ["PTY_FAULTS"].encode(), method="POST")
            urllib.request.urlopen(req, timeout=10).read()
            os.write(fd, b"y\n")
            sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(status))
PY
}
no_faults='{"lose_response": 0, "only": null}'
# 7a. bg is at its hook: continue's answer is lost; the read-back shows the hook SUCCEEDED.
mark
got=$(PTY_FAULTS='{"lose_response": 1, "only": "^ecs:ContinueServiceDeployment$"}' \
    pty continue --cluster dep --service bg)
rc=$?
proxy_config "$no_faults" >/dev/null
tap_is "$rc" 0 "a lost ContinueServiceDeployment answer settled by reading back exits 0" || tap_diag "$got"
tap_like "$got" 'confirmed by reading' "and says it was confirmed by reading the deployment back"
tap_is "$(ops ecs:ContinueServiceDeployment)" 1 "ContinueServiceDeployment was sent exactly once"
tap_ok '[ "$(ops ecs:DescribeServiceDeployments)" -ge 2 ]' "the deployment was read back"
tap_is "$(last_audit 'd["result"], d["after"]["status"]')" "('ok', 'IN_PROGRESS')" \
    "the audit line says ok, with the status read back"
# 7b. The stop's answer and every read-back are lost: the outcome is unknown, sent once.
clock 90000
drive deploy can
clock 92500
mark
got=$(PTY_FAULTS='{"lose_response": 1, "only": "^ecs:(StopServiceDeployment|DescribeServiceDeployments)$"}' \
    pty rollback --cluster dep --service can)
rc=$?
proxy_config "$no_faults" >/dev/null
tap_is "$rc" 1 "a stop whose outcome cannot be read back exits 1" || tap_diag "$got"
tap_like "$got" 'outcome is unknown' "and says the outcome is unknown"
tap_is "$(ops ecs:StopServiceDeployment)" 1 "StopServiceDeployment was sent exactly once"
tap_is "$(last_audit 'd["result"]')" "unknown" "the audit line says unknown"
tap_is "$(stage_of can)" "CANARY ROLLBACK_REQUESTED - nohook 0 100" "the stop did reach ECS"
# 7c. Only the stop's answer is lost: the read-back shows the rollback.
clock 100000
drive deploy lin
clock 101500
mark
got=$(PTY_FAULTS='{"lose_response": 1, "only": "^ecs:StopServiceDeployment$"}' \
    pty rollback --cluster dep --service lin)
rc=$?
proxy_config "$no_faults" >/dev/null
tap_is "$rc" 0 "a lost StopServiceDeployment answer settled by reading back exits 0" || tap_diag "$got"
tap_is "$(ops ecs:StopServiceDeployment)" 1 "StopServiceDeployment was sent exactly once"
tap_is "$(last_audit 'd["result"], d["after"]["status"]')" "('ok', 'ROLLBACK_REQUESTED')" \
    "the audit line says ok, ROLLBACK_REQUESTED read back"

# 8. A deployment alarm: roll's alarm goes to ALARM mid-deployment; with rollback on, ECS rolls
#    back by itself, and status --service shows the alarm TRIGGERED and the reason.
clock 110000
AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" -c 'import boto3
cw, ecs = boto3.client("cloudwatch"), boto3.client("ecs")
cw.put_metric_alarm(AlarmName="roll-5xx", MetricName="HTTPCode_Target_5XX_Count",
                    Namespace="AWS/ApplicationELB", Statistic="Sum", Period=60,
                    EvaluationPeriods=1, Threshold=10, ComparisonOperator="GreaterThanThreshold")
cur = ecs.describe_services(cluster="dep", services=["roll"])["services"][0]["taskDefinition"]
ecs.update_service(cluster="dep", service="roll",
                   taskDefinition="web:1" if cur.endswith(":2") else "web:2",
                   deploymentConfiguration={"alarms": {"alarmNames": ["roll-5xx"], "enable": True,
                                                       "rollback": True}})' \
    || tap_bail "the alarm setup failed"
clock 111500
tap_is "$(stage_of roll)" "ROLLING IN_PROGRESS SCALE_UP nohook - -" "roll is in flight"
tap_is "$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["services"][0]["serviceDeployment"]["alarms"]["status"])' "$TAP_TMPDIR/st")" \
    "MONITORING" "its alarms are MONITORING"
AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c 'import boto3
boto3.client("cloudwatch").set_alarm_state(AlarmName="roll-5xx", StateValue="ALARM",
                                           StateReason="5xx above 10")'
clock 111600
tap_is "$(stage_of roll)" "ROLLING ROLLBACK_IN_PROGRESS - nohook - -" "the alarm in ALARM rolls the deployment back"
run status --cluster dep --service roll
tap_grep "$(cat "$out")" '^    circuit breaker [A-Z_]+.*, alarms TRIGGERED \(roll-5xx\)$' "text: alarms TRIGGERED, naming the alarm"
tap_grep "$(cat "$out")" '^    rollback: CloudWatch alarm in ALARM during the deployment: roll-5xx$' "text: the rollback's reason"
AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c 'import boto3
boto3.client("cloudwatch").set_alarm_state(AlarmName="roll-5xx", StateValue="OK", StateReason="ok")'

# 9. --wait follows the steered deployment to its end (the layer's clock runs at 1 s a stage).
proxy_config '{"emu": {"ecs-deployments": {"stage_s": 1, "minute_s": 1, "offset_s": 120000}}}' >/dev/null
drive deploy lin
ONDECK_WATCH_INTERVAL_MS=200 run rollback --cluster dep --service lin --wait --timeout 60 --yes
tap_is "$?" 0 "rollback --wait exits 0 once rolled back" || tap_diag "$(cat "$out" "$err")"
tap_grep "$(cat "$out")" '^\[ *[0-9]+s\] service deployment ROLLBACK_' "it prints the deployment's progress"
tap_grep "$(cat "$out")" '^COMPLETED: ROLLBACK_SUCCESSFUL: rolled back to the source revision' "and ends ROLLBACK_SUCCESSFUL"
drive deploy bg
for _ in $(seq 60); do
    case "$(stage_of bg)" in *AWAITING_ACTION*) break ;; esac
    sleep 0.5
done
ONDECK_WATCH_INTERVAL_MS=200 run continue --cluster dep --service bg --wait --timeout 60 --yes
tap_is "$?" 0 "continue --wait exits 0 once the deployment succeeded" || tap_diag "$(cat "$out" "$err")"
tap_grep "$(cat "$out")" '^COMPLETED: SUCCESSFUL' "and ends SUCCESSFUL"

od_check_requests_valid
tap_done
