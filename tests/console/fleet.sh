#!/bin/bash
# The fleet view (ondeck --fleet NAME) in tmux, on the world of tests/cli/fleet.sh: two
# accounts and two regions behind their own endpoints, one member whose credentials fail and
# one whose endpoint refuses connections. The rows come worst first with the failing
# members' errors; Enter opens a row's cluster with its own profile and region (the services
# of that account show, the status bar names its account); `:fleet` comes back.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/fleet.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
fleet_world || tap_bail "the fleet world did not start"
export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
mkdir -p "$XDG_CONFIG_HOME/ondeck"
printf '[fleet oncall]\nmembers = %s\n' "${FLEET_MEMBERS//,/ }" >"$XDG_CONFIG_HOME/ondeck/config"
# One target of prod's api-tg fails its health checks (the target-health behaviour).
od_proxy_call POST "$FLEET_URL_prod/__proxy/config" \
    '{"emu": {"target-health": {"unhealthy": [{"id": "10.0.1.5", "reason": "Target.FailedHealthChecks"}]}}}' >/dev/null

screen() { tmux_capture; }
# The data rows of the fleet table (below the header on line 3), first word after the rank.
profiles() { screen | sed -n '4,9p' | awk '{print $2}' | tr '\n' ' '; }

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 160 30 "$TAP_TMPDIR/run.sh" "$ONDECK" --fleet oncall || tap_bail "tmux did not start"

wait_ok '^ +[0-9]+ +staging +us-east-1 +222222222222 +stage ' "the fleet view shows staging's cluster with its account" 20
wait_ok ' prod-eu +eu-west-1 +111111111111 +acme-prod +edge ' "and prod's eu-west-1 cluster, with prod's account" 20
wait_ok 'Fleet oncall \(6\) · 2 failing' "the title names the fleet, its rows and the failing members" 10
tmux_wait_for '^ +3 +prod +us-east-1 +111111111111 +acme-prod +web ' 10
s=$(screen)
tap_like "$(sed -n 3p <<<"$s")" 'PROFILE +REGION +ACCOUNT +ALIAS +CLUSTER +SVCS +BELOW +FAIL +PAUSE +UNHLTH +ROLL +ALARMS +TASKS +AGE +CALLS' \
    "the header names the columns"
tap_like "$(grep ' web ' <<<"$s")" ' web +2 +1 +0 +0 +1 +' "prod/web: PAUSE 0, UNHLTH 1 (10.0.1.5 of api-tg)"
tap_is "$(screen | sed -n '4,5p' | awk '{print $2}' | sort | tr '\n' ' ')" "broken offline " \
    "the failing members are the first rows"
tap_like "$(grep ' broken ' <<<"$s")" "input/output error" "broken's row shows its error"
tap_like "$(grep ' offline ' <<<"$s")" "network error" "offline's row shows its error"
tap_like "$(screen | tail -4 | head -2 | tr -d '\n')" 'credential_process exited with status 1: the SSO session has expired' \
    "the selected row's error in full under the table"
tmux_send Down
wait_ok "Couldn't connect to server" "and the next one's when it is selected" 5
tap_like "$(sed -n 6p <<<"$s")" '^ +3 +prod +us-east-1 +111111111111 +acme-prod +web +2 +1 .* 1 ' \
    "then prod's web (account alias acme-prod): 2 services, 1 below desired, 1 alarm in ALARM"

# r refreshes every member (not only the console's own context): prod's proxy sees a new
# ListClusters, and the account, already known, is not asked again.
fleet_reset prod
tmux_send r
wait_ok 'refreshing the fleet' "r in the fleet view refreshes the fleet" 5
for ((i = 0; i < 100; i++)); do
    [ "$(fleet_stats prod | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["by_operation"].get("ecs:DescribeServices", 0))')" -ge 1 ] && break
    sleep 0.1
done
ops=$(fleet_stats prod | "$PYTHON3" -c 'import json,sys; print(sorted(json.load(sys.stdin)["by_operation"]))')
tap_like "$ops" "'ecs:DescribeServices'.*'monitoring:DescribeAlarms'" "prod was read again (services and alarms: the fleet's calls, not the console context's)"
tap_nogrep "$ops" 'GetCallerIdentity|ListAccountAliases' "without asking its account id or alias again"

# Enter on prod's web: the console switches to profile prod, us-east-1, cluster web.
tmux_send '/'
tmux_type 'web'
tmux_send Enter
tmux_wait_gone ' edge ' 5
tap_ok $? "the filter leaves the web row"
tmux_send Enter
wait_ok '^pay ' "Enter opens web's services (pay)" 15
wait_ok 'profile prod .* acct 111111111111 .* us-east-1 .* cluster web' \
    "the status bar names prod's profile, account, region and cluster" 15
tap_grep "$(screen)" '^api ' "and api, the other service of prod's web"

# :fleet comes back; then into the other account.
tmux_send ':'
tmux_type 'fleet'
tmux_send Enter
wait_ok 'Fleet oncall \(6\)' ":fleet returns to the fleet view" 10
wait_ok ' staging +us-east-1 +222222222222 +stage' "with every row again" 5
tmux_send '/'
tmux_type 'stage'
tmux_send Enter
tmux_wait_gone ' web ' 5
tmux_send Enter
wait_ok '^app ' "Enter on staging's row opens its services (app)" 15
wait_ok 'profile staging .* acct 222222222222 .* cluster stage' "with staging's account in the status bar" 15
tap_nogrep "$(screen)" '^pay ' "prod's services are not shown for staging"

# A failing member's row: its cluster list says why it is empty.
tmux_send ':'
tmux_type 'fleet'
tmux_send Enter
wait_ok 'Fleet oncall' ":fleet again" 10
tmux_send '/'
tmux_type 'broken'
tmux_send Enter
tmux_wait_gone ' stage ' 5
tmux_send Enter
wait_ok 'profile broken' "Enter on broken's row switches to its profile" 10
wait_ok 'credential_process|SSO session' "and its cluster list shows the credential error" 15

tmux_send ':'
tmux_type 'q'
tmux_send Enter
tap_is "$(tmux_wait_exit 5)" 0 ":q quits with exit status 0"
tmux_stop

# A fleet that cannot be read is a plain error before the terminal is taken.
out=$("$ONDECK" --fleet nope 2>&1 </dev/null)
tap_is "$?" 2 "an unknown fleet: exit status 2"
tap_like "$out" "no fleet 'nope'" "with the reason"
tap_done
