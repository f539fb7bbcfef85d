"""A task lists every container of its task definition; moto lists the first one only."""

import uuid

from awsemu import Behaviour, moto_client


class TaskContainers(Behaviour):
    """An ECS task has one entry in containers[] per container definition of its task
    definition (each with its name, image, lastStatus and, once stopped, exitCode). moto 5.2.1
    builds a task's containers from the first container definition alone, so a sidecar (web's
    redis) is never seen. This behaviour adds the missing ones to DescribeTasks answers, read
    from the task definition in moto, with the first container's lastStatus (and no exitCode:
    ECS sets one only for a container that ran and stopped). Off by default: tests that compare
    ondeck's tasks with moto's own answer see moto's containers; the tests about containers
    (stopped tasks, exit codes) switch it on."""
    name = "ecs-task-containers"
    order = 60  # inside ecs-stopped-tasks: its exit codes reach the added containers
    default_on = False
    cite = ("Amazon ECS API Reference, Task.containers ('The containers that's associated "
            "with the task') and Container; botocore ecs-2014-11-13 Container shape")

    def __init__(self, layer):
        super().__init__(layer)
        self.defs = {}  # task definition ARN -> [container definition names and images]

    def _defs(self, region, arn):
        with self.lock:
            if arn in self.defs:
                return self.defs[arn]
        try:
            td = moto_client(self.layer, "ecs", region).describe_task_definition(
                taskDefinition=arn)["taskDefinition"]
            found = [(c.get("name"), c.get("image")) for c in td.get("containerDefinitions", [])]
        except Exception:  # noqa: BLE001 - a task definition moto cannot describe: leave as is
            found = []
        with self.lock:
            self.defs[arn] = found
        return found

    def after(self, call, reply):
        if call.service != "ecs" or call.op != "DescribeTasks" or not reply.ok:
            return reply
        d, changed = reply.data, False
        for t in d.get("tasks", []):
            have = {c.get("name") for c in t.get("containers", [])}
            first = (t.get("containers") or [{}])[0]
            for name, image in self._defs(call.region, t.get("taskDefinitionArn")):
                if name in have:
                    continue
                t.setdefault("containers", []).append({
                    "containerArn": f"{t['taskArn'].replace(':task/', ':container/')}/{uuid.uuid4()}",
                    "taskArn": t["taskArn"], "name": name, "image": image,
                    "lastStatus": first.get("lastStatus", "PENDING"), "networkInterfaces": []})
                changed = True
                self.count("added")
            for c in t.get("containers", []):
                for k in ("cpu", "memory", "memoryReservation"):
                    if isinstance(c.get(k), int):  # moto sends numbers; ECS strings
                        c[k] = str(c[k])
        if changed:
            reply.set_data(d)
        return reply


BEHAVIOURS = [TaskContainers]
