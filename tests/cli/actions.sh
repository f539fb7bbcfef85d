#!/usr/bin/env bash
# Operator actions end to end against moto through the signature-checking proxy: deploy (new
# image by container name, --force, ECR tag suggestions), revisions, rollback, scale, stop-task,
# invalidate (+ default paths from the config, deterministic CallerReference), read-only mode,
# --yes without a terminal, typed confirmation on a terminal, --wait against moto (timeout),
# and the audit journal (one line per attempt, modes, no secret). Every result is checked by
# reading moto with boto3.
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
export ONDECK_WATCH_INTERVAL_MS=300 ONDECK_FOLLOW_INTERVAL_MS=300

run()
{
    "$ONDECK" "$@" >"$out" 2>"$err" </dev/null
    local rc=$?
    cat "$out" "$err" >>"$all"
    return $rc
}

# Read moto with boto3: py 'expression using ecs, cf, w (the world)'.
py()
{
    "$PYTHON3" - "$world" "$1" <<'PY'
import boto3, json, os, sys
w = json.load(open(sys.argv[1]))
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecs, cf = boto3.client("ecs", **kw), boto3.client("cloudfront", **kw)
def svc(name, cluster="prod"):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]
def revs(family):
    return ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"]
def td(name):
    return ecs.describe_task_definition(taskDefinition=name, include=["TAGS"])
def short(arn):
    return arn.split("/")[-1]
print(eval(sys.argv[2]))
PY
}

mutations()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
ops = json.load(sys.stdin)["by_operation"]
print(sum(n for op, n in ops.items() if op.split(":")[1] in
      ("RegisterTaskDefinition", "UpdateService", "StopTask", "CreateInvalidation")))'
}

audit_lines() { [ -f "$audit" ] && wc -l <"$audit" | tr -d ' ' || echo 0; }

tap_is "$(py 'len(revs("web"))')" 3 "the world starts with web:1..3"

# 1. Deploy a new image for the container named app.
run deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:1.28 --yes
tap_is "$?" 0 "deploy --image app=... exits 0"
tap_like "$(cat "$out")" 'Account +123456789012 \(arn:aws:sts::123456789012:user/moto\)' \
    "the plan names the account and identity"
tap_like "$(cat "$out")" 'Region +us-east-1' "the plan names the region"
tap_like "$(cat "$out")" 'Cluster +prod' "the plan names the cluster"
tap_like "$(cat "$out")" 'Service +web' "the plan names the service"
tap_like "$(cat "$out")" '- containerDefinitions\[app\]\.image = "public\.ecr\.aws/nginx/nginx:1\.27"' \
    "the diff shows the old image by container name"
tap_like "$(cat "$out")" '\+ containerDefinitions\[app\]\.image = "public\.ecr\.aws/nginx/nginx:1\.28"' \
    "the diff shows the new image"
tap_is "$(py 'len(revs("web"))')" 4 "exactly one new revision was registered"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:4" "the service is on the new revision"
tap_is "$(py '[c["image"] for c in td("web:4")["taskDefinition"]["containerDefinitions"]]')" \
    "['public.ecr.aws/nginx/nginx:1.28', 'public.ecr.aws/docker/library/redis:7']" \
    "only app's image changed; redis kept"
tap_is "$(py 'td("web:4")["taskDefinition"]["containerDefinitions"][0]["environment"]')" \
    "[{'name': 'APP_REVISION', 'value': '3'}]" "the rest of the definition is copied (environment)"
tap_is "$(py 'sorted((t["key"], t["value"]) for t in td("web:4")["tags"])')" \
    "[('app', 'web'), ('ondeck:deployed-by', 'arn:aws:sts::123456789012:user/moto')]" \
    "tags are carried over and the deployer is recorded"

