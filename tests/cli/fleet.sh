#!/usr/bin/env bash
# ondeck fleet: two accounts (prod 111111111111, staging 222222222222) and two regions
# (us-east-1, eu-west-1) in one moto, one proxy per member playing its region, and two
# members that fail: broken (credential_process fails, as an expired SSO session does) and
# offline (its endpoint refuses connections). The rows come worst first, the failing
# members' errors are in their rows, the exit status is 1 then (0 when every member
# answered), and each account's calls, counted at its own proxy, are the documented few.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/fleet.sh"

fleet_world || tap_bail "the fleet world did not start"
mkdir -p "$XDG_CONFIG_HOME/ondeck"
{
    echo "[fleet oncall]"
    echo "members = ${FLEET_MEMBERS//,/$'\n'  }"
    echo
    echo "[fleet healthy]"
    echo "members = prod:us-east-1, staging:us-east-1"
} >"$XDG_CONFIG_HOME/ondeck/config"
# prod's api has one target unhealthy (the target-health behaviour), the other healthy.
emu() { local var="FLEET_URL_${1//-/_}"; od_proxy_call POST "${!var}/__proxy/config" "$2" >/dev/null; }
# A third target registered through prod's proxy stays initial (registration in progress)
# until the proxy's layer is reset (the JSON part: it is then taken as settled, healthy).
emu prod '{"emu": {"target-health": {"initial_s": 3600, "unhealthy": [{"id": "10.0.1.5", "reason": "Target.FailedHealthChecks"}]}}}'
PYTHONPATH=$OD_LIBDIR "$PYTHON3" -c '
import sys
from fleet_seed import CFG, session_for
elb = session_for(sys.argv[1], "111111111111").client("elbv2", endpoint_url=sys.argv[1], region_name="us-east-1", config=CFG)
tg = elb.describe_target_groups(Names=["api-tg"])["TargetGroups"][0]["TargetGroupArn"]
elb.describe_target_health(TargetGroupArn=tg)  # the seeded targets, seen settled
elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "10.0.1.7", "Port": 80}])
print(sorted((t["Target"]["Id"], t["TargetHealth"]["State"]) for t in elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]))
' "$FLEET_URL_prod" >"$TAP_TMPDIR/targets.out" || tap_bail "registering a target failed"
tap_is "$(cat "$TAP_TMPDIR/targets.out")" "[('10.0.1.5', 'unhealthy'), ('10.0.1.6', 'healthy'), ('10.0.1.7', 'initial')]" \
    "api-tg as boto3 reads it at prod's proxy: one unhealthy, one healthy, one initial"
