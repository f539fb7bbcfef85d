#!/bin/bash
# The console's mutation keys against moto through the signature-checking proxy, driven in
# tmux and checked with boto3: rollback to the previous revision in R + Enter + the
# confirmation (Tab Enter), then the rollout view; deploy a new image typed in the prompt
# (exactly one new revision); scale via the prompt; Cancel is the default (Enter at the dialog
# changes nothing); stop a task with a reason; invalidate in I + the confirmation with the
# paths of the config file, followed to COMPLETED; the audit journal has one line per
# attempt. Then --read-only: D R S K I are refused, the help marks them disabled, and the
# proxy saw no mutating request.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"
proxy_start || tap_bail "proxy did not start"

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
export ONDECK_WATCH_INTERVAL_MS=300 ONDECK_FOLLOW_INTERVAL_MS=300
unset NO_COLOR
audit="$HOME/.local/state/ondeck/audit.jsonl"

wj() { "$PYTHON3" -c "import json,sys; w=json.load(open(sys.argv[1])); print($1)" "$world"; }
API_TASK=$(wj '[s for s in w["services"] if s["name"] == "api"][0]["task_ids"][0]')
API_TASK2=$(wj '[s for s in w["services"] if s["name"] == "api"][0]["task_ids"][1]')
DIST=$(wj 'w["distributions"][0]["id"]')
mkdir -p "$XDG_CONFIG_HOME/ondeck"
printf '[distribution %s]\npaths = /index.html /assets/*\n' "$DIST" >"$XDG_CONFIG_HOME/ondeck/config"

# Read moto with boto3 (not through the proxy, so its counters only see ondeck).
py()
{
    "$PYTHON3" - "$1" <<'PY'
import boto3, os, sys
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecs, cf = boto3.client("ecs", **kw), boto3.client("cloudfront", **kw)
def svc(name, cluster="prod"):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]
def revs(family):
    return ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"]
def short(arn):
    return arn.split("/")[-1]
def image(td):
    return ecs.describe_task_definition(taskDefinition=td)["taskDefinition"]["containerDefinitions"][0]["image"]
print(eval(sys.argv[1]))
PY
}
mutations()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
ops = json.load(sys.stdin)["by_operation"]
print(sum(n for op, n in ops.items() if op.split(":")[1] in
      ("RegisterTaskDefinition", "UpdateService", "StopTask", "CreateInvalidation")))'
}
# audit_count ACTION RESULT: lines of the journal with that action and result.
audit_count()
{
    [ -f "$audit" ] || { echo 0; return; }
    "$PYTHON3" -c 'import json,sys
n = 0
for line in open(sys.argv[1]):
    j = json.loads(line)
    n += j["action"] == sys.argv[2] and j["result"] == sys.argv[3]
print(n)' "$audit" "$1" "$2"
}

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^worker ' 20 || tap_bail "the services did not show"
tmux_send '/'
tmux_type 'web'
tmux_send Enter
tmux_wait_for '^web ' 5

# ---- rollback: R, Enter, then the confirmation (Tab, Enter) --------------------------------
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:3" "web starts on web:3"
tmux_send R
wait_ok '▶ web:2 .*\[previous\]' "R opens the picker with the previous revision selected"
s=$(tmux_capture)
tap_grep "$s" 'web:3 .*\[current\] app=public\.ecr\.aws/nginx/nginx:1\.27' \
    "the picker lists revisions with their images, the current one marked"
tap_grep "$s" '\+ containerDefinitions\[app\]\.image = "public\.ecr\.aws/nginx/nginx:1\.26"' \
    "and the diff to the selected revision"
tmux_send Enter
wait_ok '\[ Cancel \] +\[ Roll back \]' "Enter asks for the confirmation"
s=$(tmux_capture)
tap_grep "$s" 'account +123456789012' "the dialog names the account"
tap_grep "$s" 'region +us-east-1' "the region"
tap_grep "$s" 'cluster +prod' "the cluster"
tap_grep "$s" 'target +service prod/web' "the service"
tap_grep "$s" 'task definition web:3 -> web:2' "and the change"
tmux_send Tab Enter
wait_ok 'Rollout · service web' "confirming opens the rollout watch"
wait_ok 'IN PROGRESS .*|deployment ecs-svc/' "which shows the rollout's state"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:2" \
    "boto3: the service is on the previous revision (2 keys + the confirmation)"
