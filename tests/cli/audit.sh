#!/usr/bin/env bash
# The audit journal fails closed (security.md "The audit log", actions.md): when the journal
# cannot be opened for appending (its directory cannot be written, or the journal is a
# symbolic link, which O_NOFOLLOW refuses) every mutation is refused and nothing is sent.
# Checked at the proxy: its per-operation counters show no mutating request for deploy, scale,
# stop-task and invalidate, and moto's state is unchanged. Then the same commands with a
# writable journal do send, so the counters can see a mutation.
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

wjson() { "$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$world" "$1"; }
task=$(wjson '[s for s in w["services"] if s["name"]=="api"][0]["task_ids"][0]')
dist=$(wjson 'w["distributions"][0]["id"]')

run()
{
    "$ONDECK" "$@" >"$out" 2>"$err" </dev/null
}

mutations()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
ops = json.load(sys.stdin)["by_operation"]
print(sum(n for op, n in ops.items() if op.split(":")[1] in
      ("RegisterTaskDefinition", "UpdateService", "StopTask", "CreateInvalidation")))'
}

# moto's state, read directly with boto3: web's revision and count, the task, invalidations.
state()
{
    "$PYTHON3" - "$task" "$dist" <<'PY'
import boto3, os, sys
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
ecs, cf = boto3.client("ecs", **kw), boto3.client("cloudfront", **kw)
s = ecs.describe_services(cluster="prod", services=["web"])["services"][0]
t = ecs.describe_tasks(cluster="prod", tasks=[sys.argv[1]])["tasks"][0]
inv = cf.list_invalidations(DistributionId=sys.argv[2])["InvalidationList"].get("Quantity", 0)
print(s["taskDefinition"].split("/")[-1], s["desiredCount"], t["desiredStatus"], inv,
      len(ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"]))
PY
}

# Each mutation, refused by a journal that cannot be opened ($1 says why).
refused_all()
{
    local why=$1 before0 mut
    before0=$(state)
    proxy_reset
    run deploy --cluster prod --service web --image app=public.ecr.aws/nginx/nginx:1.99 --yes
    tap_is "$?" 1 "$why: deploy exits 1"
    tap_like "$(cat "$err")" 'audit journal' "$why: deploy says the audit journal is the reason"
    run scale --cluster prod --service web --count 7 --yes
    tap_is "$?" 1 "$why: scale exits 1"
    run stop-task --cluster prod --task "$task" --reason "audit test" --yes
    tap_is "$?" 1 "$why: stop-task exits 1"
    run invalidate --distribution "$dist" /index.html --yes
    tap_is "$?" 1 "$why: invalidate exits 1"
    tap_like "$(cat "$err")" 'audit journal' "$why: invalidate says the audit journal is the reason"
    mut=$(mutations)
    tap_is "$mut" 0 "$why: the proxy saw no mutating request"
    tap_like "$(proxy_stats)" '"ecs:DescribeServices"' "$why: the plans themselves were read (the proxy counts)"
    tap_is "$(state)" "$before0" "$why: moto's state is unchanged"
}

proxy_start || tap_bail "proxy did not start"
tap_is "$(state)" "web:3 2 RUNNING 0 3" "the world starts on web:3, 2 tasks, no invalidation"

# 1. The journal's directory cannot be written: /proc/self cannot hold new files, even for
#    root (the permission bits of a chmod 0500 directory do not stop root).
printf '[audit]\npath = /proc/self/ondeck-audit.jsonl\n' >"$conf"
refused_all "a journal directory nobody can write"
tap_like "$(cat "$err")" '/proc/self/ondeck-audit\.jsonl' "the message names the journal"

#    A journal whose parent is a regular file (the directory cannot be created).
: >"$TAP_TMPDIR/not-a-dir"
printf '[audit]\npath = %s/not-a-dir/audit.jsonl\n' "$TAP_TMPDIR" >"$conf"
refused_all "a journal directory that cannot be created"

#    A directory without write permission, for an ordinary user. Permission bits do not stop
#    root (CI runs as root): there the /proc/self case above is the unwritable directory, and
#    this one is not run (no skip: nothing is missing from the run).
if [ "$(id -u)" != 0 ]; then
    mkdir -p "$TAP_TMPDIR/ro"
    chmod 0500 "$TAP_TMPDIR/ro"
    printf '[audit]\npath = %s/ro/audit.jsonl\n' "$TAP_TMPDIR" >"$conf"
    refused_all "a read-only journal directory"
    chmod 0700 "$TAP_TMPDIR/ro"
fi

# 2. The journal is a symbolic link (to a file that could be written): O_NOFOLLOW refuses it,
#    and the file it points at stays empty.
mkdir -p "$TAP_TMPDIR/j"
: >"$TAP_TMPDIR/j/elsewhere.jsonl"
ln -s "$TAP_TMPDIR/j/elsewhere.jsonl" "$TAP_TMPDIR/j/audit.jsonl"
printf '[audit]\npath = %s/j/audit.jsonl\n' "$TAP_TMPDIR" >"$conf"
refused_all "a journal that is a symbolic link"
tap_ok '[ ! -s "$TAP_TMPDIR/j/elsewhere.jsonl" ]' "nothing was written through the link"
tap_ok '[ -L "$TAP_TMPDIR/j/audit.jsonl" ]' "the link is left as it was"

#    The default journal ($XDG_STATE_HOME/ondeck/audit.jsonl) as a link, with no [audit] path.
rm -f "$conf"
mkdir -p "$XDG_STATE_HOME/ondeck"
ln -s "$TAP_TMPDIR/j/elsewhere.jsonl" "$XDG_STATE_HOME/ondeck/audit.jsonl"
refused_all "the default journal as a symbolic link"
rm -f "$XDG_STATE_HOME/ondeck/audit.jsonl"

# 3. With a journal that works, the same commands are sent (so the counters above could have
#    seen them), and each attempt is one line.
proxy_reset
run scale --cluster prod --service web --count 7 --yes
tap_is "$?" 0 "with a writable journal, scale exits 0"
run invalidate --distribution "$dist" /index.html --yes
tap_is "$?" 0 "with a writable journal, invalidate exits 0"
tap_is "$(mutations)" 2 "the proxy saw the two mutations"
tap_is "$(wc -l <"$XDG_STATE_HOME/ondeck/audit.jsonl" | tr -d ' ')" 2 "one journal line per attempt"
tap_ok '[ ! -s "$TAP_TMPDIR/j/elsewhere.jsonl" ]' "the link's target was never written"

tap_done
