#!/usr/bin/env bash
# `ondeck deployments`: a service's deployment history (ListServiceDeployments paged,
# DescribeServiceDeployments and DescribeServiceRevisions in batches of 20; the ecs-deployments
# behaviour of the AWS-behaviour layer). A BLUE_GREEN service is moved between task
# definitions, subnets, security groups, public IP and target groups, one move is rolled back
# with StopServiceDeployment ROLLBACK (ROLLBACK_SUCCESSFUL); the history is read newest first
# in text and JSON, with each deployment's outcome and the diff of the revisions it moved
# between, across pages (--page-size) and beyond one Describe batch, cut by --max-items.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
export HISTORY_STATE=$TAP_TMPDIR/history_state.json
drive() { AWS_ENDPOINT_URL=$PROXY_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/history_drive.py" "$@"; }
clock()
{
    proxy_config "{\"emu\": {\"ecs-deployments\": {\"stage_s\": 1000, \"minute_s\": 1000, \"offset_s\": $1}}}" >/dev/null
}
# proxy_stats by_operation count of OP (proxy_reset would also reset the layer's records).
calls() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["by_operation"].get(sys.argv[1], 0))' "$1"; }
# A Python expression over the JSON in $out (d).
jq_() { "$PYTHON3" -c 'import json,sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$out" "$1"; }

clock 0
drive seed || tap_bail "seeding failed"
# web:1 -> web:2 (settles), -> web:3 (settles), -> web:1 rolled back, -> web:1 again in flight.
drive move && clock 20000 && drive move && clock 40000 && drive move && clock 41000 &&
    drive stop && clock 60000 && drive move && clock 61000 || tap_bail "driving failed"

# ---- text ----------------------------------------------------------------------------------
"$ONDECK" deployments --cluster hist --service web >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "deployments exits 0"
tap_is "$(cat "$err")" "" "nothing on stderr"
tap_grep "$(head -1 "$out")" '^service hist/web: 5 service deployments, newest first$' \
    "the header counts the service's deployments"
tap_grep "$(sed -n 2p "$out")" '^CREATED +STATUS +STRATEGY +DURATION +REVISIONS$' "a table header"
tap_grep "$(sed -n 3p "$out")" '^20[0-9T:-]+Z +IN_PROGRESS +B/G .* web:3 -> web:1$' \
    "newest first: the deployment in flight, web:3 -> web:1"
tap_grep "$(grep ROLLBACK_SUCCESSFUL "$out")" '^20[0-9T:-]+Z +ROLLBACK_SUCCESSFUL +B/G +[0-9]+m[0-9]+s +web:3 -> web:1$' \
    "the rolled-back deployment with its outcome and duration"
tap_grep "$(cat "$out")" '^    rollback to web:3: Rollback requested \(StopServiceDeployment\)\.$' \
    "its rollback: the revision ECS went back to and why"
tap_grep "$(grep -A8 ROLLBACK_SUCCESSFUL "$out")" '^    image app: nginx:1\.28@sha256:[0-9a-f]{64} -> nginx:1\.26@sha256:[0-9a-f]{64}$' \
    "the diff: the container image with its digest"
tap_grep "$(grep -A8 ROLLBACK_SUCCESSFUL "$out")" '^    public IP: DISABLED -> ENABLED$' "the diff: public IP"
tap_grep "$(grep -A8 ROLLBACK_SUCCESSFUL "$out")" '^    load balancers: blue/[0-9a-f]+ app:80 -> green/[0-9a-f]+ app:8080$' \
    "the diff: target group, container and port"
tap_grep "$(grep -A8 ROLLBACK_SUCCESSFUL "$out")" '^    subnets: subnet-[0-9a-f]+ -> subnet-[0-9a-f]+$' "the diff: subnets"
tap_grep "$(tail -2 "$out")" '\(created\) web:1$' "oldest last: the service's creation"

# ---- JSON ----------------------------------------------------------------------------------
"$ONDECK" deployments --cluster hist --service web --json >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "deployments --json exits 0"
tap_is "$(jq_ '[x["status"] for x in d["serviceDeployments"]]')" \
    "['IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL', 'STOPPED']" \
    "JSON: the outcomes, newest first"
tap_is "$(jq_ 'all(a["createdAt"] >= b["createdAt"] for a, b in zip(d["serviceDeployments"], d["serviceDeployments"][1:]))')" \
    True "JSON: createdAt never grows down the list"
tap_is "$(jq_ '[c["field"] for c in d["serviceDeployments"][2]["changes"]]')" \
    "['task definition', 'image app', 'subnets', 'security groups', 'public IP', 'load balancers']" \
    "JSON: the changes of a deployment, in order"
tap_is "$(jq_ 'd["serviceDeployments"][1]["rollback"]["serviceRevisionArn"] == d["serviceDeployments"][1]["sourceServiceRevisionArns"][0]')" \
    True "JSON: the rollback went to the source revision"
tap_is "$(jq_ 'sorted(r["taskDefinition"].rsplit("/")[-1] for r in d["serviceRevisions"])')" \
    "['web:1', 'web:1', 'web:1', 'web:2', 'web:3']" \
    "JSON: the five revisions the deployments created (web:1 at creation, at the rollback and now)"
tap_is "$(jq_ 'len({r["serviceRevisionArn"] for r in d["serviceRevisions"]})')" 5 \
    "JSON: each revision described once"
tap_is "$(jq_ 'd["serviceDeployments"][0]["sourceServiceRevisionArns"] == d["serviceDeployments"][1]["sourceServiceRevisionArns"]')" \
    True "JSON: after the rollback, the next deployment starts from the revision ECS went back to"
tap_is "$(jq_ '(d["truncated"], d["revisionsError"])')" "(False, None)" "JSON: complete, no error"

# ---- pages and batches ---------------------------------------------------------------------
l0=$(calls ecs:ListServiceDeployments)
"$ONDECK" deployments --cluster hist --service web --page-size 2 --json >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "--page-size 2 exits 0"
tap_is "$(jq_ 'len(d["serviceDeployments"])')" 5 "all five deployments across three pages"
tap_is "$(($(calls ecs:ListServiceDeployments) - l0))" 3 "three ListServiceDeployments pages"
l0=$(calls ecs:ListServiceDeployments)
"$ONDECK" deployments --cluster hist --service web --page-size 2 --max-items 3 --json >"$out" 2>"$err" </dev/null
tap_is "$(jq_ '(len(d["serviceDeployments"]), d["truncated"])')" "(3, True)" "--max-items 3: the newest three, truncated"
tap_is "$(jq_ '[x["status"] for x in d["serviceDeployments"]]')" \
    "['IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'SUCCESSFUL']" "the newest three"
tap_is "$(($(calls ecs:ListServiceDeployments) - l0))" 2 "no page read beyond what --max-items needs"

clock 80000
drive moves 20 || tap_bail "moves failed"
l0=$(calls ecs:ListServiceDeployments)
d0=$(calls ecs:DescribeServiceDeployments)
r0=$(calls ecs:DescribeServiceRevisions)
"$ONDECK" deployments --cluster hist --service web --max-items 100 --json >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "25 deployments: exits 0"
tap_is "$(jq_ 'len(d["serviceDeployments"])')" 25 "all 25 deployments"
tap_is "$(($(calls ecs:DescribeServiceDeployments) - d0))" 2 "described in two batches (20 + 5)"
tap_is "$(($(calls ecs:ListServiceDeployments) - l0))" 2 "ECS's default page of 20, then the rest"
tap_is "$(($(calls ecs:DescribeServiceRevisions) - r0))" 2 \
    "the 25 revisions described in two batches (at most 20 each: batch-limits refuses more)"
tap_is "$(jq_ 'all(a["createdAt"] >= b["createdAt"] for a, b in zip(d["serviceDeployments"], d["serviceDeployments"][1:]))')" \
    True "still newest first"
"$ONDECK" deployments --cluster hist --service web >"$out" 2>"$err" </dev/null
tap_grep "$(head -1 "$out")" '^service hist/web: 20 service deployments, newest first \(more with --max-items\)$' \
    "text: 20 by default, and says there are more"

# ---- refusals and errors -------------------------------------------------------------------
"$ONDECK" deployments --cluster hist >"$out" 2>"$err" </dev/null
tap_is "$?" 2 "without --service: usage error"
tap_grep "$(cat "$err")" 'service is required' "and says what is missing"
"$ONDECK" deployments --cluster hist --service web --page-size 101 >"$out" 2>"$err" </dev/null
tap_is "$?" 2 "--page-size above ECS's 100: usage error"
"$ONDECK" deployments --cluster hist --service nosuch >"$out" 2>"$err" </dev/null
tap_is "$?" 1 "an unknown service: exit 1"
tap_grep "$(cat "$err")" 'ServiceNotFoundException' "with ECS's error"
proxy_config '{"behaviours": "+iam", "emu": {"iam": {"allow": ["ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"]}}}' >/dev/null
"$ONDECK" deployments --cluster hist --service web --max-items 3 >"$out" 2>"$err" </dev/null
tap_is "$?" 0 "without ecs:DescribeServiceRevisions: still exit 0"
tap_grep "$(cat "$out")" 'STOPPED' "the deployments are shown"
tap_grep "$(cat "$err")" 'service revisions not read.*(AccessDenied|not authorized)' \
    "and stderr says the diffs are missing, and why"
proxy_config '{"behaviours": "-iam"}' >/dev/null

tap_done
