#!/usr/bin/env bash
# Application Auto Scaling beside the desired count, against moto through the AWS-behaviour
# layer: a service with a scalable target (registered here with boto3, with a target-tracking
# policy and, since moto has no DescribeScalingActivities, activities given to the layer's
# scaling-activities behaviour) shows min/max, the policy and the latest activities in
# `status --service` (text and --json); `scale` outside [min, max] warns that the autoscaler
# will move the count back, and sends only UpdateService; with --adjust-bounds it moves the
# bounds first: exactly one RegisterScalableTarget, then one UpdateService, both in one audit
# line. A service without a target shows none and scales as before. Results are read with boto3.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size small >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
audit="$HOME/.local/state/ondeck/audit.jsonl"

run()
{
    "$ONDECK" "$@" >"$out" 2>"$err" </dev/null
}

# py 'expression using ecs, aas': read moto directly (not through the proxy).
py()
{
    "$PYTHON3" - "$1" <<'PY'
import boto3, json, os, sys
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecs = boto3.client("ecs", **kw)
aas = boto3.client("application-autoscaling", **kw)
def svc(name, cluster="prod"):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]
def bounds(name, cluster="prod"):
    t = aas.describe_scalable_targets(ServiceNamespace="ecs",
                                      ResourceIds=[f"service/{cluster}/{name}"])["ScalableTargets"]
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
   "StartTime": 1795300000, "EndTime": 1795300060,
   "StatusMessage": "Successfully set desired count to 4. Change successfully fulfilled by ecs."},
  {"ResourceId": "service/prod/web", "Description": "Setting desired count to 2.",
   "Cause": "minimum capacity was set to 2", "StartTime": 1795200000, "StatusCode": "Failed",
   "StatusMessage": "Failed to set desired count to 2."},
  {"ResourceId": "service/prod/api", "Description": "not ours", "Cause": "x",
   "StartTime": 1795400000}]}}}' >/dev/null || tap_bail "proxy_config failed"

# ---- 1. status --service shows the bounds, the policy and the latest activities -------------
run status --cluster prod --service web
tap_is "$?" 0 "status --service web exits 0"
tap_grep "$(cat "$out")" '^auto scaling: min 2  max 6$' "the text names min and max"
tap_grep "$(cat "$out")" 'policy cpu50 \(TargetTrackingScaling, target 50 ECSServiceAverageCPUUtilization\)' \
    "and the target-tracking policy with its target value"
tap_grep "$(cat "$out")" 'Successful +Setting desired count to 4\.' "the newest activity with its status"
tap_grep "$(cat "$out")" 'cause: monitor alarm TargetTracking-service/prod/web-AlarmHigh' "and its cause"
tap_grep "$(cat "$out")" 'Failed +Setting desired count to 2\.' "an older failed activity too"
tap_nogrep "$(cat "$out")" 'not ours' "another service's activity is not shown"
first=$(grep -n 'desired count to 4' "$out" | cut -d: -f1)
second=$(grep -n 'desired count to 2' "$out" | cut -d: -f1)
tap_ok '[ "$first" -lt "$second" ]' "newest activity first"

run status --cluster prod --service web --json
tap_is "$?" 0 "status --service web --json exits 0"
tap_is "$("$PYTHON3" -c 'import json,sys
a = json.load(open(sys.argv[1]))["services"][0]["autoScaling"]
print(a["minCapacity"], a["maxCapacity"], a["suspendedState"]["dynamicScalingInSuspended"],
      a["policies"][0]["policyName"], a["policies"][0]["targetValue"],
      [x["statusCode"] for x in a["activities"]], a["activities"][0]["startTime"])' "$out")" \
    "2 6 False cpu50 50 ['Successful', 'Failed'] 1795300000" \
    "--json: autoScaling has the bounds, suspended state, policies and activities"

run status --cluster prod --service api --json
tap_is "$("$PYTHON3" -c 'import json,sys
print(json.load(open(sys.argv[1]))["services"][0]["autoScaling"])' "$out")" "None" \
    "--json: a service without a scalable target has autoScaling null"
run status --cluster prod --service api
tap_grep "$(cat "$out")" '^auto scaling: none' "text: a service without a target says so"

# ---- 2. scale outside the bounds without --adjust-bounds: a warning, only UpdateService -----
proxy_reset
run scale --cluster prod --service web --count 9 --yes
tap_is "$?" 0 "scale --count 9 (above max 6) exits 0"
tap_grep "$(cat "$out")" 'Warning +the autoscaler will move it back to 6: 9 is outside the auto scaling bounds \[2, 6\]' \
    "the plan warns that the autoscaler will move it back to 6"
tap_is "$(ops)" "UpdateService=1" "only one UpdateService was sent (no RegisterScalableTarget)"
tap_is "$(py 'svc("web")["desiredCount"]')" 9 "boto3: desired count 9"
tap_is "$(py 'bounds("web")')" "[(2, 6)]" "boto3: the bounds are unchanged"

