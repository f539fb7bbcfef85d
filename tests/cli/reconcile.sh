#!/usr/bin/env bash
# A lost response that cannot be reconciled (security.md "No blind resend", actions.md "Lost
# responses"): UpdateService reaches moto (so it IS applied) but its answer is lost, and the
# read-back that should settle the outcome (DescribeServices) is lost too. ondeck must report
# result "unknown" in the audit journal, exit 1, say "check the service before trying again",
# and must have sent the mutation exactly once. The faults are switched on at the proxy while
# ondeck waits at its confirmation prompt, so the plan's own reads are not faulted.
# For contrast: with only UpdateService's answer lost, the read-back confirms the change.
# Last, a deploy under the same faults registers one revision and sends UpdateService once.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size small --no-logs --no-cloudfront >/dev/null || tap_bail "seeding failed"
audit="$XDG_STATE_HOME/ondeck/audit.jsonl"

# Run ondeck on a terminal; at its [y/N] prompt set the proxy's config to $PTY_FAULTS (JSON),
# then answer y. Prints what the terminal showed; exits with ondeck's status.
pty()
{
    "$PYTHON3" - "$ONDECK" "$@" <<'PY'
import os, pty, select, sys, time, urllib.request
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
buf, sent = b"", False
deadline = time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        buf += data
        if not sent and b"[y/N]" in buf:
            req = urllib.request.Request(os.environ["PROXY_URL"] + "/__proxy/config",
                                         data=os.environ["PTY_FAULTS"].encode(), method="POST")
            urllib.request.urlopen(req, timeout=10).read()
            os.write(fd, b"y\n")
            sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(status))
PY
}

ops() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["by_operation"].get(sys.argv[1], 0))' "$1"; }
lost() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["injected"].get(sys.argv[1], {}).get("lose", 0))' "$1"; }
svc_td() {
    "$PYTHON3" -c 'import boto3,os; print(boto3.client("ecs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1").describe_services(cluster="prod", services=["web"])["services"][0]["taskDefinition"].split("/")[-1])'
}
last_audit() { tail -n 1 "$audit" | "$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
no_faults='{"lose_response": 0, "only": null}'

tap_is "$(svc_td)" "web:3" "web starts on web:3"

# 1. UpdateService's answer is lost and so is every read-back: the outcome is unknown.
proxy_reset
got=$(PTY_FAULTS='{"lose_response": 1, "only": "^ecs:(UpdateService|DescribeServices)$"}' \
    pty rollback --cluster prod --service web --revision 1)
rc=$?
proxy_config "$no_faults" >/dev/null
tap_diag "$got"
tap_is "$rc" 1 "an outcome that cannot be established exits 1"
tap_like "$got" 'check the service before trying again' "and tells the operator to check the service first"
tap_like "$got" 'outcome is unknown' "and says the outcome is unknown"
tap_is "$(ops ecs:UpdateService)" 1 "UpdateService was sent exactly once"
tap_ok '[ "$(lost ecs:DescribeServices)" -ge 1 ]' "the read-back was tried (and lost at the proxy)"
tap_is "$(last_audit 'd["action"], d["result"]')" "('rollback', 'unknown')" \
    "the audit line says result unknown"
tap_like "$(last_audit 'd["error"]')" '[a-z]' "the audit line carries the error"
tap_is "$(last_audit '"after" in d and d["after"] is None')" "True" \
    "the audit line's after is null (nothing could be read)"
tap_is "$(svc_td)" "web:1" "moto did apply the change (the request reached it)"

# 2. Only UpdateService's answer is lost: the read-back shows the change, so it is confirmed
#    without sending it again.
proxy_reset
got=$(PTY_FAULTS='{"lose_response": 1, "only": "^ecs:UpdateService$"}' \
    pty rollback --cluster prod --service web --revision 2)
rc=$?
proxy_config "$no_faults" >/dev/null
tap_diag "$got"
tap_is "$rc" 0 "a lost answer that the read-back settles exits 0"
tap_like "$got" 'confirmed by reading' "and says it was confirmed by reading the state back"
tap_is "$(ops ecs:UpdateService)" 1 "UpdateService was sent exactly once"
tap_is "$(last_audit 'd["result"]')" "ok" "the audit line says ok"
tap_is "$(svc_td)" "web:2" "moto is on web:2"

# 3. A deploy: the new revision is registered once, UpdateService's answer and the read-back
#    are lost; the outcome is unknown and nothing was sent twice.
revs() { "$PYTHON3" -c 'import boto3,os; print(len(boto3.client("ecs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1").list_task_definitions(familyPrefix="web")["taskDefinitionArns"]))'; }
n_before=$(revs)
proxy_reset
got=$(PTY_FAULTS='{"lose_response": 1, "only": "^ecs:(UpdateService|DescribeServices)$"}' \
    pty deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:1.31)
rc=$?
proxy_config "$no_faults" >/dev/null
tap_is "$rc" 1 "deploy: an outcome that cannot be established exits 1" || tap_diag "$got"
tap_like "$got" 'check the service before trying again' "deploy: check the service first"
tap_is "$(ops ecs:RegisterTaskDefinition)" 1 "deploy: RegisterTaskDefinition was sent once"
tap_is "$(ops ecs:UpdateService)" 1 "deploy: UpdateService was sent once"
tap_is "$(revs)" "$((n_before + 1))" "deploy: exactly one new revision exists"
tap_is "$(last_audit 'd["action"], d["result"]')" "('deploy', 'unknown')" "deploy: the audit line says unknown"

tap_done
