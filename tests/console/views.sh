#!/bin/bash
# The console's views, driven in tmux against a seeded moto world: services (columns, sort,
# filter), service, task, alarms (Enter jumps to the owner), CloudFront, clusters (switch
# cluster), help, command palette, mutation keys, logs pane, key remapping and theme switch.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
seed_world >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
API_TASK=$("$PYTHON3" -c 'import json, sys
w = json.load(open(sys.argv[1]))
print([s for s in w["services"] if s["name"] == "api"][0]["task_ids"][0])' "$TAP_TMPDIR/world.json")

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
mkdir -p "$XDG_CONFIG_HOME/ondeck"
# A remapped key: help is also on F1... and on 'h'.
printf '[keys]\nhelp = ? h\n' >"$XDG_CONFIG_HOME/ondeck/config"

screen() { tmux_capture; }
# no_mutation DESC: the proxy has seen no mutating AWS call in this test (a cancelled prompt
# or dialog sends nothing).
no_mutation()
{
    local sent
    sent=$(proxy_stats | "$PYTHON3" -c 'import json, re, sys
ops = json.load(sys.stdin)["by_operation"]
print(" ".join(f"{k}={v}" for k, v in sorted(ops.items())
               if re.match(r"(Create|Update|Stop|Start|Run|Register|Deregister|Delete|Put|Tag|Untag)", k.split(":")[-1])))')
    tap_is "$sent" "" "$1"
}
row_of() { screen | grep -nE "$1" | head -1 | cut -d: -f1; }
# The first data row under the table header (line 3 of the screen).
first_row() { screen | sed -n 4p; }

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"

# ---- services -----------------------------------------------------------------------------
tmux_wait_for '^worker ' 15
tap_ok $? "the services table shows the cluster's services"
tmux_wait_for '^api .*1 ALARM' 10
tap_ok $? "api carries an alarm badge (api-5xx-high is in ALARM)"
# The account (GetCallerIdentity) and the metrics load on their own: wait for each.
wait_ok '^web +2 +0 +2 +IN_PROGRESS +[░█]+ 0/2 +3 +[▁▂▃▄▅▆▇█]+ [0-9]+' \
    "web: counts, rollout, progress bar, revision 3, CPU sparkline with its value"
wait_ok 'profile default .* acct 123456789012 .* us-east-1 .* cluster prod .* data [0-9]+s ago .* [0-9]+ calls/min' \
    "status bar: profile, account, region, cluster, age of the data, calls per minute"
s=$(screen)
tap_like "$(sed -n 1p <<<"$s")" 'acct 123456789012' "the status bar is the first row"
tap_like "$(sed -n 3p <<<"$s")" 'SERVICE.*DES +RUN +PEN +ROLLOUT +PROGRESS +REV +CPU% +MEM% +5XX +UNHEALTHY +ALARMS' \
    "the header names every column"
tap_like "$(tail -1 <<<"$s")" '\? h help' "the key hints show the remapped help keys"

# Sort: by CPU, largest first (web's CPU climbs to the top of the world's values).
tmux_send ':'
tmux_type 'sort cpu% desc'
tmux_send Enter
tmux_wait_for 'CPU% ▼' 5
tap_ok $? ":sort marks the sorted column"
tap_like "$(first_row)" '^web ' "sorted by CPU descending, web comes first"
tmux_send '!'
tmux_wait_for 'CPU% ▲' 5
tap_ok $? "! reverses the order"
tap_nogrep "$(first_row)" '^web ' "and web is no longer first"
tmux_send '>'
tmux_wait_for 'MEM% ▼' 5
tap_ok $? "> sorts by the next column (numbers largest first)"
tmux_send '<' '<'
tmux_wait_for 'REV ▼' 5
tap_ok $? "< goes back a column"
tmux_send ':'
tmux_type 'sort service'
tmux_send Enter
tmux_wait_for 'SERVICE ▲' 5
tap_ok $? ":sort by name"
tap_like "$(first_row)" '^api ' "sorted by name again"

# Filter: live while typing, kept by Enter, cleared by Esc.
tmux_send '/'
tmux_type 'wor'
tmux_wait_gone '^api ' 5
tap_ok $? "the filter applies while typing"
tap_grep "$(screen)" '^worker ' "worker still shows"
tap_like "$(tail -1 <<<"$(screen)")" '^/wor' "the prompt shows the filter"
tmux_send Enter
tmux_wait_for 'filter: /wor' 5
tap_ok $? "Enter keeps the filter (shown in the title)"
tmux_send Escape
tmux_wait_for '^api ' 5
tap_ok $? "Esc clears it"
tmux_send g

# ---- service and task --------------------------------------------------------------------
tmux_send Enter
tmux_wait_for 'Service api · cluster prod' 5
tap_ok $? "Enter opens the selected service"
tmux_wait_for "${API_TASK} +RUNNING" 10
tap_ok $? "the service's tasks arrive (its view polls the tasks too)"
tmux_wait_for 'healthy +task [0-9a-f]{8}' 10
s=$(screen)
tap_grep "$s" 'PRIMARY +IN_PROGRESS +api:2' "the service view shows its deployment"
tap_grep "$s" 'api-tg +ip HTTP:8080' "its target group"
tap_grep "$s" '[0-9.]+:8080 +healthy +task [0-9a-f]{8}' "targets with state and task"
tap_grep "$s" 'ALARM api-5xx-high' "the alarm on its target group"
tap_grep "$s" "${API_TASK} +RUNNING" "its tasks"
tap_grep "$s" 'CPU +[▁▂▃▄▅▆▇█]+ +[0-9]+%' "a CPU sparkline with the current value"
tmux_send '/'
tmux_type "$API_TASK"
tmux_send Enter
tmux_send Enter
tmux_wait_for "Task ${API_TASK}" 5
tap_ok $? "Enter on a task line opens the task"
tmux_wait_for 'Containers' 5
s=$(screen)
tap_grep "$s" 'status +RUNNING' "the task's status"
tap_grep "$s" 'app +(RUNNING|PENDING) .*nginx' "its container with image"
tmux_send 'K'
tmux_wait_for 'reason for stopping task .*: stopped from ondeck' 5
tap_ok $? "K (stop task) is routed to the actions, which ask for a reason"
tmux_send Escape
wait_ok 'stop-task cancelled; nothing was changed' "Esc at the reason prompt cancels the stop" 5
no_mutation "and the proxy saw no StopTask"
tmux_send q
tmux_wait_for 'Service api · cluster prod' 5
tap_ok $? "q goes back to the service"
tmux_send q
tmux_wait_for 'Services \(3/3\)' 5
tap_ok $? "and back to the services"

# ---- help, mutation keys, logs, palette errors ----------------------------------------------
tmux_send h
tmux_wait_for 'Keys of the services view' 5
tap_ok $? "a remapped key (h) opens the help"
s=$(screen)
tap_grep "$s" 'D +deploy' "help lists the deploy key of this view"
tap_grep "$s" '> +sort by the next column' "and the sort keys"
tap_grep "$s" 'C-c +quit' "and the keys that work everywhere"
tmux_send q
tmux_wait_gone 'Keys of the services view' 5
tmux_send S
tmux_wait_for 'desired count for ' 5
tap_ok $? "S (scale) asks for the desired count"
tmux_send Escape
wait_ok 'scale cancelled; nothing was changed' "Esc at the count prompt cancels the scale" 5
no_mutation "and the proxy saw no UpdateService"
tmux_send l
tmux_wait_for 'Logs · service api' 5
tap_ok $? "l opens the logs pane of the selected service"
tmux_send q
tmux_send ':'
tmux_type 'bogus'
tmux_send Enter
tmux_wait_for "unknown command ':bogus'" 5
tap_ok $? "an unknown command is reported"

# ---- alarms: Enter jumps to the owner ------------------------------------------------------
tmux_send ':'
tmux_type 'alarms'
tmux_send Enter
tmux_wait_for 'Alarms \(3, 1 in ALARM\)' 10
tap_ok $? ":alarms lists every alarm"
s=$(screen)
tap_like "$(sed -n 4p <<<"$s")" '^ALARM +api-5xx-high +api +AWS/ApplicationELB .* service api \(target gr' \
    "firing first, with what it names"
tap_grep "$s" 'OK +web-cpu-high' "alarms in OK too"
tmux_send Enter
tmux_wait_for 'Service api · cluster prod' 5
tap_ok $? "Enter on a target-group alarm jumps to the service behind it"

# ---- CloudFront -------------------------------------------------------------------------------
tmux_send ':'
tmux_type 'cf'
tmux_send Enter
tmux_wait_for 'static\.ondeck\.example' 10
tap_ok $? ":cf lists the distributions with their aliases"
tap_grep "$(screen)" '[A-Z0-9]+ +[a-z0-9]+\.cloudfro(nt\.net|…) +app\.ondeck\.example +Deployed' \
    "id, domain, alias and status"
tmux_send Enter
tmux_wait_for 'Latest invalidations' 5
tap_ok $? "Enter opens a distribution"
tmux_send I
tmux_wait_for '\[ Cancel \] +\[ Invalidate \]' 10
tap_ok $? "I (invalidate) is routed to the actions, which ask for the confirmation"
tmux_send Escape
wait_ok 'invalidate cancelled; nothing was changed' "Esc on the invalidate dialog cancels it" 5
no_mutation "and the proxy saw no CreateInvalidation"

# ---- clusters: switch -----------------------------------------------------------------------
tmux_send ':'
tmux_type 'clusters'
tmux_send Enter
tmux_wait_for '^legacy +ACTIVE' 10
tap_ok $? ":clusters lists the clusters"
tap_grep "$(screen)" '^prod +ACTIVE +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+' \
    "the open cluster has deployment, target and alarm counts"
tmux_send '/'
tmux_type 'legacy'
tmux_send Enter Enter
tmux_wait_for 'Services \(1/1\) · cluster legacy' 10
tap_ok $? "Enter on a cluster switches to its services"
tmux_wait_for '^legacy-web ' 10
tap_ok $? "with the other cluster's data"
tap_like "$(sed -n 1p <<<"$(screen)")" 'cluster legacy' "the status bar names the new cluster"

# ---- themes ---------------------------------------------------------------------------------
# Row 1 also holds counters that change on their own (data Ns ago, calls/min): compare its
# colour sequences only.
colours() { grep -o $'\e\\[[0-9;]*m' | tr -d '\n'; }
before=$(tmux_capture -e | sed -n 1p)
tmux_send ':'
tmux_type 'theme light'
tmux_send Enter
tmux_wait_for 'theme light' 5
after=$(tmux_capture -e | sed -n 1p)
tap_ok "$([ "$(colours <<<"$before")" != "$(colours <<<"$after")" ]; echo $?)" \
    ":theme light changes the colours"
tap_like "$after" $'\e\\[[0-9;]*48;5;153m' "the light status bar (#afd7ff as 256-colour 153)"
tmux_send ':'
tmux_type 'theme mono'
tmux_send Enter
tmux_wait_for 'theme mono' 5
tap_nogrep "$(tmux_capture -e)" $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m' \
    ":theme mono draws with no colour at all"
tap_grep "$(tmux_capture -e)" $'\e\\[[0-9;]*7m' "but with reverse video"
tmux_send ':'
tmux_type 'theme nosuch'
tmux_send Enter
tmux_wait_for "theme 'nosuch' not found" 5
tap_ok $? "an unknown theme is reported, the console goes on"

# ---- profile and region ----------------------------------------------------------------------
tmux_send ':'
tmux_type 'profile nosuch'
tmux_send Enter
tmux_wait_for 'profile \(nosuch\) could not be found' 5
tap_ok $? ":profile with an unknown profile is refused with the reason"
tap_grep "$(tmux_capture | sed -n 1p)" 'profile default' "and the old profile stays"
tmux_send ':'
tmux_type 'region eu-west-1'
tmux_send Enter
tmux_wait_for 'Clusters \(0\) · eu-west-1' 10
tap_ok $? ":region rebuilds the client and shows that region's clusters"
tmux_wait_for 'no clusters in this region' 10
tap_ok $? "(none in eu-west-1)"
tap_grep "$(tmux_capture | sed -n 1p)" '│ eu-west-1 │ cluster - ' "the status bar names the new region"
tmux_send ':'
tmux_type 'region us-east-1'
tmux_send Enter
tmux_wait_for '^prod +ACTIVE' 10
tap_ok $? "and back"

# ---- quit -------------------------------------------------------------------------------------
tmux_send ':'
tmux_type 'q'
tmux_send Enter
tap_is "$(tmux_wait_exit 5)" 0 ":q quits with exit status 0"
tmux_stop

# A theme given at start, and a bad one.
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod --theme light ||
    tap_bail "tmux did not start"
tmux_wait_for '^worker ' 15
tap_like "$(tmux_capture -e | sed -n 1p)" $'\e\\[[0-9;]*48;5;153m' "--theme light at start"
tmux_send C-c
tap_is "$(tmux_wait_exit 5)" 0 "C-c quits with status 0"
tmux_stop
out=$("$ONDECK" --theme nosuch 2>&1)
tap_is "$?" 2 "--theme with an unknown theme is a usage error"
tap_like "$out" "theme 'nosuch' not found" "that says which theme"

tap_done
