#!/bin/bash
# A failed rollout in the console, on the animated demo world (tests/lib/demo_server.py,
# fast timing, with its scenario: `checkout` deploys a broken image and the circuit breaker
# fails it): the services table shows FAILED, the terminal bell rings ([console] bell = true;
# the world's alarms are removed so that only the rollout can ring it), and the service view shows the failure and its reason
# on opening.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
tap_require_moto

od_workdir
od_fake_aws_env
portfile=$OD_WORKDIR/demo.port
world=$OD_WORKDIR/world.json
OD_BG_LOG=$OD_WORKDIR/moto.log
od_spawn "$PYTHON3" "$OD_LIBDIR/demo_server.py" --timing fast --size demo --scenario \
    --port-file "$portfile" --ready-file "$world" --log "$OD_WORKDIR/animator.log"
MOTO_PID=$OD_BG_PID
od_atexit moto_stop
for ((i = 0; i < 1200; i++)); do
    [ -s "$world" ] && break
    kill -0 "$MOTO_PID" 2>/dev/null || break
    sleep 0.1
done
[ -s "$world" ] || { tap_diag "$(tail -n 30 "$OD_BG_LOG")"; tap_bail "the demo server did not come up"; }
export MOTO_PORT MOTO_URL
MOTO_PORT=$(cat "$portfile")
MOTO_URL=http://127.0.0.1:$MOTO_PORT
export AWS_ENDPOINT_URL=$MOTO_URL
# The bell checked here is the failed rollout's: the world's alarms (web-cpu-high climbs and
# fires on its own) would ring it too, at a time of their choosing, so they go before the
# console starts (the animator evaluates only the alarms that exist).
"$PYTHON3" -c 'import boto3, sys
cw = boto3.client("cloudwatch", endpoint_url=sys.argv[1])
names = [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]]
cw.delete_alarms(AlarmNames=names)
left = cw.describe_alarms()["MetricAlarms"]
sys.exit(f"alarms left: {left}" if left else 0)' "$MOTO_URL" || tap_bail "could not remove the alarms"
# The console talks to the demo world through the proxy and its AWS-behaviour layer.
proxy_start || tap_bail "the proxy did not start"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
mkdir -p "$XDG_CONFIG_HOME/ondeck"
printf '[console]\nbell = true\n' >"$XDG_CONFIG_HOME/ondeck/config"

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^checkout ' 20
tap_ok $? "the demo world's services are listed"
tap_is "$(tmux_fmt '#{window_bell_flag}')" 0 "no bell while nothing has failed"
tmux_wait_for '^checkout +[0-9]+ +[0-9]+ +[0-9]+ +FAILED' 90
tap_ok $? "the broken deploy of checkout shows as FAILED in the services table"
tmux_wait_bell 10
tap_ok $? "the terminal bell rang for the failed rollout ([console] bell)"
tmux_send '/'
tmux_type 'checkout'
tmux_send Enter Enter
tmux_wait_for 'Service checkout' 5
s=$(tmux_capture)
tap_like "$(sed -n 3p <<<"$s")" 'ROLLOUT FAILED +ECS deployment circuit breaker' \
    "opening the service shows the failure and its reason first, without a key"
if grep -Eq 'PRIMARY +FAILED +checkout:[0-9]+' <<<"$s"; then tap_ok 0 "the failed deployment"; else
    tap_ok 1 "the failed deployment"; tap_diag "$s"; fi
if grep -Eq 'ACTIVE +COMPLETED +checkout:[0-9]+ .* [0-9]+/[0-9]+ running' <<<"$s"; then
    tap_ok 0 "next to the previous one that keeps serving"
else
    tap_ok 1 "next to the previous one that keeps serving"
    tap_diag "$s"
fi
# The rollout view offers the one-key rollback to the revision that was serving.
stable=$("$PYTHON3" -c '
import boto3, sys
s = boto3.client("ecs", endpoint_url=sys.argv[1]).describe_services(
    cluster="prod", services=["checkout"])["services"][0]
print(next(d["taskDefinition"] for d in s["deployments"] if d["status"] == "ACTIVE").rsplit("/", 1)[1])' \
    "$AWS_ENDPOINT_URL")
tmux_send w
tmux_wait_for "Press R to roll back to $stable" 20
tap_ok $? "the rollout view offers the rollback to $stable"
tmux_send R
tmux_wait_for '\[ Cancel \] +\[ Roll back \]' 20
tap_ok $? "R asks for the confirmation of the rollback"
tmux_send Tab Enter
got=
for ((i = 0; i < 100; i++)); do
    got=$("$PYTHON3" -c '
import boto3, sys
s = boto3.client("ecs", endpoint_url=sys.argv[1]).describe_services(
    cluster="prod", services=["checkout"])["services"][0]
print(s["taskDefinition"].rsplit("/", 1)[-1])' "$AWS_ENDPOINT_URL")
    [ "$got" = "$stable" ] && break
    sleep 0.2
done
tap_is "$got" "$stable" "after the confirmation checkout runs the stable revision again"
tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "C-c quits with status 0"

tap_done
