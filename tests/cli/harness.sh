#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034 # tap_ok conditions in single quotes are eval'd later
# Proves the test harness itself (not ondeck): moto on a private port, the seeded world, and
# tests/lib/awsproxy.py's signature checking, fault injection and counters, driven through
# boto3 and the AWS CLI. TAP output.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

: "${ONDECK_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PYTHON3:=python3}"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

tap_require_moto

moto_start || tap_bail "moto did not start"
tap_like "$MOTO_URL" '^http://127\.0\.0\.1:[0-9]+$' "moto listens on a private loopback port"
tap_is "$AWS_ACCESS_KEY_ID:$AWS_REGION:$AWS_EC2_METADATA_DISABLED" \
    "AKIDONDECKTEST:us-east-1:true" "fake credentials and region exported"
tap_ok '[[ $AWS_CONFIG_FILE == "$TAP_TMPDIR"/* && $HOME == "$TAP_TMPDIR"/* ]]' \
    "AWS config and HOME are isolated in the test's temp dir"

world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" 2>"$TAP_TMPDIR/seed.err"
tap_ok $? "seed_world --size small succeeds" || tap_diag "$(cat "$TAP_TMPDIR/seed.err")"
summary=$("$PYTHON3" -c 'import json, sys
w = json.load(open(sys.argv[1]))
print(" ".join(c["name"] for c in w["clusters"]),
      " ".join(s["cluster"] + "/" + s["name"] for s in w["services"]),
      len(w["distributions"]), [a["name"] for a in w["alarms"] if a["state"] == "ALARM"][0],
      sep="|")' "$world" 2>&1)
tap_is "$summary" "prod legacy|legacy/legacy-web prod/web prod/api prod/worker|2|api-5xx-high" \
    "seed summary lists clusters, services, distributions and the firing alarm"

proxy_start || tap_bail "awsproxy did not start"
tap_is "$AWS_ENDPOINT_URL" "$PROXY_URL" "AWS_ENDPOINT_URL points at the proxy"

# One Python run does the boto3 calls; each line of its output is "name<TAB>value".
probe()
{
    "$PYTHON3" - "$world" "$@" <<'PY'
import json, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

world = json.load(open(sys.argv[1]))
mode = sys.argv[2]
cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})

def client(name, secret=None, akid=None, token=None):
    kw = {}
    if secret:
        kw = dict(aws_access_key_id=akid or "AKIDONDECKTEST", aws_secret_access_key=secret,
                  aws_session_token=token)
    return boto3.client(name, config=cfg, **kw)

def outcome(fn):
    try:
        fn()
        return "ok"
    except ClientError as e:
        return "%s %s" % (e.response["ResponseMetadata"]["HTTPStatusCode"],
                          e.response["Error"]["Code"])

def say(name, value):
    print("%s\t%s" % (name, value))

if mode == "good":
    say("ecs", " ".join(sorted(a.rsplit("/", 1)[1] for a in
                               client("ecs").list_clusters()["clusterArns"])))
    web = [s for s in world["services"] if s["name"] == "web"][0]
    svc = client("ecs").describe_services(cluster="prod", services=["web"])["services"][0]
    say("ecs-describe", "%s %s" % (svc["serviceName"], svc["desiredCount"]))
    tasks = client("ecs").describe_tasks(cluster="prod", tasks=web["tasks"])["tasks"]
    say("tasks", " ".join(sorted({t["lastStatus"] + ":" + t["group"] for t in tasks})))
    th = client("elbv2").describe_target_health(TargetGroupArn=web["target_group_arn"])
    say("elbv2", " ".join(sorted(d["TargetHealth"]["State"]
                                 for d in th["TargetHealthDescriptions"])))
    alarms = client("cloudwatch").describe_alarms(StateValue="ALARM")["MetricAlarms"]
    say("cloudwatch", " ".join(a["AlarmName"] for a in alarms))
    ev = client("logs").filter_log_events(logGroupName="/ecs/web", filterPattern='"500"')
    say("logs", "yes" if ev["events"] else "no")
    dl = client("cloudfront").list_distributions()["DistributionList"]
    say("cloudfront", dl["Quantity"])
    say("query-string", outcome(lambda: client("cloudfront").list_invalidations(
        DistributionId=world["distributions"][0]["id"], MaxItems="5", Marker="a b/c")))
    sts = client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/ops-readonly",
                                    RoleSessionName="ondeck-test")["Credentials"]
    say("assumed", outcome(lambda: client("ecs", sts["SecretAccessKey"], sts["AccessKeyId"],
                                          sts["SessionToken"]).list_clusters()))
elif mode == "bad":
    say("ecs", outcome(lambda: client("ecs", "wrong-secret").list_clusters()))
    say("elbv2", outcome(lambda: client("elbv2", "wrong-secret").describe_target_groups()))
    say("cloudfront", outcome(lambda: client("cloudfront", "wrong-secret").list_distributions()))
    say("unknown-key", outcome(lambda: client("ecs", "x", "AKIDUNKNOWN").list_clusters()))
elif mode == "throttle":
    say("ecs", outcome(lambda: client("ecs").list_clusters()))
    say("elbv2", outcome(lambda: client("elbv2").describe_load_balancers()))
    say("cloudwatch", outcome(lambda: client("cloudwatch").describe_alarms()))
elif mode == "rate":
    n = int(sys.argv[3])
    ecs = client("ecs")
    say("pattern", "".join("T" if outcome(ecs.list_clusters) != "ok" else "." for _ in range(n)))