# 2. A tag alone keeps the repository; an unknown container is a usage error that sends nothing.
before=$(mutations)
run deploy --cluster prod --service web --image sidecar=nginx:1 --yes
tap_is "$?" 2 "an unknown container exits 2"
tap_like "$(cat "$err")" "no container 'sidecar'" "and says which containers exist"
tap_is "$(mutations)" "$before" "nothing was sent"
run deploy --cluster prod --service api --image :1.29 --yes
tap_is "$?" 0 "deploy --image :TAG on a one-container service exits 0"
tap_is "$(py 'td(svc("api")["taskDefinition"])["taskDefinition"]["containerDefinitions"][0]["image"]')" \
    "public.ecr.aws/nginx/nginx:1.29" "the tag replaced the old one in the same repository"

# 3. Force a new deployment: no new revision.
run deploy --cluster prod --service web --force --yes
tap_is "$?" 0 "deploy --force exits 0"
tap_is "$(py 'len(revs("web"))')" 4 "--force registers nothing"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:4" "--force keeps the revision"

# 4. Revisions and rollback. The --force deployment above is an ECS service deployment for a
# few seconds; while it is in flight `rollback` stops it (StopServiceDeployment, steer.sh)
# instead of going back a revision, so wait until ECS lists none in flight.
in_flight=1
for _ in $(seq 1 120); do
    "$ONDECK" status --cluster prod --service web --json >"$out" 2>/dev/null </dev/null
    in_flight=$("$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))["services"][0].get("serviceDeployment") or {}
print(int(d.get("status") in ("PENDING", "IN_PROGRESS")))' "$out" 2>/dev/null || echo 1)
    [ "$in_flight" = 0 ] && break
    sleep 0.5
done
tap_is "$in_flight" 0 "the --force deployment ended (no service deployment in flight)"
run revisions --cluster prod --service web --json
tap_is "$?" 0 "revisions --json exits 0"
tap_is "$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print([(r["revision"], r["current"], r["previous"]) for r in d])' "$out")" \
    "[(4, True, False), (3, False, True), (2, False, False), (1, False, False)]" \
    "newest first, current and previous marked"
tap_like "$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))[1]["images"])' "$out")" \
    'app=public\.ecr\.aws/nginx/nginx:1\.27' "revisions show their images"
run rollback --cluster prod --service web --yes
tap_is "$?" 0 "rollback (default: previous) exits 0"
tap_like "$(cat "$out")" 'task definition web:4 -> web:3' "the plan names both revisions"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:3" "the service is back on web:3"
tap_is "$(py 'len(revs("web"))')" 4 "rollback registers nothing and deregisters nothing"
run rollback --cluster prod --service web --revision 1 --yes
tap_is "$?" 0 "rollback --revision 1 exits 0"
tap_is "$(py 'short(svc("web")["taskDefinition"])')" "web:1" "the service is on web:1"
run rollback --cluster prod --service web --revision 9 --yes
tap_is "$?" 2 "rollback to a revision that does not exist exits 2"

# 5. Scale and stop a task.
run scale --cluster prod --service web --count 5 --yes
tap_is "$?" 0 "scale exits 0"
tap_like "$(cat "$out")" 'desired count 2 -> 5' "the plan shows the change"
tap_is "$(py 'svc("web")["desiredCount"]')" 5 "moto has desired count 5"
task=$("$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print([s for s in w["services"] if s["name"]=="api"][0]["task_ids"][0])' "$world")
run stop-task --cluster prod --task "$task" --reason "INC-42 memory leak" --yes
tap_is "$?" 0 "stop-task exits 0"
tap_is "$(py "[(t['desiredStatus'], t.get('stoppedReason')) for t in ecs.describe_tasks(cluster='prod', tasks=['$task'])['tasks']]")" \
    "[('STOPPED', 'INC-42 memory leak')]" "the task is stopped with the reason"

# 6. Invalidation: given paths, --wait until Completed (moto says COMPLETED).
dist=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["distributions"][0]["id"])' "$world")
run invalidate --distribution "$dist" /index.html 'static/*' --wait --yes
tap_is "$?" 0 "invalidate --wait exits 0"
tap_like "$(cat "$out")" 'invalidate 2 paths: /index.html /static/\*' "the plan lists the normalised paths"
tap_like "$(cat "$out")" 'invalidation [A-Z0-9]+: COMPLETED' "followed until completed"
tap_is "$(py "sorted(cf.get_invalidation(DistributionId='$dist', Id=cf.list_invalidations(DistributionId='$dist')['InvalidationList']['Items'][0]['Id'])['Invalidation']['InvalidationBatch']['Paths']['Items'])")" \
    "['/index.html', '/static/*']" "moto holds the invalidation with its paths"
ref1=$(py "cf.get_invalidation(DistributionId='$dist', Id=cf.list_invalidations(DistributionId='$dist')['InvalidationList']['Items'][0]['Id'])['Invalidation']['InvalidationBatch']['CallerReference']")
tap_like "$ref1" '^ondeck-[0-9a-f]{32}$' "the CallerReference is deterministic (ondeck-HEX)"
run invalidations --distribution "$dist"
tap_is "$?" 0 "invalidations exits 0"
tap_like "$(cat "$out")" 'COMPLETED' "recent invalidations are listed"

# Default paths from the config file.
dist2=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["distributions"][1]["id"])' "$world")
mkdir -p "$XDG_CONFIG_HOME/ondeck"
printf '[distribution %s]\npaths = /app.js /assets/*\n' "$dist2" >"$XDG_CONFIG_HOME/ondeck/config"
run invalidate --distribution "$dist2" --yes
tap_is "$?" 0 "invalidate with configured paths exits 0"
tap_is "$(py "sorted(cf.get_invalidation(DistributionId='$dist2', Id=cf.list_invalidations(DistributionId='$dist2')['InvalidationList']['Items'][0]['Id'])['Invalidation']['InvalidationBatch']['Paths']['Items'])")" \
    "['/app.js', '/assets/*']" "the distribution's configured paths were invalidated"
