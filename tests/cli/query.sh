#!/usr/bin/env bash
# ondeck query (CloudWatch Logs Insights) against moto and the logs-insights behaviour: what
# moto runs (fields, sort, limit) gives real rows as a table and as --json, with the query's
# statistics; the query goes Scheduled -> Running -> its end, and each end (Complete,
# Failed, Cancelled, Timeout, Unknown) has its message and exit code; a Complete query of
# many pages (nextToken) gives all its rows once, in order, and a refused later page keeps the
# rows read, said partial; Ctrl-C while it runs,
# or before StartQuery answered, sends StopQuery (counted at the proxy) and exits 1, as does
# a GetQueryResults failing for good; a missing permission; StopQuery on an ended query and
# an unknown id refused as AWS does; hostile log text stays inert; usage.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

SEED="$PYTHON3 $ONDECK_SRCDIR/tests/cli/logs_seed.py"
moto_start || tap_bail "moto did not start"
T0=$(( $(date +%s) * 1000 - 600000 ))
$SEED --endpoint "$MOTO_URL" put /ecs/web web/app/1 web/app/2 --count 20 --start-ms "$T0" \
    --step-ms 1000 --tag insight >/dev/null || tap_bail "put failed"
$SEED --endpoint "$MOTO_URL" put /ecs/api api/app/1 --count 5 --start-ms "$((T0 + 500))" \
    --step-ms 1000 --tag apiline >/dev/null || tap_bail "put failed"
hostile=$($SEED --endpoint "$MOTO_URL" hostile /ecs/evil evil/app/1 --start-ms "$T0") ||
    tap_bail "hostile failed"
emu() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["emu"].get(sys.argv[1], 0))' "$1"; }
ops() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["by_operation"].get("logs:" + sys.argv[1], 0))' "$1"; }
fast() { proxy_config "{\"emu\": {\"logs-insights\": {\"scheduled_polls\": 1, \"running_polls\": 2, \"outcome\": \"$1\"}}}" >/dev/null; }
Q='fields @timestamp, @message | sort @timestamp desc | limit 5'

