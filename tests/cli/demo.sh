#!/usr/bin/env bash
# shellcheck disable=SC2016 # tap_ok conditions in single quotes are eval'd later
# The demo world (tests/lib/demo_server.py + animator.py, doc/demo.md) in fast timing: the
# AWS CLI sees the seeded world; a deploy (Fargate, ip targets) and a forced deploy (EC2
# bridge, instance targets on dynamic ports) progress like ECS and reach COMPLETED, as boto3
# and `ondeck status --json` see it; the broken image fails with CannotPullContainerError and a
# tripped circuit breaker next to the previous revision that keeps serving, and the rollback
# completes; scaling starts tasks; an invalidation goes InProgress -> Completed; metrics and
# log lines keep coming; the server refuses an unsupported moto and leaves on SIGTERM. TAP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

: "${ONDECK_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PYTHON3:=python3}"
: "${ONDECK:=$ONDECK_SRCDIR/build/ondeck}"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

tap_require_moto

# -- the server refuses a moto it was not written for ---------------------------------------
out=$("$PYTHON3" - "$OD_LIBDIR" 2>&1 <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import moto
moto.__version__ = "4.0.0"
import demo_server
sys.exit(demo_server.main(["--no-seed", "--port", "0"]))
PY
)
tap_is "$?" 2 "demo_server.py exits 2 under an unsupported moto version"
tap_like "$out" "moto 4\.0\.0 is not supported.*supported: 5\.2\.1" "and says which versions it supports"

# -- start: one process, moto + seeded demo world + animator -----------------------------------
od_workdir
od_fake_aws_env
portfile=$OD_WORKDIR/demo.port
world=$OD_WORKDIR/world.json
OD_BG_LOG=$OD_WORKDIR/moto.log
od_spawn "$PYTHON3" "$OD_LIBDIR/demo_server.py" --timing fast --size demo \
    --port-file "$portfile" --ready-file "$world" --log "$OD_WORKDIR/animator.log"
MOTO_PID=$OD_BG_PID
od_atexit moto_stop
for ((i = 0; i < 1200; i++)); do
    [ -s "$world" ] && break
    kill -0 "$MOTO_PID" 2>/dev/null || break
    sleep 0.1
done
[ -s "$world" ] || { tap_diag "$(tail -n 30 "$OD_BG_LOG")"; tap_bail "the demo server did not come up"; }
export MOTO_PORT MOTO_URL AWS_ENDPOINT_URL
MOTO_PORT=$(cat "$portfile")
MOTO_URL=http://127.0.0.1:$MOTO_PORT
AWS_ENDPOINT_URL=$MOTO_URL
# Everything below (boto3, the AWS CLI, ondeck) goes through the proxy and its AWS-behaviour
# layer, as every other test does (quickstart.sh demo --proxy is the same).
proxy_start || tap_bail "the proxy did not start"
tap_diag "demo world ready: $("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ready_seconds"])' "$world") s"

# py [ARGS...] <<'PY' ... PY: run the Python snippet on stdin with boto3 clients (ecs, elb, cf,
# cw, logs), the world summary W, sys.argv[3:] = ARGS and the helpers below; it prints
# "key<TAB>value" lines into $OUT, and `field KEY` picks one.
PRELUDE=$(cat <<'PY'
import json, os, sys, time, datetime
import boto3
sys.path.insert(0, os.environ["OD_LIBDIR"])
from animator import register_image
from botocore.config import Config
W = json.load(open(sys.argv[1]))
sys.argv[2:2] = ["-"]
s = boto3.session.Session(region_name="us-east-1")
cfg = Config(retries={"max_attempts": 2}, disable_request_compression=True)
ecs, elb, cf, cw, logs = (s.client(n, config=cfg) for n in
                          ("ecs", "elbv2", "cloudfront", "cloudwatch", "logs"))

def out(k, v):
    print(f"{k}\t{v}", flush=True)

def svc(cluster, name):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]

def tasks(cluster, arns):
    return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []

def service_tasks(cluster, name, status="RUNNING"):
    arns = ecs.list_tasks(cluster=cluster, desiredStatus=status)["taskArns"]
    return [t for t in tasks(cluster, arns) if t["group"] == f"service:{name}"]

def rev(arn):
    return arn.rsplit("/", 1)[1]

def health(tg):
    return elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]

def wait(cond, timeout=60, every=0.1):
    seen = set()
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = cond(seen)
        if r:
            return r, seen
        time.sleep(every)
    return None, seen

