#!/usr/bin/env bash
# The JSON key contract (doc/json-output.md "Always there": every key listed is present, a
# value AWS did not send is null, never omitted, except the keys marked optional). The key
# lists are read from the doc itself by tests/cli/json_doc_keys.py, so a key documented but
# not printed (or printed under another name) fails here. Checked on the seeded world for
# whoami, clusters, status (services, tasks, targets, alarms, distributions), distributions,
# metrics, revisions, invalidations and deployments.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

doc=$ONDECK_SRCDIR/doc/json-output.md
checker=$ONDECK_SRCDIR/tests/cli/json_doc_keys.py
moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"
wj() { "$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$world" "$1"; }
DIST=$(wj 'w["distributions"][0]["id"]')
"$PYTHON3" - "$DIST" <<'PY' || tap_bail "creating an invalidation failed"
import boto3, os, sys
cf = boto3.client("cloudfront", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
cf.create_invalidation(DistributionId=sys.argv[1], InvalidationBatch={
    "Paths": {"Quantity": 1, "Items": ["/index.html"]}, "CallerReference": "json-contract"})
PY

# The schema read from the doc has what the doc's tables list (so a change of the doc's
# layout cannot silently empty the check).
schema=$("$PYTHON3" "$checker" "$doc" schema)
sk() { "$PYTHON3" -c 'import json,sys; s=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" <<<"$schema"; }
tap_is "$(sk 'sorted(s["whoami"])')" "['Account', 'Arn', 'Checks', 'CredentialSource', 'Profile', 'Region', 'UserId']" \
    "the doc's whoami keys are read"
tap_ok '[ "$(sk "len(s[\"task\"])")" -ge 15 ]' "the doc's task keys are read ($(sk 'len(s["task"])'))"
tap_is "$(sk '[k for k in ("healthStatus", "startedBy", "stopCode") if k in s["task"]]')" \
    "['healthStatus', 'startedBy', 'stopCode']" "including healthStatus, startedBy and stopCode"
tap_is "$(sk 'sorted(s["service"]["deployments[]"]["items"])')" \
    "['createdAt', 'desiredCount', 'failedTasks', 'id', 'pendingCount', 'rolloutState', 'rolloutStateReason', 'runningCount', 'status', 'taskDefinition', 'updatedAt']" \
    "the keys of a deployment are read from the meaning column"
tap_is "$(sk '[k for k, v in s["service"]["deployments[]"]["items"].items() if v["optional"]]')" \
    "['createdAt', 'updatedAt']" "and only createdAt and updatedAt are optional"
tap_is "$(sk 's["service"]["metrics"]["keys"]')" \
    "['CPUUtilization', 'MemoryUtilization', 'RequestCount', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime']" \
    "the service's metric series"
tap_is "$(sk 'sorted(s["clusters"]["clusters[]"]["items"])')" \
    "['activeServicesCount', 'clusterArn', 'clusterName', 'pendingTasksCount', 'registeredContainerInstancesCount', 'runningTasksCount', 'status']" \
    "the cluster keys"

check()
{
    local kind=$1 desc=$2 problems rc
    shift 2
    "$ONDECK" "$@" --json >"$TAP_TMPDIR/$kind.json" 2>"$TAP_TMPDIR/$kind.err" </dev/null
    rc=$?
    tap_is "$rc" 0 "$desc exits 0" || tap_diag "$(cat "$TAP_TMPDIR/$kind.err")"
    problems=$("$PYTHON3" "$checker" "$doc" check "$kind" "$TAP_TMPDIR/$kind.json" 2>"$TAP_TMPDIR/$kind.count")
    tap_is "$problems" "" "$desc: every documented key is present with its type ($(tr -d '#' <"$TAP_TMPDIR/$kind.count"))"
}

check whoami "whoami --json" whoami
check clusters "clusters --json" clusters
check status "status --json (prod)" status --cluster prod
cp "$TAP_TMPDIR/status.json" "$TAP_TMPDIR/status-prod.json"
check status "status --json (legacy, EC2 and bridge networking)" status --cluster legacy
check distributions "distributions --json" distributions
check metrics "metrics --json (web, with a load balancer)" metrics --cluster prod --service web
check metrics "metrics --json (worker, no load balancer)" metrics --cluster prod --service worker
check revisions "revisions --json" revisions --cluster prod --service web
check invalidations "invalidations --json" invalidations --distribution "$DIST"
check deployments "deployments --json" deployments --cluster prod --service web

# The check would see a key gone or a null dropped: remove one of each from real output.
"$PYTHON3" - "$TAP_TMPDIR/status-prod.json" "$TAP_TMPDIR/broken.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["services"][0]["tasks"][0]["healthStatus"]
d["services"][0]["deployments"][0].pop("rolloutStateReason", None)
d["services"][0]["desiredCount"] = None
json.dump(d, open(sys.argv[2], "w"))
PY
got=$("$PYTHON3" "$checker" "$doc" check status "$TAP_TMPDIR/broken.json" 2>/dev/null)
tap_like "$got" "tasks\[0\]: key 'healthStatus' is missing" "the checker sees a task key left out"
tap_like "$got" "deployments\[0\]: key 'rolloutStateReason' is missing" "and a deployment key left out"
tap_like "$got" "desiredCount: null is not number" "and a null where the doc promises a number"
tap_ok '[ "$("$PYTHON3" -c "import json,sys; print(len(json.load(open(sys.argv[1]))[\"services\"][0][\"tasks\"]))" "$TAP_TMPDIR/status-prod.json")" -ge 1 ]' \
    "status had tasks to check"
tap_ok '[ "$("$PYTHON3" -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$TAP_TMPDIR/invalidations.json")" -ge 1 ]' \
    "invalidations had an invalidation to check"

tap_done
