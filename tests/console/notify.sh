#!/bin/bash
# [console] notify = desktop when a watched rollout ends: `w` on a service watches its rollout
# against the scripted ECS endpoint of the watcher tests (tests/cli/actions_ecs_stub.py: moto
# never completes a rollout), which rolls and then COMPLETES; a stand-in notify-send on PATH
# records that it was told, once, and with what. (Alarm changes and the bell:
# tests/console/exec.sh.)
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
tap_require_moto
od_fake_aws_env
export ONDECK_WATCH_INTERVAL_MS=200 LANG=C.UTF-8 LC_ALL=C.UTF-8
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes"
pf="$TAP_TMPDIR/stub.port"
OD_BG_LOG="$TAP_TMPDIR/stub.log"
od_spawn "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/actions_ecs_stub.py" \
    --fixtures "$ONDECK_SRCDIR/tests/unit/data/actions" --port-file "$pf" \
    --sequence services_rolling.json,services_rolling.json,services_rolling.json,services_completed.json
STUB_PID=$OD_BG_PID
od_atexit '[ -n "$STUB_PID" ] && od_kill "$STUB_PID"'
for ((i = 0; i < 200; i++)); do
    [ -s "$pf" ] && break
    sleep 0.05
done
[ -s "$pf" ] || tap_bail "the ECS stub did not start"
export MOTO_URL="http://127.0.0.1:$(cat "$pf")"
# Signatures verified, requests checked; the layer's behaviours off (the stub keeps no state).
proxy_start --behaviours none || tap_bail "the proxy did not start"

bin=$TAP_TMPDIR/bin
mkdir -p "$bin"
cat >"$bin/notify-send" <<EOF2
#!/bin/sh
printf '%s|' "\$@" >>"$TAP_TMPDIR/notify"
echo >>"$TAP_TMPDIR/notify"
EOF2
chmod +x "$bin/notify-send"
export PATH="$bin:$PATH"
mkdir -p "$XDG_CONFIG_HOME/ondeck"
printf '[console]\nnotify = desktop\n' >"$XDG_CONFIG_HOME/ondeck/config"

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 160 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for 'cluster prod' 15
tmux_send ':'
tmux_type 'svc web'
tmux_send Enter
tmux_wait_for 'Service web · cluster prod' 15
tap_ok "[ ! -e '$TAP_TMPDIR/notify' ]" "no notification before the rollout ends"
tmux_send w
wait_ok 'COMPLETED .*deployment ecs-svc/1111111111111111111 COMPLETED' "the watched rollout completes" 20
for _ in $(seq 100); do [ -s "$TAP_TMPDIR/notify" ] && break; sleep 0.1; done
tap_is "$(cat "$TAP_TMPDIR/notify" 2>/dev/null)" "ondeck|rollout of web COMPLETED|" \
    "notify-send is told once: summary ondeck, the rollout and its verdict"
tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "the console exits 0"
tap_done
