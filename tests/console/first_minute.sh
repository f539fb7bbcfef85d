#!/bin/bash
# The console's first minute: where it opens (the only cluster's services; else the cluster
# list with the last cluster used selected, per profile and region; --cluster wins), the start
# message, and the k9s habits (":" history on Up, aliases, Esc clears a filter before it goes
# back, breadcrumbs in the title).
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

moto_start || tap_bail "moto did not start"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
mkdir -p "$XDG_CONFIG_HOME/ondeck"
screen() { tmux_capture; }

# ---- one cluster: straight to its services ---------------------------------------------------
"$PYTHON3" - <<'PY' || tap_bail "could not create the one-cluster world"
import os, boto3
ecs = boto3.client("ecs", endpoint_url=os.environ["MOTO_URL"], region_name="eu-west-1")
ecs.create_cluster(clusterName="solo")
ecs.register_task_definition(family="solo-app", containerDefinitions=[
    {"name": "app", "image": "nginx:1.27", "memory": 128}])
ecs.create_service(cluster="solo", serviceName="only-svc", taskDefinition="solo-app",
                   desiredCount=0)
PY
# The proxy plays eu-west-1's endpoint for this part (AWS refuses a request signed for another
# region), then us-east-1's again.
proxy_start --region eu-west-1 || tap_bail "the proxy did not start"
tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 30 env AWS_REGION=eu-west-1 "$TAP_TMPDIR/run.sh" "$ONDECK" ||
    tap_bail "tmux did not start"
tmux_wait_for '^only-svc ' 15
tap_ok $? "an account with one cluster opens on that cluster's services"
tap_like "$(screen | sed -n 1p)" 'cluster solo' "the status bar names the cluster it opened"
tmux_send q
tmux_wait_exit 10 >/dev/null
tmux_stop
proxy_start || tap_bail "the proxy did not start"

# ---- several clusters: the list, with the last cluster used selected --------------------------
seed_world --size small >/dev/null || tap_bail "seeding failed"
tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 30 "$TAP_TMPDIR/run.sh" "$ONDECK" || tap_bail "tmux did not start"
tmux_wait_for '^ *legacy ' 15
tap_ok $? "with several clusters the console opens on the cluster list"
tap_like "$(screen | sed -n 2p)" 'Clusters \(2\)' "the title is the cluster list's"
# Pick legacy (the list is sorted by name: legacy is first, prod second; go to prod and back).
tmux_send j
tmux_send k
tmux_send Enter
tmux_wait_for '^legacy-web ' 15
tap_ok $? "Enter opens the cluster's services"
tmux_send q
tmux_wait_exit 10 >/dev/null
tmux_stop
state=$XDG_STATE_HOME/ondeck/last-cluster
tap_like "$(cat "$state" 2>/dev/null)" $'(^|\n)default\tus-east-1\tlegacy$' \
    "the last cluster is remembered per profile and region in the XDG state directory"
tap_is "$(stat -c %a "$state" 2>/dev/null)" 600 "the state file is private"

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 30 "$TAP_TMPDIR/run.sh" "$ONDECK" || tap_bail "tmux did not start"
tmux_wait_for '^ *prod ' 15
tap_ok $? "the next start opens the cluster list again"
tmux_send End
tmux_send Home
tmux_send Enter
tmux_wait_for '^legacy-web ' 15
tap_ok $? "with the last cluster used selected (Enter after Home opens legacy, the first row)"
tmux_send q
tmux_wait_exit 10 >/dev/null
tmux_stop

# The selection itself: without moving, Enter opens the remembered cluster (prod this time).
printf '%s\t%s\t%s\n' default us-east-1 prod >"$state"
tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 30 "$TAP_TMPDIR/run.sh" "$ONDECK" || tap_bail "tmux did not start"
tmux_wait_for '^ *legacy ' 15
tmux_send Enter
tmux_wait_for '^worker ' 15
tap_ok $? "Enter on the list as it opens opens the remembered cluster (prod, not the first row)"
tmux_send q
tmux_wait_exit 10 >/dev/null
tmux_stop

