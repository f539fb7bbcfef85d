#!/usr/bin/env python3
"""Seed a moto server with a small, realistic ECS world for ondeck's tests and demo.

Usage:
    seed_world.py --endpoint http://127.0.0.1:PORT [--size small|demo|N] [--tasks-per-service K]
                  [--region us-east-1] [--no-logs] [--no-cloudfront] [--pretty]

Prints one JSON document on stdout describing what was created (names, ARNs, ids), so a test
can do `world=$(seed_world --size small)` and pick values out with python/jq. Progress and
timings go to stderr only with --verbose.

What the world holds (see doc/testing.md for the full picture):
  * EC2: the default VPC's subnets, a security group `ondeck-sg`, two EC2 instances that are
    registered as ECS container instances (RegisterContainerInstance with an
    instanceIdentityDocument naming the instance).
  * ECS cluster `prod` (Fargate, awsvpc) with services behind an ALB (ip target groups), plus a
    `worker` service without a load balancer; cluster `legacy` (EC2 launch type) with the
    bridge-mode service `legacy-web` behind the ALB (instance targets on dynamic host ports).
  * Task definitions: families `web` (3 revisions, containers app + redis), `api` (2), `worker`
    (1), `legacy-web` (2, bridge, hostPort 0). Large worlds reuse these families: one task
    definition per family, never one per service.
  * Tasks: moto's services never start tasks, so every service gets K tasks from RunTask with
    group=`service:NAME` and startedBy=the service's deployment id (what ECS itself sets), so
    they attribute to their service either way. moto's task state machine is frozen first
    (POST /moto-api/state-manager/set-transition), so tasks stay RUNNING however often they
    are described. Task IPs (awsvpc) or instance id + host port (bridge) are registered in the
    target groups (moto reports every registered target `healthy`).
  * CloudWatch: AWS/ECS CPUUtilization + MemoryUtilization per service, AWS/ApplicationELB
    RequestCount / TargetResponseTime / HTTPCode_Target_5XX_Count per target group (the last 15
    minutes, one point a minute); alarms `web-cpu-high` (OK), `api-5xx-high` (ALARM, set with
    SetAlarmState), `worker-memory-high` (OK).
  * Logs: awslogs groups `/ecs/FAMILY`, streams `FAMILY/CONTAINER/TASKID` with a few events
    (for large worlds only the tasks of the first 10 services get streams).
  * CloudFront: distribution `static` (S3 origin) and `app` (ALB origin).

Sizes: `small` = 4 services (web, api, worker in prod; legacy-web in legacy). A number N gives
N services: legacy-web, web, api, worker, then svc-0005 ... in prod (N < 4 keeps a prefix of
legacy-web, web, api). Every Fargate service except worker sits behind an ALB (50 target
groups per ALB, like a real listener rule budget).

`demo` = the demo world (doc/demo.md): 40 services, each with its own task-definition family
of 1-4 revisions (the service runs the newest). prod (Fargate, awsvpc): 31 services behind the
ALB (ip targets; web and cart run app + redis), 5 batch services without a load balancer
(worker, mailer, ...); legacy (EC2, bridge, three instances): legacy-web, legacy-api,
legacy-admin behind the ALB (instance targets on dynamic host ports) and legacy-cron. Desired
counts vary (1-4). Every task gets log streams. The summary adds `bad_image` {service,
cluster, family, container, image, stable_task_definition}: a new revision of `checkout` with
that image (tag `broken`) fails to start under tests/lib/animator.py.

Needs boto3 (installed with moto). The endpoint must be moto itself, not the fault proxy.
"""

import argparse
import json
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.exceptions
from botocore.config import Config

ACCOUNT = "123456789012"
TGS_PER_ALB = 50

