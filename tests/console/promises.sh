#!/usr/bin/env bash
# What keys.md and configuration.md promise about the console, driven in tmux through the
# verifying proxy (its counters show what was sent):
#   - `:cluster NAME` switches cluster; `:profile NAME` to a second valid profile (an
#     assume-role into another account) names the new profile and account in the status bar;
#   - Esc cancels the stop-task (K) and invalidate (I) prompts and dialogs, C-c quits from a
#     dialog: nothing is sent;
#   - typed confirmation under [safety] confirm_typed_profiles: the confirm button stays
#     disabled until the name is typed, nothing is sent before;
#   - C-z suspends to the shell with the terminal given back, `fg` restores and redraws;
#   - `:theme PATH` loads a theme file; a bad [keys] entry stops the console at start (exit 2).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

command -v tmux >/dev/null || tap_skip_all "tmux is not installed"
moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small --no-logs >"$world" || tap_bail "seeding failed"
wj() { "$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$world" "$1"; }
API_TASK=$(wj '[s for s in w["services"] if s["name"]=="api"][0]["task_ids"][0]')
DIST=$(wj 'w["distributions"][0]["id"]')

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
# Profiles: default and production hold the test key (account 123456789012); other assumes
# a role in account 210987654321 (moto's STS answers for that account, and the proxy learns
# the temporary key it hands out).
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<EOS
[default]
aws_access_key_id = $AWS_ACCESS_KEY_ID
aws_secret_access_key = $AWS_SECRET_ACCESS_KEY
[production]
aws_access_key_id = $AWS_ACCESS_KEY_ID
aws_secret_access_key = $AWS_SECRET_ACCESS_KEY
EOS
cat >"$AWS_CONFIG_FILE" <<EOS
[default]
region = us-east-1
[profile production]
region = us-east-1
[profile other]
region = us-east-1
role_arn = arn:aws:iam::210987654321:role/oncall
source_profile = default
EOS
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
mkdir -p "$XDG_CONFIG_HOME/ondeck"
conf=$XDG_CONFIG_HOME/ondeck/config
printf '[safety]\nconfirm_typed_profiles = production\n' >"$conf"

sent()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["by_operation"].get(sys.argv[1], 0))' "$1"
}
mutations()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
ops = json.load(sys.stdin)["by_operation"]
print(sum(n for op, n in ops.items() if op.split(":")[1] in
      ("RegisterTaskDefinition", "UpdateService", "StopTask", "CreateInvalidation")))'
}
cmd() { tmux_send ':'; tmux_type "$1"; tmux_send Enter; }
bar() { tmux_capture | sed -n 1p; }

# The console runs from an interactive shell, so C-z has a job-control shell to return to.
tmux_start 120 40 env PS1='shell$ ' bash --norc --noprofile -i || tap_bail "tmux did not start"
tmux_wait_for 'shell\$' 10 || tap_bail "the shell did not start"
tmux_type "$ONDECK --cluster prod"
tmux_send Enter
wait_ok '^worker ' "the console shows prod's services" 20
wait_ok 'profile default .* acct 123456789012 .* cluster prod' "the status bar names profile, account and cluster"

# ---- :cluster ----------------------------------------------------------------------------------
cmd 'cluster legacy'
wait_ok '^legacy-web ' ":cluster legacy shows legacy's services"
tap_like "$(bar)" 'cluster legacy' "and the status bar names the new cluster"
tap_nogrep "$(tmux_capture)" '^worker ' "prod's services are gone"
cmd 'cluster prod'
wait_ok '^worker ' ":cluster prod goes back"

# ---- Esc at K and I: nothing sent --------------------------------------------------------------
proxy_reset
cmd 'svc api'
tmux_wait_for 'Service api · cluster prod' 10
tmux_wait_for "$API_TASK" 10
tmux_send '/'
tmux_type "$API_TASK"
tmux_send Enter Enter
wait_ok "Task $API_TASK" "the task view"
tmux_send K
wait_ok 'reason for stopping task' "K asks for a reason"
tmux_send Escape
wait_ok 'stop-task cancelled; nothing was changed' "Esc at the reason prompt cancels"
tmux_send K
tmux_wait_for 'reason for stopping task' 5
tmux_send Enter
wait_ok '\[ Cancel \] +\[ Stop task \]' "K then Enter opens the confirmation dialog"
tmux_send Tab
tmux_send Escape
wait_ok 'stop-task cancelled; nothing was changed' "Esc in the dialog (confirm focused) cancels"
tap_is "$(sent ecs:StopTask)" 0 "the proxy saw no StopTask"
tmux_send q
tmux_send q
cmd 'cf'
tmux_wait_for "$DIST" 10
tmux_send '/'
tmux_type "$DIST"
tmux_send Enter
tmux_send I
wait_ok '\[ Cancel \] +\[ Invalidate \]' "I opens the invalidation dialog"
tmux_send Tab
tmux_send Escape
wait_ok 'invalidate cancelled; nothing was changed' "Esc in the invalidation dialog cancels"
tap_is "$(sent cloudfront:CreateInvalidation)" 0 "the proxy saw no CreateInvalidation"
tap_is "$(mutations)" 0 "and no mutation at all"