# A state file that is not ours is no error (and is not used).
printf 'garbage\n\x01\x02\n' >"$state"
tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 30 "$TAP_TMPDIR/run.sh" "$ONDECK" || tap_bail "tmux did not start"
tmux_wait_for '^ *prod ' 15
tap_ok $? "a garbled state file still opens the cluster list"
tmux_send q
tap_is "$(tmux_wait_exit 10)" 0 "and the console exits cleanly"
tmux_stop

# ---- --cluster wins; the start message; k9s habits -------------------------------------------
printf '%s\t%s\t%s\n' default us-east-1 legacy >"$state"
printf '[console]\nrefresh_seconds = 5\nstart_message = hello from the runbook: look at web first\n' \
    >"$XDG_CONFIG_HOME/ondeck/config"
tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 30 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^worker ' 15
tap_ok $? "--cluster wins over the remembered cluster"
tmux_wait_for 'hello from the runbook: look at web first' 5
tap_ok $? "[console] start_message is shown at start"
# A notice that comes while it is up (api-5xx-high fires) waits for the first key.
"$PYTHON3" - <<'PY'
import os, boto3
boto3.client("cloudwatch", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1").set_alarm_state(
    AlarmName="web-cpu-high", StateValue="ALARM", StateReason="test: threshold crossed")
PY
tmux_wait_for '^web .*1 ALARM' 20
tap_ok $? "web's alarm fires while the start message is up"
tap_like "$(screen)" 'hello from the runbook: look at web first' "the start message is still there"
tmux_send j
tmux_wait_for 'alarm web-cpu-high is firing' 5
tap_ok $? "the first key brings the notice that waited"

# Aliases and history.
tmux_send :
tmux_type 'cf'
tmux_send Enter
tmux_wait_for 'CloudFront distributions \(2\)' 10
tap_ok $? ":cf opens the CloudFront view"
# Requests and 5xx rate come from CloudWatch: AWS/CloudFront in us-east-1, Region=Global.
tmux_wait_for 'app\.ondeck\.example +Deployed +yes .*[▁▂▃▄▅▆▇█]+ +[0-9.]+[kM]? .*[▁▂▃▄▅▆▇█]+ +[0-9.]+' 15
tap_ok $? "the CloudFront view's REQUESTS and 5XX% columns are filled from CloudWatch"
tmux_send :
tmux_type 's'
tmux_send Enter
tmux_wait_for '^worker ' 10
tap_ok $? ":s is an alias of :services"
tmux_send :
tmux_send Up
tmux_wait_for '^:s *$' 5
tap_ok $? "Up in the command prompt brings back the last command"
tmux_send Up
tmux_wait_for '^:cf *$' 5
tap_ok $? "Up again, the one before"
tmux_send Down
tmux_wait_for '^:s *$' 5
tap_ok $? "Down goes forward again"
tmux_send Escape

# Esc clears a filter before it goes back.
tmux_wait_for '^worker ' 10
row=$(screen | grep -n '^web ' | head -1 | cut -d: -f1)
for ((i = 4; i < row; i++)); do tmux_send j; done
tmux_send Enter
tmux_wait_for 'Service web · cluster prod +services$' 10
tap_ok $? "the service view's title shows where it came from (breadcrumbs)"
tmux_send /
tmux_type 'image'
tmux_send Enter
tmux_wait_for 'filter: /image' 5
tap_ok $? "a filter is set in the service view"
tmux_send Escape
tmux_wait_gone 'filter: /image' 5
tap_ok $? "Esc clears the filter"
tap_like "$(screen | sed -n 2p)" 'Service web · cluster prod' "... and stays in the service view"
tmux_send Escape
tmux_wait_for '^worker ' 5
tap_ok $? "a second Esc goes back to the services"
tmux_send :
tmux_type 'help'
tmux_send Enter
tmux_wait_for 'Keys of the services view' 5
tmux_send G
tmux_wait_for ':services \[SERVICE\]' 5
tap_ok $? ":help lists the palette's commands with their arguments"
tap_like "$(screen)" '\(also :svc, :s, :service\)' "... and their aliases"
tmux_send q
tmux_send q
tap_is "$(tmux_wait_exit 10)" 0 "q quits"
tap_done