rm -f "$XDG_CONFIG_HOME/ondeck/config"

# 7. Without a terminal, --yes is required; nothing is sent.
before=$(mutations)
run scale --cluster prod --service web --count 1
tap_is "$?" 2 "a mutation without --yes and without a terminal exits 2"
tap_like "$(cat "$err")" 'pass --yes' "and says so"
tap_is "$(mutations)" "$before" "no mutating request was sent"

# 8. Read-only mode refuses every mutation, from the flag and from the config.
before=$(mutations)
lines_before=$(audit_lines)
ro_ok=0
for cmd in "deploy --cluster prod --service web --force" "rollback --cluster prod --service web" \
    "scale --cluster prod --service web --count 3" "stop-task --cluster prod --task $task" \
    "invalidate --distribution $dist"; do
    # shellcheck disable=SC2086
    run --read-only $cmd --yes
    rc=$?
    [ "$rc" = 2 ] && grep -q 'read-only mode' "$err" && ro_ok=$((ro_ok + 1))
done
tap_is "$ro_ok" 5 "--read-only refuses all five mutations with exit 2 and a clear message"
printf '[safety]\nread_only = true\n' >"$XDG_CONFIG_HOME/ondeck/config"
run scale --cluster prod --service web --count 3 --yes
tap_is "$?" 2 "[safety] read_only = true refuses too"
run revisions --cluster prod --service web
tap_is "$?" 0 "read-only commands still work in read-only mode"
rm -f "$XDG_CONFIG_HOME/ondeck/config"
tap_is "$(mutations)" "$before" "read-only mode sent no mutating request"
tap_is "$(audit_lines)" "$((lines_before + 6))" "each refusal is journaled"
tap_is "$(py 'svc("web")["desiredCount"]')" 5 "the desired count is unchanged"

