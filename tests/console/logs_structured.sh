#!/bin/bash
# Structured lines in the logs pane, driven in tmux: a JSON line shows as its level, message
# and the [logs] fields; J shows the raw line and back; the level word carries its theme
# colour (capture-pane -e); a plain ERROR line's level is coloured too; / highlights the
# match; a Java stack trace written as separate events, interleaved with another task's
# lines, stays together under its head line; a hostile JSON line stays inert in both modes;
# :insights runs a Logs Insights query over the pane's groups and shows its rows and cost, all
# its result pages, and the rows read when a later page is refused.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
mkdir -p "$XDG_CONFIG_HOME/ondeck"
printf '[logs]\nfields = level, msg, trace_id\n' >"$XDG_CONFIG_HOME/ondeck/config"

wj() { "$PYTHON3" -c "import json,sys; w=json.load(open(sys.argv[1])); print($1)" "$world"; }
T1=$(wj '[s for s in w["services"] if s["name"] == "web"][0]["task_ids"][0]')
T2=$(wj '[s for s in w["services"] if s["name"] == "web"][0]["task_ids"][1]')
# put_lines TASK MESSAGE...: events now, 1 ms apart, into web's app stream of TASK (each
# MESSAGE a Python string literal); "T2:" in front of a message sends it to T2's stream.
put_lines()
{
    "$PYTHON3" - "$@" <<'PY'
import ast, boto3, os, sys, time
logs = boto3.client("logs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
task, other = sys.argv[1], os.environ["T2"]
t = int(time.time() * 1000)
for i, m in enumerate(sys.argv[2:]):
    who = task
    if m.startswith("T2:"):
        who, m = other, m[3:]
    logs.put_log_events(logGroupName="/ecs/web", logStreamName="web/app/" + who,
                        logEvents=[{"timestamp": t + i, "message": ast.literal_eval(m)}])
PY
}
export T2

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 160 45 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^worker ' 20 || tap_bail "the services did not show"
tmux_send '/'
tmux_type 'web'
tmux_send Enter
tmux_wait_for '^web ' 5
tmux_send l
wait_ok 'live · 4 streams' "the logs pane of web follows its streams" 15

# ---- JSON: level, message, chosen fields; J toggles raw ---------------------------------------
put_lines "$T1" \
    "'{\"level\":\"error\",\"msg\":\"payment failed\",\"trace_id\":\"t-123\",\"user\":\"u9\"}'" \
    "'{\"severity\":\"WARNING\",\"message\":\"slow upstream\",\"trace_id\":\"t-456\"}'"
wait_ok "app/${T1:0:8} ERROR payment failed trace_id=t-123\$" \
    "a JSON line shows as level, message and the chosen fields (not user)" 15
tap_grep "$(tmux_capture)" "app/${T1:0:8} WARN slow upstream trace_id=t-456" \
    "severity/message keys work the same"
tap_nogrep "$(tmux_capture)" '"level":"error"' "the raw JSON is not shown"
e=$(tmux_capture -e | grep 'payment failed')
tap_ok "$(grep -q $'\e\\[[0-9;]*m''ERROR' <<<"$e"; echo $?)" "the level word carries its own colour"
tap_ok "$([ "$(grep -o $'\e\\[[0-9;]*mERROR' <<<"$e" | head -1)" != "$(grep -o $'\e\\[[0-9;]*mpayment' <<<"$e" | head -1)" ]; echo $?)" \
    "a colour different from the message's"
tmux_send J
wait_ok "app/${T1:0:8} \\{\"level\":\"error\",\"msg\":\"payment failed\",\"trace_id\":\"t-123\",\"user\":\"u9\"\\}" \
    "J shows the raw line"
wait_ok '· raw' "and the status line says raw"
tmux_send J
wait_ok "app/${T1:0:8} ERROR payment failed trace_id=t-123\$" "J again: structured"

# ---- plain-text levels -----------------------------------------------------------------------
put_lines "$T1" "'2026-12-04 WARN disk almost full'" "'INFO all good'"
wait_ok "app/${T1:0:8} INFO all good" "plain lines show as they are" 15
e=$(tmux_capture -e | grep 'disk almost full')
tap_ok "$(grep -q $'\e\\[[0-9;]*mWARN' <<<"$e"; echo $?)" "a plain WARN word is coloured"

# ---- a stack trace interleaved with another task ------------------------------------------
put_lines "$T1" "'ERROR request failed: java.lang.IllegalStateException: boom'" \
    "T2:'interleaved line from the other task'" \
    "'\\tat com.acme.Pay.charge(Pay.java:42)'" \
    "T2:'second line from the other task'" \
    "'\\tat com.acme.Main.main(Main.java:7)'" \
    "'Caused by: java.io.IOException: connection reset'"
wait_ok 'Caused by: java.io.IOException: connection reset' "the trace shows" 15
s=$(tmux_capture)
head_row=$(grep -n 'ERROR request failed' <<<"$s" | cut -d: -f1)
tap_is "$(sed -n "$((head_row + 1)),$((head_row + 3))p" <<<"$s" | sed 's/^ *//' | paste -sd'|')" \
    "at com.acme.Pay.charge(Pay.java:42)|at com.acme.Main.main(Main.java:7)|Caused by: java.io.IOException: connection reset" \
    "its continuation lines stay under the head, in order, not split by the other task"
tap_grep "$s" "app/${T2:0:8} interleaved line from the other task" "the other task's lines are there"
tap_ok "$(grep -q "app/${T2:0:8}.*\$" <<<"$(sed -n "$((head_row + 1)),$((head_row + 3))p" <<<"$s")"; echo $((!$?)))" \
    "but not inside the trace"

# ---- hostile JSON stays inert -------------------------------------------------------------
put_lines "$T1" "'{\"level\":\"error\",\"msg\":\"evil \\\\u001b]0;pwned\\\\u0007 \\\\u001b[31mRED \\\\u202erev\",\"trace_id\":\"\\\\u009b2J\"}'"
wait_ok 'ERROR evil \\x1b\]0;pwned\\x07 \\x1b\[31mRED \\u202erev trace_id=\\u009b2J' \
    "a JSON line with escaped ESC, BEL, bidi and C1 shows them as visible escapes" 15
tmux_send J
wait_ok '"msg":"evil \\u001b\]0;pwned' "raw: the JSON text as it came (its escapes are text)"
tmux_send J
tap_ok "$(tmux_capture -e | grep -q $'\e\\]0;\\|\a'; echo $((!$?)))" "no OSC or BEL reached the terminal"

# ---- / highlights --------------------------------------------------------------------------
tmux_send '/'
tmux_type 'payment'
tmux_send Enter
wait_ok '· search' "search is on"
e=$(tmux_capture -e | grep 'trace_id=t-123' | head -1) # the match splits "payment failed"
tap_ok "$(grep -q $'\e\\[[0-9;]*m''payment' <<<"$e"; echo $?)" "the match is drawn in its own colour"
tmux_send G

# ---- :insights ---------------------------------------------------------------------------
proxy_config '{"emu": {"logs-insights": {"scheduled_polls": 1, "running_polls": 1, "outcome": "Complete"}}}' >/dev/null
tmux_send ':'
tmux_type 'insights fields @timestamp, @message | sort @timestamp desc | limit 3'
tmux_send Enter
wait_ok 'insights: Complete: 3 rows; 3 records matched, [0-9]+ scanned, [0-9]+ bytes scanned' \
    ":insights runs the query and shows its outcome and cost" 20
s=$(tmux_capture)
tap_is "$(grep -c ' insights ' <<<"$s")" 4 "three result rows and the outcome, tagged insights"
tap_ok '[ "$(proxy_stats | "$PYTHON3" -c "import json,sys; print(json.load(sys.stdin)[\"by_operation\"].get(\"logs:StartQuery\", 0))")" = 1 ]' \
    "one StartQuery"
# Pages of one row: the three rows come from three pages; a second page refused (its token
# expired at once) leaves the first page's row, said to be partial.
pages() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["emu"].get("logs-insights:pages", 0))'; }
proxy_config '{"emu": {"logs-insights": {"page_size": 1}}}' >/dev/null
p0=$(pages)
tmux_send ':'
tmux_type 'insights fields @timestamp, @message | sort @timestamp desc | limit 3'
tmux_send Enter
for _ in $(seq 200); do [ "$(( $(pages) - p0 ))" -ge 3 ] && break; sleep 0.1; done
tap_is "$(( $(pages) - p0 ))" 3 "a query of three pages: the three pages of one row were read"
wait_ok 'insights: Complete: 3 rows; 3 records matched' "and the outcome counts their 3 rows" 20
s=$(tmux_capture)
tap_is "$(grep -c ' insights ' <<<"$s")" 8 "the pane: the first query's 3 rows and outcome, then the paged query's 3 and its outcome"
proxy_config '{"emu": {"logs-insights": {"token_ttl_s": 0}}}' >/dev/null
tmux_send ':'
tmux_type 'insights fields @timestamp, @message | sort @timestamp desc | limit 3'
tmux_send Enter
wait_ok 'insights: partial, 1 row from 1 page: .*InvalidParameterException' \
    "a refused second page: the rows read are kept, said partial" 20
