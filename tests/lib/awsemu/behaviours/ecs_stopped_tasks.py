"""Stopped ECS tasks as DescribeTasks describes them: stop code, timings, every container."""

import copy

import awsemu
from awsemu import Behaviour

# The task fields a death record may set (epoch seconds), as DescribeTasks sends them.
TIMES = ("createdAt", "pullStartedAt", "pullStoppedAt", "startedAt", "stoppingAt",
         "executionStoppedAt", "stoppedAt")


class EcsStoppedTasks(Behaviour):
    """A stopped task, as DescribeTasks describes it, carries a `stopCode` (TaskStopCode:
    TaskFailedToStart, EssentialContainerExited, UserInitiated, ...), its `stoppingAt` and
    `stoppedAt` times and one Container per container of its task definition, each with the
    `exitCode` it returned (none for a container that never ran, e.g. when its image could
    not be pulled), a `reason` and the `imageDigest` of the image it ran. moto 5.2.1 sends no
    stopCode and no times, models only the first container of the task definition, and gives
    it exitCode 0 whatever happened. This layer fills what AWS sends:

    * every task whose desiredStatus is STOPPED that the setting `tasks` does not name gets
      stopCode `UserInitiated` (StopTask is moto's only way to stop a task) and stoppingAt /
      stoppedAt at the time the layer first saw it stopped; moto's container is kept;
    * a task named in `tasks` ({task id: death}) is described as that death says: `stopCode`,
      `stoppedReason`, the times of TIMES it gives (epoch seconds; stoppingAt and stoppedAt
      default to the first sighting), and `containers`: a list of {name, image, exitCode,
      reason, imageDigest} that replaces moto's (each built on moto's container, so ARNs and
      the rest keep moto's shape; a container without `exitCode` has none, as AWS sends for
      one that never started). This is the test's world: what killed the task, which
      neither moto nor the layer can know.

    Running tasks are not touched."""
    name = "ecs-stopped-tasks"
    order = 55
    cite = ("ECS API Reference, Task (stopCode, stoppedReason, pullStartedAt, pullStoppedAt, "
            "stoppingAt, stoppedAt) and Container (exitCode 'The exit code returned from the "
            "container', reason, imageDigest); botocore ecs-2014-11-13 TaskStopCode enum; ECS "
            "Developer Guide, 'Amazon ECS stopped task error codes'")
    settings = {"tasks": {}}

    def __init__(self, layer):
        super().__init__(layer)
        self.first_seen = {}  # task ARN -> when the layer first saw it stopped

    def reset(self):
        with self.lock:
            self.first_seen.clear()

    def after(self, call, reply):
        if call.service != "ecs" or call.op != "DescribeTasks" or not reply.ok:
            return reply
        data = reply.data
        changed = False
        with self.lock:
            deaths = dict(self.cfg.get("tasks") or {})
            for t in data.get("tasks", []):
                if t.get("desiredStatus") != "STOPPED" and t.get("lastStatus") != "STOPPED":
                    continue
                seen = self.first_seen.setdefault(t["taskArn"], awsemu.now())
                self._stopped(t, deaths.get(t["taskArn"].rsplit("/", 1)[-1]), seen)
                changed = True
        if changed:
            self.count("described")
            reply.set_data(data)
        return reply

    @staticmethod
    def _stopped(t, death, seen):
        from datetime import datetime, timezone

        def utc(x):
            return datetime.fromtimestamp(float(x), tz=timezone.utc)

        t["lastStatus"] = "STOPPED"
        for c in t.get("containers") or []:
            # Container.cpu and .memory are strings in the model (AWS sends "128"); moto's
            # numbers only pass because its answers are not re-serialised.
            for k in ("cpu", "memory", "memoryReservation"):
                if isinstance(c.get(k), int):
                    c[k] = str(c[k])
        t.setdefault("stoppingAt", utc(seen))
        t.setdefault("stoppedAt", utc(seen))
        if death is None:
            t.setdefault("stopCode", "UserInitiated")
            return
        t["stopCode"] = death.get("stopCode", "EssentialContainerExited")
        if "stoppedReason" in death:
            t["stoppedReason"] = death["stoppedReason"]
        for k in TIMES:
            if k in death:
                t[k] = utc(death[k])
        if not death.get("containers"):
            return
        base = (t.get("containers") or [{}])[0]
        out = []
        for i, c in enumerate(death["containers"]):
            n = copy.deepcopy(base)
            n["name"] = c["name"]
            if "containerArn" in n:
                n["containerArn"] = "%s-%d" % (n["containerArn"], i) if i else n["containerArn"]
            n["lastStatus"] = "STOPPED"
            for k in ("image", "imageDigest", "reason"):
                if k in c:
                    n[k] = c[k]
                elif k != "image":
                    n.pop(k, None)
            if "exitCode" in c:
                n["exitCode"] = int(c["exitCode"])
            else:
                n.pop("exitCode", None)
            n.pop("healthStatus", None)  # a stopped container has no health check running
            out.append(n)
        t["containers"] = out


BEHAVIOURS = [EcsStoppedTasks]