# 9. Typed confirmation on a terminal for a production profile; a plain y/N otherwise.
cat >>"$AWS_CONFIG_FILE" <<EOS
[profile production]
region = us-east-1
EOS
cat >>"$AWS_SHARED_CREDENTIALS_FILE" <<EOS
[production]
aws_access_key_id = $ONDECK_TEST_AKID
aws_secret_access_key = $ONDECK_TEST_SECRET
EOS
printf '[safety]\nconfirm_typed_profiles = prod production\n' >"$XDG_CONFIG_HOME/ondeck/config"
pty()
{
    "$PYTHON3" - "$ONDECK" "$@" <<'PY'
import os, pty, select, sys, time
answer = os.environ["PTY_ANSWER"].encode() + b"\n"
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
buf, sent = b"", False
deadline = time.time() + 30
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
        if not sent and (b"to confirm" in buf or b"[y/N]" in buf or b"anything else cancels" in buf):
            os.write(fd, answer)
            sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(status))
PY
}
got=$(PTY_ANSWER=wrong pty --profile production scale --cluster prod --service web --count 4)
rc=$?
echo "$got" >>"$all"
tap_is "$rc" 2 "a wrong typed name cancels (exit 2)"
tap_like "$got" "Type 'web' to scale" "the production profile asks for the service name"
tap_is "$(py 'svc("web")["desiredCount"]')" 5 "nothing changed"
got=$(PTY_ANSWER=web pty --profile production scale --cluster prod --service web --count 4)
rc=$?
echo "$got" >>"$all"
tap_is "$rc" 0 "typing the service name confirms"
tap_is "$(py 'svc("web")["desiredCount"]')" 4 "desired count 4"
got=$(PTY_ANSWER=y pty scale --cluster prod --service web --count 3)
tap_is "$?" 0 "other profiles ask [y/N]; y confirms"
tap_is "$(py 'svc("web")["desiredCount"]')" 3 "desired count 3"
got=$(PTY_ANSWER="" pty scale --cluster prod --service web --count 7)
tap_is "$?" 2 "Enter (the default) cancels"
tap_is "$(py 'svc("web")["desiredCount"]')" 3 "desired count still 3"
rm -f "$XDG_CONFIG_HOME/ondeck/config"

# 10. --wait against moto: moto never completes a rollout, so the watcher times out (exit 3).
run deploy --cluster prod --service worker --image :1.30 --wait --timeout 2 --yes
tap_is "$?" 3 "deploy --wait exits 3 when the rollout does not complete in time"
tap_like "$(cat "$out")" 'TIMEOUT: no verdict after 2 s' "and says it timed out"
tap_is "$(py 'short(svc("worker")["taskDefinition"])')" "worker:2" "the deployment itself happened"

# 11. ECR: the deploy plan offers the repository's tags, newest first.
acct=123456789012
"$PYTHON3" - "$world" <<'PY' || tap_bail "ECR setup failed"
import boto3, hashlib, json, os, sys, time
w = json.load(open(sys.argv[1]))
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecr, ecs = boto3.client("ecr", **kw), boto3.client("ecs", **kw)
ecr.create_repository(repositoryName="shop")
for t in ("v1", "v2"):
    d = "sha256:" + hashlib.sha256(t.encode()).hexdigest()
    m = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": {"digest": d, "size": 1, "mediaType": "application/vnd.docker.container.image.v1+json"},
         "layers": [{"digest": d, "size": 1, "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip"}]}
    ecr.put_image(repositoryName="shop", imageManifest=json.dumps(m), imageTag=t)
    time.sleep(1.1)
img = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:v1"
ecs.register_task_definition(family="shop", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
    cpu="256", memory="512", containerDefinitions=[{"name": "shop", "image": img, "memory": 256, "essential": True}])
ecs.create_service(cluster="prod", serviceName="shop", taskDefinition="shop:1", desiredCount=1,
    launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
        "subnets": w["subnets"], "securityGroups": [w["security_group"]]}})
PY
run deploy --cluster prod --service shop --image :v2 --yes
tap_is "$?" 0 "deploy of an ECR image exits 0"
tap_like "$(tr '\n' ' ' <"$out")" "Recent tags in ECR repository shop \(newest first\): +v2 +pushed [^ ]+ .* v1 +pushed" \
    "the plan lists the repository's tags, newest first, with push time"
