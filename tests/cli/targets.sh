#!/usr/bin/env bash
# Target health as ELBv2 reports it (the layer's target-health behaviour): a rolling change
# leaves old targets `draining` and new ones `initial`, which are not unhealthy; an unhealthy
# target is counted and shown with its reason; a target group deleted while a service still
# names it (ELBv2: TargetGroupNotFound for the whole DescribeTargetGroups call) shows as
# missing for that service alone, everything else exact, exit 0; and `watch` on the EC2
# bridge-mode cluster maps instance targets (instance id + host port) to its tasks; a
# target group behind a Network Load Balancer gets no AWS/ApplicationELB metric queries.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
# 30 services: more than 20 target groups in prod, so DescribeTargetGroups goes in batches of
# 20 and the group deleted below hides in one with others.
seed_world --size 30 >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"

# boto3 straight to moto (the test's hand, not ondeck's).
moto_py() { AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c "$@"; }
json_get() { "$PYTHON3" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
svc_line() { grep -E "^$1 " "$TAP_TMPDIR/status.txt"; }
status_text() { "$ONDECK" status --cluster "${1:-prod}" >"$TAP_TMPDIR/status.txt" 2>"$TAP_TMPDIR/status.err"; }
status_json() { "$ONDECK" status --cluster "${1:-prod}" --json >"$TAP_TMPDIR/status.json" 2>"$TAP_TMPDIR/status.err"; }

# The layer learns the groups as they are (seeded, settled: healthy).
tap_ok "[ $("$PYTHON3" -c 'import json, sys
print(sum(1 for s in json.load(open(sys.argv[1]))["services"]
          if s["cluster"] == "prod" and s["target_group_arn"]))' "$TAP_TMPDIR/world.json") -gt 20 ]" \
    "the world has more than 20 target groups in prod (batches of 20)"
status_text
tap_is "$?" 0 "status exits 0 on the seeded world"
tap_like "$(svc_line api)" '^api .* 0 +[0-9]+$' "api: UNHLT 0, nothing transitional before the change"

# ---- a rolling change: two new tasks registered, the two old ones deregistered -----------------
proxy_config '{"emu": {"target-health": {"initial_s": 600, "deregistration_delay_s": 600}}}' \
    >/dev/null || tap_bail "proxy_config failed"
moto_py '
import boto3, json, sys
w = json.load(open(sys.argv[1]))
api = next(s for s in w["services"] if s["name"] == "api")
ecs, elb = boto3.client("ecs"), boto3.client("elbv2")
svc = ecs.describe_services(cluster="prod", services=["api"])["services"][0]
new = ecs.run_task(cluster="prod", taskDefinition=svc["taskDefinition"], count=2,
                   launchType="FARGATE", group="service:api", startedBy="ecs-svc/rolling",
                   networkConfiguration=svc["networkConfiguration"])["tasks"]
ips = [d["value"] for t in new for a in t["attachments"] for d in a["details"]
       if d["name"] == "privateIPv4Address"]
elb.register_targets(TargetGroupArn=api["target_group_arn"],
                     Targets=[{"Id": ip, "Port": api["container_port"]} for ip in ips])
elb.deregister_targets(TargetGroupArn=api["target_group_arn"],
                       Targets=[{"Id": t["id"], "Port": t["port"]} for t in api["targets"]])
print(" ".join(ips))' "$TAP_TMPDIR/world.json" >"$TAP_TMPDIR/new_ips" || tap_bail "rolling change failed"
read -r new_ip1 new_ip2 <"$TAP_TMPDIR/new_ips"

status_text
tap_is "$?" 0 "status exits 0 during the rolling change"
tap_like "$(svc_line api)" '^api .* 0 +[0-9]+  2 draining, 2 initial$' \
    "api: UNHLT 0 and '2 draining, 2 initial' (draining and initial are not unhealthy)"
tap_like "$(svc_line web)" '^web .* 0 +[0-9]+$' "web: untouched, nothing transitional"
status_json
tap_is "$(json_get "$TAP_TMPDIR/status.json" '[(s["targetCounts"]["healthy"], s["targetCounts"]["unhealthy"], s["targetCounts"]["draining"], s["targetCounts"]["initial"]) for s in d["services"] if s["serviceName"] == "api"][0]')" \
    "(0, 0, 2, 2)" "--json: api targetCounts healthy 0, unhealthy 0, draining 2, initial 2"
tap_is "$(json_get "$TAP_TMPDIR/status.json" 'sorted((t["state"], t["reason"]) for s in d["services"] if s["serviceName"] == "api" for t in s["targets"])')" \
    "[('draining', 'Target.DeregistrationInProgress'), ('draining', 'Target.DeregistrationInProgress'), ('initial', 'Elb.RegistrationInProgress'), ('initial', 'Elb.RegistrationInProgress')]" \
    "--json: each target carries its state and ELBv2's reason code"

# ---- one target fails its health checks ---------------------------------------------------------
proxy_config "{\"emu\": {\"target-health\": {\"unhealthy\": [{\"id\": \"$new_ip1\", \"reason\": \"Target.ResponseCodeMismatch\"}]}}}" \
    >/dev/null || tap_bail "proxy_config failed"
status_text
tap_is "$?" 0 "status exits 0 with an unhealthy target"
tap_like "$(svc_line api)" '^api .* 1 +[0-9]+  2 draining, 1 initial$' "api: UNHLT 1, '2 draining, 1 initial'"
tap_grep "$(cat "$TAP_TMPDIR/status.txt")" \
    "^  ! target $new_ip1:[0-9]+ unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: \[502\]$" \
    "the unhealthy target is named with its reason and description"
status_json
tap_is "$(json_get "$TAP_TMPDIR/status.json" '[(t["state"], t["reason"], t["taskId"] is not None) for s in d["services"] for t in s["targets"] if t["id"] == "'"$new_ip1"'"]')" \
    "[('unhealthy', 'Target.ResponseCodeMismatch', True)]" \
    "--json: the unhealthy target, its reason, and the task behind it"

# ---- a target group deleted while api still names it --------------------------------------------
moto_py '
import boto3, json, sys
w = json.load(open(sys.argv[1]))
tg = next(s for s in w["services"] if s["name"] == "api")["target_group_arn"]
elb = boto3.client("elbv2")
for lb in w["load_balancers"]:
    for r in elb.describe_rules(ListenerArn=lb["listener_arn"])["Rules"]:
        if any(a.get("TargetGroupArn") == tg for a in r["Actions"]) and not r["IsDefault"]:
            elb.delete_rule(RuleArn=r["RuleArn"])
elb.delete_target_group(TargetGroupArn=tg)' "$TAP_TMPDIR/world.json" || tap_bail "deleting the target group failed"
api_tg=$(json_get "$TAP_TMPDIR/world.json" '[s["target_group_arn"] for s in d["services"] if s["name"] == "api"][0]')

status_text
tap_is "$?" 0 "status exits 0 while a service names a deleted target group"
tap_is "$(cat "$TAP_TMPDIR/status.err")" "" "and prints no error (the other groups are current)"
tap_like "$(svc_line api)" '^api .* 0 +[0-9]+  1 target group missing$' "api: its target group shows as missing"
tap_grep "$(cat "$TAP_TMPDIR/status.txt")" "^  ! target group not found: ${api_tg//./\\.}$" \
    "the missing group is named"
tap_like "$(svc_line web)" '^web .* 0 +[0-9]+$' "web: exact, nothing missing"
status_json
tap_is "$?" 0 "status --json exits 0"
tap_is "$(json_get "$TAP_TMPDIR/status.json" '"stale" in d')" "False" "--json: no part is stale"
tap_is "$(json_get "$TAP_TMPDIR/status.json" '{s["serviceName"]: s["missingTargetGroups"] for s in d["services"]}["api"] == ["'"$api_tg"'"]')" \
    "True" "--json: api's missingTargetGroups names the deleted group"
# Every other service's targets are exactly moto's.
moto_py '
import boto3, json, sys
d = json.load(open(sys.argv[1]))
elb, ok = boto3.client("elbv2"), True
for s in d["services"]:
    if s["serviceName"] == "api":
        continue
    if s["missingTargetGroups"]:
        ok = False
    arns = {t["targetGroupArn"] for t in s["targets"]}
    want = sorted((h["Target"]["Id"], h["Target"]["Port"]) for a in arns
                  for h in elb.describe_target_health(TargetGroupArn=a)["TargetHealthDescriptions"])
    got = sorted((t["id"], t["port"]) for t in s["targets"])
    ok = ok and got == want and s["targetCounts"]["healthy"] == len(want)
print(ok and any(s["targets"] for s in d["services"]))' "$TAP_TMPDIR/status.json" >"$TAP_TMPDIR/exact"
tap_is "$(cat "$TAP_TMPDIR/exact")" "True" "--json: every other service's targets are moto's, all healthy"

# ---- watch on the EC2 bridge-mode cluster: instance targets mapped to tasks --------------------
legacy_inst=$(json_get "$TAP_TMPDIR/world.json" '[s["targets"][0]["id"] for s in d["services"] if s["name"] == "legacy-web"][0]')
legacy_port=$(json_get "$TAP_TMPDIR/world.json" '[s["targets"][0]["port"] for s in d["services"] if s["name"] == "legacy-web"][0]')
proxy_config "{\"emu\": {\"target-health\": {\"unhealthy\": [{\"id\": \"$legacy_inst\", \"port\": $legacy_port, \"reason\": \"Target.FailedHealthChecks\"}]}}}" \
    >/dev/null || tap_bail "proxy_config failed"
ONDECK_WATCH_INTERVAL_MS=100 "$ONDECK" watch --cluster legacy --service legacy-web --timeout 2 \
    >"$TAP_TMPDIR/watch.txt" 2>&1 </dev/null
tap_is "$?" 3 "watch ends at its timeout (moto never completes a rollout): exit 3"
out=$(cat "$TAP_TMPDIR/watch.txt")
tap_is "$(grep -Ec '^  task [0-9a-f-]+ running, target ' <<<"$out")" 2 \
    "watch legacy-web: both bridge-mode tasks show their target state"
tap_grep "$out" '^  task [0-9a-f-]+ running, target unhealthy \(Target.FailedHealthChecks\)$' \
    "the task behind the failing instance target shows unhealthy with its reason"
tap_grep "$out" '^  task [0-9a-f-]+ running, target healthy$' "the other shows healthy"
tap_grep "$out" '^  targets: 1 healthy, 1 unhealthy$' "watch sums the service's targets by state"

# ---- a service behind a Network Load Balancer: no ALB series asked for --------------------------
# An NLB publishes to AWS/NetworkELB, which has no RequestCount, HTTPCode_Target_5XX_Count or
# TargetResponseTime: asking AWS/ApplicationELB for them is billed and always empty.
moto_py '
import boto3, json, sys
w = json.load(open(sys.argv[1]))
ecs, elb, ec2 = boto3.client("ecs"), boto3.client("elbv2"), boto3.client("ec2")
api = boto3.client("ecs").describe_services(cluster="prod", services=["api"])["services"][0]
subnets = api["networkConfiguration"]["awsvpcConfiguration"]["subnets"]
vpc = ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
nlb = elb.create_load_balancer(Name="ondeck-nlb", Subnets=subnets[:2], Type="network",
                               Scheme="internal")["LoadBalancers"][0]
tg = elb.create_target_group(Name="tcp-tg", Protocol="TCP", Port=8080, VpcId=vpc,
                             TargetType="ip")["TargetGroups"][0]
elb.create_listener(LoadBalancerArn=nlb["LoadBalancerArn"], Protocol="TCP", Port=8080,
                    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
ecs.create_service(cluster="prod", serviceName="tcp", taskDefinition=api["taskDefinition"],
                   desiredCount=0, launchType="FARGATE",
                   networkConfiguration=api["networkConfiguration"],
                   loadBalancers=[{"targetGroupArn": tg["TargetGroupArn"], "containerName": "app",
                                   "containerPort": 8080}])' "$TAP_TMPDIR/world.json" ||
    tap_bail "creating the NLB service failed"
"$ONDECK" status --cluster prod --service tcp --json --stats >"$TAP_TMPDIR/tcp.json" 2>"$TAP_TMPDIR/tcp.err"
tap_is "$?" 0 "status --service tcp (behind an NLB) exits 0"
# worker has no load balancer: its count is the service's ECS series plus CloudFront's.
"$ONDECK" status --cluster prod --service worker --json --stats >"$TAP_TMPDIR/worker.json" 2>/dev/null
# (Every series key is always there, [] when it does not apply: the ALB ones hold no data.)
tap_is "$(json_get "$TAP_TMPDIR/tcp.json" '(d["stats"]["metricsRequested"], [k for k in ("RequestCount", "HTTPCode_Target_5XX_Count", "TargetResponseTime") if d["services"][0]["metrics"].get(k)])')" \
    "($(json_get "$TAP_TMPDIR/worker.json" 'd["stats"]["metricsRequested"]'), [])" \
    "an NLB target group gets no AWS/ApplicationELB queries: as many as worker's (no load balancer)"
tap_like "$(json_get "$TAP_TMPDIR/tcp.json" 'd["services"][0]["targets"], d["services"][0]["missingTargetGroups"]')" \
    '^\[\] \[\]$' "its target group is known (no targets, nothing missing)"

tap_done