# ---- :theme PATH --------------------------------------------------------------------------------
# The light theme with a gold status bar (#ffd700 = 256-colour 220), so only this file draws it.
sed 's/#afd7ff/#ffd700/g' "$ONDECK_SRCDIR/themes/light.theme" >"$TAP_TMPDIR/mine.theme"
cmd "theme $TAP_TMPDIR/mine.theme"
# Wait for the colour itself (tmux_wait_for reads the screen without escapes).
for ((i = 0; i < 100; i++)); do
    tmux_capture -e | sed -n 1p | grep -qE $'\e''\[[0-9;]*48;5;220m' && break
    sleep 0.05
done
tap_like "$(tmux_capture -e | sed -n 1p)" $'\e\\[[0-9;]*48;5;220m' ":theme PATH loads that file (its own status bar colour)"
cmd "theme $TAP_TMPDIR/none.theme"
wait_ok "theme '.*none.theme' not found|cannot|No such" ":theme with a missing path is reported"
cmd 'theme default'

# ---- C-z and fg ---------------------------------------------------------------------------------
cmd 'cluster prod'
tmux_wait_for '^worker ' 10
tmux_send C-z
wait_ok 'shell\$ *$' "C-z gives the shell its prompt back"
tap_grep "$(tmux_capture)" 'Stopped' "the shell reports the console stopped"
tap_is "$(tmux_fmt '#{alternate_on}')" 0 "the terminal is back on the main screen"
tmux_type 'stty -a | grep -o " icanon\| echo " | tr -d " " | sort | tr "\n" ,; echo'
tmux_send Enter
wait_ok '^echo,icanon,$' "the terminal is in canonical mode with echo"
tmux_send C-l
tmux_type 'fg'
tmux_send Enter
wait_ok '^worker ' "fg brings the console back and it redraws its view"
wait_ok 'acct 123456789012 .* cluster prod' "with its status bar"
tap_is "$(tmux_fmt '#{alternate_on}')" 1 "on the alternate screen again"
tmux_send j
wait_ok '^api ' "and it answers keys"

# ---- :profile to a second valid profile (another account) --------------------------------------
cmd 'profile other'
wait_ok 'profile other .* acct 210987654321' ":profile other: the status bar names the new profile and its account" 15
tap_nogrep "$(bar)" '123456789012' "the old account is no longer shown"
tap_ok '[ "$(sent sts:AssumeRole)" -ge 1 ]' "the switch assumed the role (STS AssumeRole at the proxy)"
tap_is "$(proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["signature_failures"])')" 0 \
    "and every request, signed with the role's keys too, verified"
cmd 'profile production'
wait_ok 'profile production .* acct 123456789012' ":profile production: back in account 123456789012" 15

# ---- typed confirmation under confirm_typed_profiles ----------------------------------------
proxy_reset
cmd 'cluster prod'
tmux_wait_for '^worker ' 10
tmux_send '/'
tmux_type 'web'
tmux_send Enter
tmux_wait_for '^web ' 5
tmux_send S
wait_ok 'desired count for web' "S asks for the count"
tmux_send C-u
tmux_type '4'
tmux_send Enter
wait_ok "Type 'web' to enable Scale" "the production profile asks for the service name to be typed"
tap_grep "$(tmux_capture)" '\[ Scale \(disabled\) \]' "the confirm button is disabled"
tmux_send Tab Enter
tmux_type 'we'
tmux_send Enter
wait_ok '> we *│' "the typed text shows in the dialog"
tap_grep "$(tmux_capture)" '\[ Scale \(disabled\) \]' "still disabled after Enter on it and a partial name"
tap_is "$(sent ecs:UpdateService)" 0 "nothing was sent before the name was typed"
tmux_type 'b'
wait_ok '\[ Scale \]' "typing the whole name enables it"
tmux_send Enter
wait_ok 'desired count 2 -> 4|Rollout · service web' "confirming scales"
tap_is "$(sent ecs:UpdateService)" 1 "one UpdateService was sent"

# ---- C-c from a dialog quits, nothing sent ------------------------------------------------------
proxy_reset
tmux_send q
cmd 'cf'
tmux_wait_for "$DIST" 10
tmux_send '/'
tmux_type "$DIST"
tmux_send Enter
tmux_send I
tmux_wait_for '\[ Cancel \] +\[ Invalidate' 5
tmux_send C-c
wait_ok 'shell\$ *$' "C-c in the invalidation dialog quits to the shell"
tmux_type 'echo EXIT=$?'
tmux_send Enter
wait_ok '^EXIT=0' "with exit status 0"
tap_is "$(mutations)" 0 "and nothing was sent"
tmux_stop

# ---- a bad [keys] entry stops the console at start ----------------------------------------------
printf '[keys]\nhelp = ? F99\n' >"$conf"
tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tap_is "$(tmux_wait_exit 10)" 2 "an unknown key name in [keys] exits 2 at start"
tap_grep "$(tmux_capture -S -)" 'F99' "and the message names the bad key"
tmux_stop
printf '[keys]\nno_such_action = x\n' >"$conf"
tmux_start 120 40 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"
tap_is "$(tmux_wait_exit 10)" 2 "an unknown action in [keys] exits 2 at start"
tap_grep "$(tmux_capture -S -)" 'no_such_action' "and the message names it"
tmux_stop

tap_done