# --size demo: (name, cluster, load balancer, desired count, revisions). Each service has its
# own family, except the four the other sizes also use (same families, same revisions).
DEMO_PROD_LB = [
    ("web", 3, 3), ("api", 2, 2), ("checkout", 2, 3), ("auth", 2, 2), ("cart", 2, 2),
    ("catalog", 3, 4), ("search", 2, 3), ("payments", 2, 2), ("orders", 2, 3),
    ("inventory", 2, 1), ("shipping", 1, 2), ("pricing", 2, 2), ("reviews", 1, 1),
    ("recommendations", 2, 3), ("profile", 1, 2), ("notifications-api", 1, 1),
    ("gateway", 4, 4), ("admin", 1, 2), ("media", 2, 1), ("geo", 1, 2),
    ("feature-flags", 1, 3), ("billing", 2, 2), ("invoices", 1, 1), ("coupons", 1, 2),
    ("wishlist", 1, 1), ("ratings", 1, 2), ("sessions", 2, 3), ("graphql", 2, 2),
    ("status-page", 1, 1), ("docs", 1, 2), ("assets", 1, 2),
]
DEMO_PROD_BATCH = [("worker", 2, 1), ("mailer", 1, 2), ("thumbnailer", 2, 1),
                   ("report-builder", 1, 3), ("indexer", 1, 2)]
DEMO_LEGACY = [("legacy-web", True, 2, 2), ("legacy-api", True, 2, 3),
               ("legacy-admin", True, 1, 1), ("legacy-cron", False, 1, 2)]
DEMO_REDIS = {"web", "legacy-web", "cart"}
DEMO_BAD_SERVICE = "checkout"


def log(args, msg):
    if args.verbose:
        print(f"seed_world: {msg}", file=sys.stderr, flush=True)