jq_py() { "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

# ---- text ---------------------------------------------------------------------------------
"$ONDECK" --fleet oncall fleet >"$TAP_TMPDIR/text.out" 2>"$TAP_TMPDIR/text.err"
tap_is "$?" 1 "a fleet with failing members exits 1"
tap_diag "$(cat "$TAP_TMPDIR/text.out")"
tap_like "$(sed -n 1p "$TAP_TMPDIR/text.out")" '^PROFILE +REGION +ACCOUNT +ALIAS +CLUSTER +SERVICES +BELOW +FAILED +PAUSED +UNHEALTHY +ROLLING +ALARMS' \
    "the text table has its header"
tap_is "$(sed -n 2,3p "$TAP_TMPDIR/text.out" | awk '{print $1}' | sort | tr '\n' ' ')" 'broken offline ' \
    "the failing members come first"
tap_like "$(grep '^broken ' "$TAP_TMPDIR/text.out")" 'credential_process exited with status 1: the SSO session has expired' \
    "broken's row carries its credential error"
tap_like "$(grep '^offline ' "$TAP_TMPDIR/text.out")" "Couldn't connect to server" \
    "offline's row carries its network error"
tap_like "$(sed -n 4p "$TAP_TMPDIR/text.out")" '^prod +us-east-1 +111111111111 +acme-prod +web ' \
    "then the worst cluster: prod's web (an unhealthy target, an alarm in ALARM, a service below desired)"
tap_like "$(sed -n 4p "$TAP_TMPDIR/text.out")" '^prod +us-east-1 +111111111111 +acme-prod +web +2 +1 +0 +0 +1 ' \
    "web's UNHEALTHY is 1: 10.0.1.5 unhealthy; 10.0.1.7, still initial, is not counted"
tap_like "$(grep ' edge ' "$TAP_TMPDIR/text.out")" '^prod-eu +eu-west-1 +111111111111 +acme-prod +edge ' \
    "the second region of the prod account is there"
tap_like "$(grep ' stage ' "$TAP_TMPDIR/text.out")" '^staging +us-east-1 +222222222222 +- +stage ' \
    "and the staging account, with its own account id"
tap_like "$(cat "$TAP_TMPDIR/text.err")" 'fleet: broken:us-east-1: .*SSO session has expired' \
    "stderr names the failing member"

# ---- JSON ---------------------------------------------------------------------------------
for p in prod prod-eu staging; do fleet_reset "$p"; done
"$ONDECK" --fleet oncall fleet --json >"$TAP_TMPDIR/fleet.json" 2>"$TAP_TMPDIR/json.err"
tap_is "$?" 1 "fleet --json exits 1 too"
j() { jq_py "$TAP_TMPDIR/fleet.json" "$1"; }
row() { echo "[r for r in d['rows'] if r['profile'] == '$1' and r['cluster'] == $2][0]"; }
tap_is "$(j 'd["fleet"], d["failedMembers"], len(d["rows"])')" "('oncall', 2, 6)" \
    "the document names the fleet, two failed members, six rows"
tap_is "$(j '[(r["profile"], r["cluster"]) for r in d["rows"]][:3]')" \
    "[('broken', None), ('offline', None), ('prod', 'web')]" "worst first in JSON too"
tap_is "$(j "[$(row prod "'web'")[k] for k in ('account', 'region', 'activeServicesCount', 'servicesBelowDesired', 'alarmsInAlarm', 'failedDeployments', 'error')]")" \
    "['111111111111', 'us-east-1', 2, 1, 1, 0, None]" \
    "prod/web: the account, 2 services, pay below desired, the one alarm in ALARM"
tap_is "$(j "[$(row prod "'web'")[k] for k in ('unhealthyTargets', 'targetGroupsNotChecked', 'pausedDeployments', 'deploymentsNotChecked')]")" \
    "[1, 0, 0, 0]" "prod/web: one unhealthy target (10.0.1.5), its one target group read"
tap_is "$(j "[$(row prod-eu "'edge'")[k] for k in ('unhealthyTargets', 'pausedDeployments')]")" \
    "[0, 0]" "prod-eu/edge: no target group, nothing paused"
tap_is "$(j "$(row broken None)['unhealthyTargets']")" "None" "broken: its unhealthy targets are unknown, not 0"
tap_is "$(j "[$(row prod "'batch'")[k] for k in ('activeServicesCount', 'servicesBelowDesired', 'alarmsInAlarm')]")" \
    "[0, 0, 0]" "prod/batch: no services, and its alarm in OK is not counted"
tap_is "$(j "[$(row prod-eu "'edge'")[k] for k in ('account', 'region', 'activeServicesCount', 'servicesBelowDesired')]")" \
    "['111111111111', 'eu-west-1', 1, 0]" "prod-eu/edge: the same account in eu-west-1, healthy"
tap_is "$(j "[$(row staging "'stage'")[k] for k in ('account', 'accountAlias', 'activeServicesCount', 'servicesBelowDesired')]")" \
    "['222222222222', None, 1, 0]" "staging/stage: the other account, which has no alias"
tap_is "$(j "[$(row prod "'web'")['accountAlias'], $(row prod-eu "'edge'")['accountAlias']]")" \
    "['acme-prod', 'acme-prod']" "prod's alias (IAM ListAccountAliases) in both its regions"
tap_like "$(j "$(row broken None)['error']")" 'SSO session has expired' "broken's error in its row"
tap_is "$(j "[$(row broken None)[k] for k in ('account', 'activeServicesCount', 'updatedAt')]")" \
    "[None, None, None]" "and nothing made up for it"
tap_like "$(j "$(row offline None)['error']")" "Couldn't connect" "offline's error in its row"
tap_is "$(j "sorted(set(type(r['dataAgeSeconds']).__name__ for r in d['rows'] if r['error'] is None))")" \
    "['int']" "every answered row has a data age"
tap_is "$(j "$(row prod "'web'")['callsPerMinute'] > 0")" True "and counts its member's calls per minute"
checker=$ONDECK_SRCDIR/tests/cli/json_doc_keys.py
tap_is "$("$PYTHON3" "$checker" "$ONDECK_SRCDIR/doc/json-output.md" schema | "$PYTHON3" -c 'import json,sys; s=json.load(sys.stdin)["fleet"]; print(len(s), len(s["rows[]"]["items"]))')" \
    "4 20" "the doc's fleet keys are read (4 at the top, 20 in a row)"
tap_is "$("$PYTHON3" "$checker" "$ONDECK_SRCDIR/doc/json-output.md" check fleet "$TAP_TMPDIR/fleet.json" 2>/dev/null)" "" \
    "every key doc/json-output.md lists for fleet is there, with its type"

# Each account's calls at its own proxy: one refresh is AssumeRole and GetCallerIdentity (the
# account id, once), ListClusters, DescribeClusters, ListServices per cluster, DescribeServices
# per 10 services, DescribeTargetHealth per target group its services name (api-tg),
# DescribeAlarms StateValue=ALARM (doc/performance.md); ROLLING services cost no deployment call.
ops() { fleet_stats "$1" | "$PYTHON3" -c 'import json,sys; print(sorted(json.load(sys.stdin)["by_operation"].items()))'; }
tap_is "$(ops prod)" "[('ecs:DescribeClusters', 1), ('ecs:DescribeServices', 1), ('ecs:ListClusters', 1), ('ecs:ListServices', 2), ('elasticloadbalancing:DescribeTargetHealth', 1), ('iam:ListAccountAliases', 1), ('monitoring:DescribeAlarms', 1), ('sts:AssumeRole', 1), ('sts:GetCallerIdentity', 1)]" \
    "prod us-east-1: 10 calls for 2 clusters, 2 services and 1 target group (the alias asked once)"
tap_is "$(ops prod-eu)" "[('ecs:DescribeClusters', 1), ('ecs:DescribeServices', 1), ('ecs:ListClusters', 1), ('ecs:ListServices', 1), ('iam:ListAccountAliases', 1), ('monitoring:DescribeAlarms', 1), ('sts:AssumeRole', 1), ('sts:GetCallerIdentity', 1)]" \
    "prod eu-west-1: 8 calls for 1 cluster"
tap_is "$(ops staging)" "[('ecs:DescribeClusters', 1), ('ecs:DescribeServices', 1), ('ecs:ListClusters', 1), ('ecs:ListServices', 1), ('iam:ListAccountAliases', 1), ('monitoring:DescribeAlarms', 1), ('sts:AssumeRole', 1), ('sts:GetCallerIdentity', 1)]" \
    "staging: its own 8 calls; broken, behind the same endpoint, cost none"
for p in prod prod-eu staging; do
    tap_is "$(fleet_stats "$p" | "$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print(d["invalid_requests_total"], d["signature_failures"], d["region_failures"])')" \
        "0 0 0" "$p: every request fitted botocore's shapes and was signed for the endpoint's region"
done

# ---- a deployment paused at its lifecycle hook ------------------------------------------
# The ecs-deployments behaviour keeps the deployments of the proxy's own account: member dep
# (the base keys, moto's default account, at staging's proxy) gets a BLUE_GREEN service bg
# waiting at its PAUSE hook before production traffic (the proxy's clock moved to that
# stage, 1000 s a stage, as tests/cli/deployments.sh).
printf '[dep]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$ONDECK_TEST_AKID" "$ONDECK_TEST_SECRET" >>"$AWS_SHARED_CREDENTIALS_FILE"
printf '\n[profile dep]\nendpoint_url = %s\n' "$FLEET_URL_staging" >>"$AWS_CONFIG_FILE"
fleet_reset staging # (the layer too: what follows is the deployments it knows)
emu staging '{"emu": {"ecs-deployments": {"stage_s": 1000, "minute_s": 1000, "offset_s": 0}}}'
AWS_ACCESS_KEY_ID=$ONDECK_TEST_AKID AWS_SECRET_ACCESS_KEY=$ONDECK_TEST_SECRET AWS_DEFAULT_REGION=us-east-1 \
    "$PYTHON3" "$OD_LIBDIR/fleet_pause.py" --endpoint "$FLEET_URL_staging" ||
    tap_bail "the blue/green deployment did not start"
emu staging '{"emu": {"ecs-deployments": {"stage_s": 1000, "minute_s": 1000, "offset_s": 6500}}}'
"$ONDECK" --fleet dep:us-east-1,staging:us-east-1 fleet --json >"$TAP_TMPDIR/paused.json" 2>/dev/null
tap_is "$?" 0 "a fleet with a paused deployment exits 0"
tap_is "$(jq_py "$TAP_TMPDIR/paused.json" '[(r["profile"], r["cluster"], r["pausedDeployments"], r["deploymentsNotChecked"]) for r in d["rows"]]')" \
    "[('dep', 'dep', 1, 0), ('staging', 'stage', 0, 0)]" \
    "the blue/green service at its hook is counted paused, and its row comes first"
ops_of() { fleet_stats staging | "$PYTHON3" -c 'import json,sys; o=json.load(sys.stdin)["by_operation"]; print([o.get(k, 0) for k in sys.argv[1:]])' "$@"; }
tap_is "$(ops_of ecs:ListServiceDeployments ecs:DescribeServiceDeployments)" "[1, 1]" \
    "one ListServiceDeployments (IN_PROGRESS) and one DescribeServiceDeployments for the one service deploying with BLUE_GREEN; none for ROLLING roll nor staging's app"
"$ONDECK" --fleet dep:us-east-1,staging:us-east-1 fleet >"$TAP_TMPDIR/paused.out" 2>/dev/null
tap_like "$(sed -n 2p "$TAP_TMPDIR/paused.out")" '^dep +us-east-1 +123456789012 +- +dep +2 +[0-9]+ +0 +1 +0 ' \
    "text: PAUSED 1 in dep's row"

# Six services deploying with BLUE_GREEN in one member: 5 are looked at (FLEET_DEPLOYMENT_SERVICES),
# the sixth is counted as not checked, and PAUSED says "5+".
AWS_ACCESS_KEY_ID=$ONDECK_TEST_AKID AWS_SECRET_ACCESS_KEY=$ONDECK_TEST_SECRET AWS_DEFAULT_REGION=us-east-1 \
    "$PYTHON3" "$OD_LIBDIR/fleet_pause.py" --endpoint "$FLEET_URL_staging" --more 5 ||
    tap_bail "the other blue/green deployments did not start"
emu staging '{"emu": {"ecs-deployments": {"stage_s": 1000, "minute_s": 1000, "offset_s": 14000}}}'
before=$(ops_of ecs:ListServiceDeployments ecs:DescribeServiceDeployments) # (a reset would forget the deployments)
"$ONDECK" --fleet dep:us-east-1 fleet --json >"$TAP_TMPDIR/capped.json" 2>/dev/null
tap_is "$(jq_py "$TAP_TMPDIR/capped.json" '[(r["cluster"], r["activeServicesCount"], r["pausedDeployments"], r["deploymentsNotChecked"]) for r in d["rows"]]')" \
    "[('dep', 7, 5, 1)]" "six paused: five looked at and counted, one said to be not checked"
after=$(ops_of ecs:ListServiceDeployments ecs:DescribeServiceDeployments)
tap_is "$("$PYTHON3" -c 'import sys; a, b = eval(sys.argv[1]), eval(sys.argv[2]); print([y - x for x, y in zip(a, b)])' "$before" "$after")" "[5, 5]" \
    "at most 5 ListServiceDeployments and 5 DescribeServiceDeployments for the member"
"$ONDECK" --fleet dep:us-east-1 fleet >"$TAP_TMPDIR/capped.out" 2>/dev/null
tap_like "$(sed -n 2p "$TAP_TMPDIR/capped.out")" '^dep +us-east-1 +123456789012 +- +dep +7 +[0-9]+ +0 +5\+ +0 ' \
    "text: PAUSED 5+ (a floor)"

# ---- exit statuses and named clusters ----------------------------------------------------
"$ONDECK" --fleet healthy fleet --json >"$TAP_TMPDIR/healthy.json" 2>"$TAP_TMPDIR/healthy.err"
tap_is "$?" 0 "a fleet whose members all answer exits 0"
tap_is "$(jq_py "$TAP_TMPDIR/healthy.json" '[r["error"] for r in d["rows"]]')" "[None, None, None]" \
    "with no error in any row"

fleet_reset prod
"$ONDECK" --fleet prod:us-east-1:web:nosuch fleet --json >"$TAP_TMPDIR/named.json" 2>/dev/null
tap_is "$?" 0 "named clusters on the command line"
tap_is "$(jq_py "$TAP_TMPDIR/named.json" '[(r["cluster"], r["error"] is not None) for r in d["rows"]]')" \
    "[('nosuch', True), ('web', False)]" "a named cluster the region lacks is a row that says so"
tap_like "$(jq_py "$TAP_TMPDIR/named.json" 'd["rows"][0]["error"]')" 'ClusterNotFoundException' "with ECS's word for it"
tap_nogrep "$(ops prod)" 'ListClusters' "named clusters are described without listing"

out=$("$ONDECK" --fleet nope fleet 2>&1)
tap_is "$?" 2 "an unknown fleet is a usage error"
tap_like "$out" "no fleet 'nope'.*\[fleet nope\].*fleets defined: oncall, healthy" \
    "which names the fleets the config defines"
out=$("$ONDECK" --fleet prod fleet 2>&1)
tap_is "$?" 2 "so is a fleet named nowhere"
out=$("$ONDECK" --fleet prod:us-east-1,prod:us-east-1 fleet 2>&1)
tap_is "$?" 2 "a member listed twice is a usage error"
tap_like "$out" 'listed twice' "that says so"
out=$("$ONDECK" fleet 2>&1)
tap_is "$?" 2 "fleet without --fleet is a usage error"
tap_like "$out" '--fleet NAME' "that says what is needed"
tap_done
