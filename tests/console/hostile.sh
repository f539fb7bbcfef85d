#!/bin/bash
# Hostile text from AWS never reaches the terminal raw: an alarm whose name and state reason
# carry an OSC 0 title sequence, a bell and a colour CSI, and a task stopped with such a
# reason, are drawn as visible escapes; the terminal title stays as it was and no bell rings.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8

"$PYTHON3" - "$MOTO_URL" <<'PY' || tap_bail "could not plant the hostile text"
import boto3, sys
evil = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m\x07"
cw = boto3.client("cloudwatch", endpoint_url=sys.argv[1], region_name="us-east-1")
cw.put_metric_alarm(AlarmName="zz-evil" + evil, MetricName="CPUUtilization",
                    Namespace="AWS/ECS", Statistic="Average", Period=60, EvaluationPeriods=1,
                    Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
                    Dimensions=[{"Name": "ClusterName", "Value": "prod"},
                                {"Name": "ServiceName", "Value": "web"}])
cw.set_alarm_state(AlarmName="zz-evil" + evil, StateValue="ALARM",
                   StateReason="reason" + evil)
PY

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 160 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_cmd select-pane -t "$TMUX_TARGET" -T 'ondeck-known-title'
tmux_wait_for '^worker ' 20 || tap_bail "the services did not show"
tmux_send ':'
tmux_type 'alarms'
tmux_send Enter
tmux_wait_for 'zz-evil' 20
tap_ok $? "the alarms view lists the hostile alarm"
s=$(tmux_capture)
if grep -qF 'zz-evil\x1b]0;pwned\x07' <<<"$s"; then
    tap_ok 0 "its name is drawn with the escapes made visible"
else
    tap_ok 1 "its name is drawn with the escapes made visible"
    tap_diag "$s"
fi
tap_ok 'grep -qF "reason\\x1b]0;pwned" <<<"$s"' "so is its state reason"
tap_is "$(tmux_fmt '#{pane_title}')" ondeck-known-title "the terminal title is untouched"
tap_is "$(tmux_fmt '#{window_bell_flag}')" 0 "no bell rang"
tap_ok 'grep -qF "\\x1b[31mred" <<<"$s"' "the colour sequence is shown as text, not obeyed"
tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "C-c quits with status 0"
tap_done
