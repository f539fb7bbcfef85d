#!/usr/bin/env bash
# Least-privilege roles (doc/iam.md), against moto through the layer's iam, ecs-tagging and
# cw-status behaviours: deploy without ecs:TagResource registers once more without tags (and
# never registers twice when the first registration succeeded); a read that is refused costs
# only its part (status exits 0, names the permission on stderr and in JSON); whoami --check
# lists what the policy refuses; a GetMetricData result with StatusCode Forbidden is an error.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
audit="$HOME/.local/state/ondeck/audit.jsonl"

run()
{
    "$ONDECK" "$@" >"$out" 2>"$err" </dev/null
}

# The allowed actions: everything ondeck uses, minus what the test names.
policy()
{
    "$PYTHON3" - "$@" <<'PY'
import json, sys
every = ["ecs:*", "elasticloadbalancing:*", "cloudwatch:*", "logs:*", "cloudfront:*",
         "ecr:*", "sts:*", "application-autoscaling:*"]
expand = {"ecs:*": ["ecs:" + op for op in (
              "DescribeClusters", "DescribeServices", "DescribeTasks", "DescribeTaskDefinition",
              "DescribeContainerInstances", "ListClusters", "ListServices", "ListTasks",
              "ListTaskDefinitions", "ListContainerInstances", "RegisterTaskDefinition",
              "UpdateService", "StopTask", "TagResource")],
          "elasticloadbalancing:*": ["elasticloadbalancing:DescribeTargetGroups",
                                     "elasticloadbalancing:DescribeTargetHealth",
                                     "elasticloadbalancing:DescribeLoadBalancers"],
          "cloudwatch:*": ["cloudwatch:GetMetricData", "cloudwatch:DescribeAlarms"],
          "logs:*": ["logs:FilterLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"]}
allow = []
for a in every:
    group = expand.get(a, [a])
    if any(d in group for d in sys.argv[1:]):
        allow += [g for g in group if g not in sys.argv[1:]]
    else:
        allow.append(a)
print(json.dumps({"behaviours": "+iam,+ecs-tagging", "emu": {"iam": {"allow": allow}}}))
PY
}

