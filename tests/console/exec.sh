#!/bin/bash
# The console's x, o, y and notifications against moto and the emulation layer, in tmux:
# x on a task started without exec says why it is not ready; x on a task started with exec
# asks for the confirmation, then the console leaves the screen to a stand-in
# session-manager-plugin (the terminal is its: it reads a line), and comes back and redraws
# when it exits; the plugin got the task's target. o runs $BROWSER with the task's console
# URL (a stand-in records it) and shows the URL; y copies the task's and an alarm's ARN with OSC 52 (tmux
# with set-clipboard on keeps it as a paste buffer). An alarm of the open cluster that
# changes state sends a desktop notification ([console] notify = desktop, a stand-in
# notify-send) or rings the bell (notify = bell, tmux's bell flag). Read-only: x is refused.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"
proxy_start || tap_bail "proxy did not start"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
audit="$HOME/.local/state/ondeck/audit.jsonl"

# Stand-ins on PATH: the plugin (records argv, then is an interactive "shell" that waits for
# a line), the browser and notify-send (record their arguments).
bin=$TAP_TMPDIR/bin
rec=$TAP_TMPDIR/rec
mkdir -p "$bin" "$rec"
cat >"$bin/session-manager-plugin" <<EOF
#!/bin/sh
: >"$rec/argv"
for a in "\$@"; do printf '%s\n' "\$a" >>"$rec/argv"; done
echo "STAND-IN SHELL target \$5"
printf 'stand-in\$ '
read line
echo "stand-in got: \$line" >"$rec/typed"
exit 0
EOF
cat >"$bin/stand-in-browser" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$rec/browser"
EOF
cat >"$bin/notify-send" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >>"$rec/notify"
EOF
chmod +x "$bin"/*
export PATH="$bin:$PATH"
export BROWSER="stand-in-browser --new-window"

py()
{
    "$PYTHON3" - "$world" "$1" <<'PY'
import boto3, json, os, sys
w = json.load(open(sys.argv[1]))
ecs = boto3.client("ecs", endpoint_url=os.environ["PROXY_URL"], region_name="us-east-1")
cw = boto3.client("cloudwatch", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
svc = {s["name"]: s for s in w["services"]}
r = None
exec(sys.argv[2])
print(r)
PY
}
py 'ecs.update_service(cluster="prod", service="web", enableExecuteCommand=True)' >/dev/null
TASK_ARN=$(py 's = svc["web"]
t = ecs.run_task(cluster="prod", taskDefinition=s["task_definition"], count=1,
                 launchType="FARGATE", group="service:web", startedBy=s["task_started_by"],
                 networkConfiguration={"awsvpcConfiguration": {"subnets": w["subnets"],
                     "securityGroups": [w["security_group"]]}})
r = t["tasks"][0]["taskArn"]')
TASK=${TASK_ARN##*/}
OLD=$(py 'r = svc["web"]["task_ids"][0]')
ALARM=$(py 'r = [a for a in cw.describe_alarms()["MetricAlarms"] if a["StateValue"] == "OK"][0]["AlarmName"]')
mkdir -p "$XDG_CONFIG_HOME/ondeck"
printf '[console]\nnotify = desktop\n' >"$XDG_CONFIG_HOME/ondeck/config"

open_task()
{
    tmux_send ':'
    tmux_type 'svc web'
    tmux_send Enter
    tmux_wait_for "$1" 15
    tmux_send '/'
    tmux_type "$1"
    tmux_send Enter Enter
    tmux_wait_for "Task $1" 10
}

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 200 45 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_cmd set -g set-clipboard on
tmux_wait_for '^worker ' 20 || tap_bail "the services did not show"

# ---- x on a task that was started without exec ----------------------------------------------
open_task "$OLD"
tmux_send x
wait_ok "exec: refused: task $OLD is not ready for a shell: the task was started before service web turned enableExecuteCommand on" \
    "x on a task without exec says why it is not ready" 15
tmux_send q

