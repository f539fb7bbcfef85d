#!/usr/bin/env bash
# `deploy --wait` exits 3 when the rollout FAILS (README, actions.md, ondeck.1 exit statuses):
# on the animated demo world (fast timing) an image tagged `broken` never starts, the circuit
# breaker trips and ECS marks the deployment FAILED. A deploy of a good image, by contrast,
# is followed to COMPLETED and exits 0. Through the verifying proxy.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

"$PYTHON3" "$OD_LIBDIR/animator.py" --check >/dev/null 2>&1 ||
    tap_skip_all "the installed moto is not one tests/lib/animator.py supports"

od_workdir
od_fake_aws_env
portfile=$OD_WORKDIR/demo.port
world=$OD_WORKDIR/world.json
OD_BG_LOG=$OD_WORKDIR/moto.log
od_spawn "$PYTHON3" "$OD_LIBDIR/demo_server.py" --timing fast --size small \
    --port-file "$portfile" --ready-file "$world" --log "$OD_WORKDIR/animator.log"
MOTO_PID=$OD_BG_PID
od_atexit moto_stop
for ((i = 0; i < 600; i++)); do
    [ -s "$world" ] && break
    kill -0 "$MOTO_PID" 2>/dev/null || break
    sleep 0.1
done
[ -s "$world" ] || { tap_diag "$(tail -n 30 "$OD_BG_LOG")"; tap_bail "the demo server did not come up"; }
export MOTO_PORT MOTO_URL AWS_ENDPOINT_URL
MOTO_PORT=$(cat "$portfile")
MOTO_URL=http://127.0.0.1:$MOTO_PORT
AWS_ENDPOINT_URL=$MOTO_URL
proxy_start || tap_bail "proxy did not start"
export ONDECK_WATCH_INTERVAL_MS=300 ONDECK_FOLLOW_INTERVAL_MS=300

out=$("$ONDECK" deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:broken \
    --wait --timeout 90 --yes 2>&1 </dev/null)
rc=$?
tap_diag "$out"
tap_is "$rc" 3 "deploy --wait of an image that never starts exits 3"
tap_like "$out" 'FAILED' "and reports the rollout FAILED"
tap_nogrep "$out" 'TIMEOUT' "a verdict, not the timeout"

out=$("$ONDECK" deploy --cluster prod --service api --force --wait --timeout 90 --yes 2>&1 </dev/null)
rc=$?
tap_is "$rc" 0 "deploy --force --wait of a good revision exits 0 (the rollout completed)" || tap_diag "$out"

tap_done
