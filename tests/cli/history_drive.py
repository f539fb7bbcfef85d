"""Service-deployment history through the AWS-behaviour layer (ecs-deployments) with boto3.
Used by tests/cli/history.sh and tests/console/history.sh; `capture` wrote the fixtures of
tests/unit/data/history/ (see its README).

  history_drive.py seed            cluster "hist": task definitions web:1..3, two target groups,
                                   service "web" (BLUE_GREEN, no hooks, bake 1 min) on web:1
                                   behind target group blue:80 in subnet A, sg A, no public IP
  history_drive.py move            UpdateService web to the next task definition, the other
                                   subnet, security group and target group, public IP on
  history_drive.py moves N         N moves in a row (each stops the one before it)
  history_drive.py stop            StopServiceDeployment ROLLBACK of the newest deployment
  history_drive.py capture DIR     DescribeServiceRevisions of the newest deployment's target
                                   and source, saved as DIR/ecs_describe_service_revisions_moved_layer.json
"""
import json
import sys

import boto3

ecs = boto3.client("ecs")
C = "hist"
S = "web"


def state():
    try:
        return json.load(open(sys.argv[0] + ".state"))
    except OSError:
        return {}


def newest():
    arn = ecs.list_service_deployments(cluster=C, service=S)["serviceDeployments"][0][
        "serviceDeploymentArn"]
    return ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]


def main(argv, st_path):
    what = argv[0]
    if what == "seed":
        ec2 = boto3.client("ec2")
        elb = boto3.client("elbv2")
        vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24")["Subnet"]["SubnetId"]
                   for i in (1, 2)]
        sgs = [ec2.create_security_group(GroupName=f"hist{i}", Description="hist",
                                         VpcId=vpc)["GroupId"] for i in (1, 2)]
        tgs = [elb.create_target_group(Name=n, Protocol="HTTP", Port=p, VpcId=vpc,
                                       TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
               for n, p in (("blue", 80), ("green", 8080))]
        ecs.create_cluster(clusterName=C)
        for image in ("nginx:1.26", "nginx:1.27", "nginx:1.28"):
            ecs.register_task_definition(
                family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                cpu="256", memory="512",
                containerDefinitions=[{"name": "app", "image": image, "essential": True,
                                       "portMappings": [{"containerPort": 80},
                                                        {"containerPort": 8080}]}])
        ecs.create_service(cluster=C, serviceName=S, taskDefinition="web:1", desiredCount=1,
                           launchType="FARGATE",
                           networkConfiguration={"awsvpcConfiguration": {
                               "subnets": [subnets[0]], "securityGroups": [sgs[0]],
                               "assignPublicIp": "DISABLED"}},
                           loadBalancers=[{"targetGroupArn": tgs[0], "containerName": "app",
                                           "containerPort": 80}],
                           deploymentConfiguration={"strategy": "BLUE_GREEN",
                                                    "bakeTimeInMinutes": 1})
        json.dump({"subnets": subnets, "sgs": sgs, "tgs": tgs, "n": 0}, open(st_path, "w"))
    elif what == "moves":
        for _ in range(int(argv[1])):
            main(["move"], st_path)
    elif what == "move":
        st = json.load(open(st_path))
        st["n"] += 1
        k = st["n"] % 2
        cur = ecs.describe_services(cluster=C, services=[S])["services"][0]
        rev = int(cur["taskDefinition"].rsplit(":", 1)[1]) % 3 + 1
        ecs.update_service(cluster=C, service=S, taskDefinition=f"web:{rev}",
                           networkConfiguration={"awsvpcConfiguration": {
                               "subnets": [st["subnets"][k]], "securityGroups": [st["sgs"][k]],
                               "assignPublicIp": "ENABLED" if k else "DISABLED"}},
                           loadBalancers=[{"targetGroupArn": st["tgs"][k],
                                           "containerName": "app",
                                           "containerPort": 8080 if k else 80}])
        json.dump(st, open(st_path, "w"))
    elif what == "stop":
        ecs.stop_service_deployment(serviceDeploymentArn=newest()["serviceDeploymentArn"],
                                    stopType="ROLLBACK")
    elif what == "capture":
        d = newest()
        arns = [d["targetServiceRevision"]["arn"]] + [s["arn"] for s in
                                                       d["sourceServiceRevisions"]]
        # The raw body as the layer sent it, not boto3's parse.
        raw = {}

        def keep(http_response, **_):
            raw["body"] = http_response.text
        ecs.meta.events.register("after-call.ecs.DescribeServiceRevisions",
                                 lambda http_response, **kw: keep(http_response))
        ecs.describe_service_revisions(serviceRevisionArns=arns)
        open(argv[1] + "/ecs_describe_service_revisions_moved_layer.json", "w").write(
            raw["body"])
    else:
        sys.exit("unknown command " + what)


if __name__ == "__main__":
    main(sys.argv[1:], sys.argv[1:] and __import__("os").environ.get("HISTORY_STATE",
                                                                     "history_state.json"))