# ---- 3. with --adjust-bounds: the bounds move first, then the count -------------------------
proxy_reset
run scale --cluster prod --service web --count 10 --adjust-bounds --yes
tap_is "$?" 0 "scale --count 10 --adjust-bounds exits 0"
tap_grep "$(cat "$out")" 'Change +desired count 9 -> 10; auto scaling bounds \[2, 6\] -> \[2, 10\]' \
    "the plan's change names the bounds it moves"
tap_is "$(ops)" "RegisterScalableTarget=1 UpdateService=1" \
    "exactly one RegisterScalableTarget and one UpdateService"
tap_is "$(py 'bounds("web")')" "[(2, 10)]" "boto3: max moved to 10, min kept"
tap_is "$(py 'svc("web")["desiredCount"]')" 10 "boto3: desired count 10"
tap_is "$("$PYTHON3" -c 'import json,sys
j = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print(j["action"], j["result"], j["parameters"]["adjustBounds"], j["parameters"]["minCapacity"],
      j["parameters"]["maxCapacity"], j["before"]["scalableTarget"], j["after"]["scalableTarget"],
      j["after"]["desiredCount"], len(j["request_ids"]))' "$audit")" \
    "scale ok True 2 10 {'minCapacity': 2, 'maxCapacity': 6} {'minCapacity': 2, 'maxCapacity': 10} 10 2" \
    "one audit line with the bounds before and after and both request ids"

# Below min: min moves down.
proxy_reset
run scale --cluster prod --service web --count 1 --adjust-bounds --yes
tap_is "$(ops) $(py 'bounds("web")')" "RegisterScalableTarget=1 UpdateService=1 [(1, 10)]" \
    "below min: min moves to the count, max kept"

# Within the bounds, --adjust-bounds sends no RegisterScalableTarget.
proxy_reset
run scale --cluster prod --service web --count 5 --adjust-bounds --yes
tap_is "$?" 0 "scale within the bounds exits 0"
tap_nogrep "$(cat "$out")" 'auto scaling bounds' "within the bounds: no warning, no bounds change"
tap_is "$(ops)" "UpdateService=1" "within the bounds: only UpdateService"

# A service without a scalable target: no warning; --adjust-bounds says there is nothing.
proxy_reset
run scale --cluster prod --service api --count 7 --adjust-bounds --yes
tap_is "$?" 0 "scale of a service without a target exits 0"
tap_grep "$(cat "$out")" 'no scalable target: there are no bounds to adjust' "--adjust-bounds says so"
tap_is "$(ops)" "UpdateService=1" "and only UpdateService is sent"

# ---- 4. a lost RegisterScalableTarget response is read back, not resent blindly -------------
proxy_reset
proxy_config '{"lose_response": 1.0, "only": "RegisterScalableTarget"}' >/dev/null
run scale --cluster prod --service web --count 12 --adjust-bounds --yes
rc=$?
lost=$(proxy_stats | "$PYTHON3" -c 'import json,sys
d = json.load(sys.stdin)
print(sum(v.get("lose", 0) for k, v in d["injected"].items() if k.endswith("RegisterScalableTarget")),
      d["by_operation"].get("application-autoscaling:DescribeScalableTargets", 0))')
proxy_config '{"lose_response": 0.0, "only": null}' >/dev/null
tap_ok '[ "${lost% *}" -ge 1 ] && [ "${lost#* }" -eq 2 ]' \
    "the response was lost ($lost) and the target read back (a second DescribeScalableTargets)"
tap_is "$rc" 0 "a lost RegisterScalableTarget response: scale still succeeds"
tap_is "$(py 'bounds("web")') $(py 'svc("web")["desiredCount"]')" "[(1, 12)] 12" \
    "boto3: the bounds and the count are applied"
tap_is "$("$PYTHON3" -c 'import json,sys
print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["result"])' "$audit")" "ok" \
    "the audit line says ok"

# ---- 5. a policy without the autoscaling reads: the part is refused, the rest goes on ----------
proxy_config '{"behaviours": "+iam", "emu": {"iam": {"allow": ["ecs:*", "elasticloadbalancing:*",
  "cloudwatch:*", "logs:*", "cloudfront:*", "ecr:*", "sts:*"]}}}' >/dev/null
run status --cluster prod --service web
tap_is "$?" 0 "status --service without application-autoscaling reads still exits 0"
tap_grep "$(cat "$err")" 'scaling: no permission: application-autoscaling:Describe' \
    "stderr names the refused autoscaling read"
proxy_reset
run scale --cluster prod --service web --count 3 --yes
tap_is "$?" 0 "scale without application-autoscaling reads still scales"
tap_grep "$(cat "$out")" 'Warning +the auto scaling bounds could not be read' "and says the bounds are unknown"
tap_is "$(ops)" "UpdateService=1" "only UpdateService is sent"
run whoami --check --cluster prod
tap_is "$(grep -E '^denied ' "$out" | awk '{print $2}' | sort | tr '\n' ' ')" \
    "application-autoscaling:DescribeScalableTargets application-autoscaling:DescribeScalingActivities application-autoscaling:DescribeScalingPolicies " \
    "whoami --check names the three autoscaling reads as refused"
proxy_config '{"behaviours": "-iam"}' >/dev/null

tap_done
