#!/usr/bin/env bash
# ondeck status --json on a 260-service moto world (Fargate awsvpc behind an ALB, EC2 bridge
# mode with instance targets, app + redis tasks), compared with what boto3 reads from moto;
# plus the call budget of --stats and a failed part that is marked stale.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size 260 --metric-services 12 >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
proxy_start || tap_bail "proxy did not start"

for cluster in prod legacy; do
    "$ONDECK" status --cluster "$cluster" --json --stats >"$TAP_TMPDIR/$cluster.json" \
        2>"$TAP_TMPDIR/$cluster.err"
    tap_is "$?" 0 "status --cluster $cluster exits 0"
    tap_is "$(cat "$TAP_TMPDIR/$cluster.err")" "" "status --cluster $cluster prints no error"
    # The comparison prints its own TAP lines: renumber them into ours, and count them
    # against its plan and exit status (a traceback must not make comparisons vanish).
    AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/status_compare.py" \
        "$TAP_TMPDIR/$cluster.json" "$cluster" "$MOTO_URL" >"$TAP_TMPDIR/$cluster.cmp" 2>&1
    tap_relay "$cluster" "$TAP_TMPDIR/$cluster.cmp" "$?" "$cluster: the comparison with boto3 ran to its plan"
done

# Calls per refresh: within 10 % of the minimum the batch limits allow, and the proxy
# counted what ondeck says it sent.
read -r calls minimum attempts < <("$PYTHON3" -c '
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
print(s["calls"], s["minimumCalls"], s["attempts"])' "$TAP_TMPDIR/prod.json")
tap_ok '[ "$calls" -le $((minimum + minimum / 10)) ]' \
    "prod: $calls calls per refresh, minimum $minimum (within 10 %)"
tap_ok '[ "$minimum" -ge 26 ]' "prod: the minimum counts 26 DescribeServices batches ($minimum)"
proxy_reset
"$ONDECK" status --cluster prod --json --stats >"$TAP_TMPDIR/again.json" 2>/dev/null
sent=$("$PYTHON3" -c 'import json,sys; print(json.loads(sys.argv[1])["requests"])' "$(proxy_stats)")
reported=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["attempts"])' \
    "$TAP_TMPDIR/again.json")
tap_is "$sent" "$reported" "the proxy saw exactly the attempts ondeck reported"
tap_like "$(proxy_stats)" '"signature_failures": 0' "every request carried a valid signature"

# The human table: one line per service, the failed-rollout marker absent on a healthy world.
"$ONDECK" status --cluster legacy >"$TAP_TMPDIR/legacy.txt" 2>&1
tap_like "$(cat "$TAP_TMPDIR/legacy.txt")" 'legacy-web +EC2 ' "text table lists the bridge-mode service"

# A part that fails is reported and marked stale; the rest is still printed.
proxy_stop
proxy_start --throttle 1.0 --only 'elasticloadbalancing:DescribeTargetHealth' ||
    tap_bail "proxy did not restart"
AWS_MAX_ATTEMPTS=2 "$ONDECK" status --cluster legacy --json >"$TAP_TMPDIR/stale.json" \
    2>"$TAP_TMPDIR/stale.err"
tap_is "$?" 1 "a failed part makes status exit 1"
tap_like "$(cat "$TAP_TMPDIR/stale.err")" 'targets: throttled|targets: Throttling' \
    "the failed part and its error are printed"
got=$("$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["services"]), "targets" in d.get("stale", {}), len(d["services"][0]["tasks"]))' \
    "$TAP_TMPDIR/stale.json")
tap_is "$got" "1 True 2" "services and tasks still shown, targets marked stale"
tap_done
