"""Compare `ondeck status --json` with what boto3 reads straight from moto. TAP on stdout.

usage: status_compare.py ONDECK_JSON CLUSTER ENDPOINT   (the region is AWS_REGION's, else
us-east-1; CloudFront is read in us-east-1, where AWS keeps it)
Every check names the service or object it is about, so a failure says where to look.
"""
import json
import os
import sys
from datetime import datetime, timedelta, timezone

import boto3

ours_path, cluster, endpoint = sys.argv[1:4]
ours = json.load(open(ours_path))
region = os.environ.get("AWS_REGION") or "us-east-1"
kw = dict(endpoint_url=endpoint, region_name=region)
ecs = boto3.client("ecs", **kw)
elb = boto3.client("elbv2", **kw)
cw = boto3.client("cloudwatch", **kw)
cf = boto3.client("cloudfront", **kw)

n = 0
failed = 0


def check(ok, what, detail=None):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(f"{'' if ok else 'not '}ok {n} - {what}")
    if not ok and detail is not None:
        for line in str(detail).splitlines()[:20]:
            print(f"#   {line}")


def pages(method, key, **args):
    out, token = [], None
    while True:
        r = method(**args, **({"nextToken": token} if token else {}))
        out += r[key]
        token = r.get("nextToken")
        if not token:
            return out


def epoch(v):
    return v.timestamp() if hasattr(v, "timestamp") else v


# ---- services -------------------------------------------------------------------------
arns = pages(ecs.list_services, "serviceArns", cluster=cluster)
theirs = {}
for i in range(0, len(arns), 10):
    for s in ecs.describe_services(cluster=cluster, services=arns[i:i + 10])["services"]:
        theirs[s["serviceName"]] = s
mine = {s["serviceName"]: s for s in ours["services"]}
check(ours["cluster"] == cluster and ours["region"] == region, f"cluster and region ({region}) named")
check(set(mine) == set(theirs), f"the same {len(theirs)} services",
      f"missing {sorted(set(theirs) - set(mine))[:5]} extra {sorted(set(mine) - set(theirs))[:5]}")

fields_ok, deploy_ok, bad = 0, 0, []
for name, t in theirs.items():
    m = mine.get(name)
    if m is None:
        continue
    want = (t["serviceArn"], t["status"], t.get("launchType"), t["desiredCount"],
            t["runningCount"], t["pendingCount"], t["taskDefinition"])
    got = (m["serviceArn"], m["status"], m["launchType"], m["desiredCount"], m["runningCount"],
           m["pendingCount"], m["taskDefinition"])
    if want == got:
        fields_ok += 1
    else:
        bad.append((name, want, got))
    td = [(d["id"], d["status"], d.get("rolloutState"), d.get("rolloutStateReason"),
           d["taskDefinition"], d["desiredCount"], d["runningCount"], d["pendingCount"],
           d.get("failedTasks", 0), round(epoch(d["createdAt"]), 3)) for d in t["deployments"]]
    md = [(d["id"], d["status"], d["rolloutState"], d["rolloutStateReason"],
           d["taskDefinition"], d["desiredCount"], d["runningCount"], d["pendingCount"],
           d["failedTasks"], round(d.get("createdAt", 0), 3)) for d in m["deployments"]]
    if td == md:
        deploy_ok += 1
    else:
        bad.append((name, td, md))
check(fields_ok == len(theirs), f"service fields equal for {fields_ok}/{len(theirs)}", bad[:3])
check(deploy_ok == len(theirs), f"deployments equal for {deploy_ok}/{len(theirs)}", bad[:3])

# ---- tasks ----------------------------------------------------------------------------
task_arns = pages(ecs.list_tasks, "taskArns", cluster=cluster)
tasks = []
for i in range(0, len(task_arns), 100):
    tasks += ecs.describe_tasks(cluster=cluster, tasks=task_arns[i:i + 100])["tasks"]
by_service = {}
for t in tasks:
    if t.get("group", "").startswith("service:"):
        by_service.setdefault(t["group"][8:], []).append(t)