tap_is "$(audit_count rollback ok)" 1 "the audit journal has the rollback"
tap_is "$(py 'len(revs("web"))')" 3 "a rollback registers nothing"
tmux_wait_for 'Tasks of this deployment' 5
tmux_send q

# ---- deploy: a new image typed in the prompt ----------------------------------------------
tmux_wait_for '^web ' 5
tmux_send D
wait_ok 'new image for container app' "D opens the deploy choices"
tap_grep "$(tmux_capture)" 'force a new deployment' "force new deployment is offered"
tmux_send Enter
wait_ok 'image for app: public\.ecr\.aws/nginx/nginx:1\.26' \
    "Enter on the container prompts for its image, prefilled with the current one"
tmux_send C-u
tmux_type 'public.ecr.aws/nginx/nginx:1.99'
tmux_send Enter
wait_ok '\[ Cancel \] +\[ Deploy \]' "the image leads to the confirmation"
tap_grep "$(tmux_capture)" '\+ containerDefinitions\[app\]\.image = "public\.ecr\.aws/nginx/nginx:1\.99' \
    "which shows the diff"
tmux_send Tab Enter
wait_ok 'Rollout · service web' "the deploy opens the rollout watch"
tmux_wait_for 'deployment ecs-svc/' 10
tap_is "$(py 'len(revs("web"))')" 4 "boto3: exactly one new revision"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:4" "the service is on it"
tap_is "$(py 'image("web:4")')" "public.ecr.aws/nginx/nginx:1.99" "with the typed image"
tmux_send q

# ---- scale: Cancel is the default, then a real change ---------------------------------------
tmux_wait_for '^web ' 5
tmux_send S
wait_ok 'desired count for web, now 2: 2' "S prompts for the desired count, prefilled"
tmux_send Enter
wait_ok '\[ Cancel \] +\[ Scale \]' "the prompt leads to the confirmation"
tmux_send Enter
wait_ok 'scale cancelled; nothing was changed' "Enter at the dialog cancels (Cancel is the default)"
tap_is "$(py 'svc("web")["desiredCount"]')" 2 "boto3: nothing changed"
tap_is "$(audit_count scale declined)" 1 "the declined attempt is journaled"
tmux_send S
tmux_wait_for 'desired count for web' 5
tmux_send C-u
tmux_type '3'
tmux_send Enter
wait_ok 'desired count 2 -> 3' "the confirmation shows the new count"
tmux_send Tab Enter
wait_ok 'Rollout · service web' "scaling opens the rollout watch"
tap_is "$(py 'svc("web")["desiredCount"]')" 3 "boto3: desired count 3"
tmux_send q

# ---- stop a task with a reason ---------------------------------------------------------------
tmux_send ':'
tmux_type 'svc api'
tmux_send Enter
tmux_wait_for 'Service api · cluster prod' 10
tmux_wait_for "$API_TASK" 10
tmux_send w
wait_ok 'Rollout · service api' "w on a service watches its rollout"
wait_ok '▸ PRIMARY +IN_PROGRESS +api:[0-9]' "the deployment in progress, with its state and revision"
tap_grep "$(tmux_capture)" 'circuit breaker (on|off)' "and the circuit breaker"
tmux_send q
tmux_wait_for 'Service api · cluster prod' 5
tmux_send '/'
tmux_type "$API_TASK"
tmux_send Enter Enter
wait_ok "Task $API_TASK" "the task view"
tmux_send K
wait_ok 'reason for stopping task .*: stopped from ondeck' "K prompts for a reason, prefilled"
tmux_send C-u
tmux_type 'INC-7 memory leak'
tmux_send Enter
wait_ok '\[ Cancel \] +\[ Stop task \]' "then asks for the confirmation"
tap_grep "$(tmux_capture)" "target +task prod/$API_TASK" "naming the task"
tmux_send Tab Enter
wait_ok "task $API_TASK: stop requested" "the stop is reported"
r=$(py "[(t['desiredStatus'], t.get('stoppedReason')) for t in ecs.describe_tasks(cluster='prod', tasks=['$API_TASK'])['tasks']]")
tap_is "$r" "[('STOPPED', 'INC-7 memory leak')]" "boto3: the task is stopped with the reason"
tap_is "$(audit_count stop-task ok)" 1 "the audit journal has the stop"

