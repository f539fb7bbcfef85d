#!/bin/bash
# Several services in one logs pane, driven in tmux: Space marks rows of the services view
# (a "*" after the name, the count in the title), `l` then follows every marked service in
# one pane, each line prefixed by its service and container/task; a line written later to one
# of them appears with its prefix, escapes inert; Space again unmarks, and `l` with one mark
# follows that service alone; a marked service whose group is denied is named in the status
# line while the other's lines come.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small --no-cloudfront >"$world" || tap_bail "seeding failed"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR

wj() { "$PYTHON3" -c "import json,sys; w=json.load(open(sys.argv[1])); print($1)" "$world"; }
A1=$(wj '[s for s in w["services"] if s["name"] == "api"][0]["task_ids"][0]')
W1=$(wj '[s for s in w["services"] if s["name"] == "web"][0]["task_ids"][0]')
put_line()
{
    "$PYTHON3" - "$1" "$2" "$3" <<'PY'
import ast, boto3, os, sys, time
logs = boto3.client("logs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
logs.put_log_events(logGroupName=f"/ecs/{sys.argv[1]}", logStreamName=f"{sys.argv[1]}/app/{sys.argv[2]}",
                    logEvents=[{"timestamp": int(time.time() * 1000),
                                "message": ast.literal_eval(sys.argv[3])}])
PY
}

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 140 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tmux_wait_for '^worker ' 20 || tap_bail "the services did not show"

# Rows sorted by name: api, web, worker. Space on api and web.
tmux_send g
tmux_send Space
wait_ok '^api \*' "Space marks the row (a * after the name)"
tmux_send Space
wait_ok '^web \*' "and moves down, so a second Space marks the next one"
tap_grep "$(tmux_capture)" "Services \(3/3\) · 2 marked" "the title counts the marked rows"
tap_ok "$(tmux_capture | grep -q '^worker \*'; echo $((!$?)))" "the row not marked has no *"

tmux_send l
wait_ok 'Logs · services api, web' "l opens one pane for the marked services"
wait_ok "api app/${A1:0:8} api: GET /health 200 1ms" "api's lines, prefixed with api and container/task" 15
wait_ok "web app/${W1:0:8} web: GET /health 200 1ms" "web's lines in the same pane, prefixed with web"
tap_grep "$(tmux_capture)" "web redis/${W1:0:8} Ready to accept connections" "web's redis container too"
tap_ok "$(tmux_capture | grep -q ' worker: '; echo $((!$?)))" "nothing of the service not marked"

put_line api "$A1" "'later \\x1b]0;pwned\\x07 \\x1b[31mred\\x1b[0m'"
wait_ok "api app/${A1:0:8} later \\\\x1b\]0;pwned\\\\x07 \\\\x1b\[31mred\\\\x1b\[0m" \
    "a line written later appears with its prefix, its escapes shown as text" 15

# Back: the marks stay; Space on web unmarks it; l with one mark is that service's pane.
tmux_send q
wait_ok '^web \*' "back in the services view, the marks stay"
tmux_send g
tmux_send Down
tmux_send Space
tmux_wait_for '· 1 marked' 5
tap_ok "$(tmux_capture | grep -q '^web \*'; echo $((!$?)))" "Space again unmarks"
tmux_send l
wait_ok 'Logs · service api' "one marked service: l follows it (not the selected row)"
wait_ok "app/${A1:0:8} api: GET /health 200 1ms" "its lines, without a source prefix" 15
tap_ok "$(tmux_capture | grep -q ' api app/'; echo $((!$?)))" "one source: no prefix"

# A marked service whose log group is denied (an explicit IAM deny on /ecs/web): the pane's
# status line names it, and the other service's lines come all the same.
proxy_config '{"behaviours": "+iam", "emu": {"iam": {"allow": ["*"], "deny": [{"action": "logs:FilterLogEvents",
               "resource": "arn:aws:logs:*:log-group:/ecs/web:*"}]}}}' >/dev/null
tmux_send q
tmux_wait_for '^api \*' 5
tmux_send g
tmux_send Down
tmux_send Space
wait_ok '· 2 marked' "web marked again"
tmux_send l
wait_ok 'Logs · services api, web' "l follows both"
wait_ok 'web \(/ecs/web\): .*not authorized' "the status line names the service whose group is denied" 20
wait_ok "api app/${A1:0:8} api: GET /health 200 1ms" "the other service's lines come all the same" 15
tap_ok "$(tmux_capture | grep -q ' web app/'; echo $((!$?)))" "and nothing of the denied one"
tmux_send q
tmux_send ':'
tmux_type 'q'
tmux_send Enter
tap_done
