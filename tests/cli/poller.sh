#!/usr/bin/env bash
# The poller across refreshes: task definitions are described once and then come from the
# cache (they are immutable), and status --service shows the service's container definitions.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
proxy_start || tap_bail "proxy did not start"

"$ONDECK_BUILDDIR/tests/unit/poll_twice" prod >"$TAP_TMPDIR/out" 2>"$TAP_TMPDIR/err"
tap_is "$?" 0 "two refreshes succeed"
out=$(cat "$TAP_TMPDIR/out")
tap_like "$out" 'round 1: DescribeTaskDefinition=3 cached=3 stale=0' \
    "first refresh describes each of the 3 services' task definitions"
tap_like "$out" 'round 2: DescribeTaskDefinition=0 cached=3 stale=0' \
    "second refresh describes none: served from the cache"
tap_ok '! grep -q missing "$TAP_TMPDIR/out"' "every service's task definition is cached"
tap_like "$(proxy_stats)" '"ecs:DescribeTaskDefinition": 3[,}]' "the proxy saw exactly 3 describes"

"$ONDECK" status --cluster prod --service web --json >"$TAP_TMPDIR/web.json" 2>/dev/null
tap_is "$?" 0 "status --service web"
got=$("$PYTHON3" -c '
import json, sys
s = json.load(open(sys.argv[1]))["services"][0]
print(" ".join(c["name"] + "=" + c["image"] for c in s["containerDefinitions"]),
      s["containerDefinitions"][0]["logDriver"])' "$TAP_TMPDIR/web.json")
want=$("$PYTHON3" -c '
import boto3, sys
ecs = boto3.client("ecs", endpoint_url=sys.argv[1])
arn = ecs.describe_services(cluster="prod", services=["web"])["services"][0]["taskDefinition"]
td = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
print(" ".join(c["name"] + "=" + c["image"] for c in td["containerDefinitions"]),
      td["containerDefinitions"][0]["logConfiguration"]["logDriver"])' "$MOTO_URL")
tap_is "$got" "$want" "containerDefinitions match the task definition in moto (app + redis)"

# Metrics are billed per metric: one service asked for, one service's metrics requested.
"$ONDECK" status --cluster prod --json --stats >"$TAP_TMPDIR/all.json" 2>/dev/null
read -r all one webcpu < <("$PYTHON3" -c '
import json, sys
a = json.load(open(sys.argv[1])); w = json.load(open(sys.argv[2]))
print(a["stats"]["metricsRequested"], w["stats"]["metricsRequested"],
      len(w["services"][0]["metrics"].get("CPUUtilization", [])))' \
    "$TAP_TMPDIR/all.json" <("$ONDECK" status --cluster prod --service web --json --stats 2>/dev/null))
tap_ok '[ "$one" -lt "$all" ] && [ "$one" -le 9 ]' \
    "status --service asks only that service's metrics ($one of $all)"
tap_ok '[ "$webcpu" -gt 0 ]' "and still shows them ($webcpu CPU points)"

# Call budgets: with [limits] elbv2 = 4, the DescribeTargetHealth calls of a 30-service world
# never come faster than the bucket allows (burst 8, then 4 a second).
proxy_stop
moto_stop
moto_start || tap_bail "moto did not restart"
seed_world --size 30 --metric-services 0 >"$TAP_TMPDIR/world30.json" || tap_bail "seeding failed"
proxy_start || tap_bail "proxy did not restart"
printf '[limits]\nelbv2 = 4\n' >"$TAP_TMPDIR/limits.conf"
"$ONDECK" --config "$TAP_TMPDIR/limits.conf" status --cluster prod --json >/dev/null 2>&1
tap_is "$?" 0 "status with an ELB budget of 4 calls a second"
read -r total peak < <("$PYTHON3" - "$PROXY_LOG" <<'PY'
import re, sys
from datetime import datetime
# The time each request arrived at the proxy (not when moto's answer was logged: a slow
# answer would bunch the log lines together).
times = [datetime.strptime(re.search(r" arrived=(\S+)", l).group(1), "%H:%M:%S.%f")
         for l in open(sys.argv[1]) if "DescribeTargetHealth" in l and " -> 200" in l]
times = [t.timestamp() for t in times]
peak = max((sum(1 for u in times if t <= u < t + 1.0) for t in times), default=0)
print(len(times), peak)
PY
)
tap_ok '[ "$total" -ge 25 ]' "every target group asked ($total DescribeTargetHealth calls)"
tap_ok '[ "$peak" -le 13 ]' "never more than burst + rate in any second (peak $peak)"
tap_done
