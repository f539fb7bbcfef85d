#!/bin/bash
# Why a task died and every alarm of a service, in the console against moto through the
# AWS-behaviour layer (tests/cli/stopped_seed.py: five stopped tasks of web, four that could
# not pull their image and one whose app exited 1 and redis 137; a metric-math alarm on web's
# target group and an alarm on the load balancer web and api share): the services table's
# ALARMS column counts each service's alarms, the service view groups its stopped tasks by
# reason with the exit codes on top while its deployment rolls, the task view of a stopped
# task shows each container's exit code, the timings and the deployment, and :alarms names the
# service each alarm belongs to.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
seed_world --size small >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/stopped_seed.py" \
    "$TAP_TMPDIR/world.json" >"$TAP_TMPDIR/seed.json" || tap_bail "seeding the deaths failed"
sj() { "$PYTHON3" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TAP_TMPDIR/seed.json" "$1"; }
proxy_config "$(sj 'json.dumps({"emu": s["emu"]})')" >/dev/null || tap_bail "proxy_config failed"
CRASH=$(sj 's["crash_task"]')
DEPLOYMENT=$("$PYTHON3" -c 'import json,sys
print([s for s in json.load(open(sys.argv[1]))["services"] if s["name"] == "web"][0]["deployment_id"])' "$TAP_TMPDIR/world.json")

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
screen() { tmux_capture; }
line_of() { screen | grep -nE "$1" | head -1 | cut -d: -f1; }

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 160 64 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"

# ---- the services table: ALARMS counts every alarm of the service ------------------------
wait_ok '^web .* 1 ALARM/3 *' "web: 1 of its 3 alarms fires (ECS, metric math on its target group, its load balancer)" 20
s=$(screen)
tap_grep "$s" '^api .* 1 ALARM/2 *' "api: 1 of 2 (its target group's, the shared load balancer's)"
tap_grep "$s" '^worker .* 1 ok *' "worker: its one alarm, OK"

# ---- the service view: stopped tasks grouped by reason, on top while rolling -------------
tmux_send ':'
tmux_type 'service web'
tmux_send Enter
wait_ok 'Service web · cluster prod' "the service view opens"
wait_ok '^ *4 × TaskFailedToStart: CannotPullContainerError: pull image manifest' \
    "4 × TaskFailedToStart: CannotPullContainerError…, without a key press" 15
s=$(screen)
tap_grep "$s" '^ *exit: no exit code' "the pull failures have no exit code"
tap_grep "$s" '^ *1 × EssentialContainerExited: Essential container in task exited' \
    "the crash is its own group"
tap_grep "$s" '^ *exit: app 1, redis 137' "with each container's exit code"
why=$(line_of 'Why tasks stopped')
deps=$(line_of '^ *Deployments')
tap_ok '[ -n "$why" ] && [ -n "$deps" ] && [ "$why" -lt "$deps" ]' \
    "while the deployment rolls (IN_PROGRESS) the groups come before the deployments (line $why < $deps)"
tap_grep "$s" 'web-latency-math' "the metric-math alarm on its target group is among its alarms"
tap_grep "$s" 'ALARM web-latency-math +[0-9]+[smhd] ago +Threshold Crossed' \
    "with state, last change and reason"
tap_grep "$s" 'OK +alb-elb-5xx' "and the load balancer's alarm"

# ---- the task view of the crashed task ---------------------------------------------------
tmux_send '/'
tmux_type 'EssentialContainerExited'
tmux_send Enter
tmux_send Enter
wait_ok "Task ${CRASH}" "Enter on the group opens its task" 5
wait_ok 'Containers' "its containers" 5
s=$(screen)
tap_grep "$s" 'STOPPED .*EssentialContainerExited: Essential container in task exited' "the banner: stop code and reason"
tap_grep "$s" '^ *app +STOPPED .* 1 +public.ecr.aws/nginx/nginx:1.27' "app exited 1"
tap_grep "$s" '^ *redis +STOPPED .* 137 +public.ecr.aws/docker/library/redis:7' "redis exited 137"
tap_grep "$s" 'reason: OutOfMemoryError: Container killed due to memory usage' "with redis's reason"
tap_grep "$s" 'digest: sha256:4c0fdaa8b634' "and the image digest"
tap_grep "$s" '^ *pull started +[0-9-]+ [0-9:]+ UTC +\+1s' "pull started, 1 s after creation"
tap_grep "$s" '^ *pull stopped +[0-9-]+ [0-9:]+ UTC +\+4s' "pull stopped"
tap_grep "$s" '^ *stopped +[0-9-]+ [0-9:]+ UTC +\+1512s' "stopped, 1512 s after creation"
tap_grep "$s" "^ *deployment +${DEPLOYMENT} +PRIMARY" "the deployment it belonged to (startedBy)"
tap_grep "$s" '^ *revision +3' "the task definition's revision"
# its last log lines: the quarter hour before it stopped, from both containers' streams
wait_ok 'panic: cannot reach the cache, exiting' "the task's last log lines (CloudWatch Logs)" 15
s=$(screen)
tap_grep "$s" 'Last log lines' "under their own heading"
tap_grep "$s" '[0-9:]{8} app +redis: connection refused' "each with its time and container"
tap_grep "$s" '[0-9:]{8} redis +Out of memory allocating' "redis's too"
tap_nogrep "$s" 'listening on :80' "not the line written long before it stopped"
tmux_send q
wait_ok 'Service web · cluster prod' "q goes back to the service" 5

# ---- :alarms names the service each alarm belongs to -------------------------------------
tmux_send ':'
tmux_type 'alarms'
tmux_send Enter
wait_ok 'Alarms \(5, 2 in ALARM\)' ":alarms lists the account's alarms" 10
s=$(screen)
tap_grep "$s" '^ALARM +web-latency-math +web +metric math \(2 queries\)' \
    "the metric-math alarm belongs to web"
tap_grep "$s" '^OK +alb-elb-5xx +api, web ' "the load balancer's alarm to api and web"
tap_grep "$s" '^ALARM +api-5xx-high +api ' "a target group's alarm to its service"
tap_grep "$s" '^OK +worker-memory-high +worker ' "an ECS alarm to its service"
tmux_send 'g'
tmux_send Enter
wait_ok 'Service (api|web) · cluster prod' "Enter on an alarm opens the service it belongs to" 5

# ---- :clusters counts the open cluster's firing alarms by the same attribution -----------
tmux_send ':'
tmux_type 'clusters'
tmux_send Enter
wait_ok '^prod +ACTIVE' ":clusters lists the clusters" 10
tap_grep "$(screen)" '^prod +ACTIVE +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +2( |$)' \
    "prod: 2 alarms firing (api's target group's and web's metric-math one)"

tmux_send q q
tmux_stop
tap_done
