#!/usr/bin/env python3
"""Regenerate tests/unit/data/decoders/* (fixtures of tests/unit/test_decoders.c) from moto.

Starts `python3 -m moto.server` on a free port, seeds a small world with boto3 and saves the
raw response body of each interesting call, byte for byte, as it came off the wire (botocore's
`before-parse` event hands us the bytes before any parsing):

  * cluster `prod`: Fargate awsvpc service `web` behind an ALB (ip target group with two
    registered IP targets), deployment circuit breaker on, then UpdateService
    (forceNewDeployment) so the service has a fresh deployment; a two-container task
    (app + redis) started with RunTask, group "service:web", startedBy the deployment id;
    one task stopped with StopTask.
  * cluster `legacy`: one EC2 instance registered as a container instance and a bridge-mode
    task with dynamic host ports (hostPort 0).
  * CloudWatch: three CPU points, GetMetricData newest first (ScanBy TimestampDescending, so
    the decoder's sort is exercised) and oldest first; alarms, one set to ALARM.
  * CloudFront: two distributions (one with aliases), one invalidation.

moto's task state machine is frozen first (POST /moto-api/state-manager/set-transition) so
tasks stay RUNNING however often they are described.

Usage: tests/tools/capture_decoders.py [OUTDIR]  (default: tests/unit/data/decoders)
Needs: python3 -m pip install 'moto[server]==5.2.1' (the committed files came from 5.2.1).
Files ending in _edited.json are NOT written by this script: they are hand-made variants of a
captured body with a field moto never fills (see the README in the fixture directory).
"""

import datetime
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from awsemu import wire  # noqa: E402 - the harness's serializer, for pages moto never sends

REGION = "us-east-1"
ACCOUNT = "123456789012"
AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port):
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("moto did not start")


