#!/bin/bash
# The deployment cockpit's read side in the console, in tmux against moto through the
# AWS-behaviour layer (ecs-deployments): the rollout view's service-deployment section (`w` on
# a BLUE_GREEN service paused at its PAUSE hook: the stages with the current one marked, the
# hook awaiting action loudly with its expiry and timeoutAction, the revisions with
# running/pending/requested tasks and traffic weights; once continued, the bake time left), and
# the history view (`H`): the service's deployments newest first with outcome (a
# ROLLBACK_SUCCESSFUL among them), strategy, duration and the diff of the revisions moved
# between (tests/cli/history_drive.py, tests/cli/deployments_drive.py).
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
export HISTORY_STATE=$TAP_TMPDIR/history_state.json
clock()
{
    proxy_config "{\"emu\": {\"ecs-deployments\": {\"stage_s\": 1000, \"minute_s\": 1000, \"offset_s\": $1}}}" >/dev/null
}
dep() { AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/deployments_drive.py" "$@"; }
hist() { AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/history_drive.py" "$@"; }
# The layer's clock only moves forward: the history first, then the paused blue/green.
clock 0
hist seed && hist move && clock 20000 && hist move && clock 40000 && hist move &&
    clock 41000 && hist stop && clock 60000 && hist move || tap_bail "driving hist failed"
clock 70000
dep seed && dep deploy bg || tap_bail "driving dep failed"
clock 76500

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 170 60 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster dep || tap_bail "tmux did not start"

# ---- the rollout view's service-deployment section -------------------------------------
wait_ok '^bg +2 +[0-9]+ +[0-9]+ +PAUSED ' "services table: bg PAUSED at its hook" 20
tmux_send Enter
wait_ok 'Service deployment' "the service view of bg" 15
tmux_send w
wait_ok 'Rollout · service bg' "w opens the rollout view" 10
wait_ok 'Service deployment' "the rollout view has the service-deployment section" 15
wait_ok '^ *BLUE_GREEN IN_PROGRESS' "its strategy and status"
wait_ok 'stages RECONCILE > PRE_SCALE > SCALE_UP > POST_SCALE > TEST_SHIFT > POST_TEST > \[PROD_SHIFT\] > POST_PROD > BAKE > CLEAN_UP' \
    "the stages as a row, the current one marked"
wait_ok 'HOOK AWAITING ACTION +hook-[0-9a-f]+ · expires 20[0-9-]+ [0-9:]+Z.* · then ROLLBACK' \
    "the hook awaiting action, loudly, with its expiry and timeoutAction"
wait_ok '^ *target +[0-9]+ +2/2 running, 0 pending · production 0% · test 100%' \
    "the target revision: running/requested, pending, traffic weights"
wait_ok '^ *source +[0-9]+ +2/2 running, 0 pending · production 100% · test 0%' \
    "the source revision: running/requested, pending, traffic weights"
dep continue bg || tap_bail "ContinueServiceDeployment failed"
clock 79000
tmux_send r
wait_ok 'stages .* > \[BAKE\] > CLEAN_UP' "continued: the rollout view shows it baking" 20
wait_ok 'BAKE_TIME: [0-9]+m[0-9]+s left of 5m' "with the bake time left"
tap_nogrep "$(tmux_capture)" 'HOOK AWAITING ACTION' "no hook awaits action any more"

# ---- the history view ----------------------------------------------------------------------
tmux_send Escape
wait_ok 'Service deployment' "back in the service view" 10
tmux_send H
wait_ok 'History · service bg' "H opens the history view" 10
wait_ok 'Service deployments, newest first \(2\)' "bg: its creation and the deployment in flight" 15
tmux_send Escape
tmux_send Escape
tmux_type ":cluster hist"
tmux_send Enter
wait_ok '^web +1 ' "the hist cluster's services" 20
tmux_send Enter
wait_ok 'Service deployment' "the service view of web" 15
tmux_send H
wait_ok 'Service deployments, newest first \(5\)' "the five deployments of web" 15
screen=$(tmux_capture)
tap_grep "$screen" 'ROLLBACK_SUCCESSFUL +B/G +[0-9]+m[0-9]+s +web:3 -> web:1' \
    "the rolled-back deployment: outcome, strategy, duration, revisions"
tap_grep "$screen" 'rollback to web:3: Rollback requested \(StopServiceDeployment\)\.' \
    "where ECS rolled back to, and why"
tap_grep "$screen" 'image app nginx:1\.28@sha256:[0-9a-f]+ -> nginx:1\.26@sha256:[0-9a-f]+' \
    "the diff: the image with its digest"
tap_grep "$screen" 'public IP DISABLED -> ENABLED' "the diff: public IP"
tap_grep "$screen" 'load balancers blue/[0-9a-f]+ app:80 -> green/[0-9a-f]+ app:8080' \
    "the diff: target group, container and port"
order=$(grep -oE '(IN_PROGRESS|ROLLBACK_SUCCESSFUL|SUCCESSFUL|STOPPED) +B/G +[^ ]+ +[^ ]+ -> [^ ]+|STOPPED +B/G +[^ ]+ +\(created\) [^ ]+' <<<"$screen" |
    sed -E 's/ +B\/G +[^ ]+ +/ /' | tr '\n' ';')
tap_is "$order" "SUCCESSFUL web:3 -> web:1;ROLLBACK_SUCCESSFUL web:3 -> web:1;SUCCESSFUL web:2 -> web:3;SUCCESSFUL web:1 -> web:2;STOPPED (created) web:1;" \
    "newest first: each deployment's outcome and the revisions it moved between"

# ---- the rollback picker offers service revisions -----------------------------------------
# web runs web:1 (the newest deployment), whose family has newer task definitions only (and
# none older); the service revision on web:2 that ran two deployments ago is offered, with
# what a rollback by task definition would not restore (its network and target group).
tmux_send Escape
wait_ok 'Service deployment' "back in the service view of web" 10
tmux_send R
wait_ok 'Service revisions, newest first' "R: the picker lists the service revisions" 20
wait_ok '^ +[0-9]+ +web:1 +.*SUCCESSFUL \[current\]' "the current one marked"
found=no
for _ in $(seq 1 40); do
    if tmux_capture | grep -qE '▶ +[0-9]+ +web:2 '; then found=yes; break; fi
    tmux_send Down
    sleep 0.2
done
tap_is "$found" yes "the cursor selects the service revision on web:2"
wait_ok 'Service-revision diff \(current -> selected\)' "its diff from the current one follows the cursor"
wait_ok '^ +task definition web:1 -> web:2$' "the diff: task definition"
wait_ok 'public IP DISABLED -> ENABLED +\(not restored\)' "the network change is marked as not restored"
wait_ok 'load balancers blue/[0-9a-f]+ app:80 -> green/[0-9a-f]+ app:8080 +\(not restored\)' \
    "so is the target group"
wait_ok 'sets the task definition only \(UpdateService taskDefinition\)' "and the picker says why"
wait_ok '^ +task definition web:1 -> web:2$' "the planned change: its task definition (described on demand)" 10
wait_ok 'Planned change' "a change is planned"
tmux_send Enter
wait_ok 'Cancel' "Enter: the confirmation" 10
tmux_send Tab Enter
td=""
for _ in $(seq 1 50); do
    td=$(AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c 'import boto3; print(boto3.client("ecs").describe_services(cluster="hist", services=["web"])["services"][0]["taskDefinition"].rsplit("/")[-1])')
    [ "$td" = web:2 ] && break
    sleep 0.2
done
tap_is "$td" web:2 "boto3: the service is on the chosen service revision's task definition"

tmux_stop
tap_done
