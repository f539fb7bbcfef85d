#!/usr/bin/env bash
# The harness is as strict as AWS where moto is not: paging (page sizes, opaque tokens bound to
# their request), batch limits, session tokens and regions, checked with boto3 through the
# proxy. Each check names the AWS behaviour it stands for, so a harness that grows kinder
# fails here first.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size 23 --metric-services 0 --no-logs >"$TAP_TMPDIR/world.json" ||
    tap_bail "seeding failed"

probe() {
    "$PYTHON3" - "$PROXY_URL" "$TAP_TMPDIR/world.json" <<'PY'
import json, sys, time
import boto3
from botocore.exceptions import ClientError

url, world = sys.argv[1], json.load(open(sys.argv[2]))
kw = dict(endpoint_url=url, region_name="us-east-1")

def err(fn):
    try:
        fn()
        return "accepted"
    except ClientError as e:
        return f"{e.response['Error']['Code']}: {e.response['Error']['Message']}"

def say(key, value):
    print(f"{key}\t{value}")

ecs = boto3.client("ecs", **kw)
page = ecs.list_services(cluster="prod")
say("default-page", f"{len(page['serviceArns'])} {bool(page.get('nextToken'))}")
arns = [a for p in ecs.get_paginator("list_services").paginate(cluster="prod")
        for a in p["serviceArns"]]
prod = sum(1 for s in world["services"] if s["cluster"] == "prod")
say("all-pages", "same" if len(arns) == len(set(arns)) == prod else f"{len(arns)} of {prod}")
say("token-elsewhere", err(lambda: ecs.list_services(cluster="legacy",
                                                     nextToken=page["nextToken"])))
say("token-forged", err(lambda: ecs.list_services(cluster="prod", nextToken="eyJzIjo1MH0")))
say("max-101", err(lambda: ecs.list_services(cluster="prod", maxResults=101)))
say("describe-11", err(lambda: ecs.describe_services(cluster="prod", services=arns[:11])))
say("describe-10", len(ecs.describe_services(cluster="prod", services=arns[:10])["services"]))
elb = boto3.client("elbv2", **kw)
say("tg-21", err(lambda: elb.describe_target_groups(
    TargetGroupArns=[f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t{i}/"
                     f"{i:016x}" for i in range(21)])))
cw = boto3.client("cloudwatch", **kw)
q = [{"Id": f"q{i}", "MetricStat": {"Metric": {"Namespace": "AWS/ECS",
      "MetricName": "CPUUtilization"}, "Period": 60, "Stat": "Average"}} for i in range(501)]
say("metrics-501", err(lambda: cw.get_metric_data(MetricDataQueries=q,
                                                  StartTime=time.time() - 600,
                                                  EndTime=time.time())))
logs = boto3.client("logs", **kw)
logs.create_log_group(logGroupName="/strict/big")
logs.create_log_stream(logGroupName="/strict/big", logStreamName="s")
now = int(time.time() * 1000)
for b in range(3):
    logs.put_log_events(logGroupName="/strict/big", logStreamName="s", logEvents=[
        {"timestamp": now + b * 1000 + i, "message": "x" * 10000} for i in range(100)])
first = logs.filter_log_events(logGroupName="/strict/big")
total = sum(len(p["events"]) for p in
            logs.get_paginator("filter_log_events").paginate(logGroupName="/strict/big"))
size = sum(len(e["message"]) for e in first["events"])
say("logs-1mb", f"{size <= 1 << 20} {bool(first.get('nextToken'))} {total}")
PY
}
field() { printf '%s\n' "$1" | awk -F '\t' -v k="$2" '$1 == k { print $2 }'; }
out=$(probe 2>&1)
tap_is "$(field "$out" default-page)" "10 True" \
    "ListServices without maxResults answers 10 services and a nextToken"
tap_is "$(field "$out" all-pages)" same "the pages hold every service once"
tap_like "$(field "$out" token-elsewhere)" '^InvalidParameterException' \
    "a nextToken sent with other parameters is refused"
tap_like "$(field "$out" token-forged)" '^InvalidParameterException' "a made-up nextToken is refused"
tap_like "$(field "$out" max-101)" '^InvalidParameterException' "maxResults 101 is refused"
tap_is "$(field "$out" describe-11)" \
    "InvalidParameterException: service names can have at most 10 items." \
    "DescribeServices with 11 services: AWS's error"
tap_is "$(field "$out" describe-10)" 10 "DescribeServices with 10 services is answered"
tap_like "$(field "$out" tg-21)" "^ValidationError: You cannot describe more than '20' target groups" \
    "DescribeTargetGroups with 21 ARNs: AWS's error"
tap_like "$(field "$out" metrics-501)" '^ValidationError: .*500' \
    "GetMetricData with 501 queries: refused"
tap_is "$(field "$out" logs-1mb)" "True True 300" \
    "FilterLogEvents pages hold at most 1 MB, and the pages hold all 300 events"
# The three refused batches above count as requests that did not fit.
n=$("$PYTHON3" -c '
import json, sys
print(json.loads(sys.argv[1])["invalid_requests_total"])' "$(proxy_stats)")
tap_is "$n" 3 "the refused batches are counted as requests that did not fit (3)"
# Those were sent on purpose: the check at tap_done starts again from a new proxy.
proxy_stop
OD_PROXY_INVALID=0 OD_PROXY_INVALID_DIAG=
proxy_start || tap_bail "proxy did not restart"

# Session tokens: a temporary key needs its own token, a long-term key none.
read -r takid tsecret token < <(proxy_temp_creds strict) || tap_bail "no temporary credentials"
tok() {
    AWS_ACCESS_KEY_ID=$1 AWS_SECRET_ACCESS_KEY=$2 AWS_SESSION_TOKEN=$3 "$PYTHON3" -c '
import sys, boto3
from botocore.exceptions import ClientError
try:
    boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1").list_clusters()
    print("accepted")
except ClientError as e:
    print(e.response["Error"]["Code"], e.response["Error"]["Message"])' "$PROXY_URL"
}
tap_is "$(tok "$takid" "$tsecret" "$token")" accepted "temporary credentials with their token"
invalid="UnrecognizedClientException The security token included in the request is invalid."
tap_is "$(tok "$takid" "$tsecret" "")" "$invalid" "without their token: refused"
tap_is "$(tok "$takid" "$tsecret" "${token}x")" "$invalid" "with a mangled token: refused"
tap_is "$(tok "$ONDECK_TEST_AKID" "$ONDECK_TEST_SECRET" "made-up")" "$invalid" \
    "a long-term key with a token: refused"
tap_like "$(proxy_stats)" '"token_failures": 3' "the proxy counted the three"

# Regions: the endpoint is us-east-1's.
got=$("$PYTHON3" -c '
import sys, boto3
from botocore.exceptions import ClientError
try:
    boto3.client("ecs", endpoint_url=sys.argv[1], region_name="eu-west-1").list_clusters()
    print("accepted")
except ClientError as e:
    print(e.response["Error"]["Code"], e.response["Error"]["Message"])' "$PROXY_URL")
tap_like "$got" "^InvalidSignatureException Credential should be scoped to a valid region" \
    "ECS signed for eu-west-1 at the us-east-1 endpoint: refused"
tap_done
