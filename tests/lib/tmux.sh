# tests/lib/tmux.sh - drive the real console inside a private, detached tmux (sourced, bash).
#
#   tmux_start W H CMD...   start a private tmux server (its own socket, no user config) with
#                           one W x H window running CMD; TERM inside is tmux-256color
#                           (TMUX_TERM overrides); the pane stays after CMD exits
#   tmux_send KEY...        tmux send-keys (names like Enter, Escape, C-c, Up, or text with -l)
#   tmux_type TEXT          send TEXT literally
#   tmux_capture [-e]       the screen as text (-e: with colour escape sequences)
#   tmux_wait_for ERE [S]   wait until the screen matches ERE (default 10 s); 1 on timeout,
#                           with the last screen in the TAP diagnostics
#   tmux_wait_gone ERE [S]  wait until the screen no longer matches ERE (a screen that cannot
#                           be captured is not "gone": 1)
#   tmux_wait_bell [S]      wait until the bell rang in the window (#{window_bell_flag})
#   tmux_resize W H         resize the window (the console gets SIGWINCH)
#   tmux_wrapper FILE       write a script FILE that runs its arguments, then prints
#                           "EXIT=<status>", "STTY: <isig icanon echo as set>" and "DONE": run
#                           the console through it to see its exit status and the terminal
#                           it left (tmux 3.3 sometimes never fills in #{pane_dead_status})
#   tmux_wait_exit [S]      wait for that DONE; prints the exit status
#   tmux_pane_dead          0 when the program in the pane has exited
#   tmux_fmt FORMAT         tmux display -p FORMAT for the pane (#{alternate_on}, ...)
#   tmux_pane_pid           the pid of the pane's process
#   tmux_stop               kill the server (also registered on EXIT)
#
# No sleeps in tests: wait for what the screen should show, with a timeout.

TMUX_SOCKET=
TMUX_TARGET=ondeck:0.0

tmux_cmd()
{
    tmux -L "$TMUX_SOCKET" "$@"
}

tmux_start()
{
    local w=$1 h=$2 conf
    shift 2
    TMUX_SOCKET=ondeck-test-$$-$RANDOM
    conf=${TAP_TMPDIR:-/tmp}/tmux.conf
    {
        echo "set -g default-terminal '${TMUX_TERM:-tmux-256color}'"
        echo "set -g remain-on-exit on"
        echo "set -g history-limit 1000"
        echo "set -g status off"
        echo "set -g escape-time 0"
    } >"$conf"
    # Unset TMUX so a test run from inside tmux still gets its own server.
    env -u TMUX tmux -L "$TMUX_SOCKET" -f "$conf" new-session -d -s ondeck -x "$w" -y "$h" "$@" ||
        return 1
    if declare -F od_atexit >/dev/null; then
        od_atexit tmux_stop
    fi
    return 0
}

tmux_stop()
{
    [ -n "$TMUX_SOCKET" ] || return 0
    tmux_cmd kill-server 2>/dev/null || true
    TMUX_SOCKET=
}

tmux_send()
{
    tmux_cmd send-keys -t "$TMUX_TARGET" "$@"
}

tmux_type()
{
    tmux_cmd send-keys -t "$TMUX_TARGET" -l "$1"
}

tmux_capture()
{
    tmux_cmd capture-pane -t "$TMUX_TARGET" -p "$@"
}

tmux_fmt()
{
    tmux_cmd display-message -t "$TMUX_TARGET" -p "$1"
}

tmux_pane_dead()
{
    [ "$(tmux_fmt '#{pane_dead}')" = 1 ]
}

tmux_pane_pid()
{
    tmux_fmt '#{pane_pid}'
}

tmux_resize()
{
    tmux_cmd resize-window -t ondeck:0 -x "$1" -y "$2"
}

# Wait for the screen to match (or, with TMUX_WAIT_NOT=1, to stop matching) an ERE.
tmux__wait()
{
    local ere=$1 secs=${2:-10} want=$3 deadline screen
    deadline=$((SECONDS + secs))
    while :; do
        # A failed capture (the server or pane is gone) is no screen at all: it neither
        # matches nor counts as "gone".
        if ! screen=$(tmux_capture 2>&1); then
            if [ "$SECONDS" -ge "$deadline" ]; then
                declare -F tap_diag >/dev/null && tap_diag "capture-pane failed: $screen"
                return 1
            fi
            sleep 0.05
            continue
        fi
        if grep -Eq -- "$ere" <<<"$screen"; then
            [ "$want" = match ] && return 0
        else
            [ "$want" = gone ] && return 0
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            if declare -F tap_diag >/dev/null; then
                tap_diag "timed out after ${secs}s waiting for /$ere/ ($want); screen:" "$screen"
            fi
            return 1
        fi
        sleep 0.05
    done
}

tmux_wait_for()
{
    tmux__wait "$1" "${2:-10}" match
}

tmux_wait_gone()
{
    tmux__wait "$1" "${2:-10}" gone
}

tmux_wrapper()
{
    cat >"$1" <<'EOS'
#!/bin/bash
"$@"
echo "EXIT=$?"
echo "STTY:" $(stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(echo|icanon|isig)')
echo "DONE"
EOS
    chmod +x "$1"
}

# Wait for the wrapper's DONE and print the exit status it reported (nothing on timeout).
tmux_wait_exit()
{
    tmux_wait_for '^DONE$' "${1:-10}" || return 1
    tmux_capture -S - | sed -n 's/^EXIT=\([0-9]*\)$/\1/p' | tail -1
}

tmux_wait_bell()
{
    local deadline=$((SECONDS + ${1:-10}))
    while [ "$(tmux_fmt '#{window_bell_flag}')" != 1 ]; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}

# wait_ok ERE DESC [SECONDS]: a check that the screen comes to match ERE (default 10 s).
wait_ok() { tmux_wait_for "$1" "${3:-10}"; tap_ok $? "$2"; }