tap_is "$(py 'td(svc("shop")["taskDefinition"])["taskDefinition"]["containerDefinitions"][0]["image"]')" \
    "$acct.dkr.ecr.us-east-1.amazonaws.com/shop:v2" "the service runs the chosen tag"
stats=$(proxy_stats)
tap_like "$stats" '"ecr:DescribeImages": 1' "one DescribeImages call"
tap_like "$stats" '"signature_failures": 0' "every request (ECS, ECR, CloudFront, STS) was signed correctly"

# 12. The audit journal: one line per attempt, private, with the required fields.
tap_ok '[ "$(stat -c %a "$audit")" = 600 ]' "the journal is mode 0600"
tap_ok '[ "$(stat -c %a "$(dirname "$audit")")" = 700 ]' "its directory is mode 0700"
"$PYTHON3" - "$audit" >"$TAP_TMPDIR/audit-check" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
need = {"time", "identity", "account", "region", "action", "target", "parameters", "before",
        "after", "result", "request_id"}
print(len(lines))
print(all(need <= set(l) for l in lines))
print(sorted({l["result"] for l in lines}))
ok = [l for l in lines if l["result"] == "ok"]
print(all(l["request_id"] and l["identity"] == "arn:aws:sts::123456789012:user/moto" for l in ok))
dep = [l for l in ok if l["action"] == "deploy" and l["target"].get("service") == "web"][0]
print(dep["before"]["taskDefinition"].endswith("web:3"), dep["after"]["taskDefinition"].endswith("web:4"),
      dep["parameters"]["image"])
PY
mapfile -t ac <"$TAP_TMPDIR/audit-check"
# 13 changes that reached AWS + 6 refusals + 2 declined at the prompt (plans that failed, such
# as an unknown container or revision, are not attempts: nothing was about to change)
tap_is "${ac[0]}" 21 "one line per attempt (successes, refusals, declines)"
tap_is "${ac[1]}" True "every line has time, identity, account, region, action, target, parameters, before, after, result, request id"
tap_is "${ac[2]}" "['declined', 'ok', 'refused']" "results: ok, refused, declined"
tap_is "${ac[3]}" True "successful lines carry the identity ARN and a request id"
tap_is "${ac[4]}" "True True public.ecr.aws/nginx/nginx:1.28" "a deploy line has before, after and the image"

# 13. No secret anywhere: a credential_process profile with temporary credentials from STS
# (the proxy accepts them only with their own session token).
read -r takid tsecret token < <(proxy_temp_creds actions-proc) ||
    tap_bail "no temporary credentials from STS"
cat >"$TAP_TMPDIR/creds.sh" <<EOS
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s", "Expiration": "2999-01-01T00:00:00Z"}\n' \
  "$takid" "$tsecret" "$token"
EOS
chmod +x "$TAP_TMPDIR/creds.sh"
printf '[profile proc]\ncredential_process = %s\nregion = us-east-1\n' "$TAP_TMPDIR/creds.sh" >>"$AWS_CONFIG_FILE"
run --profile proc scale --cluster prod --service web --count 2 --yes
tap_is "$?" 0 "an action with credential_process credentials exits 0"
tap_like "$(tail -n 1 "$audit")" '"profile":"proc"' "its audit line names the profile"
tap_ok '! grep -qF "$ONDECK_TEST_SECRET" "$audit" "$all"' "the secret key is in neither the journal nor the output"
tap_ok '! grep -qF "$tsecret" "$audit" "$all"' "the temporary secret key is in neither the journal nor the output"
tap_ok '! grep -qF "$token" "$audit" "$all"' "the session token is in neither the journal nor the output"
tap_ok '! grep -qiE "secretaccesskey|sessiontoken|authorization" "$audit"' "no credential field names in the journal"
tap_done
