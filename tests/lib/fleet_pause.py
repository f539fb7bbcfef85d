#!/usr/bin/env python3
"""Through one member's proxy (its ecs-deployments behaviour keeps the deployments of the
proxy's own account, the credentials in the environment): a cluster "dep" with a ROLLING
service "roll" and a BLUE_GREEN service "bg" with a PAUSE hook before production traffic,
then a deployment of bg to a second revision. tests/cli/fleet.sh then moves the proxy's clock
to the hook (as tests/cli/deployments.sh). With --more N: N more such services bg2... in
"dep", each deployed the same way (the per-member cap).

    fleet_pause.py --endpoint URL [--more N]
"""
import argparse

import boto3

HOOK = [{"targetType": "PAUSE", "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
         "timeoutConfiguration": {"timeoutInMinutes": 30, "action": "ROLLBACK"}}]


def blue_green(ecs, name, net):
    ecs.create_service(cluster="dep", serviceName=name, taskDefinition="web:1",
                       desiredCount=2, launchType="FARGATE", networkConfiguration=net,
                       deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5,
                                                "lifecycleHooks": HOOK})
    ecs.update_service(cluster="dep", service=name, taskDefinition="web:2")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--more", type=int, default=0)
    args = ap.parse_args()
    ecs = boto3.client("ecs", endpoint_url=args.endpoint)
    if args.more:
        net = ecs.describe_services(cluster="dep", services=["bg"])["services"][0][
            "networkConfiguration"]
        for i in range(2, 2 + args.more):
            blue_green(ecs, f"bg{i}", net)
        return
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
    blue_green(ecs, "bg", net)


if __name__ == "__main__":
    main()
