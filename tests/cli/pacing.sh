#!/usr/bin/env bash
# status --json at AWS's pace: ELBv2 behind a token bucket (awsproxy --bucket, answering
# "Throttling" / "Rate exceeded" as AWS does) still completes with the same data as an
# unthrottled run, its throttled describes issued again through the ELBv2 budget; ECS keeps its
# pace (never halved, never issued twice); a progress line goes to stderr, never to stdout.
# Nothing here is timed: the bucket's refill alone makes the run last past the progress period.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size 30 --metric-services 0 >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"

# What a cluster's status says, without what changes from one read to the next.
digest() {
    "$PYTHON3" - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out = {"stale": sorted(d.get("stale", {})), "services": []}
for s in sorted(d["services"], key=lambda s: s["serviceName"]):
    out["services"].append([s["serviceName"], s["status"], s["desiredCount"], s["runningCount"],
                            sorted(t["taskArn"] for t in s["tasks"]),
                            sorted((t["targetGroupArn"], t["id"], t["port"], t["state"])
                                   for t in s["targets"])])
print(json.dumps(out, sort_keys=True))
PY
}
ecs_calls() {
    "$PYTHON3" -c '
import json, sys
ops = json.load(sys.stdin)["by_operation"]
print(sum(n for op, n in ops.items() if op.startswith("ecs:")))'
}

# Unthrottled: the data to expect, and how many ECS calls it takes.
proxy_start || tap_bail "proxy did not start"
"$ONDECK" status --cluster prod --json --no-progress >"$TAP_TMPDIR/plain.json" \
    2>"$TAP_TMPDIR/plain.err"
tap_is "$?" 0 "unthrottled status --json" || tap_diag "$(cat "$TAP_TMPDIR/plain.err")"
want=$(digest "$TAP_TMPDIR/plain.json")
tap_like "$want" '"services": \[\["' "the unthrottled run read the services"
ecs_plain=$(proxy_stats | ecs_calls)
ntg=$("$PYTHON3" -c '
import json, sys
print(len({t["targetGroupArn"] for s in json.load(open(sys.argv[1]))["services"]
           for t in s["targets"]}))' "$TAP_TMPDIR/plain.json")
tap_ok '[ "$ntg" -ge 20 ]' "the world has target groups to describe ($ntg)"
tap_like "$(cat "$TAP_TMPDIR/plain.err")" '^$' "a quick run prints nothing on stderr"

# ELBv2 behind a small bucket: 4 calls at once, then 2 a second (AWS's is 40 / 10). ondeck
# is unlimited at a custom endpoint, so it runs into the bucket at once.
proxy_stop
proxy_start --bucket '^elasticloadbalancing:=4/2' || tap_bail "proxy (bucket) did not restart"
ONDECK_LOG="$TAP_TMPDIR/debug.log" "$ONDECK" --debug status --cluster prod --json --stats \
    >"$TAP_TMPDIR/paced.json" 2>"$TAP_TMPDIR/paced.err"
tap_is "$?" 0 "status --json completes behind the ELBv2 bucket" ||
    tap_diag "$(tail -5 "$TAP_TMPDIR/paced.err")"
tap_is "$(digest "$TAP_TMPDIR/paced.json")" "$want" \
    "with exactly the data of the unthrottled run (services, tasks, every target's health)"
stats=$(proxy_stats)
read -r thr elb_ok ecs_thr < <(printf '%s' "$stats" | "$PYTHON3" -c '
import json, sys
s = json.load(sys.stdin)
b = s["buckets"]["^elasticloadbalancing:=4/2"]
ecs = sum(n.get("bucket", 0) for op, n in s["injected"].items() if op.startswith("ecs:"))
print(b["throttled"], b["allowed"], ecs)')
tap_ok '[ "$thr" -gt 0 ]' "the bucket throttled ELBv2 calls ($thr, $elb_ok allowed)"
tap_is "$ecs_thr" 0 "no ECS call was throttled"
read -r o_elb o_ecs reissued < <("$PYTHON3" -c '
import json, sys
st = json.load(open(sys.argv[1]))["stats"]
print(st["throttled"].get("elbv2", 0), st["throttled"].get("ecs", 0), st["reissued"])' \
    "$TAP_TMPDIR/paced.json")
tap_is "$o_elb" "$thr" "ondeck's stats count every throttled ELBv2 answer ($o_elb)"
tap_ok '[ "$reissued" -gt 0 ]' "throttled describes were issued again ($reissued)"
tap_is "$o_ecs" 0 "and no ECS one"
tap_is "$(printf '%s' "$stats" | ecs_calls)" "$ecs_plain" \
    "ECS made exactly the calls of the unthrottled run ($ecs_plain): none repeated"
tap_ok 'grep -q "budget: elbv2 throttled" "$TAP_TMPDIR/debug.log"' "the ELBv2 budget was halved"
tap_ok '! grep -q "budget: ecs throttled" "$TAP_TMPDIR/debug.log"' \
    "the ECS budget was not: ECS keeps its pace while ELBv2 backs off"

# The progress line: on stderr (not a terminal here: whole lines), never on stdout.
err=$(cat "$TAP_TMPDIR/paced.err")
tap_like "$err" '(^|
)ondeck: services [0-9]+/[0-9]+, tasks [0-9]+/[0-9]+, targets [0-9]+/[0-9]+, [0-9]+ calls' \
    "a progress line on stderr"
tap_ok '! grep -q "ondeck: services" "$TAP_TMPDIR/paced.json"' "none on stdout"
tap_ok '! grep -q $'"'"'\r'"'"' "$TAP_TMPDIR/paced.err"' "no carriage return when stderr is not a terminal"

# --no-progress: the same paced run, silent.
proxy_config '{"buckets": ["^elasticloadbalancing:=4/2"]}' >/dev/null
"$ONDECK" status --cluster prod --json --no-progress >"$TAP_TMPDIR/quiet.json" \
    2>"$TAP_TMPDIR/quiet.err"
tap_is "$?" 0 "status --json --no-progress completes too"
tap_is "$(digest "$TAP_TMPDIR/quiet.json")" "$want" "with the same data"
tap_ok '! grep -q "ondeck: services" "$TAP_TMPDIR/quiet.err"' "and no progress line"
tap_done
