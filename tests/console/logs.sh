#!/bin/bash
# The logs pane against moto, driven in tmux: `l` on a service follows the CloudWatch logs of
# all its tasks and containers (the seeded lines, tagged container/task), lines written while
# the pane is open appear, pause holds them back and resume shows them, search jumps to a
# match, `l` on a task follows only that task; a line carrying an OSC 0 title sequence, a
# colour CSI and an OSC 52 clipboard write is shown as visible text and leaves the terminal
# title untouched; the logs of a task whose stream does not exist yet (CloudWatch Logs
# refuses such a FilterLogEvents: the log-streams behaviour) show its lines once the stream
# appears.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
saved=$TAP_TMPDIR/saved/logs
mkdir -p "$XDG_CONFIG_HOME/ondeck"
printf '[logs]\nsave_dir = %s\n' "$saved" >"$XDG_CONFIG_HOME/ondeck/config"

wj() { "$PYTHON3" -c "import json,sys; w=json.load(open(sys.argv[1])); print($1)" "$world"; }
T1=$(wj '[s for s in w["services"] if s["name"] == "web"][0]["task_ids"][0]')
T2=$(wj '[s for s in w["services"] if s["name"] == "web"][0]["task_ids"][1]')
# put_line TASK MESSAGE: write one event now into web's app stream of TASK (MESSAGE is a
# Python string literal, so escapes can be written).
put_line()
{
    "$PYTHON3" - "$1" "$2" <<'PY'
import ast, boto3, os, sys, time
logs = boto3.client("logs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
logs.put_log_events(logGroupName="/ecs/web", logStreamName="web/app/" + sys.argv[1],
                    logEvents=[{"timestamp": int(time.time() * 1000),
                                "message": ast.literal_eval(sys.argv[2])}])
PY
}

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
# The check below can fail: a raw OSC 0 written to a pane of this server does set its title.
tmux_cmd new-window -d -t ondeck:1 "printf '\033]0;probe-title\007'; sleep 30"
for ((i = 0; i < 100; i++)); do
    [ "$(tmux_cmd display -p -t ondeck:1.0 '#{pane_title}')" = probe-title ] && break
    sleep 0.05
done
tap_is "$(tmux_cmd display -p -t ondeck:1.0 '#{pane_title}')" probe-title \
    "sanity: an OSC 0 sequence reaching this tmux sets a pane title"
tmux_cmd kill-window -t ondeck:1
tmux_cmd select-pane -t "$TMUX_TARGET" -T 'ondeck-known-title'
tap_is "$(tmux_fmt '#{pane_title}')" ondeck-known-title "the console's pane has a known title"

tmux_wait_for '^worker ' 20 || tap_bail "the services did not show"
tmux_send '/'
tmux_type 'web'
tmux_send Enter
tmux_wait_for '^web ' 5

# ---- a service: all tasks, all containers ---------------------------------------------------
tmux_send l
wait_ok 'Logs · service web' "l opens the logs pane of the service"
wait_ok 'live · 4 streams' "it follows 4 streams (2 tasks x app, redis), shown in the status line" 15
s=$(tmux_capture)
tap_grep "$s" "app/${T1:0:8} web: GET /health 200 1ms" "the first task's app lines, tagged"
tap_grep "$s" "app/${T2:0:8} web: GET / 500 upstream error" "the second task's app lines"
tap_grep "$s" "redis/${T1:0:8} Ready to accept connections" "the redis container's lines"
tap_grep "$s" '^[0-9]{2}:[0-9]{2}:[0-9]{2}' "lines start with their time"

put_line "$T1" "'fresh line written while the pane is open'"
wait_ok "app/${T1:0:8} fresh line written while the pane is open" \
    "a line written after opening appears" 15

# ---- hostile bytes ----------------------------------------------------------------------------
put_line "$T2" "'evil \\x1b]0;pwned\\x07 red \\x1b[31mRED\\x1b[0m clip \\x1b]52;c;aGk=\\x07 bell \\x07 end'"
wait_ok 'evil \\x1b\]0;pwned\\x07 red \\x1b\[31mRED\\x1b\[0m clip \\x1b\]52;c;aGk=\\x07 bell \\x07 end' \
    "the escapes of a log line are shown as visible text" 15
tap_is "$(tmux_fmt '#{pane_title}')" ondeck-known-title "the terminal title is untouched"
tap_ok "$([ "$(tmux_fmt '#{window_bell_flag}')" = 0 ]; echo $?)" "and the bell did not ring"

# ---- pause, resume, search ----------------------------------------------------------------
tmux_send p
wait_ok '^ *PAUSED' "p pauses"
put_line "$T1" "'held back while paused'"
wait_ok '\+1 new' "a line arriving while paused is counted, not shown" 15
tap_ok "$(tmux_capture | grep -q 'held back while paused'; echo $((!$?)))" "and not drawn"
tmux_send p
wait_ok "app/${T1:0:8} held back while paused" "p resumes and shows it"
tmux_send '/'
tmux_type 'upstream'
tmux_send Enter
wait_ok '^ *scrolled · search' "search jumps to the newest match and stops following"
tmux_send G
wait_ok '^ *following · search' "G follows the newest line again"

# ---- save -------------------------------------------------------------------------------------
tmux_send s
wait_ok 'saved [0-9]+ lines to ' "s saves the pane's lines and says where"
n=$(tmux_capture | grep -oE 'saved [0-9]+ lines' | grep -oE '[0-9]+')
files=("$saved"/service-web-*.log)
tap_is "${#files[@]}" 1 "one file, named after the service, in [logs] save_dir"
f=${files[0]}
tap_is "$(stat -c %a "$f" 2>/dev/null)" 600 "the file is private (0600)"
tap_is "$(stat -c %a "$saved" 2>/dev/null)" 700 "and so is the directory it created"
tap_is "$(wc -l <"$f")" "$n" "it holds as many lines as the message says ($n)"
tap_grep "$(cat "$f")" "^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9:]{8}\.[0-9]{3}Z app/${T1:0:8} held back while paused\$" \
    "each line has its UTC date and time, its tag and its text"
tap_ok "$(! grep -q $'\x1b' "$f"; echo $?)" "the hostile line is saved inert (no escape byte)"
tap_grep "$(cat "$f")" 'evil \\x1b\]0;pwned' "and readable as the pane showed it"
tmux_send s
for _ in $(seq 50); do [ "$(ls "$saved" | wc -l)" -ge 2 ] && break; sleep 0.1; done
tap_is "$(ls "$saved" | wc -l)" 2 "s again saves to a second file: nothing is overwritten"
tap_is "$(wc -l <"$f")" "$n" "and the first file is unchanged"

# ---- one task ------------------------------------------------------------------------------
tmux_send q
tmux_send ':'
tmux_type 'svc web'
tmux_send Enter
tmux_wait_for "$T2" 10
tmux_send '/'
tmux_type "$T2"
tmux_send Enter Enter
tmux_wait_for "Task $T2" 10
tmux_send l
wait_ok "Logs · task $T2" "l on a task opens its logs"
wait_ok 'live · 2 streams' "its two containers" 15
s=$(tmux_capture)
tap_grep "$s" "app/${T2:0:8} web: GET / 500 upstream error" "the task's lines"
tap_ok "$(grep -q "/${T1:0:8} " <<<"$s"; echo $((!$?)))" "and none of the other task"

# ---- a task that has not logged yet --------------------------------------------------------
NEW=$("$PYTHON3" "$ONDECK_SRCDIR/tests/cli/logs_seed.py" --endpoint "$MOTO_URL" task \
    --cluster prod --service web) || tap_bail "task failed"
tmux_send q
tmux_send ':'
tmux_type 'svc web'
tmux_send Enter
tmux_wait_for "$NEW" 30 || tap_bail "the new task did not show"
tmux_send '/'
tmux_type "$NEW"
tmux_send Enter Enter
tmux_wait_for "Task $NEW" 10
tmux_send l
wait_ok "Logs · task $NEW" "l on a task that has not logged yet opens its logs"
wait_ok 'live · 2 streams' "the pane is live, not failed, although its streams do not exist" 15
"$PYTHON3" - "$NEW" <<'PY' || tap_bail "put failed"
import boto3, os, sys, time
logs = boto3.client("logs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
logs.create_log_stream(logGroupName="/ecs/web", logStreamName="web/app/" + sys.argv[1])
logs.put_log_events(logGroupName="/ecs/web", logStreamName="web/app/" + sys.argv[1],
                    logEvents=[{"timestamp": int(time.time() * 1000),
                                "message": "first words of a new task"}])
PY
wait_ok "app/${NEW:0:8} first words of a new task" "once its stream appears, its lines show" 30
tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "the console exits 0"
tap_is "$(tmux_fmt '#{pane_title}')" ondeck-known-title "the title is still untouched at the end"

tap_done
