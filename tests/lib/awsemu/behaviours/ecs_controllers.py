"""ECS services whose deployment controller is CODE_DEPLOY or EXTERNAL."""

import math

from botocore.exceptions import ClientError

from awsemu import AwsError, Behaviour, moto_client

TASK_SET_CONTROLLERS = ("CODE_DEPLOY", "EXTERNAL")

# What UpdateService may not change for each controller (ECS API Reference, UpdateService),
# as request member -> the words of the error.
NOT_UPDATABLE = {
    "CODE_DEPLOY": {"taskDefinition": "task definition",
                    "networkConfiguration": "network configuration",
                    "platformVersion": "platform version",
                    "loadBalancers": "load balancers",
                    "forceNewDeployment": "force a new deployment"},
    "EXTERNAL": {"taskDefinition": "task definition",
                 "networkConfiguration": "network configuration",
                 "platformVersion": "platform version",
                 "loadBalancers": "load balancers",
                 "capacityProviderStrategy": "launch type",
                 "forceNewDeployment": "force a new deployment"},
}


def _controller(service):
    return (service.get("deploymentController") or {}).get("type", "ECS")


class DeploymentControllers(Behaviour):
    """AWS: a service with the CODE_DEPLOY or EXTERNAL deployment controller keeps its
    versions in taskSets; deployments[] and rolloutState belong to the ECS controller only,
    and UpdateService cannot change such a service's task definition (nor its network
    configuration, platform version or load balancers, nor force a new deployment): it
    answers InvalidParameterException and points at CodeDeploy or CreateTaskSet. Every task
    set carries computedDesiredCount (the service's desiredCount times the set's scale,
    rounded up) and its running and pending counts. moto 5.2.1 takes deploymentController
    and CreateTaskSet, and its DescribeServices already sends taskSets and an empty
    deployments[] for such services; but it accepts the task definition change (and switches
    the service to it), and sends task sets without computedDesiredCount, runningCount or
    pendingCount. The layer refuses those UpdateService calls with AWS's
    text, empties deployments[] of such services, and fills the task sets' counts: a
    STEADY_STATE set runs its computed count with nothing pending (the TaskSet
    stabilityStatus definition); the ids or externalIds in the setting `stabilizing` are
    reported STABILIZING with their tasks still pending."""

    name = "ecs-controllers"
    order = 50
    cite = ("ECS API Reference, UpdateService: 'For services using the blue/green "
            "(CODE_DEPLOY) deployment controller, only the desired count, deployment "
            "configuration, health check grace period, task placement constraints and "
            "strategies, enable ECS managed tags option, and propagate tags can be updated' / "
            "'For services using an external deployment controller ... create a new task set'; "
            "error 'Unable to update task definition on services with a CODE_DEPLOY deployment "
            "controller. Use AWS CodeDeploy to trigger a new deployment.'; Deployment: 'used "
            "only when a service uses the ECS deployment controller type'; TaskSet "
            "computedDesiredCount, stabilityStatus (botocore ecs-2014-11-13)")
    settings = {"stabilizing": []}

    def before(self, call):
        if call.service != "ecs" or call.op != "UpdateService":
            return None
        p = call.params
        asked = [k for k in ("taskDefinition", "networkConfiguration", "platformVersion",
                             "loadBalancers", "capacityProviderStrategy", "forceNewDeployment")
                 if p.get(k) not in (None, False)]
        if not asked:
            return None
        try:
            found = moto_client(self.layer, "ecs", call.region).describe_services(
                cluster=p.get("cluster", "default"), services=[p["service"]])["services"]
        except ClientError:
            return None  # no such cluster: moto answers that itself
        ctl = _controller(found[0]) if found else "ECS"
        what = [NOT_UPDATABLE.get(ctl, {}).get(k) for k in asked]
        what = [w for w in what if w is not None]
        if not what:
            return None
        self.count("refused")
        if ctl == "CODE_DEPLOY":
            raise AwsError(400, "InvalidParameterException",
                           f"Unable to update {what[0]} on services with a CODE_DEPLOY "
                           "deployment controller. Use AWS CodeDeploy to trigger a new "
                           "deployment.")
        raise AwsError(400, "InvalidParameterException",
                       f"Unable to update {what[0]} on services with an EXTERNAL deployment "
                       "controller. Create a new task set (CreateTaskSet) instead.")

    def after(self, call, reply):
        if call.service != "ecs" or not reply.ok or call.op not in ("DescribeServices",
                                                                    "DescribeTaskSets"):
            return reply
        d = reply.data
        with self.lock:
            stabilizing = set(self.cfg["stabilizing"])
        if call.op == "DescribeServices":
            touched = False
            for svc in d.get("services", []):
                if _controller(svc) not in TASK_SET_CONTROLLERS:
                    continue
                svc["deployments"] = []
                for ts in svc.get("taskSets", []):
                    self._counts(ts, svc.get("desiredCount", 0), stabilizing)
                touched = True
            if touched:
                self.count("described")
                reply.set_data(d)
            return reply
        sets = d.get("taskSets", [])
        if sets:
            try:
                svc = moto_client(self.layer, "ecs", call.region).describe_services(
                    cluster=call.params.get("cluster", "default"),
                    services=[call.params["service"]])["services"]
            except ClientError:
                return reply
            desired = svc[0].get("desiredCount", 0) if svc else 0
            for ts in sets:
                self._counts(ts, desired, stabilizing)
            reply.set_data(d)
        return reply

    @staticmethod
    def _counts(ts, desired, stabilizing):
        scale = ts.get("scale") or {"value": 100.0, "unit": "PERCENT"}
        computed = math.ceil(desired * float(scale.get("value", 100.0)) / 100.0)
        ts["computedDesiredCount"] = computed
        if ts.get("id") in stabilizing or ts.get("externalId") in stabilizing:
            ts["stabilityStatus"] = "STABILIZING"
            ts.setdefault("runningCount", 0)
            ts.setdefault("pendingCount", computed - ts["runningCount"])
        elif ts.get("stabilityStatus", "STEADY_STATE") == "STEADY_STATE":
            ts["runningCount"], ts["pendingCount"] = computed, 0


BEHAVIOURS = [DeploymentControllers]