def chunks(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


class World:
    def __init__(self, args):
        self.args = args
        self.demo = args.size == "demo"
        self.endpoint = args.endpoint.rstrip("/")
        self.region = args.region
        session = boto3.session.Session(
            aws_access_key_id="AKIDONDECKTEST",
            aws_secret_access_key="ondeck/test/SECRET+key0123456789abcdefghij",
            region_name=self.region,
        )
        # moto's server cannot read gzip-compressed PutMetricData bodies: send them plain.
        cfg = Config(retries={"max_attempts": 2, "mode": "standard"},
                     max_pool_connections=32, disable_request_compression=True)

        def client(name):
            return session.client(name, endpoint_url=self.endpoint, config=cfg)

        self.session, self.cfg = session, cfg

        self.ec2 = client("ec2")
        self.ecs = client("ecs")
        self.elbv2 = client("elbv2")
        self.cw = client("cloudwatch")
        self.logs = client("logs")
        self.cf = client("cloudfront")
        self.out = {
            "endpoint": self.endpoint,
            "region": self.region,
            "account": ACCOUNT,
            "clusters": [],
            "services": [],
            "task_definitions": {},
            "load_balancers": [],
            "target_groups": [],
            "instances": [],
            "container_instances": [],
            "alarms": [],
            "log_groups": [],
            "distributions": [],
            "timings": {},
        }
        self.t0 = time.monotonic()
        self.pool = ThreadPoolExecutor(max_workers=args.jobs)

    def mark(self, what):
        now = time.monotonic()
        self.out["timings"][what] = round(now - self.t0, 3)
        log(self.args, f"{what}: {now - self.t0:.2f}s")

    def pmap(self, fn, items):
        return list(self.pool.map(fn, items))

    # -- moto control plane ------------------------------------------------------------------

    def freeze_tasks(self):
        body = json.dumps({"model_name": "ecs::task",
                           "transition": {"progression": "manual", "times": 1000000}}).encode()
        req = urllib.request.Request(self.endpoint + "/moto-api/state-manager/set-transition",
                                     data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=30).read()

    # -- network -----------------------------------------------------------------------------

    def network(self):
        vpcs = self.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        self.vpc_id = vpcs[0]["VpcId"]
        subnets = self.ec2.describe_subnets(
            Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}])["Subnets"]
        subnets.sort(key=lambda s: s["AvailabilityZone"])
        self.subnets = [s["SubnetId"] for s in subnets[:3]]
        self.sg = self.ec2.create_security_group(
            GroupName="ondeck-sg", Description="ondeck test services",
            VpcId=self.vpc_id)["GroupId"]
        self.out.update(vpc_id=self.vpc_id, subnets=self.subnets, security_group=self.sg)

    # -- service plan ------------------------------------------------------------------------

    def plan_demo(self):
        self.revisions = {}
        self.plan_ = []
        for name, desired, revs in DEMO_PROD_LB:
            self.plan_.append({"name": name, "cluster": "prod", "family": name,
                               "launch_type": "FARGATE", "lb": True, "desired": desired})
            self.revisions[name] = revs
        for name, desired, revs in DEMO_PROD_BATCH:
            self.plan_.append({"name": name, "cluster": "prod", "family": name,
                               "launch_type": "FARGATE", "lb": False, "desired": desired})
            self.revisions[name] = revs
        for name, lb, desired, revs in DEMO_LEGACY:
            self.plan_.append({"name": name, "cluster": "legacy", "family": name,
                               "launch_type": "EC2", "lb": lb, "desired": desired})
            self.revisions[name] = revs

    def plan(self):
        size = self.args.size
        self.demo = size == "demo"
        if self.demo:
            return self.plan_demo()
        n = 4 if size == "small" else int(size)
        if n < 1:
            raise SystemExit("seed_world: --size must be small or a number >= 1")
        order = [("legacy-web", "legacy"), ("web", "prod"), ("api", "prod"), ("worker", "prod")]
        if n < 4:
            order = [("web", "prod"), ("api", "prod"), ("legacy-web", "legacy")][:n]
        plan = list(order)
        for i in range(len(order) + 1, n + 1):
            plan.append((f"svc-{i:04d}", "prod"))
        self.plan_ = []
        for name, cluster in plan:
            if cluster == "legacy":
                family, lt, lb = "legacy-web", "EC2", True
            elif name in ("web", "api", "worker"):
                family, lt, lb = name, "FARGATE", name != "worker"
            else:
                family, lt, lb = ("web", "api")[len(self.plan_) % 2], "FARGATE", True
            self.plan_.append({"name": name, "cluster": cluster, "family": family,
                               "launch_type": lt, "lb": lb})

    # -- task definitions --------------------------------------------------------------------

    def _containers(self, family, rev, bridge):
        awslogs = {"logDriver": "awslogs", "options": {
            "awslogs-group": f"/ecs/{family}", "awslogs-region": self.region,
            "awslogs-stream-prefix": family}}
        port = 80 if family != "api" else 8080
        image = f"public.ecr.aws/nginx/nginx:1.2{rev + 4}"
        if self.demo and family not in ("web", "api", "worker", "legacy-web"):
            image = f"public.ecr.aws/ondeck/{family}:v1.{rev}.0"
        app = {
            "name": "app", "image": image,
            "essential": True, "memory": 256, "cpu": 128,
            "portMappings": [{"containerPort": port, "hostPort": 0 if bridge else port,
                              "protocol": "tcp"}],
            "environment": [{"name": "APP_REVISION", "value": str(rev)}],
            "logConfiguration": awslogs,
        }
        containers = [app]
        if bridge and self.demo:
            # No hostPort means a dynamic host port, like 0; moto's RunTask reserves port "0"
            # and so would place only one such task per instance.
            del app["portMappings"][0]["hostPort"]
        if family in ("web", "legacy-web") or (self.demo and family in DEMO_REDIS):
            containers.append({
                "name": "redis", "image": "public.ecr.aws/docker/library/redis:7",
                "essential": False, "memory": 128, "cpu": 64,
                "portMappings": [{"containerPort": 6379, "hostPort": 0 if bridge else 6379,
                                  "protocol": "tcp"}] if not (bridge and self.demo) else
                                [{"containerPort": 6379, "protocol": "tcp"}],
                "logConfiguration": awslogs,
            })
        return containers, port

    def task_definitions(self):
        revisions = {"web": 3, "api": 2, "worker": 1, "legacy-web": 2}
        revisions.update(getattr(self, "revisions", {}))
        used = {p["family"] for p in self.plan_}
        bridged = {"legacy-web"} | {p["family"] for p in self.plan_ if p["launch_type"] == "EC2"}
        self.td_latest = {}
        self.app_port = {}

        def register(family):
            arns = []
            bridge = family in bridged
            for rev in range(1, revisions[family] + 1):
                containers, port = self._containers(family, rev, bridge)
                kw = dict(family=family, containerDefinitions=containers,
                          tags=[{"key": "app", "value": family}])
                if bridge:
                    kw.update(networkMode="bridge", requiresCompatibilities=["EC2"])
                else:
                    kw.update(networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                              cpu="512", memory="1024",
                              executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole")
                td = self.ecs.register_task_definition(**kw)["taskDefinition"]
                arns.append(td["taskDefinitionArn"])
            return family, arns, port

        for family, arns, port in self.pmap(register, sorted(used)):
            self.out["task_definitions"][family] = arns
            self.td_latest[family] = arns[-1]
            self.app_port[family] = port
            if self.demo and family == DEMO_BAD_SERVICE:
                self.out["bad_image"] = {"service": family, "cluster": "prod",
                                         "family": family, "container": "app",
                                         "image": f"public.ecr.aws/ondeck/{family}:broken",
                                         "stable_task_definition": arns[-1]}

    # -- clusters and EC2 capacity ----------------------------------------------------------

    def clusters(self):
        for name, lt in (("prod", "FARGATE"), ("legacy", "EC2")):
            c = self.ecs.create_cluster(
                clusterName=name,
                settings=[{"name": "containerInsights", "value": "enabled"}],
                tags=[{"key": "env", "value": name}])["cluster"]
            self.out["clusters"].append({"name": name, "arn": c["clusterArn"],
                                         "launch_type": lt})
        images = self.ec2.describe_images(Owners=["amazon"])["Images"]
        ami = sorted(i["ImageId"] for i in images)[0] if images else "ami-12c6146b"
        ninst = 3 if self.demo else 2
        res = self.ec2.run_instances(ImageId=ami, MinCount=ninst, MaxCount=ninst,
                                     InstanceType="m5.large", SubnetId=self.subnets[0],
                                     SecurityGroupIds=[self.sg])
        self.instances = [i["InstanceId"] for i in res["Instances"]]
        for inst in res["Instances"]:
            doc = json.dumps({"instanceId": inst["InstanceId"], "region": self.region,
                              "accountId": ACCOUNT, "instanceType": "m5.large",
                              "availabilityZone": inst["Placement"]["AvailabilityZone"],
                              "imageId": ami, "privateIp": inst.get("PrivateIpAddress")})
            ci = self.ecs.register_container_instance(
                cluster="legacy", instanceIdentityDocument=doc)["containerInstance"]
            self.out["instances"].append({"id": inst["InstanceId"],
                                          "private_ip": inst.get("PrivateIpAddress")})
            self.out["container_instances"].append({
                "cluster": "legacy", "arn": ci["containerInstanceArn"],
                "instance_id": inst["InstanceId"]})

    # -- load balancers ----------------------------------------------------------------------

    def load_balancers(self):
        lb_services = [p for p in self.plan_ if p["lb"]]
        self.tg_by_service = {}
        self.tg_info = {}

        def make_tg(p):
            bridge = p["launch_type"] == "EC2"
            port = self.app_port[p["family"]]
            name = f"{p['name']}-tg"[:32]
            # moto's server answers concurrent CreateTargetGroup now and then with an HTML 500
            # (its own race, seen under a loaded CI), which botocore cannot parse and does not
            # retry: try again, taking the group if the failed call made it after all.
            for attempt in range(4):
                try:
                    tg = self.elbv2.create_target_group(
                        Name=name, Protocol="HTTP", Port=port, VpcId=self.vpc_id,
                        TargetType="instance" if bridge else "ip",
                        HealthCheckPath="/health", HealthCheckIntervalSeconds=15,
                        HealthyThresholdCount=2, UnhealthyThresholdCount=3)["TargetGroups"][0]
                    return p, tg
                except (botocore.exceptions.ResponseParserError,
                        botocore.exceptions.ClientError) as e:
                    if attempt == 3:
                        raise
                    try:
                        found = self.elbv2.describe_target_groups(Names=[name])["TargetGroups"]
                    except botocore.exceptions.ClientError:
                        found = []
                    if found:
                        return p, found[0]
                    time.sleep(0.2 * (attempt + 1))

        for p, tg in self.pmap(make_tg, lb_services):
            self.tg_by_service[p["name"]] = tg["TargetGroupArn"]
            self.tg_info[tg["TargetGroupArn"]] = {"name": tg["TargetGroupName"],
                                                  "service": p["name"],
                                                  "type": tg["TargetType"]}

        groups = list(chunks(lb_services, TGS_PER_ALB))

        def make_lb(indexed):
            idx, group = indexed
            name = "ondeck-alb" if idx == 0 else f"ondeck-alb-{idx + 1}"
            lb = self.elbv2.create_load_balancer(
                Name=name, Subnets=self.subnets[:2], SecurityGroups=[self.sg],
                Scheme="internet-facing", Type="application")["LoadBalancers"][0]
            first = self.tg_by_service[group[0]["name"]]
            lis = self.elbv2.create_listener(
                LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": first}])["Listeners"][0]
            for prio, p in enumerate(group[1:], start=1):
                self.elbv2.create_rule(
                    ListenerArn=lis["ListenerArn"], Priority=prio,
                    Conditions=[{"Field": "path-pattern", "Values": [f"/{p['name']}/*"]}],
                    Actions=[{"Type": "forward",
                              "TargetGroupArn": self.tg_by_service[p["name"]]}])
            return lb, lis, group

        for lb, lis, group in self.pmap(make_lb, list(enumerate(groups))):
            arn = lb["LoadBalancerArn"]
            # CloudWatch's LoadBalancer dimension is the ARN suffix "app/NAME/ID".
            dim = arn.split(":loadbalancer/", 1)[1]
            self.out["load_balancers"].append({
                "name": lb["LoadBalancerName"], "arn": arn, "dns": lb["DNSName"],
                "listener_arn": lis["ListenerArn"], "metric_dimension": dim,
                "target_groups": [self.tg_by_service[p["name"]] for p in group]})
            for p in group:
                info = self.tg_info[self.tg_by_service[p["name"]]]
                info["load_balancer_arn"] = arn
                info["lb_dimension"] = dim

    # -- services, tasks, targets ------------------------------------------------------------

    def services(self):
        def make(p):
            k = p.get("desired", self.args.tasks_per_service)
            kw = dict(cluster=p["cluster"], serviceName=p["name"],
                      taskDefinition=self.td_latest[p["family"]], desiredCount=k,
                      launchType=p["launch_type"], schedulingStrategy="REPLICA",
                      deploymentConfiguration={
                          "maximumPercent": 200, "minimumHealthyPercent": 100,
                          "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
                      tags=[{"key": "app", "value": p["family"]}])
            port = self.app_port[p["family"]]
            if p["launch_type"] == "FARGATE":
                net = {"awsvpcConfiguration": {"subnets": self.subnets,
                                               "securityGroups": [self.sg],
                                               "assignPublicIp": "DISABLED"}}
                kw["networkConfiguration"] = net
            else:
                net = None
            if p["lb"]:
                kw["loadBalancers"] = [{"targetGroupArn": self.tg_by_service[p["name"]],
                                        "containerName": "app", "containerPort": port}]
                kw["healthCheckGracePeriodSeconds"] = 30
            svc = self.ecs.create_service(**kw)["service"]
            deployment = svc["deployments"][0]["id"] if svc.get("deployments") else ""
            run = dict(cluster=p["cluster"], taskDefinition=self.td_latest[p["family"]],
                       count=k, launchType=p["launch_type"], group=f"service:{p['name']}",
                       startedBy=deployment or f"service:{p['name']}")
            if net:
                run["networkConfiguration"] = net
            tasks = []
            for n in chunks(list(range(k)), 10):
                run["count"] = len(n)
                tasks += self.ecs.run_task(**run)["tasks"]
            targets = []
            for i, t in enumerate(tasks):
                if p["launch_type"] == "FARGATE":
                    ip = next((d["value"] for a in t.get("attachments", [])
                               for d in a.get("details", [])
                               if d["name"] == "privateIPv4Address"), None)
                    if ip:
                        targets.append({"Id": ip, "Port": port})
                else:
                    inst = self.instance_of[t["containerInstanceArn"]]
                    targets.append({"Id": inst, "Port": 32768 + 7 * i + len(tasks)})
            if p["lb"] and targets:
                self.elbv2.register_targets(TargetGroupArn=self.tg_by_service[p["name"]],
                                            Targets=targets)
            return {
                "name": p["name"], "cluster": p["cluster"], "arn": svc["serviceArn"],
                "family": p["family"], "launch_type": p["launch_type"],
                "network_mode": "awsvpc" if p["launch_type"] == "FARGATE" else "bridge",
                "task_definition": self.td_latest[p["family"]],
                "deployment_id": deployment, "desired_count": k,
                "task_group": run["group"], "task_started_by": run["startedBy"],
                "target_group_arn": self.tg_by_service.get(p["name"]),
                "container_port": port,
                "tasks": [t["taskArn"] for t in tasks],
                "task_ids": [t["taskArn"].rsplit("/", 1)[1] for t in tasks],
                "targets": [{"id": x["Id"], "port": x["Port"]} for x in targets],
                "log_group": f"/ecs/{p['family']}",
            }

        self.instance_of = {c["arn"]: c["instance_id"] for c in self.out["container_instances"]}
        # Services in the EC2 cluster go one at a time: RunTask places by free capacity.
        ec2 = [p for p in self.plan_ if p["launch_type"] == "EC2"]
        fargate = [p for p in self.plan_ if p["launch_type"] != "EC2"]
        results = [make(p) for p in ec2] + self.pmap(make, fargate)
        order = {p["name"]: i for i, p in enumerate(self.plan_)}
        results.sort(key=lambda s: order[s["name"]])
        self.out["services"] = results
        for arn, info in self.tg_info.items():
            self.out["target_groups"].append(dict(arn=arn, **info))

    # -- metrics and alarms ------------------------------------------------------------------

    def metrics(self):
        now = int(time.time()) // 60 * 60
        minutes = 15
        ecs_data = []
        # moto's GetMetricData scans every stored point per query, so big test worlds keep
        # data for only a few services (--metric-services) to stay fast.
        limit = self.args.metric_services
        with_data = {s["name"] for s in self.out["services"][:limit]} if limit >= 0 else None
        for s in self.out["services"]:
            if with_data is not None and s["name"] not in with_data:
                continue
            dims = [{"Name": "ClusterName", "Value": s["cluster"]},
                    {"Name": "ServiceName", "Value": s["name"]}]
            seed = sum(map(ord, s["name"]))
            for m in range(minutes):
                ts = now - (minutes - m) * 60
                cpu = 20 + (seed + 7 * m) % 45
                if s["name"] == "web":
                    cpu = 55 + 3 * m  # climbing: web-cpu-high is close to firing
                mem = 30 + (seed * 3 + 5 * m) % 40
                ecs_data.append({"MetricName": "CPUUtilization", "Dimensions": dims,
                                 "Timestamp": ts, "Value": float(cpu), "Unit": "Percent"})
                ecs_data.append({"MetricName": "MemoryUtilization", "Dimensions": dims,
                                 "Timestamp": ts, "Value": float(mem), "Unit": "Percent"})
        alb_data = []
        for tg in self.out["target_groups"]:
            if with_data is not None and tg["service"] not in with_data:
                continue
            tgdim = tg["arn"].split(":", 5)[5]  # "targetgroup/NAME/ID"
            dims = [{"Name": "LoadBalancer", "Value": tg["lb_dimension"]},
                    {"Name": "TargetGroup", "Value": tgdim}]
            for m in range(minutes):
                ts = now - (minutes - m) * 60
                errors = 12.0 if tg["service"] == "api" and m >= minutes - 3 else float(m % 2)
                alb_data.append({"MetricName": "RequestCount", "Dimensions": dims,
                                 "Timestamp": ts, "Value": float(100 + 10 * m), "Unit": "Count"})
                alb_data.append({"MetricName": "TargetResponseTime", "Dimensions": dims,
                                 "Timestamp": ts, "Value": 0.05 + 0.01 * (m % 5),
                                 "Unit": "Seconds"})
                alb_data.append({"MetricName": "HTTPCode_Target_5XX_Count", "Dimensions": dims,
                                 "Timestamp": ts, "Value": errors, "Unit": "Count"})
        jobs = [("AWS/ECS", c) for c in chunks(ecs_data, 500)]
        jobs += [("AWS/ApplicationELB", c) for c in chunks(alb_data, 500)]
        self.pmap(lambda j: self.cw.put_metric_data(Namespace=j[0], MetricData=j[1]), jobs)
        self.out["metrics"] = {"minutes": minutes, "end": now,
                               "ecs_datapoints": len(ecs_data), "alb_datapoints": len(alb_data)}

        names = {s["name"] for s in self.out["services"]}
        tg_of = {tg["service"]: tg for tg in self.out["target_groups"]}
        alarms = []
        if "web" in names:
            alarms.append(dict(AlarmName="web-cpu-high", Namespace="AWS/ECS",
                               MetricName="CPUUtilization", Statistic="Average",
                               Dimensions=[{"Name": "ClusterName", "Value": "prod"},
                                           {"Name": "ServiceName", "Value": "web"}],
                               Threshold=80.0, ComparisonOperator="GreaterThanThreshold"))
        if "api" in tg_of:
            tg = tg_of["api"]
            alarms.append(dict(AlarmName="api-5xx-high", Namespace="AWS/ApplicationELB",
                               MetricName="HTTPCode_Target_5XX_Count", Statistic="Sum",
                               Dimensions=[{"Name": "LoadBalancer", "Value": tg["lb_dimension"]},
                                           {"Name": "TargetGroup",
                                            "Value": tg["arn"].split(":", 5)[5]}],
                               Threshold=10.0,
                               ComparisonOperator="GreaterThanOrEqualToThreshold"))
        if "worker" in names:
            alarms.append(dict(AlarmName="worker-memory-high", Namespace="AWS/ECS",
                               MetricName="MemoryUtilization", Statistic="Maximum",
                               Dimensions=[{"Name": "ClusterName", "Value": "prod"},
                                           {"Name": "ServiceName", "Value": "worker"}],
                               Threshold=90.0, ComparisonOperator="GreaterThanThreshold"))
        for a in alarms:
            self.cw.put_metric_alarm(Period=60, EvaluationPeriods=3, DatapointsToAlarm=2,
                                     TreatMissingData="missing", ActionsEnabled=False, **a)
            state = "OK"
            if a["AlarmName"] == "api-5xx-high":
                state = "ALARM"
                self.cw.set_alarm_state(
                    AlarmName=a["AlarmName"], StateValue="ALARM",
                    StateReason="Threshold Crossed: 2 out of the last 3 datapoints "
                                "[12.0, 12.0] were greater than or equal to the threshold (10.0).")
            self.out["alarms"].append({"name": a["AlarmName"], "state": state,
                                       "namespace": a["Namespace"],
                                       "metric": a["MetricName"]})

    # -- logs --------------------------------------------------------------------------------

    def logs_(self):
        families = sorted({s["family"] for s in self.out["services"]})
        for fam in families:
            self.logs.create_log_group(logGroupName=f"/ecs/{fam}")
            self.logs.put_retention_policy(logGroupName=f"/ecs/{fam}", retentionInDays=14)
            self.out["log_groups"].append(f"/ecs/{fam}")
        now_ms = int(time.time() * 1000)
        lines = ["GET /health 200 1ms", "GET / 200 12ms", "GET /api/items 200 31ms",
                 "GET / 500 upstream error", "POST /api/items 201 45ms",
                 "GET /static/app.js 304 2ms"]
        jobs = []
        with_redis = ("web", "legacy-web") + (tuple(DEMO_REDIS) if self.demo else ())
        for s in self.out["services"][:None if self.demo else 10]:
            containers = ["app", "redis"] if s["family"] in with_redis else ["app"]
            for tid in s["task_ids"]:
                for c in containers:
                    jobs.append((s, f"{s['family']}/{c}/{tid}", c))

        def stream(job):
            s, name, c = job
            group = s["log_group"]
            self.logs.create_log_stream(logGroupName=group, logStreamName=name)
            if c == "redis":
                msgs = ["Ready to accept connections tcp", "DB saved on disk"]
            else:
                msgs = [f"{s['name']}: {ln}" for ln in lines]
            events = [{"timestamp": now_ms - (len(msgs) - i) * 1000, "message": m}
                      for i, m in enumerate(msgs)]
            self.logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=events)
            return {"group": group, "stream": name, "events": len(events)}

        self.out["log_streams"] = self.pmap(stream, jobs)

    # -- CloudFront --------------------------------------------------------------------------

    def cloudfront(self):
        alb = self.out["load_balancers"][0]["dns"] if self.out["load_balancers"] else None
        specs = [("static", "ondeck-static.s3.us-east-1.amazonaws.com", "s3")]
        if alb:
            specs.append(("app", alb, "alb"))
        for name, domain, kind in specs:
            origin = {"Id": f"{name}-origin", "DomainName": domain, "OriginPath": "",
                      "CustomHeaders": {"Quantity": 0}}
            if kind == "s3":
                origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}
            else:
                origin["CustomOriginConfig"] = {
                    "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only",
                    "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                    "OriginReadTimeout": 30, "OriginKeepaliveTimeout": 5}
            cfg = {
                "CallerReference": f"ondeck-seed-{name}",
                "Aliases": {"Quantity": 1, "Items": [f"{name}.ondeck.example"]},
                "DefaultRootObject": "index.html" if kind == "s3" else "",
                "Origins": {"Quantity": 1, "Items": [origin]},
                "DefaultCacheBehavior": {
                    "TargetOriginId": f"{name}-origin",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "TrustedSigners": {"Enabled": False, "Quantity": 0},
                    "ForwardedValues": {"QueryString": kind != "s3",
                                        "Cookies": {"Forward": "none"}},
                    "MinTTL": 0,
                },
                "Comment": f"ondeck {name} ({kind} origin)",
                "Enabled": True,
            }
            d = self.cf.create_distribution(DistributionConfig=cfg)["Distribution"]
            self.out["distributions"].append({"name": name, "id": d["Id"], "arn": d["ARN"],
                                              "domain": d["DomainName"], "origin": domain,
                                              "origin_type": kind})

    def cloudfront_metrics(self):
        """Requests and 5xxErrorRate per distribution, as CloudFront publishes them: namespace
        AWS/CloudFront in us-east-1 whatever the world's region, dimensions DistributionId and
        Region=Global (CloudFront developer guide, "Viewing CloudFront metrics")."""
        now = int(time.time()) // 60 * 60
        minutes = 15
        cw = self.cw if self.region == "us-east-1" else self.session.client(
            "cloudwatch", endpoint_url=self.endpoint, config=self.cfg, region_name="us-east-1")
        data = []
        for i, d in enumerate(self.out["distributions"]):
            dims = [{"Name": "DistributionId", "Value": d["id"]},
                    {"Name": "Region", "Value": "Global"}]
            for m in range(minutes):
                ts = now - (minutes - m) * 60
                data.append({"MetricName": "Requests", "Dimensions": dims, "Timestamp": ts,
                             "Value": float(400 + 40 * m + 300 * i), "Unit": "None"})
                data.append({"MetricName": "5xxErrorRate", "Dimensions": dims, "Timestamp": ts,
                             "Value": 0.5 * (m % 3) + (4.0 if d["name"] == "app" and
                                                       m >= minutes - 2 else 0.0),
                             "Unit": "Percent"})
        for chunk in chunks(data, 500):
            cw.put_metric_data(Namespace="AWS/CloudFront", MetricData=chunk)
        self.out["metrics"]["cloudfront_datapoints"] = len(data)

    def run(self):
        self.freeze_tasks()
        self.plan()
        self.network()
        self.mark("network")
        self.task_definitions()
        self.clusters()
        self.mark("clusters")
        self.load_balancers()
        self.mark("load_balancers")
        self.services()
        self.mark("services")
        self.metrics()
        self.mark("metrics")
        if not self.args.no_logs:
            self.logs_()
            self.mark("logs")
        if not self.args.no_cloudfront:
            self.cloudfront()
            self.cloudfront_metrics()
            self.mark("cloudfront")
        self.pool.shutdown()
        self.out["timings"]["total"] = round(time.monotonic() - self.t0, 3)
        return self.out


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="moto URL, e.g. http://127.0.0.1:5055")
    ap.add_argument("--size", default="small",
                    help="small (4 services), demo (40 services, doc/demo.md) or a service count")
    ap.add_argument("--tasks-per-service", type=int, default=2)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--jobs", type=int, default=8, help="parallel requests (default 8)")
    ap.add_argument("--metric-services", type=int, default=-1,
                    help="put metric data for only the first N services (default: all)")
    ap.add_argument("--no-logs", action="store_true")
    ap.add_argument("--no-cloudfront", action="store_true")
    ap.add_argument("--pretty", action="store_true", help="indent the JSON summary")
    ap.add_argument("--verbose", "-v", action="store_true", help="timings on stderr")
    args = ap.parse_args(argv)
    if args.size not in ("small", "demo") and not args.size.isdigit():
        ap.error("--size must be 'small', 'demo' or a number")
    return args


def seed(argv):
    """Seed in-process (tests/lib/demo_server.py); returns the summary dict."""
    return World(parse_args(argv)).run()


def main():
    args = parse_args()
    out = World(args).run()
    json.dump(out, sys.stdout, indent=2 if args.pretty else None, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
