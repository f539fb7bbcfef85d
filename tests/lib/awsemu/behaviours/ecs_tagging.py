"""ECS tag-on-create: a create call with tags also needs ecs:TagResource."""

from awsemu import Behaviour
from awsemu.behaviours.iam import allowed, deny, resource

# The ECS calls that take `tags` and tag what they create.
TAGGING_OPS = {"RegisterTaskDefinition", "CreateService", "RunTask", "StartTask",
               "CreateCluster", "CreateCapacityProvider", "CreateTaskSet"}


class EcsTagOnCreate(Behaviour):
    """ECS authorises a create request that carries `tags` twice: against its own action and
    against ecs:TagResource, and 'the request fails if the user does not have permissions to
    use the ecs:TagResource action' (AccessDeniedException naming ecs:TagResource); without
    tags the same request needs only its own action. moto checks no IAM. The layer refuses
    such a request when the iam behaviour's policy does not allow ecs:TagResource (counted as
    `ecs-tagging:denied`); with iam off or its default policy nothing changes. The model's
    TagValue pattern is checked by the layer's request validation."""
    name = "ecs-tagging"
    order = 11
    cite = ("Amazon ECS Developer Guide, 'Grant permission to tag resources on creation': "
            "'the request fails if the user does not have permissions to use the "
            "ecs:TagResource action'")

    def before(self, call):
        if call.service != "ecs" or call.op not in TAGGING_OPS or not call.params.get("tags"):
            return None
        if allowed(self.layer, "ecs:TagResource"):
            return None
        self.count("denied")
        raise deny(call, "ecs:TagResource", resource(call))


BEHAVIOURS = [EcsTagOnCreate]
