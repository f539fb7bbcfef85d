#!/bin/bash
# The console beside Application Auto Scaling, in tmux against moto through the AWS-behaviour
# layer: the service view of a service with a scalable target (registered here with boto3)
# shows its min and max, its policy and its latest activity; S with a count outside the bounds
# asks whether to move them, and answering no leads to a confirmation that warns the
# autoscaler will move the count back (cancelled: nothing sent); answering yes leads to a
# confirmation that names the new bounds, and confirming moves them and then the count (one
# RegisterScalableTarget, one UpdateService; checked with boto3).
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
seed_world --size small >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
export ONDECK_WATCH_INTERVAL_MS=300
unset NO_COLOR

py()
{
    "$PYTHON3" - "$1" <<'PY'
import boto3, os, sys
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecs = boto3.client("ecs", **kw)
aas = boto3.client("application-autoscaling", **kw)
def desired(name):
    return ecs.describe_services(cluster="prod", services=[name])["services"][0]["desiredCount"]
def bounds(name):
    t = aas.describe_scalable_targets(ServiceNamespace="ecs",
                                      ResourceIds=[f"service/prod/{name}"])["ScalableTargets"]
    return [(x["MinCapacity"], x["MaxCapacity"]) for x in t]
print(eval(sys.argv[1]))
PY
}
ops()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
ops = json.load(sys.stdin)["by_operation"]
names = sorted((op.split(":")[1], n) for op, n in ops.items())
print(" ".join("%s=%d" % (op, n) for op, n in names
               if op in ("RegisterScalableTarget", "UpdateService")))'
}

"$PYTHON3" - <<'PY' || tap_bail "registering the scalable target failed"
import boto3, os
aas = boto3.client("application-autoscaling", endpoint_url=os.environ["MOTO_URL"],
                   region_name="us-east-1")
aas.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/prod/web",
                             ScalableDimension="ecs:service:DesiredCount",
                             MinCapacity=2, MaxCapacity=6)
aas.put_scaling_policy(
    PolicyName="cpu50", ServiceNamespace="ecs", ResourceId="service/prod/web",
    ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration={
        "TargetValue": 50.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
PY
proxy_config '{"emu": {"scaling-activities": {"activities": [
  {"ResourceId": "service/prod/web", "Description": "Setting desired count to 4.",
   "Cause": "monitor alarm TargetTracking-service/prod/web-AlarmHigh in state ALARM triggered policy cpu50",
   "StartTime": 1795300000}]}}}' >/dev/null || tap_bail "proxy_config failed"

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 45 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^worker ' 20 || tap_bail "the services did not show"
tmux_send '/'
tmux_type 'web'
tmux_send Enter
tmux_wait_for '^web ' 5
tmux_send Enter
wait_ok 'Service web · cluster prod' "Enter opens the service view"
wait_ok 'Auto scaling' "the service view has an auto scaling section" 15
wait_ok 'min 2  max 6  desired 2' "with min, max and the desired count"
wait_ok 'policy cpu50 +TargetTrackingScaling target 50 ECSServiceAverageCPUUtilization' \
    "and the target-tracking policy"
wait_ok 'Successful .*Setting desired count to 4\.' "and the latest activity"
wait_ok 'cause: monitor alarm TargetTracking-service/prod/web-AlarmHigh' "with its cause"

# ---- S outside the bounds, keeping them: the confirmation warns ----------------------------
proxy_reset
tmux_send S
tmux_wait_for 'desired count for web' 5
tmux_send C-u
tmux_type '9'
tmux_send Enter
wait_ok 'outside auto scaling \[2, 6\]: move it to \[2, 9\]\? \(y/N\) n' \
    "S with 9 asks whether to move the bounds (no by default)"
tmux_send Enter
wait_ok 'warning: the autoscaler will move it back to 6' "keeping them: the confirmation warns that the autoscaler undoes it"
wait_ok '\[ Cancel \] +\[ Scale \]' "the confirmation follows"
tmux_send Enter
wait_ok 'scale cancelled; nothing was changed' "Enter cancels"
tap_is "$(ops)" "" "nothing was sent"

# ---- S outside the bounds, moving them ------------------------------------------------------
tmux_send S
tmux_wait_for 'desired count for web' 5
tmux_send C-u
tmux_type '9'
tmux_send Enter
tmux_wait_for 'move it to \[2, 9\]\?' 10
tmux_send C-u
tmux_type 'y'
tmux_send Enter
wait_ok 'desired count 2 -> 9; auto scaling bounds \[2, 6\] -> \[2, 9\]' \
    "answering y: the confirmation names the new bounds"
tmux_send Tab Enter
wait_ok 'Rollout · service web' "confirming applies it and opens the rollout watch" 15
tap_is "$(py 'bounds("web")') $(py 'desired("web")')" "[(2, 9)] 9" "boto3: bounds [2, 9], desired 9"
tap_is "$(ops)" "RegisterScalableTarget=1 UpdateService=1" \
    "exactly one RegisterScalableTarget and one UpdateService"

tap_done
