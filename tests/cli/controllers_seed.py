"""Seed moto (boto3, AWS_ENDPOINT_URL = moto) with the deployment-controller world of
tests/cli/controllers.sh and tests/console/controllers.sh: cluster ctl, task definitions web:1
and web:2, a CODE_DEPLOY service "cd" (2 tasks) with task sets web:1 (ACTIVE, CodeDeploy
deployment d-BLUE1) and web:2 (PRIMARY, d-GREEN2), and an EXTERNAL service "ext" (1 task) with
one task set (externalId mytool-7). Without a scale moto keeps its default (100 PERCENT) and
starts no tasks (its RunTask wants container instances)."""
import boto3
ecs = boto3.client("ecs")
ecs.create_cluster(clusterName="ctl")
tds = [ecs.register_task_definition(
           family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
           cpu="256", memory="512",
           containerDefinitions=[{"name": "app", "image": f"nginx:1.{n}", "essential": True}]
       )["taskDefinition"]["taskDefinitionArn"] for n in (1, 2)]
for name, ctl, count in (("cd", "CODE_DEPLOY", 2), ("ext", "EXTERNAL", 1)):
    ecs.create_service(cluster="ctl", serviceName=name, taskDefinition=tds[0],
                       desiredCount=count, launchType="FARGATE",
                       deploymentController={"type": ctl})
ecs.create_task_set(cluster="ctl", service="cd", taskDefinition=tds[0],
                           externalId="d-BLUE1", launchType="FARGATE")["taskSet"]
green = ecs.create_task_set(cluster="ctl", service="cd", taskDefinition=tds[1],
                            externalId="d-GREEN2", launchType="FARGATE")["taskSet"]
ecs.update_service_primary_task_set(cluster="ctl", service="cd",
                                    primaryTaskSet=green["taskSetArn"])
ecs.create_task_set(cluster="ctl", service="ext", taskDefinition=tds[0],
                    externalId="mytool-7", launchType="FARGATE")
