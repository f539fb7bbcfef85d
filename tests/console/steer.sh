#!/bin/bash
# Steering a service deployment from the console (tmux, moto through the AWS-behaviour layer's
# ecs-deployments): the blue/green service paused at its hook shows the hook awaiting action;
# C asks for a confirmation that names ContinueServiceDeployment CONTINUE and the hook, and
# confirmed, exactly one ContinueServiceDeployment is sent and the deployment proceeds; C with
# nothing waiting is refused with the reason; R on a deployment in flight offers rolling back
# or aborting, the confirmation names StopServiceDeployment ROLLBACK, and confirmed it is one
# StopServiceDeployment and no UpdateService, followed to ROLLBACK_SUCCESSFUL.
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
# wait_sent OP: until the proxy has seen OP since the last mark (the message line may already
# show the next refresh's message by the time the screen is read).
wait_sent()
{
    for _ in $(seq 75); do
        [ "$(ops "$1")" -ge 1 ] && return 0
        sleep 0.2
    done
    return 1
}
# Requests counted from the last `mark` (proxy_reset would reset the layer's records too).
mark() { proxy_stats >"$TAP_TMPDIR/mark.json"; }
ops()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
now, then = json.load(sys.stdin), json.load(open(sys.argv[1]))
print(now["by_operation"].get(sys.argv[2], 0) - then["by_operation"].get(sys.argv[2], 0))' \
        "$TAP_TMPDIR/mark.json" "$1"
}
clock 0
drive seed || tap_bail "seeding failed"
drive deploy bg || tap_bail "UpdateService failed"
clock 6500

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
export ONDECK_WATCH_INTERVAL_MS=300
unset NO_COLOR

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 160 50 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster dep || tap_bail "tmux did not start"

wait_ok '^bg +2 +[0-9]+ +[0-9]+ +PAUSED ' "services table: bg at its hook is PAUSED" 20
tmux_send Enter
wait_ok 'HOOK AWAITING ACTION +hook-[0-9a-f]+ · expires' "the service view shows the hook awaiting action" 15

# ---- C: continue at the hook ------------------------------------------------------------
mark
tmux_send C
wait_ok '\[ Cancel \] +\[ Continue \]' "C asks for the confirmation" 15
wait_ok 'ContinueServiceDeployment action=CONTINUE at lifecycle hook hook-[0-9a-f]+' \
    "which names ContinueServiceDeployment CONTINUE and the hook"
tmux_send Tab Enter
tap_ok 'wait_sent ecs:ContinueServiceDeployment' "confirmed, the continue is sent"
tap_is "$(ops ecs:ContinueServiceDeployment)+$(ops ecs:StopServiceDeployment)+$(ops ecs:UpdateService)" \
    "1+0+0" "exactly one ContinueServiceDeployment, nothing else"
clock 7000
tmux_send r
wait_ok '^ *target +[0-9]+ +2/2 running, 0 pending · production 100% · test 100%' \
    "the deployment proceeds: production traffic on the target" 20
tmux_send C
wait_ok 'continue: nothing to continue: no lifecycle hook is awaiting action' \
    "C with no hook awaiting action is refused with the reason" 15

# ---- R: roll back the deployment in flight ------------------------------------------------
mark
tmux_send R
wait_ok 'Roll back to the source revision \(StopServiceDeployment ROLLBACK\)' \
    "R on a deployment in flight offers rolling it back" 15
wait_ok 'Abort where it is, without rolling back \(StopServiceDeployment ABORT\)' "or aborting it"
tmux_send Down
wait_ok 'StopServiceDeployment stopType=ABORT: stop service deployment' \
    "the planned change follows the choice (abort)"
tmux_send Up
wait_ok 'StopServiceDeployment stopType=ROLLBACK: roll back service deployment' \
    "and back (roll back)"
tmux_send Enter
wait_ok '\[ Cancel \] +\[ Roll back \]' "Enter asks for the confirmation" 10
wait_ok 'StopServiceDeployment stopType=ROLLBACK' "which names StopServiceDeployment ROLLBACK"
tmux_send Tab Enter
tap_ok 'wait_sent ecs:StopServiceDeployment' "confirmed, the rollback is sent"
tap_is "$(ops ecs:StopServiceDeployment)+$(ops ecs:UpdateService)+$(ops ecs:ContinueServiceDeployment)" \
    "1+0+0" "exactly one StopServiceDeployment, no UpdateService"
tmux_send R
wait_ok 'rollback: nothing to roll back: ECS is already ending the deployment' \
    "R again while ECS rolls back says so instead of a confirmation" 15
clock 10000
# The follow's last word is in the message line, which a later message (a refresh's) may
# replace; the service view's section says the same from the poller.
wait_ok 'rollback of bg: ROLLBACK_SUCCESSFUL: rolled back to the source revision|^ *BLUE_GREEN ROLLBACK_SUCCESSFUL' \
    "followed to ROLLBACK_SUCCESSFUL" 20 || tap_diag "$(tmux_capture)"

tmux_stop
tap_done