# -- Complete: a table of moto's rows, the cost on stderr -------------------------------------
fast Complete
proxy_reset
out=$("$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms "$Q" 2>"$TAP_TMPDIR/err")
tap_ok $? "a query that completes exits 0"
tap_is "$(head -n1 <<<"$out" | tr -s ' ')" "@timestamp @message" \
    "the header holds the fields in query order (@ptr left out)"
tap_is "$(grep -c 'insight seq=' <<<"$out")" 5 "limit 5: five rows"
tap_like "$(sed -n 2p <<<"$out")" "insight seq=19 " "sort @timestamp desc: the newest first"
tap_like "$(sed -n 6p <<<"$out")" "insight seq=15 " "and the fifth newest last"
tap_ok "grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\\.[0-9]{3} ' <<<\"\$(sed -n 2p <<<\"\$out\")\"" \
    "@timestamp as AWS gives it (YYYY-MM-DD HH:MM:SS.mmm)"
tap_like "$(cat "$TAP_TMPDIR/err")" "ondeck: query: 5 rows; 5 records matched, 20 scanned, " \
    "the statistics: records matched and scanned"
tap_like "$(cat "$TAP_TMPDIR/err")" "[0-9] B scanned" "and the bytes scanned (its cost)"
tap_ok '[ "$(emu logs-insights:status:Scheduled)" -ge 1 ] && [ "$(emu logs-insights:status:Running)" -ge 2 ]' \
    "the query was Scheduled, then Running, before it was Complete"
tap_is "$(ops StopQuery)" 0 "a query that ended is not stopped"

# Two groups in one query; --start-time/--end-time.
out=$("$ONDECK" query --log-group /ecs/web --log-group /ecs/api --poll-interval 100ms \
    --start-time "$(date -u -d @$(( T0 / 1000 - 1 )) +%Y-%m-%dT%H:%M:%SZ)" \
    --end-time "$(date -u -d @$(( T0 / 1000 + 2 )) +%Y-%m-%dT%H:%M:%SZ)" \
    'fields @timestamp, @message | sort @timestamp asc' 2>"$TAP_TMPDIR/err")
tap_ok $? "two log groups and a time range exit 0"
tap_is "$(grep -o '[a-z]* seq=[0-9]*' <<<"$out" | paste -sd'|')" \
    "insight seq=0|apiline seq=0|insight seq=1|apiline seq=1|insight seq=2" \
    "rows of both groups in the range, oldest first (sort asc)"

# --json: one document with rows as objects, @ptr kept, statistics.
"$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms --json "$Q" \
    >"$TAP_TMPDIR/q.json" 2>"$TAP_TMPDIR/err"
tap_ok $? "--json exits 0"
check=$("$PYTHON3" - "$TAP_TMPDIR/q.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print("keys", sorted(d))
print("status", d["status"], "fields", d["fields"])
print("rows", len(d["results"]), all(set(r) == {"@ptr", "@timestamp", "@message"} for r in d["results"]))
print("first", d["results"][0]["@message"].split(" stream")[0])
s = d["statistics"]
print("stats", int(s["recordsMatched"]), int(s["recordsScanned"]), s["bytesScanned"] > 0)
print("groups", d["logGroups"], d["endTime"] > d["startTime"])
EOF
)
tap_like "$check" "keys \['endTime', 'fields', 'logGroups', 'pages', 'partial', 'queryId', 'queryString', 'results', 'startTime', 'statistics', 'status', 'truncated'\]" \
    "the document's keys"
tap_like "$check" "status Complete fields \['@ptr', '@timestamp', '@message'\]" "status and fields (@ptr too)"
tap_like "$check" "rows 5 True" "five rows, each an object of its fields"
tap_like "$check" "first insight seq=19" "in the query's order"
tap_like "$check" "stats 5 20 True" "statistics as numbers"
tap_like "$check" "groups \['/ecs/web'\] True" "the log groups and the range"
tap_is "$(wc -c <"$TAP_TMPDIR/err")" 0 "--json: nothing on stderr"

# -- more rows than one page: GetQueryResults follows nextToken once Complete ---------------
# Pages of 3 rows (AWS: 10,000); the 20 rows of /ecs/web make 7 pages.
paged() { proxy_config "{\"emu\": {\"logs-insights\": {\"scheduled_polls\": 1, \"running_polls\": 2, \"outcome\": \"Complete\", \"page_size\": 3, \"token_ttl_s\": $1}}}" >/dev/null; }
QP='fields @timestamp, @message | sort @timestamp desc'
paged 3600
proxy_reset
"$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms --json "$QP" \
    >"$TAP_TMPDIR/p.json" 2>"$TAP_TMPDIR/err"
tap_ok $? "a query of many pages exits 0"
check=$("$PYTHON3" - "$TAP_TMPDIR/p.json" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
msgs = [r["@message"] for r in d["results"]]
ptrs = [r["@ptr"] for r in d["results"]]
print("rows", len(msgs), "unique", len(set(ptrs)), "pages", d["pages"], "partial", d["partial"])
seqs = [int(m.split("seq=")[1].split()[0]) for m in msgs]
print("order", seqs == sorted(seqs, reverse=True), "seqs", sorted(set(seqs)) == list(range(20)))
EOF2
)
tap_like "$check" "rows 20 unique 20 pages 7 partial False" "all 20 rows, each once, from 7 pages"
tap_like "$check" "order True seqs True" "in the query's order (newest first), none missing"
polls=$(( $(emu logs-insights:status:Scheduled) + $(emu logs-insights:status:Running) ))
tap_is "$(ops GetQueryResults)" "$(( polls + 7 ))" \
    "GetQueryResults calls: the polls while pending plus one per page"
tap_is "$(emu logs-insights:pages)" 7 "the emulation served 7 pages"
out=$("$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms "$QP" 2>"$TAP_TMPDIR/err")
tap_ok $? "the table of many pages exits 0"
tap_is "$(grep -c 'insight seq=' <<<"$out")" 20 "the table holds the 20 rows"
tap_is "$(grep -o 'insight seq=[0-9]* stream=[^ ]*' <<<"$out" | sort | uniq -d | wc -l)" 0 \
    "and none twice"
tap_like "$(cat "$TAP_TMPDIR/err")" "ondeck: query: 20 rows; " "the count says 20"

# A later page refused (the token expired: token_ttl_s 0): the rows read are kept, partial.
paged 0
proxy_reset
out=$("$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms "$QP" 2>"$TAP_TMPDIR/err")
tap_is "$?" 1 "a failed second page: exit 1"
tap_is "$(grep -c 'insight seq=' <<<"$out")" 3 "the first page's 3 rows are printed"
tap_like "$(cat "$TAP_TMPDIR/err")" "InvalidParameterException" "with AWS's error"
tap_like "$(cat "$TAP_TMPDIR/err")" "ondeck: query: partial results: 3 rows from 1 page; the next page failed" \
    "and says the results are partial"
tap_is "$(emu logs-insights:expired_token)" 1 "the expired token was sent once (not retried)"
tap_is "$(ops StopQuery)" 0 "a Complete query is not stopped"
"$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms --json "$QP" \
    >"$TAP_TMPDIR/p.json" 2>/dev/null
tap_is "$?" 1 "--json, failed second page: exit 1"
tap_is "$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["partial"], len(d["results"]), d["pages"])' "$TAP_TMPDIR/p.json")" \
    "True 3 1" "--json says partial, with the 3 rows read"
fast Complete
proxy_config '{"emu": {"logs-insights": {"page_size": 10000, "token_ttl_s": 3600}}}' >/dev/null

# -- the other ends ---------------------------------------------------------------------------
for st in Failed:1:"the query failed" Cancelled:1:"the query was cancelled" \
          Timeout:1:"the query timed out" Unknown:1:"CloudWatch Logs reports the query.s status as Unknown"; do
    IFS=: read -r name code msg <<<"$st"
    fast "$name"
    "$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms "$Q" \
        >"$TAP_TMPDIR/out" 2>"$TAP_TMPDIR/err"
    rc=$?
    tap_is "$rc" "$code" "$name: exit $code"
    tap_like "$(cat "$TAP_TMPDIR/err")" "ondeck: query: $msg" "$name: says so"
done
fast Timeout
"$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms --json "$Q" \
    >"$TAP_TMPDIR/out" 2>/dev/null
tap_like "$(cat "$TAP_TMPDIR/out")" '"status":"Timeout"' "--json: the document says Timeout too"

# -- Ctrl-C while it runs: StopQuery, exit 1 ---------------------------------------------------
proxy_config '{"emu": {"logs-insights": {"scheduled_polls": 1, "running_polls": 100000, "outcome": "Complete"}}}' >/dev/null
proxy_reset
"$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms "$Q" \
    >"$TAP_TMPDIR/out" 2>"$TAP_TMPDIR/err" &
pid=$!
for _ in $(seq 100); do [ "$(emu logs-insights:status:Running)" -ge 2 ] && break; sleep 0.1; done
tap_ok '[ "$(emu logs-insights:status:Running)" -ge 2 ]' "the query is running"
kill -INT "$pid"
wait "$pid"
rc=$?
tap_is "$rc" 1 "interrupted: exit 1"
tap_is "$(ops StopQuery)" 1 "StopQuery sent once"
tap_is "$(emu logs-insights:stopped)" 1 "and it stopped the running query"
tap_like "$(cat "$TAP_TMPDIR/err")" "interrupted; the query was stopped \\(StopQuery\\)" "it says so"

# Ctrl-C before StartQuery has answered (its answer held 1.5 s at the proxy): the query is
# stopped as soon as its id arrives.
proxy_config '{"delay_ms": 1500, "only": "StartQuery"}' >/dev/null
proxy_reset
"$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms "$Q" \
    >"$TAP_TMPDIR/out" 2>"$TAP_TMPDIR/err" &
pid=$!
for _ in $(seq 50); do [ "$(proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')" -ge 1 ] && break; sleep 0.05; done
sleep 0.3
kill -INT "$pid"
wait "$pid"
tap_is $? 1 "interrupted before StartQuery answered: exit 1"
tap_is "$(ops GetQueryResults)" 0 "no poll was sent"
tap_is "$(ops StopQuery)" 1 "the query was stopped once its id came"
tap_is "$(emu logs-insights:stopped)" 1 "while it was still to run"
proxy_config '{"delay_ms": 0, "only": null}' >/dev/null

# GetQueryResults failing for good (HTTP 500 after the retries): the query is stopped too.
proxy_config '{"emu": {"logs-insights": {"scheduled_polls": 1, "running_polls": 100000, "outcome": "Complete"}}, "fault_500": 1.0, "only": "GetQueryResults"}' >/dev/null
proxy_reset
"$ONDECK" query --log-group /ecs/web --since 1h --poll-interval 100ms "$Q" \
    >"$TAP_TMPDIR/out" 2>"$TAP_TMPDIR/err"
tap_is $? 1 "GetQueryResults failing for good: exit 1"
tap_like "$(cat "$TAP_TMPDIR/err")" "ondeck: query: GetQueryResults: " "it says which call failed"
tap_is "$(ops StopQuery)" 1 "and the query it leaves is stopped (one StopQuery)"
tap_is "$(emu logs-insights:stopped)" 1 "while it was running"
proxy_config '{"fault_500": 0, "only": null}' >/dev/null

# A policy without logs:StartQuery: AWS's AccessDeniedException, nothing started.
proxy_config '{"emu": {"iam": {"allow": ["logs:FilterLogEvents", "logs:GetQueryResults", "logs:StopQuery"]}}}' >/dev/null
"$ONDECK" query --log-group /ecs/web --since 1h "$Q" >/dev/null 2>"$TAP_TMPDIR/err"
tap_is $? 1 "no logs:StartQuery permission: exit 1"
tap_like "$(cat "$TAP_TMPDIR/err")" "AccessDenied" "with AWS's refusal"
proxy_config '{"emu": {"iam": {"allow": ["*"]}}}' >/dev/null

# StopQuery on a query that ended: AWS's error (the layer, straight through boto3).
fast Complete
got=$("$PYTHON3" - "$PROXY_URL" <<'EOF'
import sys, time, boto3
logs = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1")
now = int(time.time())
q = logs.start_query(logGroupName="/ecs/web", startTime=now - 3600, endTime=now,
                     queryString="fields @message")["queryId"]
st = [logs.get_query_results(queryId=q)["status"] for _ in range(4)]
print("statuses", ",".join(st))
try:
    logs.stop_query(queryId=q)
    print("stop ok")
except logs.exceptions.InvalidParameterException as e:
    print("stop refused", e.response["Error"]["Code"])
try:
    logs.get_query_results(queryId="no-such-query")
except logs.exceptions.ResourceNotFoundException:
    print("unknown id: ResourceNotFoundException")
EOF
)
tap_like "$got" "statuses Scheduled,Running,Running,Complete" "the lifecycle as a client sees it"
tap_like "$got" "stop refused InvalidParameterException" "StopQuery on an ended query is refused"
tap_like "$got" "unknown id: ResourceNotFoundException" "an unknown query id is refused"

# -- hostile text stays inert -------------------------------------------------------------------
"$ONDECK" query --log-group /ecs/evil --since 1h --poll-interval 100ms \
    'fields @timestamp, @message | sort @timestamp desc' >"$TAP_TMPDIR/evil" 2>/dev/null
tap_ok $? "a query over hostile lines exits 0"
tap_ok "! LC_ALL=C grep -q \$'[\\x01-\\x08\\x0b-\\x1f\\x7f]' \"$TAP_TMPDIR/evil\"" \
    "no control byte reaches the terminal (ESC, BEL, C0)"
tap_ok "! grep -q \$'\\xc2[\\x80-\\x9f]\\|\\xe2\\x80[\\xaa-\\xae]' \"$TAP_TMPDIR/evil\"" \
    "no C1 control or bidi override either"
tap_like "$(cat "$TAP_TMPDIR/evil")" '\\x1b' "escapes are shown, not run"
"$ONDECK" query --log-group /ecs/evil --since 1h --poll-interval 100ms --json \
    'fields @message' >"$TAP_TMPDIR/evil.json" 2>/dev/null
tap_ok "\"$PYTHON3\" -c 'import json,sys; json.load(open(sys.argv[1]))' \"$TAP_TMPDIR/evil.json\"" \
    "--json over hostile lines is valid JSON"
tap_ok "! LC_ALL=C grep -q \$'[\\x01-\\x1f\\x7f]' \"$TAP_TMPDIR/evil.json\"" "and inert"
sent=$("$PYTHON3" -c 'import json,sys; d=json.loads(sys.argv[1]); print(sum(1 for m in d if "\x1b]0;" in m))' "$hostile")
kept=$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for r in d["results"] if "\x1b]0;" in r["@message"]))' "$TAP_TMPDIR/evil.json")
tap_ok '[ "$sent" -ge 1 ] && [ "$kept" = "$sent" ]' "--json keeps the data (the OSC title line decodes back)"

# -- errors and usage ----------------------------------------------------------------------------
"$ONDECK" query --log-group /ecs/none --since 1h "$Q" >/dev/null 2>"$TAP_TMPDIR/err"
tap_is $? 1 "a group that does not exist: exit 1"
tap_like "$(cat "$TAP_TMPDIR/err")" "ondeck: query: StartQuery: .*ResourceNotFoundException" "with AWS's error"
"$ONDECK" query --since 1h "$Q" >/dev/null 2>"$TAP_TMPDIR/err"
tap_is $? 2 "no --log-group: usage error"
tap_like "$(cat "$TAP_TMPDIR/err")" "say which logs: --log-group G" "that names what is missing"
"$ONDECK" query --log-group /ecs/web >/dev/null 2>&1
tap_is $? 2 "no query: usage error"
"$ONDECK" query --log-group /ecs/web "$Q" extra >/dev/null 2>&1
tap_is $? 2 "two queries: usage error"
"$ONDECK" query --log-group /ecs/web --limit 0 "$Q" >/dev/null 2>"$TAP_TMPDIR/err"
tap_is $? 2 "--limit 0: usage error"
"$ONDECK" query --log-group /ecs/web --since soon "$Q" >/dev/null 2>&1
tap_is $? 2 "--since junk: usage error"
"$ONDECK" query --log-group /ecs/web --since 1h --start-time 2h "$Q" >/dev/null 2>&1
tap_is $? 2 "--since with --start-time: usage error"
"$ONDECK" query --log-group /ecs/web --start-time 1h --end-time 2h "$Q" >/dev/null 2>&1
tap_is $? 2 "a range that ends before it starts: usage error"

tap_done
