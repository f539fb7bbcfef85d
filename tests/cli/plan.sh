#!/usr/bin/env bash
# What the plan tells the operator before a mutation, and the small promises around it
# (actions.md, security.md, configuration.md):
#   - warnings: "a deployment of this service is still in progress" (every moto deployment is
#     IN_PROGRESS), "the image is unchanged", "invalidation(s) ... still in progress" (with the
#     layer's invalidation-progress behaviour: CloudFront reports InProgress for a while);
#   - stop-task: the default reason names the operator, a long reason is cut to 255 bytes
#     (what ECS keeps), as moto received it;
#   - read-only: `--read-only` wins over `[safety] read_only = false` in the config file;
#   - redirects are never followed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small --no-logs >"$world" || tap_bail "seeding failed"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
conf=$XDG_CONFIG_HOME/ondeck/config
mkdir -p "$XDG_CONFIG_HOME/ondeck"

run() { "$ONDECK" "$@" >"$out" 2>"$err" </dev/null; }
wjson() { "$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$world" "$1"; }
mutations()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
ops = json.load(sys.stdin)["by_operation"]
print(sum(n for op, n in ops.items() if op.split(":")[1] in
      ("RegisterTaskDefinition", "UpdateService", "StopTask", "CreateInvalidation")))'
}
reason_of()
{
    "$PYTHON3" -c 'import boto3,os,sys
ecs = boto3.client("ecs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
print(ecs.describe_tasks(cluster="prod", tasks=[sys.argv[1]])["tasks"][0].get("stoppedReason"))' "$1"
}

# ondeck on a terminal, answering n at its prompt; prints what the terminal showed.
pty_no()
{
    "$PYTHON3" - "$ONDECK" "$@" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
buf, sent, deadline = b"", False, time.time() + 30
while time.time() < deadline:
    if select.select([fd], [], [], 0.2)[0]:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        buf += data
        if not sent and b"[y/N]" in buf:
            os.write(fd, b"n\n")
            sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(status))
PY
}

# 1. Deploy warnings.
run deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:1.28 --yes
tap_is "$?" 0 "deploy exits 0"
tap_like "$(cat "$out")" 'Warning +a deployment of this service is still in progress \(ecs-svc/[0-9]+\)' \
    "the plan warns that a deployment is still in progress, naming it"
tap_nogrep "$(cat "$out")" 'image is unchanged' "a new image is not called unchanged"
run deploy --cluster prod --service api --image app=public.ecr.aws/nginx/nginx:1.27 --yes
api_img=$("$PYTHON3" -c 'import boto3,os
ecs = boto3.client("ecs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
td = ecs.describe_services(cluster="prod", services=["api"])["services"][0]["taskDefinition"]
print(ecs.describe_task_definition(taskDefinition=td)["taskDefinition"]["containerDefinitions"][0]["image"])')
proxy_reset
got=$(pty_no deploy --cluster prod --service api --image "$api_img")
tap_is "$?" 2 "answering n at the prompt declines (exit 2)"
tap_like "$got" 'Warning +the image is unchanged' "the plan warns that the image is unchanged"
tap_is "$(mutations)" 0 "the declined plan sent no mutation"

# 2. Invalidation in progress: CloudFront keeps a new invalidation InProgress for a while.
dist=$(wjson 'w["distributions"][0]["id"]')
proxy_config '{"behaviours": "+invalidation-progress", "emu": {"invalidation-progress": {"in_progress_s": 600}}}' >/dev/null
run invalidate --distribution "$dist" /a.html --yes
tap_is "$?" 0 "a first invalidation exits 0" || tap_diag "$(cat "$err")"
tap_nogrep "$(cat "$out")" 'still in progress' "no warning when none is in progress"
run invalidate --distribution "$dist" /b.html --yes
tap_is "$?" 0 "a second invalidation exits 0"
tap_like "$(cat "$out")" 'Warning +1 invalidation\(s\) of this distribution still in progress' \
    "the plan warns that an invalidation is still in progress"
proxy_config '{"behaviours": "-invalidation-progress"}' >/dev/null

# 3. stop-task: the default reason, and a long reason cut to 255 bytes.
t1=$(wjson '[s for s in w["services"] if s["name"]=="web"][0]["task_ids"][0]')
t2=$(wjson '[s for s in w["services"] if s["name"]=="web"][0]["task_ids"][1]')
run stop-task --cluster prod --task "$t1" --yes
tap_is "$?" 0 "stop-task without --reason exits 0"
tap_is "$(reason_of "$t1")" "Stopped by ondeck (arn:aws:sts::123456789012:user/moto)" \
    "the default reason names ondeck and the operator"
long=$(printf 'INC-7 %.0s0123456789' {1..40})   # 406 bytes
run stop-task --cluster prod --task "$t2" --reason "$long" --yes
tap_is "$?" 0 "stop-task with a 406-byte reason exits 0"
got=$(reason_of "$t2")
tap_is "${#got}" 255 "the reason moto received is cut to 255 bytes"
tap_is "$got" "${long:0:255}" "and is the reason's first 255 bytes"

# Values moto would accept but AWS would not: ondeck refuses them itself, before any call.
proxy_reset
for bad in -5 abc 1e3; do
    run scale --cluster prod --service web --count "$bad" --yes
    tap_is "$?" 2 "scale --count $bad is refused (exit 2)"
done
tap_like "$(cat "$err")" '--count takes the desired number of tasks' "and says what --count takes"
tap_is "$(proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')" 0 \
    "nothing was sent for them"

# 4. Read-only: the config file cannot turn the flag off.
printf '[safety]\nread_only = false\n' >"$conf"
proxy_reset
run --read-only scale --cluster prod --service web --count 9 --yes
tap_is "$?" 2 "--read-only with read_only = false in the config still refuses (exit 2)"
tap_like "$(cat "$err")" 'read-only' "and says read-only mode"
tap_is "$(mutations)" 0 "nothing was sent"
rm -f "$conf"

# 5. Redirects are never followed: an endpoint that answers 307 to moto.
"$PYTHON3" - "$TAP_TMPDIR/redir.port" "$TAP_TMPDIR/redir.hits" "$PROXY_URL" <<'PY' &
import http.server, sys
portf, hits, target = sys.argv[1:4]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        open(hits, "a").write(self.path + "\n")
        self.send_response(307)
        self.send_header("Location", target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_GET = do_POST
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(portf, "w").write(str(s.server_address[1]))
s.serve_forever()
PY
redir_pid=$!
od_atexit "kill $redir_pid"
for _ in $(seq 100); do [ -s "$TAP_TMPDIR/redir.port" ] && break; sleep 0.05; done
proxy_reset
AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$TAP_TMPDIR/redir.port") AWS_MAX_ATTEMPTS=1 \
    run clusters
redir_rc=$?
tap_ok '[ "$redir_rc" != 0 ]' "a 307 answer is an error, not followed (exit $redir_rc)"
tap_ok '[ -s "$TAP_TMPDIR/redir.hits" ]' "the redirecting endpoint was asked"
tap_is "$(proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')" 0 \
    "the redirect target never saw a request"
tap_like "$(cat "$err")" '307' "the error names the redirect status"

tap_done
