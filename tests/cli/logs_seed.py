#!/usr/bin/env python3
"""Put log events into moto for the `ondeck logs` tests (boto3; moto directly, not the proxy).

    logs_seed.py --endpoint URL put GROUP STREAM... --count N [--start-ms T] [--step-ms S]
                 [--tag TAG] [--seq-base B0] [--batch B] [--stamp-at-put]
        N events spread round-robin over the k streams: event i (0 <= i < N) goes to
        STREAM[(B0+i) % k] with timestamp T + i*S and message "TAG seq=B0+i stream=STREAM";
        one PutLogEvents per stream per batch of B events (B <= 10,000). Creates missing
        streams. Prints the number of events put. T defaults to now - 60 s. --stamp-at-put
        shifts each PutLogEvents' times to start when it is sent (as a log driver would).
    logs_seed.py --endpoint URL hostile GROUP STREAM [--start-ms T]
        Messages with terminal escapes (CSI, OSC 0 title with BEL, OSC 52 clipboard), BEL, C1
        controls as UTF-8, NUL, a right-to-left override, lone surrogates, a 100 KiB line, and
        multilingual text; prints them as JSON (what was sent).
    logs_seed.py --endpoint URL other-driver --cluster legacy --service NAME [--driver fluentd]
        Registers a bridge task definition whose only container logs with DRIVER ("none" = no
        logConfiguration), creates the service and starts one task for it (group
        service:NAME) on the cluster's EC2 capacity.
    logs_seed.py --endpoint URL task --cluster C --service NAME
        Starts one more task of the service (its task definition, launch type and network,
        group service:NAME) and creates no log stream for it, as for a task that has not
        started logging yet; prints the task id.
    logs_seed.py --endpoint URL tasks --cluster C --service NAME --count N
        Starts N more tasks of the service as `task` does (RunTask, at most 10 a call); prints
        their ids, one a line.
    logs_seed.py --endpoint URL two-groups --cluster C --service NAME --group G --other G2
        Registers a task definition (network as the cluster's web service) with two awslogs containers, "app" logging to G
        and "side" logging to G2 (stream prefix NAME), creates the service and starts one task
        (group service:NAME); creates neither group nor stream; prints the task id.
    logs_seed.py --endpoint URL stream GROUP STREAM
        Creates the stream (nothing else), as the awslogs driver does when a container starts.
"""

import argparse
import json
import sys
import time

import boto3
from botocore.config import Config


def client(args, name):
    return boto3.client(name, endpoint_url=args.endpoint, region_name=args.region,
                        aws_access_key_id="AKIDONDECKTEST", aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 1}))


def ensure_streams(logs, group, streams):
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    for s in streams:
        try:
            logs.create_log_stream(logGroupName=group, logStreamName=s)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass


def cmd_put(args):
    logs = client(args, "logs")
    ensure_streams(logs, args.group, args.streams)
    start = args.start_ms if args.start_ms is not None else int(time.time() * 1000) - 60000
    k = len(args.streams)
    for b0 in range(0, args.count, args.batch):
        per = {s: [] for s in args.streams}
        for i in range(b0, min(args.count, b0 + args.batch)):
            s = args.streams[(args.seq_base + i) % k]
            per[s].append({"timestamp": start + i * args.step_ms,
                           "message": f"{args.tag} seq={args.seq_base + i} stream={s}"})
        for s, evs in per.items():
            if evs and args.stamp_at_put:
                # Stamped when shipped, like the awslogs driver: only the spacing is kept.
                shift = int(time.time() * 1000) - evs[0]["timestamp"]
                evs = [{"timestamp": e["timestamp"] + shift, "message": e["message"]}
                       for e in evs]
            if evs:
                logs.put_log_events(logGroupName=args.group, logStreamName=s, logEvents=evs)
    print(args.count)


HOSTILE = [
    "csi \x1b[31mred\x1b[0m \x1b[2J\x1b[H cleared",
    "osc-title \x1b]0;PWNED-TITLE\x07 after",
    "osc-st \x1b]2;PWNED2\x1b\\ after",
    "osc52 \x1b]52;c;ZWNobyBwd25lZA==\x07 clipboard",
    "bell \x07\x07\x07 ring",
    "c1 \u009b31m csi and \u0085 nel and \u009d0;t\u009c",
    "nul \x00 inside",
    "bidi \u202egnp.exe",
    "lone \udcff surrogate",
    "del \x7f char",
    "multi caf\u00e9 \u65e5\u672c\u8a9e \u043f\u0440\u0438\u0432\u0435\u0442 \U0001F680",
    "long " + "x" * (100 * 1024) + " end",
]


def cmd_hostile(args):
    logs = client(args, "logs")
    ensure_streams(logs, args.group, [args.stream])
    start = args.start_ms if args.start_ms is not None else int(time.time() * 1000) - 30000
    evs = [{"timestamp": start + i, "message": m} for i, m in enumerate(HOSTILE)]
    # A lone surrogate cannot go through boto3 (UTF-8 encoding fails): post the JSON by hand.
    import urllib.request
    body = json.dumps({"logGroupName": args.group, "logStreamName": args.stream,
                       "logEvents": evs}).encode("ascii")
    req = urllib.request.Request(args.endpoint + "/", data=body, headers={
        "X-Amz-Target": "Logs_20140328.PutLogEvents",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDONDECKTEST/20250101/"
                         f"{args.region}/logs/aws4_request, SignedHeaders=host, Signature=0"})
    urllib.request.urlopen(req).read()
    json.dump(HOSTILE, sys.stdout)
    print()


