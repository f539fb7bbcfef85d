#!/bin/bash
# The timeline in the console: `t` in the services view shows what happened to the cluster,
# newest first, each line naming its source (a task stopped with both containers' exit codes,
# an alarm's state change, a target that turned unhealthy while the console watched, an
# action from the audit journal); the
# service view's `t` shows that service's; Enter on the stopped task's line opens the task.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
seed_world >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
screen() { tmux_capture; }
w() { "$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TAP_TMPDIR/world.json" "$1"; }
web='[s for s in w["services"] if s["name"] == "web"][0]'
task=$(w "$web[\"task_ids\"][0]")
ip=$(w "$web[\"targets\"][1][\"id\"]")
proxy_config "{\"behaviours\": \"+ecs-stopped-tasks,+ecs-task-containers,+ecs-stopped-window\", \"emu\": {\"ecs-stopped-tasks\": {\"tasks\": {\"$task\": {\"stopCode\": \"UserInitiated\", \"containers\": [{\"name\": \"app\", \"exitCode\": 137}, {\"name\": \"redis\", \"exitCode\": 0}]}}}}}" \
    >/dev/null || tap_bail "proxy_config failed"
# Through the proxy, as AWS is changed by someone else while the console runs.
px() { AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" -c "import boto3; ecs, cw = boto3.client('ecs'), boto3.client('cloudwatch'); $1"; }

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 200 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
wait_ok '^web ' "the services view is up" 15
tmux_send t
wait_ok 'Timeline \([0-9]+\) · cluster prod' "t opens the cluster's timeline" 5
wait_ok 'ecs-deployment +web +deployment ecs-svc/' "the deployments are there, with their source" 10

px "ecs.stop_task(cluster='prod', task='$task', reason='Essential container in task exited')" \
    || tap_bail "stop_task failed"
px "cw.set_alarm_state(AlarmName='web-cpu-high', StateValue='ALARM', StateReason='Threshold Crossed: 1 datapoint [93.0]')" \
    || tap_bail "set_alarm_state failed"
proxy_config "{\"emu\": {\"target-health\": {\"unhealthy\": [{\"id\": \"$ip\", \"reason\": \"Target.FailedHealthChecks\"}]}}}" \
    >/dev/null || tap_bail "proxy_config failed"
tmux_send r
wait_ok "ecs-task +web +task $task stopped: UserInitiated: Essential container in task exited; app exit 137, redis exit 0" \
    "the stopped task, with each container's exit code" 20
wait_ok "elb-target +web +target ${ip//./\\.}:[0-9]+ in [^ ]+: healthy -> unhealthy Target\.FailedHealthChecks" \
    "the target that turned unhealthy while the console watched" 20
tmux_send r
wait_ok 'cw-alarm +web +alarm web-cpu-high OK -> ALARM: Threshold Crossed' \
    "the alarm's state change (DescribeAlarmHistory)" 75

# An action from another ondeck (the CLI) is in the journal: the console shows it too.
"$ONDECK" --cluster prod scale --service worker --count 3 --yes >/dev/null 2>&1 </dev/null \
    || tap_bail "scale failed"
tmux_send r
wait_ok 'ondeck +worker +scale ok worker:1 desired [0-9]+ -> 3 by arn:aws:' "ondeck's own actions, from the audit journal" 20

# Enter on the stopped task's line opens the task.
tmux_send /
tmux_type "task $task"
tmux_send Enter
wait_ok 'Timeline \(1\) · cluster prod' "the filter keeps the task's line" 5
tmux_send Enter
wait_ok "Task $task" "Enter jumps to the task" 5
wait_ok 'STOPPED' "the task view shows it stopped" 10

# An hour later ECS no longer lists the task (the layer's window set to 0): the timeline keeps it.
proxy_config '{"emu": {"ecs-stopped-window": {"window_s": 0}}}' >/dev/null || tap_bail "proxy_config failed"
tmux_send r
wait_ok 'this task is no longer known' "the task view: ECS forgot the task" 20
tmux_send Escape
wait_ok "ecs-task +web +task $task stopped: UserInitiated" "the timeline still has its line" 5
tmux_send Enter
wait_ok "ECS no longer lists this task; the timeline kept: task $task stopped" \
    "Enter on it says the timeline's line where ECS has nothing" 5

# The service view's t: that service's lines only.
tmux_send Escape
tmux_send Escape
tmux_send Escape
wait_ok 'Services \(' "back at the services view" 5
tmux_send /
tmux_type api
tmux_send Enter Enter
wait_ok 'Service api · cluster prod' "api's service view" 5
tmux_send t
wait_ok 'Timeline \([0-9]+\) · service api' "t opens api's timeline" 5
tap_nogrep "$(screen)" 'ecs-task +web' "web's lines are not in api's timeline"
tmux_send q
tmux_send q
tmux_send q
tmux_send q

tap_is "$(stat -c %a "$HOME/.local/state/ondeck/timeline/123456789012/us-east-1/prod.jsonl")" 600 \
    "the console's timeline is on disk, 0600"
tap_done