def private_ip(t):
    for a in t.get("attachments", []):
        for d in a.get("details", []):
            if d["name"] == "privateIPv4Address":
                return d["value"]
    return None


attributed, task_fields_ok, total, bad = 0, 0, 0, []
for name, m in mine.items():
    want = {t["taskArn"].rsplit("/", 1)[1]: t for t in by_service.get(name, [])}
    got = {t["taskId"]: t for t in m["tasks"]}
    total += len(want)
    if set(want) == set(got):
        attributed += len(want)
    else:
        bad.append((name, sorted(want), sorted(got)))
    for tid, t in want.items():
        g = got.get(tid)
        if g is None:
            continue
        w = (t["taskArn"], t["lastStatus"], t["desiredStatus"], t["taskDefinitionArn"],
             private_ip(t), t.get("containerInstanceArn"),
             [(c["name"], c.get("image"), c.get("lastStatus"), c.get("exitCode"))
              for c in t["containers"]])
        h = (g["taskArn"], g["lastStatus"], g["desiredStatus"], g["taskDefinition"],
             g["privateIp"], g["containerInstanceArn"],
             [(c["name"], c["image"], c["lastStatus"], c["exitCode"]) for c in g["containers"]])
        if w == h:
            task_fields_ok += 1
        else:
            bad.append((tid, w, h))
check(attributed == total and total > 0,
      f"every task attributed to its own service ({attributed}/{total})", bad[:3])
check(task_fields_ok == total, f"task and container fields equal for {task_fields_ok}/{total}",
      bad[:3])

# ---- targets --------------------------------------------------------------------------
instances = {}
ci_arns = pages(ecs.list_container_instances, "containerInstanceArns", cluster=cluster)
if ci_arns:
    for ci in ecs.describe_container_instances(cluster=cluster,
                                               containerInstances=ci_arns)["containerInstances"]:
        instances[ci["containerInstanceArn"]] = ci["ec2InstanceId"]

targets_ok, ip_mapped, ip_total, inst_mapped, inst_total, bad = 0, 0, 0, 0, 0, []
for name, t in theirs.items():
    m = mine.get(name)
    if m is None:
        continue
    want = set()
    for lb in t.get("loadBalancers", []):
        tg = lb["targetGroupArn"]
        for d in elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]:
            want.add((tg, d["Target"]["Id"], d["Target"].get("Port"), d["TargetHealth"]["State"]))
    got = {(x["targetGroupArn"], x["id"], x["port"], x["state"]) for x in m["targets"]}
    if want == got:
        targets_ok += 1
    else:
        bad.append((name, sorted(want - got)[:3], sorted(got - want)[:3]))
    svc_tasks = by_service.get(name, [])
    for x in m["targets"]:
        if x["id"].startswith("i-"):
            inst_total += 1
            on_instance = [tk for tk in svc_tasks
                           if instances.get(tk.get("containerInstanceArn")) == x["id"]]
            expect = None
            for tk in on_instance:
                for c in tk["containers"]:
                    if any(b.get("hostPort") == x["port"] for b in c.get("networkBindings", [])):
                        expect = tk["taskArn"].rsplit("/", 1)[1]
            if expect is None and len(on_instance) == 1:
                expect = on_instance[0]["taskArn"].rsplit("/", 1)[1]
            if expect is not None and x["taskId"] == expect:
                inst_mapped += 1
            else:
                bad.append(("instance target", x, expect))
        else:
            ip_total += 1
            expect = [tk["taskArn"].rsplit("/", 1)[1] for tk in svc_tasks if private_ip(tk) == x["id"]]
            if expect and x["taskId"] == expect[0]:
                ip_mapped += 1
            else:
                bad.append(("ip target", x, expect))
check(targets_ok == len(theirs), f"targets equal for {targets_ok}/{len(theirs)} services", bad[:3])
check(ip_total + inst_total > 0, f"targets present ({ip_total} ip, {inst_total} instance)")
check(ip_mapped == ip_total, f"every ip target shows its task ({ip_mapped}/{ip_total})",
      [b for b in bad if b[0] == "ip target"][:3])