# ---- invalidate: I and the confirmation -----------------------------------------------------
tmux_send ':'
tmux_type 'cf'
tmux_send Enter
tmux_wait_for "$DIST" 10
tmux_send '/'
tmux_type "$DIST"
tmux_send Enter
tmux_send I
wait_ok '\[ Cancel \] +\[ Invalidate \]' "I asks for the confirmation at once"
s=$(tmux_capture)
tap_grep "$s" "target +distribution $DIST" "naming the distribution"
tap_grep "$s" '/assets/\* /index\.html' "and the paths of [distribution ID] paths"
tmux_send Tab Enter
wait_ok "invalidation of $DIST: (COMPLETED|Completed)" "the invalidation is followed to completion" 15
INV=$(py "cf.list_invalidations(DistributionId='$DIST')['InvalidationList']['Items'][0]['Id']")
tap_is "$(py "sorted(cf.get_invalidation(DistributionId='$DIST', Id='$INV')['Invalidation']['InvalidationBatch']['Paths']['Items'])")" \
    "['/assets/*', '/index.html']" "boto3: the invalidation has the configured paths"
tap_is "$(audit_count invalidate ok)" 1 "the audit journal has the invalidation"
tmux_send Enter
wait_ok "Distribution $DIST" "the distribution view"
wait_ok "$INV +(COMPLETED|Completed) +[0-9-]+ [0-9:]+" "lists the new invalidation"

# ---- quitting while a mutation is on its way: a clean exit, and the journal says so ---------
# The proxy holds UpdateService for 4 s; C-c lands while it is out. Nobody is left to hear the
# answer, so the journal records the outcome as unknown (the request may have reached AWS)
# instead of losing it; under AddressSanitizer a dropped job would also show as a leak.
proxy_config '{"delay_ms": 4000, "only": "ecs:UpdateService"}' >/dev/null
tmux_send ':'
tmux_type 'svc web'
tmux_send Enter
tmux_wait_for 'Service web · cluster prod' 10
tmux_send S
tmux_wait_for 'desired count for web' 5
tmux_send C-u
tmux_type '4'
tmux_send Enter
wait_ok 'desired count 3 -> 4' "a scale to 4 is confirmed"
tmux_send Tab Enter
wait_ok 'scale: sending' "and on its way"
tmux_send C-c
tap_is "$(tmux_wait_exit 10)" 0 "C-c with the scale in flight quits with status 0"
tap_is "$(audit_count scale unknown)" 1 "the journal records the scale as outcome unknown"
tap_grep "$(tail -1 "$audit")" 'exited before AWS answered' "saying why"
proxy_config '{"delay_ms": 0, "only": null}' >/dev/null
tmux_stop

# ---- read-only: every mutation key is refused, nothing is sent ------------------------------
proxy_reset
before=$(wc -l <"$audit")
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod --read-only ||
    tap_bail "tmux did not start"
tmux_wait_for '^worker ' 20
tmux_send '/'
tmux_type 'web'
tmux_send Enter
for k in D R S; do
    name=$(case $k in D) echo deploy ;; R) echo rollback ;; S) echo scale ;; esac)
    tmux_send "$k"
    wait_ok "$name: refused, the console is read-only" "read-only: $k is refused"
done
tmux_send '?'
wait_ok 'deploy .*\(disabled: read-only\)' "the help marks the mutation keys as disabled"
tmux_send q
tmux_send ':'
tmux_type 'svc api'
tmux_send Enter
tmux_wait_for "$API_TASK2" 10
tmux_send '/'
tmux_type "$API_TASK2"
tmux_send Enter Enter
tmux_wait_for "Task $API_TASK2" 10
tmux_send K
wait_ok 'stop-task: refused, the console is read-only' "read-only: K is refused"
tmux_send ':'
tmux_type 'cf'
tmux_send Enter
tmux_wait_for "$DIST" 10
tmux_send I
wait_ok 'invalidate: refused, the console is read-only' "read-only: I is refused"
tap_is "$(mutations)" 0 "the proxy saw no mutating request"
tap_is "$(($(wc -l <"$audit") - before))" 5 "the journal has one refusal per key"
tap_grep "$(tail -1 "$audit")" '"result":"refused"' "marked refused"
tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "the read-only console exits 0"

tap_done