PY
}
field() { printf '%s\n' "$1" | awk -F '\t' -v k="$2" '$1 == k { print $2 }'; }

out=$(probe good 2>&1)
tap_is "$(field "$out" ecs)" "legacy prod" "signed ECS (awsJson) call passes the verifier"
tap_is "$(field "$out" ecs-describe)" "web 2" "DescribeServices through the proxy"
tap_is "$(field "$out" tasks)" "RUNNING:service:web" \
    "seeded tasks stay RUNNING and attribute to their service"
tap_is "$(field "$out" elbv2)" "healthy healthy" "signed ELBv2 (awsQuery) call passes"
tap_is "$(field "$out" cloudwatch)" "api-5xx-high" "signed CloudWatch (JSON 1.0) call passes"
tap_is "$(field "$out" logs)" "yes" "signed Logs call passes and finds seeded events"
tap_is "$(field "$out" cloudfront)" "2" "signed CloudFront (restXml, path) call passes"
tap_is "$(field "$out" query-string)" "ok" "a query string with space and slash verifies"
tap_is "$(field "$out" assumed)" "ok" "temporary credentials from STS AssumeRole verify"
[ -n "$(field "$out" ecs)" ] || tap_diag "$out"

if command -v aws >/dev/null 2>&1; then
    cli=$(aws ecs list-clusters --output text 2>&1)
    tap_like "$cli" 'cluster/prod' "AWS CLI call through the proxy passes"
else
    tap_skip "AWS CLI call through the proxy passes" "aws CLI not installed"
fi

out=$(probe bad 2>&1)
tap_is "$(field "$out" ecs)" "403 InvalidSignatureException" \
    "wrong secret: JSON service gets 403 InvalidSignatureException"
tap_is "$(field "$out" elbv2)" "403 SignatureDoesNotMatch" \
    "wrong secret: query service gets 403 SignatureDoesNotMatch"
tap_is "$(field "$out" cloudfront)" "403 SignatureDoesNotMatch" \
    "wrong secret: restXml service gets 403 SignatureDoesNotMatch"
tap_is "$(field "$out" unknown-key)" "403 UnrecognizedClientException" \
    "unknown access key is rejected"
tap_ok 'grep -q "SIGNATURE MISMATCH ecs:ListClusters" "$PROXY_LOG"' \
    "the proxy log records the mismatch with the expected canonical request"

stats=$(proxy_stats)
counts=$("$PYTHON3" -c 'import json, sys
s = json.loads(sys.argv[1])
print(s["signature_failures"], s["by_operation"].get("ecs:ListClusters"),
      s["by_operation"].get("elasticloadbalancing:DescribeTargetHealth"),
      s["by_operation"].get("cloudfront:ListDistributions"))' "$stats" 2>&1)
tap_is "$counts" "4 5 1 2" "stats count signature failures and requests per operation"
rm -f "$TAP_TMPDIR/proxy-stats.json"
stats=$(proxy_stats)
tap_is "$("$PYTHON3" -c 'import json, sys
print(json.load(open(sys.argv[1]))["by_operation"] == json.loads(sys.argv[2])["by_operation"])' \
    "$TAP_TMPDIR/proxy-stats.json" "$stats" 2>&1)" True \
    "GET /__proxy/stats (re)writes the stats file with the counters it answers"
proxy_reset
tap_like "$(proxy_stats)" '"requests": 0' "POST /__proxy/reset zeroes the counters"

proxy_start --throttle 1.0 --seed 7 || tap_bail "awsproxy (throttle) did not start"
out=$(probe throttle 2>&1)
tap_is "$(field "$out" ecs)" "400 ThrottlingException" \
    "--throttle 1.0: JSON service gets ThrottlingException"
tap_is "$(field "$out" elbv2)" "400 Throttling" "--throttle 1.0: query service gets Throttling"
tap_is "$(field "$out" cloudwatch)" "400 Throttling" \
    "--throttle 1.0: CloudWatch JSON error carries the query-compatible code"

proxy_config '{"throttle": 1.0, "only": "^elasticloadbalancing:"}' >/dev/null
out=$(probe throttle 2>&1)
tap_is "$(field "$out" ecs)/$(field "$out" elbv2)" "ok/400 Throttling" \
    "--only limits faults to matching operations"

proxy_config '{"throttle": 0.3, "only": null, "seed": 42}' >/dev/null
first=$(field "$(probe rate 40 2>&1)" pattern)
proxy_reset
second=$(field "$(probe rate 40 2>&1)" pattern)
tap_like "$first" '^[.T]{40}$' "--throttle 0.3 throttles some calls"
tap_ok '[[ $first == *T* && $first == *.* ]]' "a 0.3 rate gives a mix of throttled and passed calls"
tap_is "$second" "$first" "the same seed gives the same fault sequence"

proxy_config '{"throttle": 0, "fault_503": 1.0}' >/dev/null
out=$(probe throttle 2>&1)
tap_is "$(field "$out" ecs)" "503 ServiceUnavailableException" "--fault-503 answers 503"

pid=$MOTO_PID ppid_=$PROXY_PID
proxy_stop
moto_stop
tap_ok '! kill -0 "$pid" 2>/dev/null && ! kill -0 "$ppid_" 2>/dev/null' \
    "moto_stop and proxy_stop leave no process behind"
tap_done
