#!/bin/bash
# CODE_DEPLOY and EXTERNAL services in the console, driven in tmux against moto through the
# AWS-behaviour layer (tests/cli/controllers_seed.py): the services table names the controller
# and the number of task sets in ROLLOUT and shows the PRIMARY set's progress; the service view
# lists the task sets (status, stability, revision, counts, scale, CodeDeploy deployment id) in
# place of deployments; D and R say what to use instead and send no mutation.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/controllers_seed.py" ||
    tap_bail "seeding failed"

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR

mutations()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
ops = json.load(sys.stdin)["by_operation"]
print(sum(n for op, n in ops.items() if op.split(":")[1] in
      ("RegisterTaskDefinition", "UpdateService", "CreateTaskSet", "UpdateTaskSet")))'
}

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster ctl || tap_bail "tmux did not start"

wait_ok '^cd +2 +[0-9]+ +[0-9]+ +CODE_DEPLOY 2 sets +[░█]+ 2/2 ' \
    "services table: cd is CODE_DEPLOY with 2 task sets, the PRIMARY set's progress 2/2" 15
wait_ok '^ext +1 +[0-9]+ +[0-9]+ +EXTERNAL 1 set ' "services table: ext is EXTERNAL with 1 task set"

tmux_send Enter
wait_ok 'Task sets \(CODE_DEPLOY deployment controller\)' \
    "the service view has a task-set section in place of deployments"
wait_ok '^ *PRIMARY +STEADY_STATE +web:2 +[░█]+ 2/2 running, 0 pending · d-GREEN2 · scale 100 PERCENT · ' \
    "the PRIMARY set: stability, revision, counts, scale and its CodeDeploy deployment"
wait_ok '^ *ACTIVE +STEADY_STATE +web:1 .* · d-BLUE1 · ' "the ACTIVE set"
tap_nogrep "$(tmux_capture)" 'no deployments|Deployments' "no empty deployments section"

proxy_reset
tmux_send D
# (the message line is cut at the screen's width; the CLI test reads the whole text)
wait_ok 'deploy: refused: service cd uses the CODE_DEPLOY deployment controller: use AWS CodeDeploy' \
    "D on a CODE_DEPLOY service says to use CodeDeploy"
tmux_send R
wait_ok 'rollback.*CODE_DEPLOY deployment controller' "R is refused the same way"
tap_is "$(mutations)" 0 "D and R sent no mutation"

tmux_stop
tap_done
