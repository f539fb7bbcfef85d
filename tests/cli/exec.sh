#!/usr/bin/env bash
# ondeck exec end to end against moto and the emulation layer (behaviour ecs-execute-command:
# ExecuteCommand, enableExecuteCommand, managedAgents), with a stand-in session-manager-plugin
# on PATH that records its argv and environment: the readiness check refuses with its reasons
# (task not started with exec — service with and without the setting —, agent not RUNNING,
# several containers, a stopped task), the plugin gets the AWS CLI's argv and the session
# only in its environment, the session token is never in stdout, stderr, a --debug log or the
# audit journal, --yes, no --yes without a terminal, read-only mode refuses (journaled), no
# plugin on PATH gives the install hint and sends nothing, and AWS's own refusals
# (InvalidParameterException, TargetNotConnectedException) are reported.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"
proxy_start || tap_bail "proxy did not start"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
all=$TAP_TMPDIR/all-output
: >"$all"
audit="$HOME/.local/state/ondeck/audit.jsonl"

# The stand-in plugin: records what it was given, exits with $STANDIN_EXIT.
bin=$TAP_TMPDIR/bin
rec=$TAP_TMPDIR/rec
mkdir -p "$bin" "$rec"
cat >"$bin/session-manager-plugin" <<'EOF'
#!/bin/sh
: >"$STANDIN_REC/argv"
for a in "$@"; do printf '%s\n' "$a" >>"$STANDIN_REC/argv"; done
printf '%s' "$AWS_SSM_START_SESSION_RESPONSE" >"$STANDIN_REC/session"
echo "stand-in plugin ran" >&2
exit "${STANDIN_EXIT:-0}"
EOF
chmod +x "$bin/session-manager-plugin"
export STANDIN_REC=$rec
PLAIN_PATH=$PATH
export PATH="$bin:$PATH"

run()
{
    rm -f "$rec/argv" "$rec/session"
    "$ONDECK" "$@" >"$out" 2>"$err" </dev/null
    local rc=$?
    cat "$out" "$err" >>"$all"
    return $rc
}

# Through the proxy (the layer sees it): py 'statements' with ecs, w (the world); prints `r`.
py()
{
    "$PYTHON3" - "$world" "$1" <<'PY'
import boto3, json, os, sys
w = json.load(open(sys.argv[1]))
ecs = boto3.client("ecs", endpoint_url=os.environ["PROXY_URL"], region_name="us-east-1")
svc = {s["name"]: s for s in w["services"]}
r = None
exec(sys.argv[2])
print(r)
PY
}

