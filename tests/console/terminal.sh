#!/bin/bash
# The terminal around the console: a tiny window, a resize storm during refreshes, quitting
# and SIGTERM leave a working terminal (main screen, echo, canonical mode), keys are answered
# while AWS is slow, ASCII drawing outside UTF-8 and no colour with NO_COLOR.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
seed_world >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR


# The console inside a shell that reports how it left the terminal.
tmux_wrapper "$TAP_TMPDIR/run.sh"
RUN=("$TAP_TMPDIR/run.sh" "$ONDECK")

# After the console: the main screen is back, echo and canonical mode are on.
check_clean()
{
    local what=$1 s
    tmux_wait_for '^DONE' 10
    tap_ok $? "$what: the shell after the console runs"
    s=$(tmux_capture -S -)
    tap_is "$(tmux_fmt '#{alternate_on}')" 0 "$what: the alternate screen is left"
    tap_grep "$s" '^STTY: isig icanon echo$' "$what: echo and canonical mode are restored"
    tap_nogrep "$s" 'ondeck │ profile' "$what: no console left on the screen"
}

# ---- tiny terminal, then a resize storm while refreshing ------------------------------------
tmux_start 20 5 "${RUN[@]}" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for 'Terminal too small' 10
tap_ok $? "a 20x5 terminal shows 'too small' instead of a broken layout"
tap_grep "$(tmux_capture)" '20x5 < 50x10' "with the size it needs"
tmux_resize 120 40
tmux_wait_for '^worker ' 15
tap_ok $? "growing the terminal brings the console back"
for i in $(seq 1 40); do
    tmux_resize $((50 + (i * 37) % 90)) $((8 + (i * 13) % 40))
    [ $((i % 5)) = 0 ] && tmux_send r
done
tmux_resize 100 30
tmux_wait_for '^worker ' 15
tap_ok $? "after a resize storm during refreshes the console still answers"
tmux_send '?'
tmux_wait_for 'Keys of the services view' 5
tmux_send q
tmux_wait_for '^ \? help' 5
tap_ok $? "the key hints are on the last line"
s=$(tmux_capture)
tap_grep "$(sed -n 1p <<<"$s")" '^ ondeck │ profile' "and draws the status bar on the first line"
tap_grep "$(sed -n 3p <<<"$s")" '^SERVICE ▲ +DES' "the header on the third"
tap_grep "$(sed -n 30p <<<"$s")" '^ \? help' "the key hints on the last line of 30"
# tmux wraps what is written past the last column onto the next row: -J joins wrapped rows
# back, so a line drawn past 100 columns shows as longer than 100.
tap_nogrep "$(tmux_capture -J)" '.{101,}' "nothing is drawn past 100 columns"
tmux_send ':'
tmux_type 'clu'
tmux_resize 90 25
tmux_resize 110 35
tmux_type 'sters'
tmux_wait_for '^:clusters' 5
tap_ok $? "the command palette survives a resize while typing"
tmux_send Enter
tmux_wait_for '^prod +ACTIVE' 10
tap_ok $? "and runs the command typed across it"
tmux_resize 30 12
tmux_wait_for 'Terminal too small' 5
tap_ok $? "shrinking below 50 columns shows the message again"
tmux_resize 120 40
tmux_wait_for '^prod +ACTIVE' 5
tmux_send q
check_clean "quit with q"
tap_grep "$(tmux_capture -S -)" '^EXIT=0$' "q at the top view exits with status 0"
tmux_stop

# ---- SIGTERM -----------------------------------------------------------------------------------
tmux_start 120 40 "${RUN[@]}" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^worker ' 15
pid=$(pgrep -P "$(tmux_pane_pid)" -x ondeck | head -1)
tap_ok '[ -n "$pid" ]' "the console's pid is known"
kill -TERM "$pid"
check_clean "SIGTERM"
tap_grep "$(tmux_capture -S -)" '^EXIT=143$' "SIGTERM ends the console as the signal would (143)"
tmux_stop

# ---- SIGHUP while a dialog-free prompt is open -----------------------------------------------
tmux_start 120 40 "${RUN[@]}" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^worker ' 15
tmux_send ':'
tmux_type 'clus'
pid=$(pgrep -P "$(tmux_pane_pid)" -x ondeck | head -1)
kill -HUP "$pid"
check_clean "SIGHUP with the command palette open"
tmux_stop

# ---- keys are answered while AWS is slow ------------------------------------------------------
proxy_start --delay-ms 2000 || tap_bail "the proxy did not start"
tmux_start 120 40 "${RUN[@]}" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for 'ondeck │' 5
tmux_send '?'
# Order, not a stopwatch: the first screen that shows the help still says the data is
# loading, so the key was answered before the first refresh finished.
help_screen="" found=1
for ((i = 0; i < 200; i++)); do
    help_screen=$(tmux_capture)
    grep -q 'Keys of the services view' <<<"$help_screen" && { found=0; break; }
    sleep 0.05
done
tap_ok "$found" "? opens the help while every AWS call takes 2 s" || tap_diag "$help_screen"
tap_grep "$(sed -n 1p <<<"$help_screen")" 'data loading' \
    "the help opened before the first refresh finished (the status bar still says data loading)"
tmux_send q
tmux_wait_for '^worker ' 20
tap_ok $? "the data arrives later"
tap_nogrep "$(tmux_capture | sed -n 1p)" 'STALE' "fresh data is not marked stale"
# Now every call fails: the data stays, marked stale, with the error.
proxy_config '{"delay_ms": 0, "fault_503": 1.0}' >/dev/null
tmux_send r
tmux_wait_for 'STALE [a-z,]*services' 30
tap_ok $? "when a refresh fails the status bar marks the parts STALE"
tap_grep "$(tmux_capture)" '^worker ' "the last good data stays on screen"
tap_grep "$(tmux_capture | sed -n 2p)" 'Services .* STALE' "and the view's title says STALE too"
tmux_send q
check_clean "quit while slow"
tmux_stop
proxy_stop

# ---- no UTF-8: ASCII drawing; NO_COLOR: no colours ---------------------------------------------
LANG=C LC_ALL=C NO_COLOR=1 tmux_start 120 40 env LANG=C LC_ALL=C NO_COLOR=1 "${RUN[@]}" --cluster prod ||
    tap_bail "tmux did not start"
tmux_wait_for '^worker ' 15
s=$(tmux_capture)
tap_grep "$s" 'SERVICE \^' "ASCII sort arrow outside UTF-8"
tap_grep "$s" '^ ondeck \| profile' "ASCII separators in the status bar"
tap_grep "$s" '^api .* [-#]{10} 0/2 ' "ASCII progress bar"
tap_nogrep "$s" '[│▲▁▂▃▄▅▆▇█░…]' "no UTF-8 drawing characters at all"
tap_nogrep "$(tmux_capture -e)" $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m' \
    "NO_COLOR: no colours"
tap_grep "$(tmux_capture -e)" $'\e\\[[0-9;]*7m' "NO_COLOR: the selection is reverse video"
tmux_send q
tap_is "$(tmux_wait_exit 5)" 0 "exit status 0"
tmux_stop

# ---- not a terminal -------------------------------------------------------------------------
out=$("$ONDECK" --cluster prod </dev/null 2>&1)
tap_is "$?" 2 "without a terminal the console refuses (status 2)"
tap_grep "$out" 'needs a terminal' "and says why"

tap_done