exec(sys.stdin.read())
PY
)
py() { OUT=$(OD_LIBDIR=$OD_LIBDIR "$PYTHON3" -c "$PRELUDE" "$world" "$@" 2>&1); }
field() { printf '%s\n' "$OUT" | awk -F '\t' -v k="$1" '$1 == k { sub(/^[^\t]*\t/, ""); print; exit }'; }

# -- the AWS CLI sees the same world --------------------------------------------------------
if command -v aws >/dev/null 2>&1; then
    # The CLI follows the pages (AWS's 10 a page, from the layer) and prints each one.
    n_prod=$(aws ecs list-services --cluster prod --query 'serviceArns[]' --output text 2>&1 |
        tr '\t' '\n' | grep -c ':service/prod/')
    want=$("$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(sum(1 for s in w["services"] if s["cluster"]=="prod"))' "$world")
    tap_is "$n_prod" "$want" "aws ecs list-services --cluster prod: the seeded prod services"
    tap_ok '[ "$want" -ge 30 ]' "the demo world has about 40 services ($want in prod)"
    tg=$("$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(next(s["target_group_arn"] for s in w["services"] if s["name"]=="legacy-web"))' "$world")
    th=$(aws elbv2 describe-target-health --target-group-arn "$tg" \
        --query 'TargetHealthDescriptions[].[Target.Id,Target.Port,TargetHealth.State]' --output text 2>&1)
    tap_like "$th" '^i-[0-9a-f]+	3276[0-9]	healthy
i-[0-9a-f]+	327[0-9]+	healthy$' "aws elbv2 describe-target-health: legacy-web's two instance targets on dynamic host ports, healthy"
    ports=$(printf '%s\n' "$th" | awk '{print $1":"$2}' | sort -u | wc -l)
    tap_is "$ports" 2 "each bridge task is its own target (instance:port), even on one instance"
    ids=$(aws cloudfront list-distributions --query 'DistributionList.Items[].Id' --output text 2>&1 | tr '\t' '\n' | sort | tr '\n' ' ')
    want=$("$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1])); print(" ".join(sorted(d["id"] for d in w["distributions"]))+" ")' "$world")
    tap_is "$ids" "$want" "aws cloudfront list-distributions: the static site and the ALB distributions"
    alarm=$(aws cloudwatch describe-alarms --state-value ALARM --query 'MetricAlarms[].AlarmName' --output text 2>&1)
    tap_like "$alarm" "(^|[[:space:]])api-5xx-high([[:space:]]|$)" \
        "aws cloudwatch describe-alarms: api-5xx-high is in ALARM"
else
    tap_skip "the AWS CLI sees the seeded world" "aws not installed"
fi

# -- the seeded world is adopted: complete, steady, every container there ---------------------
py <<'PY'
w = svc("prod", "web")
out("deps", " ".join(f"{d['status']}/{d['rolloutState']}" for d in w["deployments"]))
out("counts", f"{w['desiredCount']}/{w['runningCount']}/{w['pendingCount']}")
out("steady", w["events"][0]["message"] if w["events"] else "")
ts = service_tasks("prod", "web")
out("containers", " ".join(sorted({",".join(c["name"] for c in t["containers"]) for t in ts})))
b = W["bad_image"]
out("bad", f"{b['service']} {b['container']} {b['image']} {rev(b['stable_task_definition'])}")
PY
tap_is "$(field deps)" "PRIMARY/COMPLETED" "seeded web: one PRIMARY deployment, COMPLETED" || tap_diag "$OUT"
tap_is "$(field counts)" "3/3/0" "seeded web: desired 3, running 3, pending 0"
tap_is "$(field steady)" "(service web) has reached a steady state." "seeded web: the newest event is the steady state"
tap_is "$(field containers)" "app,redis" "web's tasks report both containers (app + redis)"
tap_is "$(field bad)" "checkout app public.ecr.aws/ondeck/checkout:broken checkout:3" \
    "the summary names the bad image, its service and the revision that runs"

# -- three deploys at once: web to revision 2 (Fargate), legacy-web forced (bridge), checkout's
#    broken image; then watch them as ECS would play them out ---------------------------------
py <<'PY'
r = ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")["service"]
out("web_resp", " ".join(f"{d['status']}:{rev(d['taskDefinition'])}:{d['rolloutState']}" for d in r["deployments"]))
out("web_td", rev(r["taskDefinition"]))
out("web_dep", r["deployments"][0]["id"])
r = ecs.update_service(cluster="legacy", service="legacy-web", forceNewDeployment=True)["service"]
out("lw_resp", " ".join(f"{d['status']}:{rev(d['taskDefinition'])}" for d in r["deployments"]))
out("lw_dep", r["deployments"][0]["id"])
b = W["bad_image"]
arn = register_image(ecs, b["stable_task_definition"], b["container"], b["image"])
out("bad_td", rev(arn))
r = ecs.update_service(cluster=b["cluster"], service=b["service"], taskDefinition=arn)["service"]
out("bad_dep", r["deployments"][0]["id"])
PY
tap_is "$(field web_resp)" "PRIMARY:web:2:IN_PROGRESS ACTIVE:web:3:COMPLETED" \
    "UpdateService answers with the new PRIMARY deployment (IN_PROGRESS) and the old one ACTIVE" || tap_diag "$OUT"
tap_is "$(field web_td)" "web:2" "UpdateService answers the task definition as an ARN"
tap_like "$(field lw_resp)" "^PRIMARY:legacy-web:2 ACTIVE:legacy-web:2$" "forceNewDeployment starts a new deployment of the same revision"
web_dep=$(field web_dep)
lw_dep=$(field lw_dep)
bad_dep=$(field bad_dep)
tap_is "$(field bad_td)" "checkout:4" "checkout's new revision 4 carries the broken image"
tap_like "$web_dep" '^ecs-svc/[0-9]+$' "the new deployment has an ECS deployment id"

py "$web_dep" <<'PY'
dep = sys.argv[3]
tg = svc("prod", "web")["loadBalancers"][0]["targetGroupArn"]
def step(seen):
    w = svc("prod", "web")
    for t in service_tasks("prod", "web"):
        if t["startedBy"] == dep:
            seen.add("task:" + t["lastStatus"])
    for h in health(tg):
        seen.add("target:" + h["TargetHealth"]["State"])
    if len(w["deployments"]) == 2:
        seen.add("two-deployments")
    d = w["deployments"][0]
    return d["id"] == dep and d["rolloutState"] == "COMPLETED" and len(w["deployments"]) == 1
ok, seen = wait(step, 60)
out("done", "yes" if ok else "no")
out("seen", " ".join(sorted(seen)))
w = svc("prod", "web")
d = w["deployments"]
out("final", " ".join(f"{x['status']}:{rev(x['taskDefinition'])}:{x['rolloutState']}:{x['runningCount']}/{x['desiredCount']}" for x in d))
ts = service_tasks("prod", "web")
out("tasks", " ".join(sorted({rev(t["taskDefinitionArn"]) + ":" + t["lastStatus"] for t in ts})) + f" n={len(ts)}")
out("started_by", " ".join(sorted({t["startedBy"] == dep and "new" or "old" for t in ts})))
ips = sorted(d2["value"] for t in ts for a in t["attachments"] for d2 in a["details"] if d2["name"] == "privateIPv4Address")
tgt = sorted(h["Target"]["Id"] for h in health(tg))
out("targets_are_tasks", "yes" if ips == tgt and len(ips) == 3 else f"no {ips} {tgt}")
out("target_states", " ".join(sorted({h["TargetHealth"]["State"] for h in health(tg)})))
old = [t for t in service_tasks("prod", "web", "STOPPED") if t["startedBy"] != dep]
out("old_stopped", " ".join(sorted({t["lastStatus"] + ":" + t.get("stopCode", "") for t in old})) + f" n={len(old)}")
msgs = [e["message"] for e in w["events"]]
out("ev_steady", msgs[0])
out("ev_started", "yes" if any("has started 3 tasks" in m for m in msgs) else "no")
import re
n = sum(int(m.group(1)) for m in (re.search(r" registered (\d+) targets in \(target-group", x) for x in msgs) if m)
out("ev_registered", "yes" if n >= 3 else f"no ({n})")
out("ev_stopped", "yes" if any(" has stopped " in m for m in msgs) else "no")
PY
tap_is "$(field done)" "yes" "web's deployment reaches COMPLETED" || tap_diag "$OUT"
tap_like "$(field seen)" "task:PENDING.*task:PROVISIONING.*task:RUNNING" "new tasks went PROVISIONING, PENDING, RUNNING"
tap_like "$(field seen)" "target:draining.*target:healthy.*target:initial" "targets went initial, healthy; old ones draining"
tap_like "$(field seen)" "two-deployments" "PRIMARY and ACTIVE deployments side by side during the rollout"
tap_is "$(field final)" "PRIMARY:web:2:COMPLETED:3/3" "after: one PRIMARY deployment of web:2, COMPLETED, 3/3 running"
tap_is "$(field tasks)" "web:2:RUNNING n=3" "after: the running tasks are the new revision"
tap_is "$(field started_by)" "new" "after: the running tasks carry the new deployment id in startedBy"
tap_is "$(field targets_are_tasks)" "yes" "after: the target group holds exactly the new tasks' IPs"
tap_is "$(field target_states)" "healthy" "after: every target is healthy"
tap_is "$(field old_stopped)" "STOPPED:ServiceSchedulerInitiated n=3" "after: the old tasks are STOPPED by the scheduler"
tap_is "$(field ev_steady)" "(service web) has reached a steady state." "events: newest is the steady state"
tap_is "$(field ev_started)$(field ev_registered)$(field ev_stopped)" "yesyesyes" \
    "events: started 3 tasks, registered 3 targets, stopped the old ones"

# ondeck sees the same (the console's engine, through the CLI)
[ -x "$ONDECK" ] || tap_bail "no ondeck binary at $ONDECK"
{
    st=$("$ONDECK" status --cluster prod --service web --json 2>"$OD_WORKDIR/status.err")
    tap_is "$?" 0 "ondeck status --cluster prod --service web --json succeeds" || tap_diag "$(cat "$OD_WORKDIR/status.err")"
    sum=$(printf '%s' "$st" | "$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin); s = d["services"][0]
deps = " ".join(x["status"] + ":" + x["taskDefinition"].rsplit("/", 1)[1] + ":" + x["rolloutState"] for x in s["deployments"])
tasks = sorted({t["taskDefinition"].rsplit("/", 1)[1] + ":" + t["lastStatus"] for t in s.get("tasks", []) if t["desiredStatus"] == "RUNNING"})
ids = {t["taskId"] for t in s.get("tasks", [])}
tg = sorted({t["state"] + (":mapped" if t.get("taskId") in ids else ":unmapped") for t in s.get("targets", [])})
print(deps, "|", " ".join(tasks), "|", " ".join(tg))' 2>&1)
    tap_is "$sum" "PRIMARY:web:2:COMPLETED | web:2:RUNNING | healthy:mapped" \
        "ondeck: web:2 COMPLETED, its tasks RUNNING, targets healthy and mapped to them"
}

# -- the bridge deploy ---------------------------------------------------------------------
py "$lw_dep" <<'PY'
dep = sys.argv[3]
ok, _ = wait(lambda seen: (lambda w: w["deployments"][0]["rolloutState"] == "COMPLETED" and len(w["deployments"]) == 1)(svc("legacy", "legacy-web")), 60)
out("done", "yes" if ok else "no")
w = svc("legacy", "legacy-web")
tg = w["loadBalancers"][0]["targetGroupArn"]
ts = service_tasks("legacy", "legacy-web")
cis = {c["containerInstanceArn"]: c["ec2InstanceId"] for c in ecs.describe_container_instances(cluster="legacy", containerInstances=[t["containerInstanceArn"] for t in ts])["containerInstances"]}
binds = sorted(f"{cis[t['containerInstanceArn']]}:{b['hostPort']}" for t in ts for c in t["containers"] if c["name"] == "app" for b in c["networkBindings"])
# As on AWS (the layer's target-health behaviour): new targets are "initial" until their
# checks pass, the old ones "draining" for the deregistration delay. The new ones must come up
# healthy; what else is listed may only be draining.
def targets():
    return sorted(f"{h['Target']['Id']}:{h['Target']['Port']}:{h['TargetHealth']['State']}" for h in health(tg))
def settled(seen):
    live = [t for t in targets() if not t.endswith(":draining")]
    return [b + ":healthy" for b in binds] == live and len(live) == 2
ok, _ = wait(settled, 30)
tgt = targets()
out("match", "yes" if ok else f"no {binds} {tgt}")
out("ports", " ".join(sorted({str(int(b.split(":")[1]) >= 32768) for b in binds})))
out("by", " ".join(sorted({t["startedBy"] == dep and "new" or "old" for t in ts})))
PY
tap_is "$(field done)" "yes" "legacy-web's forced deployment (EC2, bridge) reaches COMPLETED" || tap_diag "$OUT"
tap_is "$(field match)" "yes" "its targets are the new tasks' instance and dynamic host port, healthy" || tap_diag "$OUT"
tap_is "$(field ports)" "True" "host ports are dynamic (32768 and up)"
tap_is "$(field by)" "new" "only the new deployment's tasks run"

# -- the broken image ---------------------------------------------------------------------
py "$bad_dep" <<'PY'
dep = sys.argv[3]
b = W["bad_image"]
ok, _ = wait(lambda seen: svc(b["cluster"], b["service"])["deployments"][0]["rolloutState"] == "FAILED", 60)
out("failed", "yes" if ok else "no")
w = svc(b["cluster"], b["service"])
d = w["deployments"]
out("deps", " ".join(f"{x['status']}:{rev(x['taskDefinition'])}:{x['rolloutState']}" for x in d))
out("reason", d[0].get("rolloutStateReason", ""))
out("failed_tasks", d[0]["failedTasks"])
out("serving", f"{w['runningCount']}/{w['desiredCount']} " + " ".join(sorted({rev(t["taskDefinitionArn"]) for t in service_tasks(b["cluster"], b["service"])})))
st = [t for t in service_tasks(b["cluster"], b["service"], "STOPPED") if t["startedBy"] == dep]
out("stopped", " ".join(sorted({t["lastStatus"] + ":" + t.get("stopCode", "") for t in st})) + f" n={len(st)}")
out("why", st[0]["stoppedReason"] if st else "")
out("container_why", st[0]["containers"][0].get("reason", "") if st else "")
out("ev", " | ".join(e["message"] for e in w["events"][:2]))
PY
tap_is "$(field failed)" "yes" "checkout's broken image: the deployment reaches FAILED" || tap_diag "$OUT"
tap_is "$(field deps)" "PRIMARY:checkout:4:FAILED ACTIVE:checkout:3:COMPLETED" \
    "the failed deployment stays PRIMARY next to the previous stable revision"
tap_is "$(field reason)" "ECS deployment circuit breaker: tasks failed to start." "rolloutStateReason names the circuit breaker"
tap_ok '[ "$(field failed_tasks)" -ge 3 ]' "failedTasks reached the circuit-breaker threshold ($(field failed_tasks))"
tap_is "$(field serving)" "2/2 checkout:3" "the previous revision keeps serving: 2/2 running checkout:3"
tap_like "$(field stopped)" '^STOPPED:TaskFailedToStart n=[3-9]$' "the new tasks stopped with TaskFailedToStart"
tap_like "$(field why)" '^CannotPullContainerError: .*checkout:broken' "stoppedReason is CannotPullContainerError for the broken image"
tap_like "$(field container_why)" '^CannotPullContainerError' "the container's reason says so too"
tap_like "$(field ev)" 'deployment failed: tasks failed to start' "an event says the deployment failed"

{
    sum=$("$ONDECK" status --cluster prod --service checkout --json 2>&1 | "$PYTHON3" -c 'import json, sys
s = json.load(sys.stdin)["services"][0]
print(" ".join(x["status"] + ":" + x["rolloutState"] + ":" + x["taskDefinition"].rsplit(":", 1)[1] for x in s["deployments"]), "|", s["deployments"][0].get("rolloutStateReason"))' 2>&1)
    tap_is "$sum" "PRIMARY:FAILED:4 ACTIVE:COMPLETED:3 | ECS deployment circuit breaker: tasks failed to start." \
        "ondeck: the FAILED deployment with its reason, and revision 3 to roll back to"
}

# -- rollback, scale, invalidation, metrics, logs ------------------------------------------
# The rollback, with ondeck (what the console runs).
rb=$("$ONDECK" rollback --cluster prod --service checkout --wait --yes --timeout 90 2>&1)
tap_is "$?" 0 "ondeck rollback --wait on checkout exits 0 (the rollout completed)" || tap_diag "$rb"
tap_like "$rb" "checkout:4 -> checkout:3" "ondeck rolls checkout back from revision 4 to 3"

py <<'PY'
b = W["bad_image"]
ecs.update_service(cluster="prod", service="worker", desiredCount=4)
dist = W["distributions"][0]["id"]
inv = cf.create_invalidation(DistributionId=dist, InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": "demo-test-1"})["Invalidation"]
out("inv_created", inv["Status"])
out("inv_get", cf.get_invalidation(DistributionId=dist, Id=inv["Id"])["Invalidation"]["Status"])
ok, _ = wait(lambda seen: cf.get_invalidation(DistributionId=dist, Id=inv["Id"])["Invalidation"]["Status"] == "Completed", 30, 0.3)
out("inv_done", "yes" if ok else "no")
def rolled(seen):
    w = svc(b["cluster"], b["service"])
    return len(w["deployments"]) == 1 and w["deployments"][0]["rolloutState"] == "COMPLETED"
ok, _ = wait(rolled, 60)
w = svc(b["cluster"], b["service"])
out("rollback", ("yes " if ok else "no ") + " ".join(f"{rev(x['taskDefinition'])}:{x['rolloutState']}" for x in w["deployments"]))
ok, _ = wait(lambda seen: svc("prod", "worker")["runningCount"] == 4, 30)
out("scaled", f"{svc('prod', 'worker')['runningCount']}/4")
# metrics: a point newer than the seeded ones; logs: a stream of a new web:2 task, with lines
# The seeder's points end a minute before W["metrics"]["end"]: any later one is the animator's.
start = datetime.datetime.fromtimestamp(W["metrics"]["end"], datetime.timezone.utc)
r = cw.get_metric_data(StartTime=start, EndTime=start + datetime.timedelta(minutes=30), MetricDataQueries=[{"Id": "c", "MetricStat": {"Metric": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": "web"}]}, "Period": 60, "Stat": "SampleCount"}, "ReturnData": True}])
n = sum(r["MetricDataResults"][0]["Values"])
out("metric_fresh", "yes" if n >= 2 else f"no ({n} points)")
new = [t["taskArn"].rsplit("/", 1)[1] for t in service_tasks("prod", "web")]
def logged(seen):
    for tid in new:
        try:
            ev = logs.get_log_events(logGroupName="/ecs/web", logStreamName=f"web/app/{tid}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            continue
        if ev:
            return ev[-1]["message"]
ok, _ = wait(logged, 30, 0.5)
out("log", ok or "")
PY
tap_is "$(field inv_created)" "InProgress" "CreateInvalidation answers InProgress" || tap_diag "$OUT"
tap_is "$(field inv_get)" "InProgress" "GetInvalidation right after: InProgress"
tap_is "$(field inv_done)" "yes" "the invalidation goes Completed after a few seconds"
tap_is "$(field rollback)" "yes checkout:3:COMPLETED" "rolling checkout back to revision 3 completes; the failed deployment is gone"
tap_is "$(field scaled)" "4/4" "desiredCount 2 -> 4 on worker (no load balancer): 4 tasks run"
tap_is "$(field metric_fresh)" "yes" "CloudWatch: new CPU points keep coming after the seed"
tap_like "$(field log)" '^web: ' "Logs: a new web:2 task writes lines to /ecs/web web/app/TASKID"

# -- a forced deploy driven by ondeck itself -------------------------------------------------
{
    dp=$("$ONDECK" deploy --cluster prod --service api --force --wait --yes --timeout 90 2>&1)
    tap_is "$?" 0 "ondeck deploy --force --wait on api exits 0" || tap_diag "$dp"
    py <<'PY'
w = svc("prod", "api")
out("api", " ".join(f"{d['status']}:{rev(d['taskDefinition'])}:{d['rolloutState']}:{d['runningCount']}" for d in w["deployments"]))
out("ev", w["events"][0]["message"])
PY
    tap_is "$(field api)" "PRIMARY:api:2:COMPLETED:2" "after ondeck's deploy: one PRIMARY deployment, COMPLETED, 2 running"
    tap_is "$(field ev)" "(service api) has reached a steady state." "and the service reached a steady state"
}

# -- the server leaves on SIGTERM, with the animator ----------------------------------------
gone() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null); [ -z "$st" ] || [[ $st == Z* ]]; }
kill -TERM "$MOTO_PID"
for ((i = 0; i < 300; i++)); do
    gone "$MOTO_PID" && break
    sleep 0.1
done
tap_ok 'gone "$MOTO_PID"' "SIGTERM stops the demo server (moto and animator)"
wait "$MOTO_PID" 2>/dev/null
tap_ok '! grep -q "tick failed" "$OD_WORKDIR/animator.log"' "the animator never failed a tick" ||
    tap_diag "$(head -n 40 "$OD_WORKDIR/animator.log")"
MOTO_PID=

tap_done
