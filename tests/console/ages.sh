#!/bin/bash
# The status bar says when each part was last confirmed: "services 4s · targets 4s · ...",
# when the row has room (else "data 4s ago", the oldest); a part whose calls fail keeps its
# last good time and grows older, marked STALE, while the others are confirmed again.
# Order, not a stopwatch: ages are compared with each other, waits are generous.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
seed_world >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
proxy_start || tap_bail "the proxy did not start"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8

# age_of PART LINE: the seconds shown after "PART " in the status line ("" when absent or
# not in seconds).
age_of() { sed -nE "s/.*[ │·]$1 ([0-9]+)s( |$).*/\\1/p" <<<"$2"; }

tmux_start 200 40 "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^worker ' 20
tap_ok $? "the services table is there"
tmux_wait_for '^ ondeck │ .* cluster prod │ services [0-9]+s · targets [0-9]+s · alarms [0-9]+s · metrics [0-9]+s │ [0-9]+ calls/min' 20
tap_ok $? "a wide status bar shows each part's age: services, targets, alarms, metrics"
tap_nogrep "$(tmux_capture | sed -n 1p)" 'data [0-9]+s ago' "in place of the single age"
tap_nogrep "$(tmux_capture | sed -n 1p)" 'STALE' "nothing is stale yet"

# Narrow: no room for every age beside the call rate, so the oldest, as before.
tmux_resize 100 30
tmux_wait_for '^ ondeck │ .* data [0-9]+s ago' 10
tap_ok $? "at 100 columns the bar falls back to 'data Ns ago'"
tap_nogrep "$(tmux_capture -J)" '.{101,}' "and draws nothing past 100 columns"
tmux_resize 200 40
tmux_wait_for 'services [0-9]+s · targets [0-9]+s' 10
tap_ok $? "wide again, the ages come back"

# Target health fails from now on; the ECS and CloudWatch calls still answer.
proxy_config '{"fault_503": 1.0, "only": "DescribeTargetHealth|DescribeTargetGroups"}' >/dev/null
tmux_send r
tmux_wait_for 'STALE [a-z,]*targets' 60
tap_ok $? "the failing part is marked STALE, as before"
# Refresh until the others have been confirmed again well after targets' last success.
ok=1 line=""
for ((i = 0; i < 60; i++)); do
    line=$(tmux_capture | sed -n 1p)
    s=$(age_of services "$line") t=$(age_of targets "$line")
    if [ -n "$s" ] && [ -n "$t" ] && [ "$t" -ge $((s + 3)) ]; then
        ok=0
        break
    fi
    tmux_send r
    sleep 1
done
tap_ok "$ok" "targets grows older while services is confirmed again" || tap_diag "$line"
tap_grep "$line" 'STALE [a-z,]*targets' "still marked STALE beside its age"
tap_grep "$(tmux_capture)" '^worker ' "the last good rows stay on screen"

# Target health answers again: its age is confirmed anew and STALE goes.
proxy_config '{"fault_503": 0}' >/dev/null
tmux_send r
tmux_wait_gone 'STALE' 60
tap_ok $? "once the calls answer, STALE goes"
line=$(tmux_capture | sed -n 1p)
t=$(age_of targets "$line")
tap_ok "$([ -n "$t" ] && [ "$t" -lt 30 ]; echo $?)" "and targets is confirmed again (${t:-?}s)" ||
    tap_diag "$line"
tmux_send q
tmux_stop
tap_done
