#!/usr/bin/env python3
"""Through one member's proxy (its ecs-deployments behaviour keeps the deployments of the
proxy's own account, the credentials in the environment): a cluster "dep" with a ROLLING
service "roll" and a BLUE_GREEN service "bg" with a PAUSE hook before production traffic,
then a deployment of bg to a second revision. tests/cli/fleet.sh then moves the proxy's clock
to the hook (as tests/cli/deployments.sh).

    fleet_pause.py --endpoint URL
"""
import argparse

import boto3

HOOK = [{"targetType": "PAUSE", "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
         "timeoutConfiguration": {"timeoutInMinutes": 30, "action": "ROLLBACK"}}]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True)
    args = ap.parse_args()
    ecs = boto3.client("ecs", endpoint_url=args.endpoint)
    ec2 = boto3.client("ec2", endpoint_url=args.endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="dep", Description="dep", VpcId=vpc)["GroupId"]
    net = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg],
                                   "assignPublicIp": "DISABLED"}}
    ecs.create_cluster(clusterName="dep")
    for image in ("nginx:1.27", "nginx:1.28"):
        ecs.register_task_definition(
            family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="256", memory="512",
            containerDefinitions=[{"name": "app", "image": image, "essential": True}])
    ecs.create_service(cluster="dep", serviceName="roll", taskDefinition="web:1",
                       desiredCount=1, launchType="FARGATE", networkConfiguration=net)
    ecs.create_service(cluster="dep", serviceName="bg", taskDefinition="web:1",
                       desiredCount=2, launchType="FARGATE", networkConfiguration=net,
                       deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5,
                                                "lifecycleHooks": HOOK})
    ecs.update_service(cluster="dep", service="bg", taskDefinition="web:2")


if __name__ == "__main__":
    main()
