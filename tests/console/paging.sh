#!/bin/bash
# The console reads every page: a cluster of 130 services (ListServices pages at most 100, and
# DescribeServices takes 10 at a time), alarms and distributions in pages of one (AWS may
# answer fewer than asked). A console that stops at the first page misses svc-0130, the
# third alarm and the second distribution.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
seed_world --size 130 --metric-services 0 --no-logs >"$TAP_TMPDIR/world.json" ||
    tap_bail "seeding failed"
proxy_config '{"emu": {"paging": {"page_sizes": {"cloudwatch:DescribeAlarms": 1,
    "cloudfront:ListDistributions": 1}}}}' >/dev/null || tap_bail "proxy_config failed"

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
screen() { tmux_capture; }

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^api ' 20
tap_ok $? "the services table shows the cluster's services"

# svc-0130 is the 129th of prod's services: on ListServices' second page.
for name in svc-0005 svc-0101 svc-0130; do
    tmux_send '/'
    tmux_type "$name"
    tmux_send Enter
    tmux_wait_for "^$name " 10
    tap_ok $? "$name is in the table (filtered by name)"
    tmux_send Escape
    tmux_wait_for '^api ' 5
done

tmux_send ':'
tmux_type 'alarms'
tmux_send Enter
tmux_wait_for 'Alarms \(3, 1 in ALARM\)' 10
tap_ok $? ":alarms lists all 3 alarms, read one page at a time"

tmux_send ':'
tmux_type 'cf'
tmux_send Enter
tmux_wait_for 'static\.ondeck\.example' 10
tap_ok $? ":cf lists the first distribution"
tmux_wait_for 'app\.ondeck\.example' 10
tap_ok $? "and the second, on the next page"
tmux_stop

read -r nlist ndesc alarms dists < <("$PYTHON3" -c '
import json, sys
ops = json.loads(sys.argv[1])["by_operation"]
print(*(ops.get(k, 0) for k in ("ecs:ListServices", "ecs:DescribeServices",
                                "monitoring:DescribeAlarms", "cloudfront:ListDistributions")))' \
    "$(proxy_stats)")
tap_ok '[ "$nlist" -ge 2 ] && [ "$ndesc" -ge 13 ]' \
    "the proxy saw ListServices pages ($nlist) and DescribeServices batches of 10 ($ndesc)"
tap_ok '[ "$alarms" -ge 3 ] && [ "$dists" -ge 2 ]' \
    "and alarms ($alarms calls) and distributions ($dists calls) a page at a time"
tap_done
