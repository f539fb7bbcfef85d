#!/usr/bin/env bash
# The rollout watcher on real ECS semantics (`ondeck watch`): a scripted ECS endpoint
# (tests/cli/actions_ecs_stub.py) replays recorded-and-edited DescribeServices bodies, because
# moto never completes or fails a rollout. COMPLETED exits 0; rolloutState FAILED and a
# circuit-breaker rollback (my deployment disappears) exit 3 with the stopped task's reason and
# the rollback offer; a rollout that never ends times out (exit 3); throttling backs off.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

od_fake_aws_env
fixtures="$ONDECK_SRCDIR/tests/unit/data/actions"
out=$TAP_TMPDIR/out
export ONDECK_WATCH_INTERVAL_MS=100
STUB_PID=

stub()
{
    local pf="$TAP_TMPDIR/stub.port" i
    [ -n "$STUB_PID" ] && od_kill "$STUB_PID"
    rm -f "$pf"
    OD_BG_LOG="$TAP_TMPDIR/stub.log"
    od_spawn "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/actions_ecs_stub.py" --fixtures "$fixtures" \
        --port-file "$pf" "$@"
    STUB_PID=$OD_BG_PID
    for ((i = 0; i < 200; i++)); do
        [ -s "$pf" ] && break
        sleep 0.05
    done
    [ -s "$pf" ] || tap_bail "the ECS stub did not start"
    # Behind the proxy, as moto is: signatures verified, requests checked against botocore's
    # model (the layer's behaviours off: they would ask the stub for state it does not keep).
    export MOTO_URL="http://127.0.0.1:$(cat "$pf")"
    proxy_start --behaviours none || tap_bail "the proxy did not start"
}
od_atexit '[ -n "$STUB_PID" ] && od_kill "$STUB_PID"'

watch()
{
    "$ONDECK" watch --cluster prod --service web --deployment ecs-svc/1111111111111111111 "$@" \
        >"$out" 2>&1 </dev/null
}

stub --sequence services_rolling.json,services_rolling.json,services_completed.json
watch --timeout 30
tap_is "$?" 0 "rolling then COMPLETED: exit 0"
tap_like "$(cat "$out")" 'rollout IN_PROGRESS \(web:4\): new 1/2 running, 1 pending, 0 failed; other deployments 2 running' \
    "progress shows new and old deployment counts and rolloutState"
tap_like "$(cat "$out")" 'COMPLETED: deployment ecs-svc/1111111111111111111 COMPLETED: 2/2 tasks running' \
    "ends in COMPLETED"
tap_like "$(cat "$out")" 'event: \(service web\) has reached a steady state\.' "service events are shown once"
tap_is "$(grep -c 'has started 1 tasks' "$out")" 1 "an event seen in several polls is shown once"

stub --sequence services_rolling.json,services_failed.json
watch --timeout 30
tap_is "$?" 3 "rolloutState FAILED: exit 3"
tap_like "$(cat "$out")" 'FAILED: rollout FAILED: ECS deployment circuit breaker: tasks failed to start\.' \
    "the failure carries rolloutStateReason"
tap_like "$(cat "$out")" 'task 0badc0de0badc0de0badc0de0badc0de stopped \(reason: CannotPullContainerError' \
    "the stopped task of the new deployment and its reason are shown"
tap_like "$(cat "$out")" 'ondeck rollback --cluster prod --service web --revision 3' \
    "a one-command rollback to the last stable revision (web:3) is offered"

stub --sequence services_rolling.json,services_rolled_back.json
watch --timeout 30
tap_is "$?" 3 "circuit-breaker rollback (my deployment gone, service stable): exit 3, not success"
tap_like "$(cat "$out")" 'circuit breaker rolled the service back to web:3' "and says why"
tap_ok '! grep -q "Roll back with" "$out"' "no rollback offer when ECS already rolled back"

stub --sequence services_rolling.json
watch --timeout 1
tap_is "$?" 3 "a rollout that never ends: exit 3 at the timeout"
tap_like "$(cat "$out")" 'TIMEOUT: no verdict after 1 s' "says it timed out"

stub --throttle-first 3 --sequence services_completed.json
watch --timeout 60
tap_is "$?" 0 "throttled polls back off and the watch still completes"
tap_like "$(cat "$out")" 'poll failed: Rate exceeded, backing off' "throttling is shown, not fatal"
stats=$("$PYTHON3" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1] + "/__stub/stats", timeout=5).read().decode())' "$MOTO_URL")
tap_like "$stats" '"DescribeServices": [1-9]' "the watcher asked the stub for the service"
tap_ok '! grep -q wrong_request <<<"$stats"' "... and only ever for prod/web (the stub answers nothing else)"
tap_done