sessions() { proxy_stats | "$PYTHON3" -c 'import json,sys
print(json.load(sys.stdin)["by_operation"].get("ecs:ExecuteCommand", 0))'; }

# The scheduler of web (now with exec) starts one task; its seeded tasks were started before.
py 'ecs.update_service(cluster="prod", service="web", enableExecuteCommand=True)' >/dev/null
task=$(py 's = svc["web"]
t = ecs.run_task(cluster="prod", taskDefinition=s["task_definition"], count=1,
                 launchType="FARGATE", group="service:web", startedBy=s["task_started_by"],
                 networkConfiguration={"awsvpcConfiguration": {"subnets": w["subnets"],
                     "securityGroups": [w["security_group"]]}})
r = t["tasks"][0]["taskArn"].rsplit("/", 1)[1]')
old=$(py 'r = svc["web"]["task_ids"][0]')
api=$(py 'r = svc["api"]["task_ids"][0]')
tap_like "$task" '^[0-9a-f-]{32,36}$' "a task of web was started with exec"
tap_is "$(py 'r = ecs.describe_tasks(cluster="prod", tasks=["'"$task"'"])["tasks"][0]["containers"][0]["managedAgents"][0]["lastStatus"]')" \
    RUNNING "the layer describes its ExecuteCommandAgent RUNNING"

# 1. Readiness refusals, with reasons, before anything is sent.
run exec --cluster prod --task "$old" --container app --yes
tap_is "$?" 2 "a task started before exec was enabled is refused (exit 2)"
tap_like "$(cat "$err")" "not ready for a shell: the task was started before service web turned enableExecuteCommand on: force a new deployment" \
    "the reason says the service has it now and a new task is needed"
run exec --cluster prod --task "$api" --yes
tap_like "$(cat "$err")" "service api does not have enableExecuteCommand: turn it on" \
    "a service without the setting: the reason says how to turn it on"
run exec --cluster prod --task "$task" --container nope --yes
tap_is "$?" 2 "an unknown container: refused"
tap_like "$(cat "$err")" "the task has no container nope \(it has: app\)" \
    "the reason names the task's containers"
proxy_config '{"emu": {"ecs-execute-command": {"agents": {"'"$task"'": "PENDING"}}}}' >/dev/null
run exec --cluster prod --task "$task" --container app --yes
tap_like "$(cat "$err")" "the ExecuteCommandAgent of container app is PENDING: wait, or check that the task role allows ssmmessages" \
    "an agent that is not RUNNING is the reason"
proxy_config '{"emu": {"ecs-execute-command": {"agents": {}}}}' >/dev/null
tap_is "$(sessions)" 0 "no ExecuteCommand was sent for a task that is not ready"
tap_ok "[ ! -e '$rec/argv' ]" "the plugin never ran"

# 2. A shell: the plan, ExecuteCommand, the plugin with the AWS CLI's argv.
lines_before=$(cat "$audit" 2>/dev/null | wc -l)
debuglog=$TAP_TMPDIR/debug.log
ONDECK_LOG=$debuglog run --debug exec --cluster prod --task "$task" --container app --yes
tap_is "$?" 0 "exec --yes exits 0 when the plugin does"
tap_like "$(cat "$out")" "Change +a shell \(/bin/sh\) in container app of service web" \
    "the plan says what is opened where"
tap_like "$(cat "$out")" "Task +$task" "and in which task"
tap_like "$(cat "$out")" "Warning +the task role must allow ssmmessages:\*" \
    "the plan says the task role needs ssmmessages permissions"
tap_like "$(cat "$out")" "session ecs-execute-command-[0-9a-f]+ opened in container app of task $task" \
    "the session is reported by its id"
tap_is "$(sessions)" 1 "one ExecuteCommand"
tap_is "$(sed -n 1p "$rec/argv")" AWS_SSM_START_SESSION_RESPONSE \
    "argv[1] names the environment variable holding the session"
tap_is "$(sed -n 2p "$rec/argv")" us-east-1 "argv[2] is the region"
tap_is "$(sed -n 3p "$rec/argv")" StartSession "argv[3] is StartSession"
tap_is "$(sed -n 4p "$rec/argv")" "" "argv[4] is the profile: empty when none was chosen"
runtime=$(py 'c = ecs.describe_tasks(cluster="prod", tasks=["'"$task"'"])["tasks"][0]["containers"]
r = [x["runtimeId"] for x in c if x["name"] == "app"][0]')
tap_is "$(sed -n 5p "$rec/argv")" "{\"Target\":\"ecs:prod_${task}_${runtime}\"}" \
    "argv[5] is the target ecs:CLUSTER_TASK_RUNTIMEID"
tap_is "$(sed -n 6p "$rec/argv")" "https://ssm.us-east-1.amazonaws.com" "argv[6] is the SSM endpoint"
tap_is "$(wc -l <"$rec/argv" | tr -d ' ')" 6 "six arguments, as the AWS CLI gives"
token=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokenValue"])' "$rec/session")
tap_like "$token" '^[A-Za-z0-9_-]{40,}$' "the plugin got the session's token in its environment"
tap_is "$("$PYTHON3" -c 'import json,sys; print(sorted(json.load(open(sys.argv[1]))))' "$rec/session")" \
    "['sessionId', 'streamUrl', 'tokenValue']" "the session object, as ExecuteCommand gave it"
tap_ok "[ -s '$debuglog' ]" "the --debug log was written"
tap_ok "! grep -qF -- '$token' '$out' '$err' '$audit' '$rec/argv' '$debuglog'" \
    "the token is in no output, --debug log, audit line or argv"
tap_is "$(( $(wc -l <"$audit") - lines_before ))" 1 "one audit line"
tap_is "$(tail -n 1 "$audit" | "$PYTHON3" -c 'import json,sys
l = json.loads(sys.stdin.read())
print(l["action"], l["result"], l["parameters"]["container"], l["parameters"]["command"],
      l["after"]["sessionId"].startswith("ecs-execute-command-"), sorted(l["after"]))')" \
    "exec ok app /bin/sh True ['containerName', 'sessionId']" \
    "the audit line: action, result, container, command and the session id only"

# --command, --profile as argv[4], and the plugin's failure is ours.
printf '[profile ops]\nregion = us-east-1\n' >>"$AWS_CONFIG_FILE"
printf '[ops]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
    "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >>"$AWS_SHARED_CREDENTIALS_FILE"
STANDIN_EXIT=7 run --profile ops exec --cluster prod --task "$task" --container app \
    --command "/bin/bash -l" --yes
tap_is "$?" 1 "the plugin's failure makes exec fail"
tap_like "$(cat "$err")" "session-manager-plugin exited with status 7" "and says so"
tap_is "$(sed -n 4p "$rec/argv")" ops "argv[4] is the chosen profile"
tap_like "$(tail -n 1 "$audit")" '"command":"/bin/bash -l"' "the command is journaled"

# 3. No --yes without a terminal; read-only mode refuses and journals.
run exec --cluster prod --task "$task" --container app
tap_is "$?" 2 "no --yes and no terminal: refused"
tap_like "$(cat "$err")" "pass --yes" "and says to pass --yes"
n=$(sessions)
run --read-only exec --cluster prod --task "$task" --container app --yes
tap_is "$?" 2 "read-only mode refuses exec"
tap_like "$(cat "$err")" "exec refused: read-only mode" "and says why"
tap_like "$(tail -n 1 "$audit")" '"action":"exec".*"result":"refused"' "the refusal is journaled"
tap_is "$(sessions)" "$n" "nothing was sent in read-only mode"

# 4. No plugin: the install hint, nothing sent.
PATH=$PLAIN_PATH run exec --cluster prod --task "$task" --container app --yes
tap_is "$?" 1 "no plugin on PATH: exit 1"
tap_like "$(cat "$err")" "session-manager-plugin is not on PATH: install AWS's Session Manager plugin \(https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html" \
    "the install hint with the URL"
tap_is "$(sessions)" "$n" "no session is opened without a plugin"

# 5. AWS refuses: the agent cannot connect (IAM), or the task stopped after the check.
proxy_config '{"emu": {"ecs-execute-command": {"disconnected": ["'"$task"'"]}}}' >/dev/null
run exec --cluster prod --task "$task" --container app --yes
tap_is "$?" 1 "TargetNotConnectedException fails exec"
tap_like "$(cat "$err")" "TargetNotConnectedException" "AWS's error is shown"
tap_ok "[ ! -e '$rec/argv' ]" "the plugin did not run"
tap_like "$(tail -n 1 "$audit")" '"result":"failed"' "the failure is journaled"
proxy_config '{"emu": {"ecs-execute-command": {"disconnected": []}}}' >/dev/null
py 'ecs.stop_task(cluster="prod", task="'"$task"'", reason="test")' >/dev/null
run exec --cluster prod --task "$task" --container app --yes
tap_is "$?" 2 "a stopped task is refused"
tap_like "$(cat "$err")" "the task is STOPPED: only a RUNNING task has a shell" "with its state"
py 'ecs.stop_task(cluster="prod", task="'"$old"'", reason="test")' >/dev/null
run exec --cluster prod --task "$old" --container app --yes
tap_like "$(cat "$err")" "only a RUNNING task has a shell; the task was started before service web" \
    "every reason at once, in one line"

# Nothing ondeck printed ever held a token of any session.
tap_ok "! grep -q 'tokenValue' '$all'" "no output mentions a tokenValue"
tap_done