# ---- x on the task started with exec ----------------------------------------------------------
open_task "$TASK"
tmux_send x
wait_ok '\[ Cancel \] +\[ Open shell \]' "x asks for the confirmation" 15
s=$(tmux_capture)
tap_grep "$s" "target +task prod/$TASK" "naming the task"
tap_grep "$s" "a shell \(/bin/sh\) in container app of service web" "and the container"
tap_grep "$s" "the task role must allow ssmmessages:\*" "and the task role's permissions"
tmux_send Tab Enter
wait_ok "STAND-IN SHELL target \{\"Target\":\"ecs:prod_${TASK}_" "the plugin runs with the task's target" 15
tap_is "$(tmux_fmt '#{alternate_on}')" 0 "the console left the screen to it"
tap_grep "$(tmux_capture)" "a shell in container app of task $TASK; leave it \(exit\) to come back" \
    "after saying how to come back"
tmux_type 'ls /'
tmux_send Enter
wait_ok "Task $TASK" "the console comes back when the plugin exits" 10
wait_ok "exec: the session in container app ended" "and says the session ended"
tap_is "$(tmux_fmt '#{alternate_on}')" 1 "on its own screen again"
tap_is "$(cat "$rec/typed" 2>/dev/null)" "stand-in got: ls /" "the keys went to the plugin"
tap_is "$(sed -n 3p "$rec/argv")" StartSession "the plugin got the AWS CLI's argv"
tap_grep "$(tail -n 1 "$audit")" '"action":"exec".*"result":"ok"' "the session is journaled"

# ---- o and y on the task -------------------------------------------------------------------
URL="https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/$TASK/configuration?region=us-east-1"
tmux_send o
wait_ok "opened in \\\$BROWSER: https://us-east-1\.console\.aws\.amazon\.com/ecs/v2/clusters/prod/tasks/$TASK" \
    "o opens the task's console page in \$BROWSER and shows the URL"
for _ in $(seq 50); do [ -s "$rec/browser" ] && break; sleep 0.1; done
tap_is "$(cat "$rec/browser" 2>/dev/null)" "--new-window"$'\n'"$URL" \
    "\$BROWSER got its own argument and the URL, without a shell"
tmux_send y
wait_ok "copied the ARN of task $TASK: arn:aws:ecs:us-east-1:123456789012:task/prod/$TASK" \
    "y says what it copied"
tap_is "$(tmux_cmd show-buffer 2>/dev/null)" "$TASK_ARN" "the clipboard (OSC 52) has the task's ARN"

# ---- an alarm changes state: a desktop notification --------------------------------------------
tmux_send q
tmux_wait_for 'Service web · cluster prod' 10 # a view that shows the alarms
py 'cw.set_alarm_state(AlarmName="'"$ALARM"'", StateValue="ALARM", StateReason="test")' >/dev/null
tmux_send r
for _ in $(seq 100); do [ -s "$rec/notify" ] && break; sleep 0.1; done
tap_grep "$(cat "$rec/notify" 2>/dev/null)" "alarm $ALARM" "notify-send names the alarm that changed"
tap_grep "$(head -n 1 "$rec/notify" 2>/dev/null)" '^ondeck$' "with ondeck as the summary"

# ---- y on an alarm ------------------------------------------------------------------------------
tmux_send ':'
tmux_type 'alarms'
tmux_send Enter
tmux_wait_for "$ALARM" 10
tmux_send '/'
tmux_type "$ALARM"
tmux_send Enter
tmux_send y
wait_ok "copied the ARN of alarm $ALARM: arn:aws:cloudwatch:us-east-1:123456789012:alarm:$ALARM" \
    "y on an alarm copies its ARN"
tap_is "$(tmux_cmd show-buffer 2>/dev/null)" "arn:aws:cloudwatch:us-east-1:123456789012:alarm:$ALARM" \
    "into the clipboard"
tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "the console exits 0"
tmux_stop

# ---- read-only, notify = bell --------------------------------------------------------------------
printf '[console]\nnotify = bell\n' >"$XDG_CONFIG_HOME/ondeck/config"
n=$(wc -l <"$audit")
tmux_start 200 45 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod --read-only ||
    tap_bail "tmux did not start"
tmux_wait_for '^worker ' 20
open_task "$TASK"
tmux_send x
wait_ok 'exec: refused, the console is read-only' "read-only: x is refused"
tap_is "$(($(wc -l <"$audit") - n))" 1 "the refusal is journaled"
tmux_send q
tmux_wait_for 'Service web · cluster prod' 10
py 'cw.set_alarm_state(AlarmName="'"$ALARM"'", StateValue="OK", StateReason="test")' >/dev/null
tmux_send r
tmux_wait_bell 10
tap_ok $? "an alarm's change rings the bell with notify = bell"
tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "the read-only console exits 0"
tap_done
