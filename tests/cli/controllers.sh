#!/usr/bin/env bash
# Services with the CODE_DEPLOY and EXTERNAL deployment controllers (their versions are task
# sets, not deployments; ECS API Reference, TaskSet and UpdateService), against moto through
# the AWS-behaviour layer (ecs-controllers): status text and JSON show the task sets; deploy and
# rollback refuse before sending any mutation (exit 2, naming the controller and what to use);
# scale works and its --wait follows the task sets; watch never calls such a service's
# rollout "gone"; a STABILIZING task set holds the verdict back.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
export ONDECK_WATCH_INTERVAL_MS=200

# Seed with boto3 straight to moto: a CODE_DEPLOY service "cd" with two task sets (web:2
# PRIMARY, web:1 ACTIVE) and an EXTERNAL one "ext" with one (tests/cli/controllers_seed.py).
AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/controllers_seed.py" ||
    tap_bail "seeding failed"

run()
{
    "$ONDECK" "$@" >"$out" 2>"$err" </dev/null
}

mutations()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
ops = json.load(sys.stdin)["by_operation"]
print(sum(n for op, n in ops.items() if op.split(":")[1] in
      ("RegisterTaskDefinition", "UpdateService", "CreateTaskSet", "UpdateTaskSet")))'
}

# 1. The behaviour: AWS refuses a task definition change of such services.
AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" - >"$out" 2>&1 <<'PY'
import boto3
ecs = boto3.client("ecs")
for svc in ("cd", "ext"):
    try:
        ecs.update_service(cluster="ctl", service=svc, taskDefinition="web:1")
        print(svc, "accepted")
    except ecs.exceptions.InvalidParameterException as e:
        print(svc, "refused:", e.response["Error"]["Message"])
s = ecs.describe_services(cluster="ctl", services=["cd"])["services"][0]
print("deployments", len(s["deployments"]), "taskdef", s["taskDefinition"].split("/")[-1],
      "computed", sorted(t["computedDesiredCount"] for t in s["taskSets"]),
      "running", sorted(t["runningCount"] for t in s["taskSets"]))
PY
tap_grep "$(cat "$out")" '^cd refused: Unable to update task definition on services with a CODE_DEPLOY deployment controller\. Use AWS CodeDeploy to trigger a new deployment\.$' \
    "UpdateService taskDefinition on a CODE_DEPLOY service: AWS's InvalidParameterException"
tap_grep "$(cat "$out")" '^ext refused: Unable to update task definition on services with an EXTERNAL deployment controller' \
    "UpdateService taskDefinition on an EXTERNAL service is refused too"
tap_grep "$(cat "$out")" '^deployments 0 taskdef web:2 computed \[2, 2\] running \[2, 2\]$' \
    "DescribeServices: still on the PRIMARY set's web:2, no deployments, task sets with counts"

# 2. status (text): the task sets in place of a rollout state.
run status --cluster ctl
tap_is "$?" 0 "status exits 0"
tap_grep "$(cat "$out")" '^cd .* STEADY_STATE\+' "the services line shows the PRIMARY set's state, + for a second set"
tap_grep "$(cat "$out")" '^  CODE_DEPLOY deployment controller, 2 task sets$' "cd is named a CODE_DEPLOY service with 2 task sets"
tap_grep "$(cat "$out")" '^    task set PRIMARY +web:2 +2/2 running, 0 pending, scale 100 PERCENT, STEADY_STATE \(d-GREEN2\)$' \
    "the PRIMARY task set: revision, counts, scale, stability, CodeDeploy deployment id"
tap_grep "$(cat "$out")" '^    task set ACTIVE +web:1 +2/2 running' "the ACTIVE task set"
tap_grep "$(cat "$out")" '^  EXTERNAL deployment controller, 1 task set$' "ext is named an EXTERNAL service"
tap_grep "$(cat "$out")" '\(mytool-7\)$' "the EXTERNAL set's externalId"

