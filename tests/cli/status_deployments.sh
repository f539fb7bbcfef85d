#!/usr/bin/env bash
# Plain `ondeck status --cluster C` (all services, text and --json) shows each BLUE_GREEN,
# LINEAR and CANARY service's service-deployment short form (the services table's: PAUSED,
# CAN PROD_SHIFT) in the ROLLOUT column and in serviceDeployment.summary, so a paused
# deployment is seen without naming the service; ROLLING services keep rolloutState and cost
# no service-deployment call; a policy without ecs:ListServiceDeployments costs only that.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
drive() { AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/deployments_drive.py" "$@"; }
clock()
{
    proxy_config "{\"emu\": {\"ecs-deployments\": {\"stage_s\": 1000, \"minute_s\": 1000, \"offset_s\": $1}}}" >/dev/null
}
calls() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["by_operation"].get(sys.argv[1], 0))' "$1"; }
jq_() { "$PYTHON3" -c 'import json,sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$out" "$1"; }
row() { grep "^$1 " "$out"; }

clock 0
drive seed || tap_bail "seeding failed"
for svc in bg can roll; do drive deploy $svc || tap_bail "UpdateService $svc failed"; done
# bg waits at its PAUSE hook before production traffic; can shifts production traffic.
clock 6500

"$ONDECK" status --cluster dep >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "plain status exits 0"
tap_grep "$(sed -n 3p "$out")" '^SERVICE +LAUNCH +DES +RUN +PEN +ROLLOUT +TASKDEF ' "the services table"
tap_grep "$(row bg)" '^bg +FARGATE +2 +[0-9]+ +[0-9]+ PAUSED +web:2 ' \
    "the blue/green service paused at its hook: PAUSED"
tap_grep "$(row can)" '^can +FARGATE +2 +[0-9]+ +[0-9]+ CAN PROD_SHIFT +web:2 ' \
    "the canary in its production traffic shift, in full"
tap_grep "$(row lin)" '^lin +FARGATE +2 +[0-9]+ +[0-9]+ [A-Z_]+ +web:1 ' \
    "a settled linear service: its rolloutState, no short form"
tap_nogrep "$(row lin)" 'LIN ' "(nothing in flight: no LIN short form)"
tap_grep "$(row roll)" '^roll +FARGATE +2 +[0-9]+ +[0-9]+ (IN_PROGRESS|COMPLETED) +web:2 ' \
    "a ROLLING service: its rolloutState"
tap_nogrep "$(cat "$out")" 'service deployment ' "no per-service deployment section without --service"

l0=$(calls ecs:ListServiceDeployments)
"$ONDECK" status --cluster dep --json >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "plain status --json exits 0"
tap_is "$(jq_ '{s["serviceName"]: s["serviceDeployment"] and s["serviceDeployment"]["summary"] for s in d["services"]}')" \
    "{'bg': 'PAUSED', 'can': 'CAN PROD_SHIFT', 'lin': '', 'roll': None}" \
    "JSON: serviceDeployment.summary of each non-ROLLING service; null for the ROLLING one"
tap_is "$(jq_ '[s["serviceDeployment"]["hookAwaitingAction"]["timeoutAction"] for s in d["services"] if s["serviceName"] == "bg"]')" \
    "['ROLLBACK']" "JSON: the whole service deployment, with the hook awaiting action"
tap_is "$(($(calls ecs:ListServiceDeployments) - l0))" 3 \
    "one ListServiceDeployments per BLUE_GREEN, LINEAR or CANARY service, none for ROLLING"

# Without ecs:ListServiceDeployments: the services still show, the short form is missing.
proxy_config '{"behaviours": "+iam", "emu": {"iam": {"allow": ["ecs:Describe*", "ecs:ListClusters", "ecs:ListServices", "ecs:ListTasks", "ecs:ListContainerInstances", "elasticloadbalancing:*", "cloudwatch:*", "cloudfront:*", "logs:*", "sts:*", "application-autoscaling:*"]}}}' >/dev/null
"$ONDECK" status --cluster dep --json >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "without ecs:ListServiceDeployments: still exit 0"
tap_is "$(jq_ '(len(d["services"]), "serviceDeployments" in d.get("stale", {}))')" "(4, True)" \
    "JSON: every service, and the service deployments stale"
proxy_config '{"behaviours": "-iam"}' >/dev/null

tap_done
