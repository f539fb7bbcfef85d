"""Seed the incident world of tests/cli/stopped.sh and tests/console/stopped.sh on top of
seed_world's small world (argv[1]: its world.json), straight into moto (AWS_ENDPOINT_URL =
moto), and print the AWS-behaviour layer's settings for the deaths as JSON.

  * service web (task definition with containers app and redis): five more tasks from
    RunTask (group service:web, startedBy the deployment id, as ECS sets them), all stopped
    with StopTask. The layer's `ecs-stopped-tasks` behaviour is told how each died (moto
    cannot know): four never started (TaskFailedToStart, CannotPullContainerError, no exit
    codes, pull times), one lost its essential container (EssentialContainerExited: app
    exited 1, redis 137 OutOfMemoryError, both with an image digest).
  * alarms: `web-latency-math`, metric math on web's target group (TargetGroup and
    LoadBalancer dimensions in Metrics[].MetricStat only), set to ALARM; `alb-elb-5xx` on the
    load balancer alone (HTTPCode_ELB_5XX_Count), which web and api share.
  * logs: the crashed task's streams in /ecs/web (app and redis), its last lines before it
    stopped, and one line written long before.

Output: {"emu": {...}, "crash_task": ID, "pull_tasks": [IDs], "web_tg_dim": ..., "alb_dim": ...}
"""
import json
import sys
import time

import boto3

world = json.load(open(sys.argv[1]))
web = [s for s in world["services"] if s["name"] == "web"][0]
ecs, elbv2, cw = boto3.client("ecs"), boto3.client("elbv2"), boto3.client("cloudwatch")

svc = ecs.describe_services(cluster="prod", services=["web"])["services"][0]
run = dict(cluster="prod", taskDefinition=svc["taskDefinition"], count=5,
           launchType="FARGATE", group="service:web",
           startedBy=svc["deployments"][0]["id"],
           networkConfiguration=svc["networkConfiguration"])
tasks = ecs.run_task(**run)["tasks"]
ids = [t["taskArn"].rsplit("/", 1)[1] for t in tasks]
for t in tasks:
    ecs.stop_task(cluster="prod", task=t["taskArn"], reason="stopped by the test seed")

PULL = ("CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to "
        "resolve ref public.ecr.aws/nginx/nginx:9.99: not found")
T0 = float(int(time.time()) - 1800)  # the pull failures: 30 to 24 minutes ago
deaths = {}
for i, tid in enumerate(ids[:4]):
    at = T0 + 120 * i
    deaths[tid] = {
        "stopCode": "TaskFailedToStart", "stoppedReason": PULL,
        "createdAt": at, "pullStartedAt": at + 2, "pullStoppedAt": at + 31,
        "stoppingAt": at + 32, "stoppedAt": at + 40,
        "containers": [{"name": "app", "image": "public.ecr.aws/nginx/nginx:9.99",
                        "reason": PULL},
                       {"name": "redis", "image": "public.ecr.aws/docker/library/redis:7"}]}
at = T0 - 1800  # the crash: created 60 minutes ago, stopped 25 minutes later
deaths[ids[4]] = {
    "stopCode": "EssentialContainerExited", "stoppedReason": "Essential container in task exited",
    "createdAt": at, "pullStartedAt": at + 1, "pullStoppedAt": at + 4, "startedAt": at + 6,
    "stoppingAt": at + 1500, "stoppedAt": at + 1512,
    "containers": [
        {"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "exitCode": 1,
         "imageDigest": "sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac"},
        {"name": "redis", "image": "public.ecr.aws/docker/library/redis:7", "exitCode": 137,
         "reason": "OutOfMemoryError: Container killed due to memory usage",
         "imageDigest": "sha256:9f2c4b1d0e7a6c5b4a3928170f6e5d4c3b2a190817263544536271809a8b7c6d"}]}

tg = elbv2.describe_target_groups(TargetGroupArns=[web["target_group_arn"]])["TargetGroups"][0]
tg_dim = tg["TargetGroupArn"].split(":", 5)[5]
alb_dim = tg["LoadBalancerArns"][0].split(":loadbalancer/", 1)[1]
cw.put_metric_alarm(
    AlarmName="web-latency-math", EvaluationPeriods=3, Threshold=500.0,
    ComparisonOperator="GreaterThanThreshold", ActionsEnabled=False,
    Metrics=[{"Id": "m1", "ReturnData": False,
              "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB",
                                        "MetricName": "TargetResponseTime",
                                        "Dimensions": [{"Name": "TargetGroup", "Value": tg_dim},
                                                       {"Name": "LoadBalancer", "Value": alb_dim}]},
                             "Period": 60, "Stat": "Average"}},
             {"Id": "e1", "Expression": "m1 * 1000", "Label": "latency ms", "ReturnData": True}])
cw.set_alarm_state(AlarmName="web-latency-math", StateValue="ALARM",
                   StateReason="Threshold Crossed: 3 datapoints were greater than 500.0")
cw.put_metric_alarm(
    AlarmName="alb-elb-5xx", Namespace="AWS/ApplicationELB", MetricName="HTTPCode_ELB_5XX_Count",
    Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=10.0,
    ComparisonOperator="GreaterThanThreshold", ActionsEnabled=False,
    Dimensions=[{"Name": "LoadBalancer", "Value": alb_dim}])
# The crashed task's last words, in its awslogs stream (web/app/TASK, web/redis/TASK), and
# one line long before the quarter hour the task view reads.
logs = boto3.client("logs")
for container, lines in (("app", [(at + 10, "listening on :80"),
                                  (at + 1490, "redis: connection refused (redis:6379)"),
                                  (at + 1499, "panic: cannot reach the cache, exiting")]),
                         ("redis", [(at + 7, "Ready to accept connections tcp"),
                                    (at + 1480, "Out of memory allocating 1048576 bytes")])):
    stream = f"web/{container}/{ids[4]}"
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName=stream)
    logs.put_log_events(logGroupName="/ecs/web", logStreamName=stream,
                        logEvents=[{"timestamp": int(t * 1000), "message": m} for t, m in lines])
print(json.dumps({"emu": {"ecs-stopped-tasks": {"tasks": deaths}}, "crash_task": ids[4],
                  "pull_tasks": ids[:4], "web_tg_dim": tg_dim, "alb_dim": alb_dim}))