# proxy_stats fields: count OP (by_operation) or emu KEY.
count() { proxy_stats | "$PYTHON3" -c 'import json,sys
d = json.load(sys.stdin); k = sys.argv[1]
print(d["by_operation"].get(k, 0) if ":" in k and k[0].islower() and not k.startswith(("iam:", "ecs-tagging:", "cw-status:")) else d["emu"].get(k, 0))' "$1"; }

# Read moto with boto3: py 'expression using ecs'.
py()
{
    "$PYTHON3" - "$1" <<'PY'
import boto3, os, sys
ecs = boto3.client("ecs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
def revs(family):
    return ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"]
def tags(name):
    return {t["key"]: t["value"] for t in
            ecs.describe_task_definition(taskDefinition=name, include=["TAGS"]).get("tags", [])}
print(eval(sys.argv[1]))
PY
}

last_audit() { tail -n 1 "$audit" | "$PYTHON3" -c 'import json,sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# ---- deploy without ecs:TagResource --------------------------------------------------------
before=$(py 'len(revs("web"))')
proxy_config "$(policy ecs:TagResource)" >/dev/null
proxy_reset
run deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:1.28 --yes
tap_is "$?" 0 "deploy without ecs:TagResource exits 0" || tap_diag "$(cat "$err")"
tap_is "$(count ecs:RegisterTaskDefinition)" 2 \
    "exactly two RegisterTaskDefinition calls: one refused for its tags, one without"
tap_is "$(count ecs-tagging:denied)" 1 "the first registration was refused for ecs:TagResource"
tap_is "$(py 'len(revs("web"))')" $((before + 1)) "one new revision registered"
tap_is "$(py 'tags(revs("web")[-1])')" "{}" "the new revision carries no tags"
tap_grep "$(cat "$out")" 'registered without tags \(no permission: ecs:TagResource\)' \
    "the output says the revision was registered without tags"
tap_is "$(last_audit 'd["result"], d["after"].get("tags")')" \
    "('ok', 'omitted: no permission: ecs:TagResource')" "the audit entry says tags were omitted"
tap_is "$(count ecs:UpdateService)" 1 "one UpdateService"

# ---- deploy with the full policy tags, once ------------------------------------------------
proxy_config "$(policy)" >/dev/null
proxy_reset
run deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:1.29 --yes
tap_is "$?" 0 "deploy with ecs:TagResource exits 0" || tap_diag "$(cat "$err")"
tap_is "$(count ecs:RegisterTaskDefinition)" 1 "one RegisterTaskDefinition call"
tap_is "$(py 'tags(revs("web")[-1]).get("ondeck:deployed-by")')" \
    "arn:aws:sts::123456789012:user/moto" "the new revision is tagged ondeck:deployed-by"
tap_nogrep "$(cat "$out")" 'without tags' "the output says nothing of missing tags"

# ---- an assumed-role session name with "," (STS allows it, an ECS tag value does not) --------
read -r akid secret token < <("$PYTHON3" - <<'PY'
import boto3, os
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
iam = boto3.client("iam", **kw)
iam.create_role(RoleName="deployer", AssumeRolePolicyDocument="{}")
c = boto3.client("sts", **kw).assume_role(
    RoleArn="arn:aws:iam::123456789012:role/deployer", RoleSessionName="ci,run@42")["Credentials"]
print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
PY
)
# Assumed straight from moto: the proxy is told these are temporary (with their own token).
proxy_start --session-key "$akid:$secret:$token" || tap_bail "proxy did not restart"
AWS_ACCESS_KEY_ID=$akid AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token \
    run deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:1.29b --yes
tap_is "$?" 0 "deploy as an assumed role whose session name holds ',' exits 0" ||
    tap_diag "$(cat "$err")"
tap_is "$(py 'tags(revs("web")[-1]).get("ondeck:deployed-by")')" \
    "arn:aws:sts::123456789012:assumed-role/deployer/ci_run@42" \
    "ondeck:deployed-by holds the ARN with ',' replaced (ECS's TagValue pattern)"

# ---- deploy refused outright is not retried ------------------------------------------------
proxy_config "$(policy ecs:RegisterTaskDefinition)" >/dev/null
proxy_reset
run deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:1.30 --yes
deploy_rc=$?
tap_ok '[ "$deploy_rc" != 0 ]' "deploy without ecs:RegisterTaskDefinition fails" || tap_diag "$(cat "$out" "$err")"
tap_is "$(count ecs:RegisterTaskDefinition)" 1 "and sends RegisterTaskDefinition once"

# ---- refused reads cost only their part ----------------------------------------------------
# status_denied ACTION PART: status exits 0, prints every service, names the permission.
status_denied()
{
    local action=$1 part=$2 name missing=
    proxy_config "$(policy "$action")" >/dev/null
    run status --cluster prod
    tap_is "$?" 0 "status without $action exits 0"
    for name in $names; do
        grep -q "^$name " "$out" || missing+=" $name"
    done
    tap_is "$missing" "" "status without $action prints every service"
    tap_grep "$(cat "$err")" "no permission: $action" "stderr names $action"
    run status --cluster prod --json
    tap_is "$?" 0 "status --json without $action exits 0"
    tap_is "$("$PYTHON3" -c 'import json,sys; d = json.load(open(sys.argv[1]))
print(d.get("denied", {}).get(sys.argv[2]), d.get("stale", {}).get(sys.argv[2]),
      " ".join(s["serviceName"] for s in d["services"]))' "$out" "$part")" \
        "$action no permission: $action $names" \
        "the JSON names $action under denied.$part and stale.$part, with every service"
}
proxy_config "$(policy)" >/dev/null
run status --cluster prod --json
tap_is "$?" 0 "status with every permission exits 0"
names=$("$PYTHON3" -c 'import json,sys
print(" ".join(s["serviceName"] for s in json.load(open(sys.argv[1]))["services"]))' "$out")
tap_ok '[ -n "$names" ]' "the world has services ($names)"
status_denied cloudwatch:GetMetricData metrics
status_denied cloudwatch:DescribeAlarms alarms
status_denied elasticloadbalancing:DescribeTargetHealth targets
status_denied ecs:DescribeTasks tasks

# logs reads nothing else: refused, it fails and names the permission.
proxy_config "$(policy logs:FilterLogEvents)" >/dev/null
run logs --cluster prod --service web --since 10m
tap_is "$?" 1 "logs without logs:FilterLogEvents exits 1"
tap_grep "$(cat "$err")" 'not authorized to perform: logs:FilterLogEvents' \
    "and its error names logs:FilterLogEvents"

proxy_config "$(policy ecs:ListServices)" >/dev/null
run status --cluster prod
tap_is "$?" 1 "status without ecs:ListServices exits 1 (nothing to show)"
tap_grep "$(cat "$err")" "no permission: ecs:ListServices" "and names ecs:ListServices"

# ---- GetMetricData results with StatusCode Forbidden / InternalError -----------------------
proxy_config "$(policy)" >/dev/null
proxy_config '{"behaviours": "+cw-status", "emu": {"cw-status": {"metrics": {"CPUUtilization": "Forbidden"}}}}' >/dev/null
proxy_reset
run status --cluster prod --service web --json
tap_is "$?" 0 "status with CPUUtilization Forbidden exits 0" || tap_diag "$(cat "$err")"
tap_ok '[ "$(count cw-status:Forbidden)" -gt 0 ]' "the layer answered CPUUtilization Forbidden"
tap_is "$("$PYTHON3" -c 'import json,sys; s = json.load(open(sys.argv[1]))["services"][0]
print(s["metricErrors"].get("CPUUtilization"), "MemoryUtilization" in s["metricErrors"])' "$out")" \
    "Forbidden: You are not authorized to access this metric False" \
    "the JSON has CPUUtilization's error under metricErrors, and only that one"
tap_grep "$(cat "$err")" '^ondeck: metrics: web CPUUtilization: Forbidden: You are not authorized' \
    "stderr names the metric and its message"
run metrics --cluster prod --service web
tap_grep "$(cat "$out")" '^CPUUtilization +error: Forbidden: You are not authorized' \
    "metrics shows CPUUtilization as an error, not as no data"
tap_grep "$(cat "$out")" '^MemoryUtilization +[0-9]' "metrics still shows MemoryUtilization's data"
proxy_config '{"emu": {"cw-status": {"metrics": {"CPUUtilization": "InternalError"}}}}' >/dev/null
run status --cluster prod --service web
tap_is "$?" 1 "status with CPUUtilization InternalError exits 1"
tap_grep "$(cat "$err")" 'web CPUUtilization: InternalError: ' "stderr names the internal error"
proxy_config '{"behaviours": "-cw-status"}' >/dev/null

# ---- whoami --check ------------------------------------------------------------------------
proxy_config "$(policy)" >/dev/null
proxy_reset
run whoami --check --cluster prod
tap_is "$?" 0 "whoami --check with every permission exits 0" || tap_diag "$(cat "$out" "$err")"
tap_nogrep "$(cat "$out")" '^(denied|unknown) ' "whoami --check finds nothing refused"
tap_grep "$(cat "$out")" '^allowed +cloudwatch:GetMetricData$' "whoami --check tried GetMetricData"
tap_is "$(count monitoring:GetMetricData)" 1 "whoami --check calls GetMetricData once"
proxy_config "$(policy cloudwatch:GetMetricData logs:FilterLogEvents \
    elasticloadbalancing:DescribeTargetHealth)" >/dev/null
run whoami --check --cluster prod
tap_is "$?" 1 "whoami --check exits 1 when an action is refused"
tap_is "$(grep -E '^denied ' "$out" | awk '{print $2}' | sort | tr '\n' ' ')" \
    "cloudwatch:GetMetricData elasticloadbalancing:DescribeTargetHealth logs:FilterLogEvents " \
    "whoami --check lists exactly the refused actions"
tap_grep "$(cat "$err")" 'no permission: logs:FilterLogEvents' "stderr names each refused action"
tap_grep "$(cat "$out")" '^Account +123456789012$' "whoami --check still names the account"
run whoami --check --json --cluster prod
tap_is "$?" 1 "whoami --check --json exits 1 when an action is refused"
tap_is "$("$PYTHON3" -c 'import json,sys; d = json.load(open(sys.argv[1]))
print(d["Account"], sorted(c["Action"] for c in d["Checks"] if c["Result"] == "denied"),
      len(d["Checks"]) > 10)' "$out")" \
    "123456789012 ['cloudwatch:GetMetricData', 'elasticloadbalancing:DescribeTargetHealth', 'logs:FilterLogEvents'] True" \
    "whoami --check --json lists the refused actions under Checks"

tap_done
