"""Stopped ECS tasks as DescribeTasks describes them: stop code, times, exit codes."""

from datetime import datetime, timezone

import time

from awsemu import Behaviour


class StoppedTasks(Behaviour):
    """A stopped ECS task carries a stopCode (UserInitiated after StopTask), stoppingAt and
    stoppedAt, and each container its lastStatus STOPPED and the exitCode its process ended
    with. moto 5.2.1 sets none of these (and gives every container exitCode 0). This behaviour
    gives every stopped task stopCode UserInitiated and the times at which the layer first saw
    it stopped; a task named in the setting `tasks` ({task id: {stopCode, stoppedReason,
    containers: [{name, exitCode, reason}]}}) gets what that says (what killed it, which no
    emulator can know): its containers of those names take the exit code and reason, and a
    container given without exitCode has none (one that never ran). Running tasks are not
    touched. Off by default: tests that compare DescribeTasks with moto's own answer see
    moto's."""
    name = "ecs-stopped-tasks"
    order = 50
    default_on = False
    cite = ("Amazon ECS API Reference, Task (stopCode, stoppedReason, stoppingAt, stoppedAt) and "
            "Container (exitCode, reason); botocore ecs-2014-11-13 TaskStopCode enum")
    settings = {"tasks": {}}

    def __init__(self, layer):
        super().__init__(layer)
        self.first_seen = {}  # task ARN -> epoch seconds

    def reset(self):
        with self.lock:
            self.first_seen = {}

    def after(self, call, reply):
        if call.service != "ecs" or call.op != "DescribeTasks" or not reply.ok:
            return reply
        d, changed = reply.data, False
        with self.lock:
            deaths = dict(self.cfg.get("tasks") or {})
        for t in d.get("tasks", []):
            if t.get("lastStatus") != "STOPPED" and t.get("desiredStatus") != "STOPPED":
                continue
            changed = True
            with self.lock:
                seen = self.first_seen.setdefault(t["taskArn"], time.time())
            at = datetime.fromtimestamp(seen, tz=timezone.utc)
            t["lastStatus"] = "STOPPED"
            t.setdefault("stoppingAt", at)
            t.setdefault("stoppedAt", at)
            death = deaths.get(t["taskArn"].rsplit("/", 1)[-1]) or {}
            t["stopCode"] = death.get("stopCode", t.get("stopCode", "UserInitiated"))
            if "stoppedReason" in death:
                t["stoppedReason"] = death["stoppedReason"]
            given = {c["name"]: c for c in death.get("containers") or []}
            for c in t.get("containers", []):
                c["lastStatus"] = "STOPPED"
                for k in ("cpu", "memory", "memoryReservation"):
                    if isinstance(c.get(k), int):  # moto sends numbers; ECS strings
                        c[k] = str(c[k])
                g = given.get(c.get("name"))
                if g is None:
                    continue
                if "exitCode" in g:
                    c["exitCode"] = int(g["exitCode"])
                else:
                    c.pop("exitCode", None)
                if "reason" in g:
                    c["reason"] = g["reason"]
        if changed:
            self.count("described")
            reply.set_data(d)
        return reply


BEHAVIOURS = [StoppedTasks]
