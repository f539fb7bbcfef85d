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

# Calls per refresh, counted by the proxy against AWS's own limits (not ondeck's arithmetic):
# ListServices pages at most 100 ARNs, DescribeServices takes at most 10 services (the
# batch-limits behaviour refuses more), DescribeTasks at most 100 tasks. A client that asks
# for more per call is refused; one that asks for less, or describes twice, is counted.
nprod=$("$PYTHON3" -c '
import json, sys
print(sum(1 for s in json.load(open(sys.argv[1]))["services"] if s["cluster"] == "prod"))' \
    "$TAP_TMPDIR/world.json")
proxy_reset
"$ONDECK" status --cluster prod --json --stats >"$TAP_TMPDIR/again.json" 2>/dev/null
tap_is "$?" 0 "status --cluster prod again"
read -r list desc sent < <("$PYTHON3" -c '
import json, sys
s = json.loads(sys.argv[1]); ops = s["by_operation"]
print(ops.get("ecs:ListServices", 0), ops.get("ecs:DescribeServices", 0), s["requests"])' \
    "$(proxy_stats)")
tap_is "$list" $(((nprod + 99) / 100)) "prod: $nprod services listed in $list ListServices pages of 100"
tap_is "$desc" $(((nprod + 9) / 10)) "prod: $nprod services described in $desc DescribeServices batches of 10"
reported=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["attempts"])' \
    "$TAP_TMPDIR/again.json")
tap_is "$sent" "$reported" "the proxy saw exactly the attempts ondeck reported"
tap_like "$(proxy_stats)" '"signature_failures": 0' "every request carried a valid signature"

# Every list in pages of a few items (AWS may answer fewer than maxResults): the same world,
# read page by page, is still the whole world.
proxy_config '{"emu": {"paging": {"page_sizes": {"ecs:ListServices": 7, "ecs:ListTasks": 3,
    "ecs:ListClusters": 1, "ecs:ListContainerInstances": 1, "ecs:ListTaskDefinitions": 1,
    "cloudwatch:DescribeAlarms": 1, "cloudfront:ListDistributions": 1,
    "cloudfront:ListInvalidations": 1, "elbv2:DescribeTargetGroups": 2,
    "elbv2:DescribeLoadBalancers": 1}}}}' >/dev/null
proxy_reset
for cluster in prod legacy; do
    "$ONDECK" status --cluster "$cluster" --json >"$TAP_TMPDIR/$cluster-paged.json" \
        2>"$TAP_TMPDIR/$cluster-paged.err"
    tap_is "$?" 0 "short pages: status --cluster $cluster exits 0"
    while IFS= read -r line; do
        case $line in
        "ok "*) tap_ok 0 "short pages: $cluster: ${line#ok * - }" ;;
        "not ok "*) tap_ok 1 "short pages: $cluster: ${line#not ok * - }" ;;
        "#"*) echo "$line" ;;
        esac
    done < <(AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/status_compare.py" \
        "$TAP_TMPDIR/$cluster-paged.json" "$cluster" "$MOTO_URL" 2>&1)
done
read -r lpages alarms dists < <("$PYTHON3" -c '
import json, sys
ops = json.loads(sys.argv[1])["by_operation"]
print(ops.get("ecs:ListServices", 0), ops.get("monitoring:DescribeAlarms", 0),
      ops.get("cloudfront:ListDistributions", 0))' "$(proxy_stats)")
tap_ok '[ "$lpages" -ge $(((nprod + 6) / 7)) ]' "short pages: prod listed in $lpages pages of 7"
tap_ok '[ "$alarms" -ge 3 ] && [ "$dists" -ge 2 ]' \
    "short pages: alarms ($alarms calls) and distributions ($dists calls) read a page at a time"
# web's three revisions, one ListTaskDefinitions page each.
"$ONDECK" revisions --cluster prod --service web --json >"$TAP_TMPDIR/revs.json" 2>/dev/null
tap_is "$?" 0 "short pages: revisions --service web exits 0"
want=$(AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c '
import boto3
arns = boto3.client("ecs").list_task_definitions(familyPrefix="web")["taskDefinitionArns"]
print(sorted(int(a.rsplit(":", 1)[1]) for a in arns if a.rsplit("/", 1)[1].startswith("web:")))')
got=$("$PYTHON3" -c 'import json,sys; print(sorted(r["revision"] for r in json.load(open(sys.argv[1]))))' \
    "$TAP_TMPDIR/revs.json")
tap_is "$got" "$want" "short pages: every revision of web is listed, one page at a time"
tap_like "$(proxy_stats)" '"ecs:ListTaskDefinitions": ([3-9]|[1-9][0-9])[,}]' \
    "short pages: ListTaskDefinitions was read a page at a time"
proxy_config '{"emu": {"paging": {"page_sizes": {}}}}' >/dev/null

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
