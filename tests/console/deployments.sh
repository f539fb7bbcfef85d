#!/bin/bash
# ECS service deployments in the console, driven in tmux against moto through the
# AWS-behaviour layer (ecs-deployments; tests/cli/deployments_drive.py): a BLUE_GREEN service
# paused at its PAUSE hook before production traffic shifts is "PAUSED" in the services table,
# and its service view shows the strategy, the stages with the current one marked, the hook
# awaiting action loudly with its expiry and timeout action, and the revisions' traffic
# weights; continued, it bakes ("B/G BAKE") with the time left shown.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
clock()
{
    proxy_config "{\"emu\": {\"ecs-deployments\": {\"stage_s\": 1000, \"minute_s\": 1000, \"offset_s\": $1}}}" >/dev/null
}
drive()
{
    AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/deployments_drive.py" "$@"
}
clock 0
drive seed || tap_bail "seeding failed"
drive deploy bg || tap_bail "UpdateService failed"
clock 6500

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 160 50 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster dep || tap_bail "tmux did not start"

wait_ok '^bg +2 +[0-9]+ +[0-9]+ +PAUSED ' "services table: the blue/green service at its hook is PAUSED" 20
tap_nogrep "$(tmux_capture)" '^roll +.*PAUSED' "a rolling service is not PAUSED"

tmux_send Enter
wait_ok 'Service deployment' "the service view has a service-deployment section" 15
wait_ok '^ *BLUE_GREEN IN_PROGRESS' "its strategy and status"
wait_ok 'stages RECONCILE > PRE_SCALE > SCALE_UP > POST_SCALE > TEST_SHIFT > POST_TEST > \[PROD_SHIFT\] > POST_PROD > BAKE > CLEAN_UP' \
    "the stages as a row, the current one marked"
wait_ok 'HOOK AWAITING ACTION +hook-[0-9a-f]+ · expires 20[0-9-]+ [0-9:]+Z.* · then ROLLBACK' \
    "the hook awaiting action, loudly, with its expiry and timeout action"
wait_ok '^ *target +[0-9]+ +2/2 running, 0 pending · production 0% · test 100%' \
    "the target revision: counts and traffic weights"
wait_ok '^ *source +[0-9]+ +2/2 running, 0 pending · production 100% · test 0%' \
    "the source revision"

drive continue bg || tap_bail "ContinueServiceDeployment failed"
clock 9000
tmux_send r
wait_ok 'stages .* > \[BAKE\] > CLEAN_UP' "continued: the deployment bakes" 20
wait_ok 'BAKE_TIME: [0-9]+m[0-9]+s left of 5m' "the bake time left"
tmux_send Escape
tmux_send r
wait_ok '^bg +2 +[0-9]+ +[0-9]+ +B/G BAKE [0-9]+m ' "services table: B/G BAKE with the minutes left" 15

tmux_stop
tap_done