def cmd_other_driver(args):
    ecs = client(args, "ecs")
    c = {"name": "app", "image": "busybox", "memory": 64, "essential": True,
         "portMappings": [{"containerPort": 80, "hostPort": 0}]}
    if args.driver != "none":
        c["logConfiguration"] = {"logDriver": args.driver, "options": {"tag": "x"}}
    td = ecs.register_task_definition(family=args.service, containerDefinitions=[c],
                                      networkMode="bridge",
                                      requiresCompatibilities=["EC2"])["taskDefinition"]
    svc = ecs.create_service(cluster=args.cluster, serviceName=args.service,
                             taskDefinition=td["taskDefinitionArn"], desiredCount=1,
                             launchType="EC2")["service"]
    ecs.run_task(cluster=args.cluster, taskDefinition=td["taskDefinitionArn"], count=1,
                 launchType="EC2", group=f"service:{args.service}",
                 startedBy=svc["deployments"][0]["id"])
    print(td["taskDefinitionArn"])


def run_tasks(args, count):
    ecs = client(args, "ecs")
    svc = ecs.describe_services(cluster=args.cluster, services=[args.service])["services"][0]
    run = dict(cluster=args.cluster, taskDefinition=svc["taskDefinition"],
               launchType=svc.get("launchType", "FARGATE"), group=f"service:{args.service}",
               startedBy=svc["deployments"][0]["id"])
    if svc.get("networkConfiguration"):
        run["networkConfiguration"] = svc["networkConfiguration"]
    ids = []
    while len(ids) < count:
        tasks = ecs.run_task(count=min(10, count - len(ids)), **run)["tasks"]
        ids += [t["taskArn"].rsplit("/", 1)[1] for t in tasks]
    return ids


def cmd_task(args):
    print(run_tasks(args, 1)[0])


def cmd_tasks(args):
    print("\n".join(run_tasks(args, args.count)))


def cmd_two_groups(args):
    ecs = client(args, "ecs")
    # Launch type and network as the cluster's web service has them (moto wants both right).
    web = ecs.describe_services(cluster=args.cluster, services=["web"])["services"][0]
    base = ecs.describe_task_definition(taskDefinition=web["taskDefinition"])["taskDefinition"]

    def c(name, group):
        return {"name": name, "image": "busybox", "memory": 64, "essential": name == "app",
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": group, "awslogs-region": args.region,
                    "awslogs-stream-prefix": args.service}}}
    kw = {k: base[k] for k in ("networkMode", "requiresCompatibilities", "cpu", "memory")
          if k in base}
    td = ecs.register_task_definition(family=args.service, **kw, containerDefinitions=[
        c("app", args.group), c("side", args.other)])["taskDefinition"]
    run = dict(cluster=args.cluster, taskDefinition=td["taskDefinitionArn"],
               launchType=web.get("launchType", "FARGATE"))
    if web.get("networkConfiguration"):
        run["networkConfiguration"] = web["networkConfiguration"]
    svc = ecs.create_service(serviceName=args.service, desiredCount=1, **run)["service"]
    task = ecs.run_task(count=1, group=f"service:{args.service}",
                        startedBy=svc["deployments"][0]["id"], **run)["tasks"][0]
    print(task["taskArn"].rsplit("/", 1)[1])


def cmd_stream(args):
    logs = client(args, "logs")
    logs.create_log_stream(logGroupName=args.group, logStreamName=args.stream)
    print(args.stream)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--region", default="us-east-1")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("put")
    p.add_argument("group")
    p.add_argument("streams", nargs="+")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--start-ms", type=int)
    p.add_argument("--step-ms", type=int, default=1)
    p.add_argument("--tag", default="ev")
    p.add_argument("--seq-base", type=int, default=0)
    p.add_argument("--batch", type=int, default=10000)
    p.add_argument("--stamp-at-put", action="store_true",
                   help="shift each PutLogEvents' times to start at the moment it is sent")
    p = sub.add_parser("hostile")
    p.add_argument("group")
    p.add_argument("stream")
    p.add_argument("--start-ms", type=int)
    p = sub.add_parser("other-driver")
    p.add_argument("--cluster", default="legacy")
    p.add_argument("--service", required=True)
    p.add_argument("--driver", default="fluentd")
    p = sub.add_parser("task")
    p.add_argument("--cluster", required=True)
    p.add_argument("--service", required=True)
    p = sub.add_parser("tasks")
    p.add_argument("--cluster", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--count", type=int, required=True)
    p = sub.add_parser("two-groups")
    p.add_argument("--cluster", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--other", required=True)
    p = sub.add_parser("stream")
    p.add_argument("group")
    p.add_argument("stream")
    args = ap.parse_args()
    {"put": cmd_put, "hostile": cmd_hostile, "other-driver": cmd_other_driver,
     "task": cmd_task, "tasks": cmd_tasks, "two-groups": cmd_two_groups, "stream": cmd_stream}[args.cmd](args)


if __name__ == "__main__":
    main()
