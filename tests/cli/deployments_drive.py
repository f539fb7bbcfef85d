"""Drive ECS service deployments through the AWS-behaviour layer (ecs-deployments) with boto3:
seed a cluster "dep" with services of each strategy, then act on them. Used by
tests/cli/deployments.sh and tests/console/deployments.sh.

  deployments_drive.py seed             cluster, task definitions web:1/web:2, services roll,
                                        bg (BLUE_GREEN, PAUSE hook before production traffic),
                                        lin (LINEAR 50%), can (CANARY 20%), all on web:1
  deployments_drive.py deploy SVC       UpdateService SVC to the other of web:1/web:2 (a new
                                        service deployment)
  deployments_drive.py stop SVC TYPE    StopServiceDeployment of SVC's newest deployment
  deployments_drive.py continue SVC [ACTION]   ContinueServiceDeployment of its waiting hook
  deployments_drive.py show SVC         status stage hooks of the newest deployment, one line
"""
import sys

import boto3

ecs = boto3.client("ecs")
C = "dep"
HOOK = [{"targetType": "PAUSE", "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
         "timeoutConfiguration": {"timeoutInMinutes": 30, "action": "ROLLBACK"}}]
STRATEGIES = {
    "roll": {"strategy": "ROLLING",
             "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    "bg": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5, "lifecycleHooks": HOOK},
    "lin": {"strategy": "LINEAR", "bakeTimeInMinutes": 1,
            "linearConfiguration": {"stepPercent": 50.0, "stepBakeTimeInMinutes": 1}},
    "can": {"strategy": "CANARY", "bakeTimeInMinutes": 1,
            "canaryConfiguration": {"canaryPercent": 20.0, "canaryBakeTimeInMinutes": 2}},
}


def newest(svc):
    arn = ecs.list_service_deployments(cluster=C, service=svc)["serviceDeployments"][0][
        "serviceDeploymentArn"]
    return ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]


def main(argv):
    what = argv[0]
    if what == "seed":
        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="dep", Description="dep", VpcId=vpc)["GroupId"]
        net = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg],
                                       "assignPublicIp": "DISABLED"}}
        ecs.create_cluster(clusterName=C)
        for image in ("nginx:1.27", "nginx:1.28"):
            ecs.register_task_definition(
                family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                cpu="256", memory="512",
                containerDefinitions=[{"name": "app", "image": image, "essential": True}])
        for name, cfg in STRATEGIES.items():
            ecs.create_service(cluster=C, serviceName=name, taskDefinition="web:1",
                               desiredCount=2, launchType="FARGATE",
                               networkConfiguration=net, deploymentConfiguration=cfg)
    elif what == "deploy":
        cur = ecs.describe_services(cluster=C, services=[argv[1]])["services"][0]
        ecs.update_service(cluster=C, service=argv[1],
                           taskDefinition="web:1" if cur["taskDefinition"].endswith(":2")
                           else "web:2")
    elif what == "stop":
        d = newest(argv[1])
        ecs.stop_service_deployment(serviceDeploymentArn=d["serviceDeploymentArn"],
                                    stopType=argv[2])
    elif what == "continue":
        d = newest(argv[1])
        hook = [h for h in d.get("lifecycleHookDetails", []) if h["status"] == "AWAITING_ACTION"]
        ecs.continue_service_deployment(serviceDeploymentArn=d["serviceDeploymentArn"],
                                        hookId=hook[0]["hookId"],
                                        action=argv[2] if len(argv) > 2 else "CONTINUE")
    elif what == "show":
        d = newest(argv[1])
        t = d["targetServiceRevision"]
        hooks = ",".join(f"{h['status']}:{h['timeoutAction']}"
                         for h in d.get("lifecycleHookDetails", []))
        print(d["status"], d.get("lifecycleStage", "-"), hooks or "-",
              t.get("requestedProductionTrafficWeight", "-"))
    else:
        sys.exit(f"unknown command {what}")


if __name__ == "__main__":
    main(sys.argv[1:])