proxy_config '{"emu": {"logs-insights": {"page_size": 10000, "token_ttl_s": 3600}}}' >/dev/null
tmux_send ':'
tmux_type 'insights'
tmux_send Enter
wait_ok 'insights: say the query' ":insights without a query says what it wants"
stops() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["by_operation"].get("logs:StopQuery", 0))'; }
running() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["emu"].get("logs-insights:status:Running", 0))'; }
# A query still running when the pane closes is stopped.
proxy_config '{"emu": {"logs-insights": {"scheduled_polls": 1, "running_polls": 100000, "outcome": "Complete"}}}' >/dev/null
proxy_reset
tmux_send ':'
tmux_type 'insights fields @message'
tmux_send Enter
wait_ok 'insights: Running' "a long query is running" 15
tmux_send q
tmux_send ':'
tmux_type 'insights fields @message'
tmux_send Enter
wait_ok 'insights: open the logs of a service or task first' ":insights outside a logs pane says where it works"
for _ in $(seq 50); do [ "$(stops)" -ge 1 ] && break; sleep 0.1; done
tap_is "$(stops)" 1 "closing the pane stopped its running query (one StopQuery)"
tap_is "$(proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["emu"].get("logs-insights:stopped", 0))')" 1 \
    "and the layer saw it stop a running query"
# Quitting the console while a pane's query runs stops it too.
tmux_send l
wait_ok 'live · 4 streams' "the pane again" 15
tmux_send ':'
tmux_type 'insights fields @message'
tmux_send Enter
wait_ok 'insights: Running' "another long query is running" 15

tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "the console exits 0"
tap_is "$(stops)" 2 "quitting stopped the query the pane still ran"
tap_done
