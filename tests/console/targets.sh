#!/bin/bash
# Target health in the console while a rolling change is under way (the layer's
# target-health behaviour holds old targets `draining` and new ones `initial`, and fails one
# new target's health checks): the services view counts only the unhealthy target under
# UNHEALTHY and shows the draining and initial ones beside it; the service view sums them;
# the clusters view adds them up for the cluster; the rollout view sums them too. Then api's
# target group is deleted: it shows as missing for api alone, everything else as before.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
seed_world >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
screen() { tmux_capture; }

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 200 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
wait_ok '^api .* 0 +1 ALARM *$' "before the change: api has 0 unhealthy targets and nothing beside" 15

# A rolling change of api: two new tasks registered, the two old ones deregistered; the
# layer saw api's group settled first, so the new ones are `initial` and the old `draining`.
proxy_config '{"emu": {"target-health": {"initial_s": 600, "deregistration_delay_s": 600}}}' \
    >/dev/null || tap_bail "proxy_config failed"
new_ip=$(AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c '
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
print(ips[0])' "$TAP_TMPDIR/world.json") || tap_bail "the rolling change failed"
proxy_config "{\"emu\": {\"target-health\": {\"unhealthy\": [{\"id\": \"$new_ip\", \"reason\": \"Target.FailedHealthChecks\"}]}}}" \
    >/dev/null || tap_bail "proxy_config failed"

# ---- services view ------------------------------------------------------------------------
wait_ok '^api .* 1 +1 ALARM +2 draining, 1 initial *$' \
    "services view: api UNHEALTHY 1 (the failing target only), '2 draining, 1 initial' beside it" 20
tap_grep "$(screen)" 'UNHEALTHY +ALARMS +TARGETS' "the TARGETS column is named"
tap_grep "$(screen)" '^web .* 0 +([0-9]+ ok|-|[0-9]+ ALARM[/0-9]*) *$' "web: 0 unhealthy, nothing beside"

# ---- service view -------------------------------------------------------------------------
tmux_send Enter
wait_ok 'Service api · cluster prod' "Enter opens api" 5
wait_ok '^ +0 healthy, 1 unhealthy, 2 draining, 1 initial' "the service view sums its targets by state"
wait_ok "${new_ip//./\\.}:[0-9]+ +unhealthy +task [0-9a-f]{8} +Target\.FailedHealthChecks: Health checks failed" \
    "the unhealthy target with its reason"
tap_grep "$(screen)" '[0-9.]+:[0-9]+ +draining +.*Target\.DeregistrationInProgress' \
    "a draining target with ELBv2's reason"

# ---- rollout view -------------------------------------------------------------------------
tmux_send w
wait_ok 'Rollout · service api' "w opens api's rollout watch"
wait_ok '^ +targets 0 healthy, 1 unhealthy, 2 draining, 1 initial' \
    "the rollout view sums every target of the service's group by state"
tmux_send q
tmux_wait_for 'Service api · cluster prod' 5
tmux_send Escape

# ---- clusters view ------------------------------------------------------------------------
tmux_send ':'
tmux_type 'clusters'
tmux_send Enter
wait_ok '^prod .* 2 draining, 1 initial *$' "clusters view: prod adds up the draining and initial targets"
tap_grep "$(screen)" 'UNHEALTHY +ALARMS +INSTANCES +TARGETS' "its TARGETS column is named"

# ---- api's target group deleted while api still names it -------------------------------------
AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" -c '
import boto3, json, sys
w = json.load(open(sys.argv[1]))
tg = next(s for s in w["services"] if s["name"] == "api")["target_group_arn"]
elb = boto3.client("elbv2")
for lb in w["load_balancers"]:
    for r in elb.describe_rules(ListenerArn=lb["listener_arn"])["Rules"]:
        if any(a.get("TargetGroupArn") == tg for a in r["Actions"]) and not r["IsDefault"]:
            elb.delete_rule(RuleArn=r["RuleArn"])
elb.delete_target_group(TargetGroupArn=tg)' "$TAP_TMPDIR/world.json" ||
    tap_bail "deleting the target group failed"
tmux_send r
wait_ok '^prod .* 1 target group missing *$' "clusters view: the missing target group is counted" 20
tmux_send ':'
tmux_type 'svc'
tmux_send Enter
wait_ok '^api .* 0 +1 ALARM +1 target group missing *$' \
    "services view: api's target group shows as missing, 0 unhealthy"
tap_grep "$(screen)" '^web .* 0 +([0-9]+ ok|-|[0-9]+ ALARM[/0-9]*) *$' "web: unchanged"
tap_nogrep "$(screen)" ' STALE ' "no part is marked STALE"
tmux_send Enter
wait_ok 'api-tg +target group not found \(TargetGroupNotFound\)' \
    "service view: the group is named as not found"

tmux_send q
tmux_wait_exit 10 >/dev/null
tap_done
