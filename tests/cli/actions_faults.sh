#!/usr/bin/env bash
# Operator actions under injected faults: 30 % throttling (every action still completes, once),
# and lost responses (the proxy forwards RegisterTaskDefinition / UpdateService to moto, then
# resets the connection): ondeck reads the state back instead of blindly sending the mutation
# again, so a deploy still makes exactly one new revision and one service update.
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
    local rc=$?
    [ "$rc" = 0 ] || tap_diag "ondeck $* -> $rc: $(cat "$err")"
    return $rc
}

py()
{
    "$PYTHON3" - "$world" "$1" <<'PY'
import boto3, json, os, sys
w = json.load(open(sys.argv[1]))
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecs, cf = boto3.client("ecs", **kw), boto3.client("cloudfront", **kw)
def svc(name, cluster="prod"):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]
def revs(family):
    return ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"]
def short(arn):
    return arn.split("/")[-1]
print(eval(sys.argv[2]))
PY
}

stat_of()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
d = json.load(sys.stdin)
key = sys.argv[1]
print(d["by_operation"].get(key, 0) if ":" in key else d[key])' "$1"
}

# 1. 30 % throttling on everything, fixed seed. Standard mode gives up after 3 attempts (a
# 2.7 % chance per call at this rate); six attempts keep the run about the actions.
export AWS_MAX_ATTEMPTS=6
proxy_start --throttle 0.3 --seed 5 || tap_bail "proxy did not start"
run deploy --cluster prod --service web --image app=:1.40 --yes
tap_is "$?" 0 "deploy succeeds under 30 % throttling"
tap_is "$(py 'len(revs("web"))')" 4 "exactly one new revision"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:4" "the service is on it"
run rollback --cluster prod --service web --yes
tap_is "$?" 0 "rollback succeeds under throttling"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:3" "back on web:3"
run scale --cluster prod --service api --count 4 --yes
tap_is "$?" 0 "scale succeeds under throttling"
tap_is "$(py 'svc("api")["desiredCount"]')" 4 "desired count 4"
task=$("$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print([s for s in w["services"] if s["name"]=="web"][0]["task_ids"][0])' "$world")
run stop-task --cluster prod --task "$task" --reason throttled-stop --yes
tap_is "$?" 0 "stop-task succeeds under throttling"
tap_is "$(py "ecs.describe_tasks(cluster='prod', tasks=['$task'])['tasks'][0].get('stoppedReason')")" \
    "throttled-stop" "the task is stopped with its reason"
dist=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["distributions"][0]["id"])' "$world")
run invalidate --distribution "$dist" /a.html --wait --yes
tap_is "$?" 0 "invalidate --wait succeeds under throttling"
tap_is "$(py "cf.list_invalidations(DistributionId='$dist')['InvalidationList']['Quantity']")" 1 \
    "exactly one invalidation"
throttled=$(stat_of throttled)
tap_ok '[ "$throttled" -ge 3 ]' "the proxy throttled several requests ($throttled)"
tap_is "$(stat_of signature_failures)" 0 "retries were re-signed correctly"

unset AWS_MAX_ATTEMPTS

# 2. The RegisterTaskDefinition response is lost (applied upstream, connection reset).
proxy_start --lose-response 1 --only '^ecs:RegisterTaskDefinition$' || tap_bail "proxy restart"
run deploy --cluster prod --service web --image app=:1.41 --yes
tap_is "$?" 0 "deploy succeeds although the RegisterTaskDefinition response was lost"
tap_like "$(cat "$out")" 'confirmed by reading the state back' "and says it reconciled"
tap_is "$(py 'len(revs("web"))')" 5 "still exactly one new revision (web:5)"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:5" "the service is on the revision that was registered"
tap_is "$(stat_of ecs:RegisterTaskDefinition)" 1 "RegisterTaskDefinition was sent once"
tap_ok '[ "$(stat_of ecs:ListTaskDefinitions)" -ge 1 ]' "the revisions were read back (ListTaskDefinitions)"

# 3. The UpdateService response is lost.
proxy_start --lose-response 1 --only '^ecs:UpdateService$' || tap_bail "proxy restart"
run deploy --cluster prod --service web --image app=:1.42 --yes
tap_is "$?" 0 "deploy succeeds although the UpdateService response was lost"
tap_is "$(py 'len(revs("web"))')" 6 "exactly one new revision (web:6)"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:6" "the service is on it"
tap_is "$(stat_of ecs:UpdateService)" 1 "UpdateService was sent once (then read back)"
tap_ok '[ "$(stat_of ecs:DescribeServices)" -ge 2 ]' "the service was read back (DescribeServices)"
run rollback --cluster prod --service web --yes
tap_is "$?" 0 "rollback succeeds with a lost UpdateService response"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:5" "the service is on the previous revision"

# 4. The audit journal records the reconciled attempts as done.
tap_is "$("$PYTHON3" -c 'import json,sys; print([json.loads(l)["result"] for l in open(sys.argv[1])][-3:])' "$audit")" \
    "['ok', 'ok', 'ok']" "reconciled attempts are journaled as ok"
tap_done
