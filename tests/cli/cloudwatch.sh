#!/usr/bin/env bash
# CloudWatch attribution against moto through the AWS-behaviour layer: `--cluster` given as a
# cluster ARN still queries the ClusterName dimension by the cluster's name (CPU values are
# shown), and an alarm built on metric math (MetricAlarm.Metrics[] with MetricStat
# dimensions, no Dimensions of its own) is attributed to the service its metrics name.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size small >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err

py()
{
    "$PYTHON3" - "$1" <<'PY'
import boto3, os, sys
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecs, cw = boto3.client("ecs", **kw), boto3.client("cloudwatch", **kw)
print(eval(sys.argv[1]))
PY
}

arn=$(py 'ecs.describe_clusters(clusters=["prod"])["clusters"][0]["clusterArn"]')
tap_like "$arn" '^arn:aws:ecs:us-east-1:[0-9]{12}:cluster/prod$' "the prod cluster's ARN ($arn)"

# A metric-math alarm on worker's CPU: no Dimensions of its own, only in Metrics[].
"$PYTHON3" - <<'PY' || tap_bail "seeding the metric-math alarm failed"
import boto3, os
cw = boto3.client("cloudwatch", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
cw.put_metric_alarm(
    AlarmName="worker-cpu-math", EvaluationPeriods=3, DatapointsToAlarm=2, Threshold=150.0,
    ComparisonOperator="GreaterThanThreshold", TreatMissingData="missing", ActionsEnabled=False,
    Metrics=[{"Id": "m1", "ReturnData": False,
              "MetricStat": {"Metric": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
                                        "Dimensions": [{"Name": "ClusterName", "Value": "prod"},
                                                       {"Name": "ServiceName", "Value": "worker"}]},
                             "Period": 60, "Stat": "Average"}},
             {"Id": "e1", "Expression": "m1 * 2", "Label": "CPU doubled", "ReturnData": True}])
cw.set_alarm_state(AlarmName="worker-cpu-math", StateValue="ALARM",
                   StateReason="Threshold Crossed: metric math above 150")
PY
tap_is "$(py '[a.get("Dimensions") for a in cw.describe_alarms(AlarmNames=["worker-cpu-math"])["MetricAlarms"]]')" \
    "[[]]" "moto answers the metric-math alarm without top-level Dimensions"

# jq-like reads of status --json: j 'expression over d'.
j() { "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$out" "$1"; }
svc() { printf '[s for s in d["services"] if s["serviceName"] == "%s"][0]' "$1"; }

"$ONDECK" --cluster "$arn" status --json >"$out" 2>"$err"
tap_is "$?" 0 "status --json --cluster ARN exits 0" || tap_diag "$(cat "$err")"
tap_ok '[ "$(j "len([p for p in $(svc web)[\"metrics\"].get(\"CPUUtilization\") or [] if p is not None])")" -gt 0 ]' \
    "with --cluster ARN, web's CPUUtilization has values (ClusterName=prod, not the ARN)"
tap_is "$(j "sorted(a['alarmName'] for a in $(svc worker)['alarms'])")" \
    "['worker-cpu-math', 'worker-memory-high']" \
    "the metric-math alarm is attributed to worker by its metric's dimensions"
tap_is "$(j "sorted(a['alarmName'] for a in $(svc web)['alarms'])")" "['web-cpu-high']" \
    "and not to web, whose ClusterName=prod alarm matches the cluster given as an ARN"

"$ONDECK" --cluster "$arn" status >"$out" 2>"$err"
tap_like "$(grep '^worker ' "$out")" ' 1$' "status shows worker with 1 alarm firing"

"$ONDECK" --cluster "$arn" metrics --service web >"$out" 2>"$err"
tap_is "$?" 0 "metrics --cluster ARN exits 0" || tap_diag "$(cat "$err")"
tap_like "$(grep '^CPUUtilization ' "$out")" '^CPUUtilization +[0-9]+\.[0-9]+ +[0-9.]+ +[0-9.]+ +1[0-9]$' \
    "metrics --cluster ARN shows CPU values with their points"
tap_done
