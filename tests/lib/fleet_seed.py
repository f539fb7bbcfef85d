#!/usr/bin/env python3
"""Seed a small fleet into one moto server: two accounts (moto keeps an account per
assumed role: the credentials of AssumeRole into arn:aws:iam::ACCOUNT:role/... act in
ACCOUNT) and two regions. Prints the JSON summary of what was made. The prod account has the alias acme-prod.

    prod    111111111111  us-east-1  web (api: 2 of 2 running behind target group api-tg with
                                      targets 10.0.1.5 and 10.0.1.6, pay: 0 of 3, an alarm in
                                      ALARM on ClusterName=web), batch (no services)
    prod    111111111111  eu-west-1  edge (cdn: 1 of 1)
    staging 222222222222  us-east-1  stage (app: 1 of 1)
"""

import argparse
import json
import sys

import boto3
from botocore.config import Config

AKID = "AKIDONDECKTEST"
SECRET = "ondeck/test/SECRET+key0123456789abcdefghij"
ACCOUNTS = {"prod": "111111111111", "staging": "222222222222"}

# account name -> region -> cluster -> [(service, desired, running)]
WORLD = {
    "prod": {
        "us-east-1": {"web": [("api", 2, 2), ("pay", 3, 0)], "batch": []},
        "eu-west-1": {"edge": [("cdn", 1, 1)]},
    },
    "staging": {"us-east-1": {"stage": [("app", 1, 1)]}},
}
CFG = Config(retries={"max_attempts": 2, "mode": "standard"})


def session_for(endpoint, account):
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id=AKID, aws_secret_access_key=SECRET, config=CFG)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/ondeck",
                        RoleSessionName="fleet-seed")["Credentials"]
    return boto3.session.Session(aws_access_key_id=c["AccessKeyId"],
                                 aws_secret_access_key=c["SecretAccessKey"],
                                 aws_session_token=c["SessionToken"])


def seed_region(session, endpoint, region, clusters, out):
    ecs = session.client("ecs", endpoint_url=endpoint, region_name=region, config=CFG)
    cw = session.client("cloudwatch", endpoint_url=endpoint, region_name=region, config=CFG)
    ec2 = session.client("ec2", endpoint_url=endpoint, region_name=region, config=CFG)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:1]
    vpc = ec2.describe_subnets()["Subnets"][0]["VpcId"]
    sg = ec2.create_security_group(GroupName="fleet-sg", Description="fleet test",
                                   VpcId=vpc)["GroupId"]
    net = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg],
                                   "assignPublicIp": "DISABLED"}}
    td = ecs.register_task_definition(
        family="app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
        cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx:1",
                               "cpu": 256, "memory": 512, "essential": True}])["taskDefinition"]
    lbs = {}
    if "web" in clusters:  # api's target group, two ip targets (tests/cli/fleet.sh makes one
        # unhealthy with the target-health behaviour at prod's proxy)
        elb = session.client("elbv2", endpoint_url=endpoint, region_name=region, config=CFG)
        tg = elb.create_target_group(Name="api-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                     TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
        elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "10.0.1.5", "Port": 80},
                                                         {"Id": "10.0.1.6", "Port": 80}])
        lbs["api"] = [{"targetGroupArn": tg, "containerName": "app", "containerPort": 80}]
    for cluster, services in clusters.items():
        ecs.create_cluster(clusterName=cluster)
        for name, desired, running in services:
            extra = {"loadBalancers": lbs[name]} if name in lbs else {}
            svc = ecs.create_service(cluster=cluster, serviceName=name,
                                     taskDefinition=td["taskDefinitionArn"],
                                     desiredCount=desired, launchType="FARGATE",
                                     networkConfiguration=net, **extra)["service"]
            # moto starts a service with none running and counts an UpdateService's
            # desiredCount as running: that is how a healthy service is made here.
            if running == desired:
                ecs.update_service(cluster=cluster, service=svc["serviceName"],
                                   desiredCount=desired)
            out.append({"region": region, "cluster": cluster, "service": name,
                        "desired": desired, "running": running})
    if "web" in clusters:
        cw.put_metric_alarm(AlarmName="web-cpu-high", Namespace="AWS/ECS",
                            MetricName="CPUUtilization", Statistic="Average", Period=60,
                            EvaluationPeriods=1, Threshold=80,
                            ComparisonOperator="GreaterThanThreshold",
                            Dimensions=[{"Name": "ClusterName", "Value": "web"}])
        cw.set_alarm_state(AlarmName="web-cpu-high", StateValue="ALARM",
                           StateReason="Threshold Crossed: fleet test")
        cw.put_metric_alarm(AlarmName="quiet", Namespace="AWS/ECS",
                            MetricName="CPUUtilization", Statistic="Average", Period=60,
                            EvaluationPeriods=1, Threshold=80,
                            ComparisonOperator="GreaterThanThreshold",
                            Dimensions=[{"Name": "ClusterName", "Value": "batch"}])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True)
    args = ap.parse_args()
    summary = {"accounts": ACCOUNTS, "services": {}}
    for name, regions in WORLD.items():
        session = session_for(args.endpoint, ACCOUNTS[name])
        if name == "prod":  # staging has no alias: its rows show '-'
            session.client("iam", endpoint_url=args.endpoint, region_name="us-east-1",
                           config=CFG).create_account_alias(AccountAlias="acme-prod")
        made = summary["services"].setdefault(name, [])
        for region, clusters in regions.items():
            seed_region(session, args.endpoint, region, clusters, made)
    json.dump(summary, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