class Recorder:
    """Keeps the raw body of the last response of each operation."""

    def __init__(self):
        self.last = {}

    def __call__(self, operation_model, response_dict, **_):
        self.last[operation_model.name] = response_dict["body"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "unit", "data", "decoders")
    os.makedirs(outdir, exist_ok=True)
    port = free_port()
    proc = start_moto(port)
    rec = Recorder()
    try:
        ep = "http://127.0.0.1:%d" % port
        session = boto3.session.Session(aws_access_key_id=AKID, aws_secret_access_key=SECRET,
                                        region_name=REGION)
        cfg = Config(retries={"max_attempts": 1}, disable_request_compression=True)
        session.events.register("before-parse", rec)

        def client(name):
            return session.client(name, endpoint_url=ep, config=cfg)

        def save(op, name):
            body = rec.last[op]
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(body)
            print("%-40s %6d bytes" % (name, len(body)))

        def save_data(service, op, data, name):
            body = wire.serialize_answer(service, op, "json", data)[1]
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(body)
            print("%-40s %6d bytes (serialized)" % (name, len(body)))

        # Freeze moto's ECS task state machine.
        req = urllib.request.Request(
            ep + "/moto-api/state-manager/set-transition", method="POST",
            data=json.dumps({"model_name": "ecs::task",
                             "transition": {"progression": "manual", "times": 1000000}}).encode(),
            headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=30).read()

        ec2, ecs, elbv2 = client("ec2"), client("ecs"), client("elbv2")
        cw, cf = client("cloudwatch"), client("cloudfront")

        # -- network ---------------------------------------------------------------------
        vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
        subnets = ec2.describe_subnets(
            Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
        subnets = sorted(s["SubnetId"] for s in subnets)[:2]
        sg = ec2.create_security_group(GroupName="web-sg", Description="web",
                                       VpcId=vpc["VpcId"])["GroupId"]
        awsvpc = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg],
                                          "assignPublicIp": "DISABLED"}}

        # -- ECS: task definitions ---------------------------------------------------------
        def containers(bridge):
            logs = {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/web", "awslogs-region": REGION,
                "awslogs-stream-prefix": "web"}}
            return [
                {"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": True,
                 "memory": 256, "cpu": 128,
                 "portMappings": [{"containerPort": 80, "hostPort": 0 if bridge else 80,
                                   "protocol": "tcp"}],
                 "environment": [{"name": "APP_ENV", "value": "prod"}],
                 "logConfiguration": logs},
                {"name": "redis", "image": "public.ecr.aws/docker/library/redis:7",
                 "essential": False, "memory": 128, "cpu": 64,
                 "portMappings": [{"containerPort": 6379, "hostPort": 0 if bridge else 6379,
                                   "protocol": "tcp"}]},
            ]

        for _ in range(2):
            ecs.register_task_definition(
                family="web", containerDefinitions=containers(False), networkMode="awsvpc",
                requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
                executionRoleArn="arn:aws:iam::%s:role/ecsTaskExecutionRole" % ACCOUNT)
        ecs.register_task_definition(family="legacy-web", containerDefinitions=containers(True),
                                     networkMode="bridge", requiresCompatibilities=["EC2"])
        ecs.describe_task_definition(taskDefinition="web")
        save("DescribeTaskDefinition", "ecs_describe_task_definition.json")
        ecs.list_task_definitions(familyPrefix="web", sort="DESC")
        save("ListTaskDefinitions", "ecs_list_task_definitions.json")

        # -- ECS: clusters, EC2 capacity -----------------------------------------------------
        ecs.create_cluster(clusterName="prod")
        ecs.create_cluster(clusterName="legacy")
        ami = "ami-12c6146b"
        inst = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="m5.large",
                                 SubnetId=subnets[0], SecurityGroupIds=[sg])["Instances"][0]
        doc = json.dumps({"instanceId": inst["InstanceId"], "region": REGION,
                          "accountId": ACCOUNT, "instanceType": "m5.large",
                          "availabilityZone": inst["Placement"]["AvailabilityZone"],
                          "imageId": ami, "privateIp": inst.get("PrivateIpAddress")})
        ecs.register_container_instance(cluster="legacy", instanceIdentityDocument=doc)
        ecs.list_container_instances(cluster="legacy")
        save("ListContainerInstances", "ecs_list_container_instances.json")
        ci_arns = rec_json(rec, "ListContainerInstances")["containerInstanceArns"]
        ecs.describe_container_instances(cluster="legacy", containerInstances=ci_arns)
        save("DescribeContainerInstances", "ecs_describe_container_instances.json")

        # -- ELBv2 -------------------------------------------------------------------------
        lb = elbv2.create_load_balancer(Name="web-alb", Subnets=subnets, SecurityGroups=[sg],
                                        Scheme="internet-facing",
                                        Type="application")["LoadBalancers"][0]
        tg = elbv2.create_target_group(Name="web-tg", Protocol="HTTP", Port=80,
                                       VpcId=vpc["VpcId"], TargetType="ip",
                                       HealthCheckPath="/health")["TargetGroups"][0]
        elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                              DefaultActions=[{"Type": "forward",
                                               "TargetGroupArn": tg["TargetGroupArn"]}])

        # -- ECS: Fargate service behind the ALB -------------------------------------------
        svc = ecs.create_service(
            cluster="prod", serviceName="web", taskDefinition="web:1", desiredCount=2,
            launchType="FARGATE", networkConfiguration=awsvpc,
            loadBalancers=[{"targetGroupArn": tg["TargetGroupArn"], "containerName": "app",
                            "containerPort": 80}],
            deploymentConfiguration={
                "maximumPercent": 200, "minimumHealthyPercent": 50,
                "deploymentCircuitBreaker": {"enable": True, "rollback": True}})["service"]
        ecs.update_service(cluster="prod", service="web", taskDefinition="web:2",
                           desiredCount=3, forceNewDeployment=True)
        deployment = rec_json(rec, "UpdateService")["service"]["deployments"][0]["id"]
        ecs.list_services(cluster="prod")
        save("ListServices", "ecs_list_services.json")
        ecs.describe_services(cluster="prod", services=[svc["serviceName"], "ghost"])
        save("DescribeServices", "ecs_describe_services.json")
        ecs.list_clusters()
        save("ListClusters", "ecs_list_clusters.json")

        # Two-container task (app + redis), attributed to the service like ECS does.
        tasks = ecs.run_task(cluster="prod", taskDefinition="web:2", count=2,
                             launchType="FARGATE", networkConfiguration=awsvpc,
                             group="service:web", startedBy=deployment)["tasks"]
        arns = [t["taskArn"] for t in tasks]
        ecs.stop_task(cluster="prod", task=arns[1], reason="Scaling activity initiated")
        ecs.list_tasks(cluster="prod")
        save("ListTasks", "ecs_list_tasks.json")
        # moto never pages: the first page of this answer as ECS pages it (maxResults=1),
        # with a nextToken, written by the harness's own serializer (awsemu.wire).
        ecs.list_tasks(cluster="prod", maxResults=1)
        page = rec_json(rec, "ListTasks")
        page = {"taskArns": page["taskArns"][:1],
                "nextToken": "eyJ2IjoxLCJsYXN0IjoiYXJuOmF3czplY3MifQ" + "A" * 200 + "=="}
        save_data("ecs", "ListTasks", page, "ecs_list_tasks_paged.json")
        ecs.describe_tasks(cluster="prod", tasks=arns)
        save("DescribeTasks", "ecs_describe_tasks_fargate.json")
        ips = [d["value"] for a in rec_json(rec, "DescribeTasks")["tasks"][0]["attachments"]
               for d in a["details"] if d["name"] == "privateIPv4Address"]
        elbv2.register_targets(TargetGroupArn=tg["TargetGroupArn"],
                               Targets=[{"Id": ips[0], "Port": 80},
                                        {"Id": "10.0.99.7", "Port": 80}])

        # Bridge-mode task on the EC2 instance (dynamic host ports).
        bridge = ecs.run_task(cluster="legacy", taskDefinition="legacy-web", count=1,
                              launchType="EC2", startedBy="ops")["tasks"]
        ecs.describe_tasks(cluster="legacy", tasks=[t["taskArn"] for t in bridge])
        save("DescribeTasks", "ecs_describe_tasks_bridge.json")
        ecs.describe_clusters(clusters=["prod", "legacy", "nope"])
        save("DescribeClusters", "ecs_describe_clusters.json")

        elbv2.describe_target_groups(TargetGroupArns=[tg["TargetGroupArn"]])
        save("DescribeTargetGroups", "elbv2_describe_target_groups.xml")
        elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])
        save("DescribeTargetHealth", "elbv2_describe_target_health.xml")
        elbv2.describe_load_balancers(LoadBalancerArns=[lb["LoadBalancerArn"]])
        save("DescribeLoadBalancers", "elbv2_describe_load_balancers.xml")

        # -- CloudWatch --------------------------------------------------------------------
        now = int(time.time()) // 60 * 60
        dims = [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": "web"}]
        for i, v in enumerate((10.0, 20.0, 30.0)):
            cw.put_metric_data(Namespace="AWS/ECS", MetricData=[{
                "MetricName": "CPUUtilization", "Dimensions": dims, "Unit": "Percent",
                "Timestamp": now - (3 - i) * 60, "Value": v}])
        queries = [
            {"Id": "cpu", "ReturnData": True, "MetricStat": {
                "Metric": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
                           "Dimensions": dims}, "Period": 60, "Stat": "Average"}},
            {"Id": "mem", "ReturnData": True, "MetricStat": {
                "Metric": {"Namespace": "AWS/ECS", "MetricName": "MemoryUtilization",
                           "Dimensions": dims}, "Period": 60, "Stat": "Maximum"}},
        ]
        cw.get_metric_data(MetricDataQueries=queries, StartTime=now - 600, EndTime=now + 60,
                           ScanBy="TimestampDescending")
        save("GetMetricData", "cw_get_metric_data_desc.json")
        cw.get_metric_data(MetricDataQueries=queries, StartTime=now - 600, EndTime=now + 60,
                           ScanBy="TimestampAscending")
        save("GetMetricData", "cw_get_metric_data_asc.json")
        cw.put_metric_alarm(AlarmName="web-cpu-high", MetricName="CPUUtilization",
                            Namespace="AWS/ECS", Statistic="Average", Dimensions=dims,
                            Period=60, EvaluationPeriods=3, Threshold=80.0,
                            ComparisonOperator="GreaterThanThreshold")
        cw.put_metric_alarm(AlarmName="web-5xx", MetricName="HTTPCode_Target_5XX_Count",
                            Namespace="AWS/ApplicationELB", Statistic="Sum",
                            Dimensions=[{"Name": "TargetGroup",
                                         "Value": tg["TargetGroupArn"].split(":", 5)[5]}],
                            Period=60, EvaluationPeriods=1, Threshold=5.0,
                            ComparisonOperator="GreaterThanOrEqualToThreshold")
        cw.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM",
                           StateReason="Threshold Crossed: 1 datapoint [12.0] >= 5.0")
        cw.describe_alarms(MaxRecords=100)
        save("DescribeAlarms", "cw_describe_alarms.json")
        # A metric-math alarm: no Dimensions of its own, the service is named by its metric.
        cw.put_metric_alarm(
            AlarmName="web-cpu-math", EvaluationPeriods=3, Threshold=150.0,
            ComparisonOperator="GreaterThanThreshold",
            Metrics=[{"Id": "m1", "ReturnData": False,
                      "MetricStat": {"Metric": {"Namespace": "AWS/ECS",
                                                "MetricName": "CPUUtilization",
                                                "Dimensions": dims},
                                     "Period": 60, "Stat": "Average"}},
                     {"Id": "e1", "Expression": "m1 * 2", "Label": "CPU doubled",
                      "ReturnData": True}])
        cw.describe_alarms(AlarmNames=["web-cpu-math"])
        save("DescribeAlarms", "cw_describe_alarms_metric_math.json")

        # -- CloudFront --------------------------------------------------------------------
        def dist(ref, origin_id, domain, aliases, comment):
            cfg = {"CallerReference": ref, "Comment": comment, "Enabled": True,
                   "Origins": {"Quantity": 1, "Items": [{
                       "Id": origin_id, "DomainName": domain,
                       "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
                   "DefaultCacheBehavior": {"TargetOriginId": origin_id,
                                            "ViewerProtocolPolicy": "redirect-to-https",
                                            "MinTTL": 0,
                                            "ForwardedValues": {"QueryString": False,
                                                                "Cookies": {"Forward": "none"}}}}
            if aliases:
                cfg["Aliases"] = {"Quantity": len(aliases), "Items": aliases}
            return cf.create_distribution(DistributionConfig=cfg)["Distribution"]

        static = dist("static-1", "s3-static", "static-assets.s3.amazonaws.com",
                      ["static.example.com", "cdn.example.com"], "static & assets")
        dist("app-1", "alb-app", lb["DNSName"], [], "app")
        cf.list_distributions()
        save("ListDistributions", "cf_list_distributions.xml")
        cf.get_distribution(Id=static["Id"])
        save("GetDistribution", "cf_get_distribution.xml")
        cf.create_invalidation(DistributionId=static["Id"], InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/static/*"]},
            "CallerReference": "ondeck-1795304715"})
        save("CreateInvalidation", "cf_create_invalidation.xml")
        inv = rec.last["CreateInvalidation"]
        inv_id = inv.split(b"<Id>", 1)[1].split(b"</Id>", 1)[0].decode()
        cf.get_invalidation(DistributionId=static["Id"], Id=inv_id)
        save("GetInvalidation", "cf_get_invalidation.xml")
        cf.list_invalidations(DistributionId=static["Id"])
        save("ListInvalidations", "cf_list_invalidations.xml")

        capture_autoscaling(client("application-autoscaling"), save, save_data)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def capture_autoscaling(aas, save, save_data):
    """Application Auto Scaling of cluster prod's services (moto checks they exist): web with
    bounds 2..6 and a target-tracking policy, api with 1..3 and dynamic scale-in suspended.
    moto has no DescribeScalingActivities: that page is written with the harness's serializer
    from activities shaped as the API Reference shows them."""
    ns, dim = "ecs", "ecs:service:DesiredCount"
    aas.register_scalable_target(ServiceNamespace=ns, ResourceId="service/prod/web",
                                 ScalableDimension=dim, MinCapacity=2, MaxCapacity=6)
    aas.register_scalable_target(ServiceNamespace=ns, ResourceId="service/prod/api",
                                 ScalableDimension=dim, MinCapacity=1, MaxCapacity=3,
                                 SuspendedState={"DynamicScalingInSuspended": True})
    aas.put_scaling_policy(
        PolicyName="cpu50", ServiceNamespace=ns, ResourceId="service/prod/web",
        ScalableDimension=dim, PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 50.0, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    aas.describe_scalable_targets(ServiceNamespace=ns, ScalableDimension=dim,
                                  ResourceIds=["service/prod/web", "service/prod/api"])
    save("DescribeScalableTargets", "aas_describe_scalable_targets.json")
    aas.describe_scaling_policies(ServiceNamespace=ns, ResourceId="service/prod/web",
                                  ScalableDimension=dim)
    save("DescribeScalingPolicies", "aas_describe_scaling_policies.json")
    t0 = datetime.datetime(2026, 11, 20, 9, 30, 12, 345000, tzinfo=datetime.timezone.utc)
    base = {"ServiceNamespace": ns, "ResourceId": "service/prod/web", "ScalableDimension": dim}
    save_data("application-autoscaling", "DescribeScalingActivities", {"ScalingActivities": [
        dict(base, ActivityId="4d759079-a31f-4d0c-8468-504c56e2eecf",
             Description="Setting desired count to 4.",
             Cause="monitor alarm TargetTracking-service/prod/web-AlarmHigh-1b2c in state "
                   "ALARM triggered policy cpu50",
             StartTime=t0, EndTime=t0 + datetime.timedelta(seconds=61),
             StatusCode="Successful",
             StatusMessage="Successfully set desired count to 4. Change successfully "
                           "fulfilled by ecs."),
        dict(base, ActivityId="90aff0eb-dd6a-443c-889b-b809e78061c1",
             Description="Setting desired count to 2.", Cause="maximum capacity was set to 2",
             StartTime=t0 - datetime.timedelta(hours=3), StatusCode="InProgress")],
        "NextToken": "eyJhY3Rpdml0eSI6IjkwYWZmMGViIn0="}, "aas_describe_scaling_activities.json")


def rec_json(rec, op):
    return json.loads(rec.last[op])


if __name__ == "__main__":
    main()