# 3. status --json
run status --cluster ctl --json
tap_is "$?" 0 "status --json exits 0"
tap_is "$("$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))
s = {x["serviceName"]: x for x in d["services"]}
cd, ext = s["cd"], s["ext"]
p = [t for t in cd["taskSets"] if t["status"] == "PRIMARY"][0]
print(cd["deploymentController"], len(cd["taskSets"]), p["taskDefinition"].split("/")[-1],
      p["computedDesiredCount"], p["runningCount"], p["pendingCount"], p["scale"],
      p["stabilityStatus"], p["externalId"], p["launchType"], p["taskSetArn"].split(":")[5][:9],
      ext["deploymentController"], len(ext["taskSets"]), cd["deployments"])' "$out")" \
    "CODE_DEPLOY 2 web:2 2 2 0 {'value': 100, 'unit': 'PERCENT'} STEADY_STATE d-GREEN2 FARGATE task-set/ EXTERNAL 1 []" \
    "JSON: deploymentController and taskSets with AWS's member names"

# 4. deploy and rollback refuse, before any mutation.
proxy_reset
run deploy --cluster ctl --service cd --image app=nginx:1.9 --yes
tap_is "$?" 2 "deploy of a CODE_DEPLOY service exits 2"
tap_grep "$(cat "$err")" 'CODE_DEPLOY deployment controller: use AWS CodeDeploy \(aws deploy create-deployment\) to deploy; ondeck cannot change the task definition of a CODE_DEPLOY service' \
    "deploy names the controller and what to use instead"
tap_nogrep "$(cat "$out")" 'gone' "deploy does not speak of a deployment gone"
run deploy --cluster ctl --service cd --force --yes
tap_is "$?" 2 "deploy --force of a CODE_DEPLOY service exits 2"
run rollback --cluster ctl --service cd --yes
tap_is "$?" 2 "rollback of a CODE_DEPLOY service exits 2"
tap_grep "$(cat "$err")" 'use AWS CodeDeploy \(aws deploy create-deployment\)' "rollback says to use CodeDeploy"
run deploy --cluster ctl --service ext --image app=nginx:1.9 --yes
tap_is "$?" 2 "deploy of an EXTERNAL service exits 2"
tap_grep "$(cat "$err")" 'EXTERNAL deployment controller: create a task set with your deployment tool \(aws ecs create-task-set\)' \
    "deploy of an EXTERNAL service says to create a task set"
run rollback --cluster ctl --service ext --revision 1 --yes
tap_is "$?" 2 "rollback of an EXTERNAL service exits 2"
tap_grep "$(cat "$err")" 'EXTERNAL deployment controller: create a task set' \
    "rollback of an EXTERNAL service says to create a task set"
tap_is "$(mutations)" 0 "the proxy saw no RegisterTaskDefinition or UpdateService"

# 5. scale is allowed (UpdateService desiredCount is) and --wait follows the task sets.
run scale --cluster ctl --service cd --count 4 --yes --wait --timeout 30
tap_is "$?" 0 "scale --wait of a CODE_DEPLOY service exits 0"
tap_grep "$(cat "$out")" '^COMPLETED: task sets steady \(CODE_DEPLOY\): PRIMARY web:2 4/4 STEADY_STATE; ACTIVE web:1 4/4 STEADY_STATE$' \
    "the watch ends on the steady task sets at the new count"
tap_nogrep "$(cat "$out")" 'gone|not in the service' "the watch never calls the rollout gone"
tap_is "$(AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c 'import boto3
print(boto3.client("ecs").describe_services(cluster="ctl", services=["cd"])["services"][0]["desiredCount"])')" \
    4 "moto has the new desired count"

# 6. watch: steady -> COMPLETED; a STABILIZING set -> no verdict (timeout, exit 3), never gone.
run watch --cluster ctl --service ext --timeout 20
tap_is "$?" 0 "watch of a steady EXTERNAL service exits 0"
tap_grep "$(cat "$out")" '^COMPLETED: task sets steady \(EXTERNAL\): PRIMARY|^COMPLETED: task sets steady \(EXTERNAL\): ACTIVE' \
    "watch reports the EXTERNAL service's task set steady"
proxy_config '{"emu": {"ecs-controllers": {"stabilizing": ["d-GREEN2"]}}}' >/dev/null
run watch --cluster ctl --service cd --timeout 2
tap_is "$?" 3 "watch while a task set is STABILIZING times out (exit 3)"
tap_grep "$(cat "$out")" 'task sets not steady: PRIMARY web:2 0/4 STABILIZING' "the timeout names the settling task set"
tap_nogrep "$(cat "$out")" 'gone|FAILED' "no FAILED, no deployment gone"
proxy_config '{"emu": {"ecs-controllers": {"stabilizing": []}}}' >/dev/null

tap_done
