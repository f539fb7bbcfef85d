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
jq_py() { "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

# ---- text ---------------------------------------------------------------------------------
"$ONDECK" --fleet oncall fleet >"$TAP_TMPDIR/text.out" 2>"$TAP_TMPDIR/text.err"
tap_is "$?" 1 "a fleet with failing members exits 1"
tap_diag "$(cat "$TAP_TMPDIR/text.out")"
tap_like "$(sed -n 1p "$TAP_TMPDIR/text.out")" '^PROFILE +REGION +ACCOUNT +ALIAS +CLUSTER +SERVICES +BELOW +FAILED +ROLLING +ALARMS' \
    "the text table has its header"
tap_is "$(sed -n 2,3p "$TAP_TMPDIR/text.out" | awk '{print $1}' | sort | tr '\n' ' ')" 'broken offline ' \
    "the failing members come first"
tap_like "$(grep '^broken ' "$TAP_TMPDIR/text.out")" 'credential_process exited with status 1: the SSO session has expired' \
    "broken's row carries its credential error"
tap_like "$(grep '^offline ' "$TAP_TMPDIR/text.out")" "Couldn't connect to server" \
    "offline's row carries its network error"
tap_like "$(sed -n 4p "$TAP_TMPDIR/text.out")" '^prod +us-east-1 +111111111111 +acme-prod +web ' \
    "then the worst cluster: prod's web (an alarm in ALARM, a service below desired)"
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
    "4 16" "the doc's fleet keys are read (4 at the top, 16 in a row)"
tap_is "$("$PYTHON3" "$checker" "$ONDECK_SRCDIR/doc/json-output.md" check fleet "$TAP_TMPDIR/fleet.json" 2>/dev/null)" "" \
    "every key doc/json-output.md lists for fleet is there, with its type"

# Each account's calls at its own proxy: one refresh is AssumeRole and GetCallerIdentity (the
# account id, once), ListClusters, DescribeClusters, ListServices per cluster, DescribeServices
# per 10 services, DescribeAlarms StateValue=ALARM (doc/performance.md).
ops() { fleet_stats "$1" | "$PYTHON3" -c 'import json,sys; print(sorted(json.load(sys.stdin)["by_operation"].items()))'; }
tap_is "$(ops prod)" "[('ecs:DescribeClusters', 1), ('ecs:DescribeServices', 1), ('ecs:ListClusters', 1), ('ecs:ListServices', 2), ('iam:ListAccountAliases', 1), ('monitoring:DescribeAlarms', 1), ('sts:AssumeRole', 1), ('sts:GetCallerIdentity', 1)]" \
    "prod us-east-1: 9 calls for 2 clusters and 2 services (the alias asked once)"
tap_is "$(ops prod-eu)" "[('ecs:DescribeClusters', 1), ('ecs:DescribeServices', 1), ('ecs:ListClusters', 1), ('ecs:ListServices', 1), ('iam:ListAccountAliases', 1), ('monitoring:DescribeAlarms', 1), ('sts:AssumeRole', 1), ('sts:GetCallerIdentity', 1)]" \
    "prod eu-west-1: 8 calls for 1 cluster"
tap_is "$(ops staging)" "[('ecs:DescribeClusters', 1), ('ecs:DescribeServices', 1), ('ecs:ListClusters', 1), ('ecs:ListServices', 1), ('iam:ListAccountAliases', 1), ('monitoring:DescribeAlarms', 1), ('sts:AssumeRole', 1), ('sts:GetCallerIdentity', 1)]" \
    "staging: its own 8 calls; broken, behind the same endpoint, cost none"
for p in prod prod-eu staging; do
    tap_is "$(fleet_stats "$p" | "$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print(d["invalid_requests_total"], d["signature_failures"], d["region_failures"])')" \
        "0 0 0" "$p: every request fitted botocore's shapes and was signed for the endpoint's region"
done

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