check(inst_mapped == inst_total, f"instance targets show their task ({inst_mapped}/{inst_total})",
      [b for b in bad if b[0] == "instance target"][:3])

# ---- alarms ---------------------------------------------------------------------------
alarms = cw.describe_alarms()["MetricAlarms"]
want = {(a["AlarmName"], a["StateValue"]) for a in alarms}
got = {(a["alarmName"], a["stateValue"]) for a in ours["alarms"]}
check(want == got and any(s == "ALARM" for _, s in want),
      f"the same {len(want)} alarms with their states (one in ALARM)", (want ^ got))
attached_ok, attached_total = 0, 0
for a in alarms:
    dims = {d["Name"]: d["Value"] for d in a.get("Dimensions", [])}
    owner = None
    if dims.get("ClusterName") == cluster and "ServiceName" in dims:
        owner = dims["ServiceName"]
    elif "TargetGroup" in dims:
        for name, t in theirs.items():
            if any(lb["targetGroupArn"].endswith(dims["TargetGroup"]) for lb in t.get("loadBalancers", [])):
                owner = name
    if owner is None or owner not in mine:
        continue
    attached_total += 1
    if (a["AlarmName"], a["StateValue"]) in {(x["alarmName"], x["stateValue"]) for x in mine[owner]["alarms"]}:
        attached_ok += 1
check(attached_ok == attached_total,
      f"alarms attached to the service or target group they name ({attached_ok}/{attached_total})")

# ---- metrics --------------------------------------------------------------------------
with_data = [name for name, m in mine.items() if m["metrics"].get("CPUUtilization")]
check(len(with_data) > 0, f"CPU series present for {len(with_data)} services")
metric_ok, bad = 0, []
end = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(minutes=1)
for name in with_data[:5]:
    r = cw.get_metric_data(
        MetricDataQueries=[{"Id": "c", "MetricStat": {"Metric": {
            "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
            "Dimensions": [{"Name": "ClusterName", "Value": cluster},
                           {"Name": "ServiceName", "Value": name}]},
            "Period": 60, "Stat": "Average"}}],
        StartTime=end - timedelta(minutes=30), EndTime=end, ScanBy="TimestampAscending")
    want = [round(v, 6) for v in r["MetricDataResults"][0]["Values"]]
    got = [round(v, 6) for v in mine[name]["metrics"]["CPUUtilization"]]
    if want == got:
        metric_ok += 1
    else:
        bad.append((name, want, got))
check(metric_ok == min(5, len(with_data)), f"CPU series equal for {metric_ok} services", bad[:2])
alb = [name for name in with_data if theirs[name].get("loadBalancers")]
got = [name for name in alb if mine[name]["metrics"].get("RequestCount")]
check(len(got) == len(alb), f"ALB request series present for {len(got)}/{len(alb)} services behind a load balancer")

# ---- distributions --------------------------------------------------------------------
dl = cf.list_distributions()["DistributionList"].get("Items", [])
want, full = set(), set()
for d in dl:
    want.add((d["Id"], d["DomainName"], d["Status"]))
    c = cf.get_distribution(Id=d["Id"])["Distribution"]["DistributionConfig"]
    full.add((d["Id"], tuple(sorted(c.get("Aliases", {}).get("Items", []))),
              tuple(sorted((o["Id"], o["DomainName"]) for o in c["Origins"]["Items"])),
              c["Enabled"]))
got = {(d["id"], d["domainName"], d["status"]) for d in ours["distributions"]}
check(want == got and len(want) > 0, f"the same {len(want)} distributions", want ^ got)
got = {(d["id"], tuple(sorted(d["aliases"])),
        tuple(sorted((o["id"], o["domainName"]) for o in d["origins"])), d["enabled"])
       for d in ours["distributions"]}
check(full == got and any(x[1] for x in full), "distribution aliases, origins and state", full ^ got)

print(f"1..{n}")
sys.exit(1 if failed else 0)
