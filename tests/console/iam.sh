#!/bin/bash
# The console with a least-privilege role (doc/iam.md): a part refused for want of permission
# says which permission in the status bar and where its data would be (the CPU column, the
# alarms view), not a blank or "no alarms"; a metric answered StatusCode Forbidden shows
# Forbidden in its column. Uses the layer's iam and cw-status behaviours.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
seed_world --size small >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
export LANG=C.UTF-8 LC_ALL=C.UTF-8

# Everything ondeck reads, minus cloudwatch:GetMetricData and cloudwatch:DescribeAlarms.
proxy_config '{"behaviours": "+iam", "emu": {"iam": {"allow": ["ecs:*",
    "elasticloadbalancing:*", "logs:*", "cloudfront:*", "ecr:*", "sts:*"]}}}' >/dev/null

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 160 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"

tmux_wait_for '^worker ' 15
tap_ok $? "the services table shows the cluster's services without CloudWatch"
tmux_wait_for 'no permission: cloudwatch:(DescribeAlarms,cloudwatch:GetMetricData|GetMetricData,cloudwatch:DescribeAlarms)' 15
tap_ok $? "the status bar names both refused permissions" || tap_diag "$(tmux_capture)"
tmux_wait_for '^web .* no permission ' 10
tap_ok $? "web's CPU column says no permission instead of a blank" || tap_diag "$(tmux_capture)"
tap_nogrep "$(tmux_capture | sed -n 1p)" 'STALE' "the status bar does not call the refused parts merely stale"
tmux_send Enter
tmux_wait_for 'Service api · cluster prod' 5
tap_ok $? "Enter opens the first service"
tmux_wait_for '^ +no permission: cloudwatch:GetMetricData' 10
tap_ok $? "its Metrics section names the refused permission" || tap_diag "$(tmux_capture)"
tmux_wait_for '^ +no permission: cloudwatch:DescribeAlarms' 10
tap_ok $? "and so does its Alarms section" || tap_diag "$(tmux_capture)"
tap_nogrep "$(tmux_capture)" 'no data|no alarms name this service' "neither says there is nothing"

tmux_send ':'
tmux_type 'alarms'
tmux_send Enter
tmux_wait_for 'no permission: cloudwatch:DescribeAlarms' 10
tap_ok $? "the alarms view says which permission is missing" || tap_diag "$(tmux_capture)"
tap_nogrep "$(tmux_capture)" 'no alarms' "and does not claim there are no alarms"
tmux_send ':'
tmux_type 'services'
tmux_send Enter
tmux_wait_for '^worker ' 10
tap_ok $? ":services goes back to the services table"

# Every permission back, but GetMetricData answers CPUUtilization with StatusCode Forbidden.
proxy_config '{"behaviours": "+cw-status", "emu": {"iam": {"allow": ["*"]},
    "cw-status": {"metrics": {"CPUUtilization": "Forbidden"}}}}' >/dev/null
tmux_send r
tmux_wait_for '^web .* Forbidden ' 90
tap_ok $? "a metric answered Forbidden shows Forbidden in its column" || tap_diag "$(tmux_capture)"
tmux_wait_gone 'no permission' 30
tap_ok $? "the status bar no longer names a missing permission"
tmux_send '/'
tmux_type 'web'
tmux_send Enter
tmux_wait_for 'filter: /web' 5
tmux_send Enter
tmux_wait_for 'Service web · cluster prod' 5
tap_ok $? "Enter opens web"
tmux_wait_for 'CPU +Forbidden: You are not authorized to access this metric' 30
tap_ok $? "the service view shows CPU's error with AWS's message, not 'no data'" ||
    tap_diag "$(tmux_capture)"
tmux_wait_for 'Memory +[▁▂▃▄▅▆▇█]+' 10
tap_ok $? "and Memory's sparkline beside it"

tmux_send ':'
tmux_type 'quit'
tmux_send Enter
tap_is "$(tmux_wait_exit 5)" 0 "q quits with status 0"
tap_done
