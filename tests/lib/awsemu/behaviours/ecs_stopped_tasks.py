"""What ECS says about a stopped task that moto does not, and how long it says it."""

import time
from datetime import datetime, timezone

from awsemu import Behaviour


class StoppedTasks(Behaviour):
    """A stopped ECS task carries stopCode (UserInitiated after StopTask), stoppingAt,
    stoppedAt and executionStoppedAt, and each container its lastStatus STOPPED and the
    exitCode its process ended with; ECS keeps showing it only for a while: "Recently stopped
    tasks might appear in the returned results" (ListTasks), stopped tasks "appear in the
    returned results for at least one hour" (DescribeTasks), then ListTasks leaves them out and
    DescribeTasks answers them as failures (reason MISSING). moto 5.2.1 sets none of these
    fields and keeps stopped tasks forever. This behaviour fills the times and the stopCode of
    the tasks stopped through the layer (StopTask), gives containers the exit codes a test
    names in `exits` ({task id: {container: code}}: what the program exited with, which no
    emulator can know), and drops a stopped task `window_s` seconds after its stop (a test
    shortens the window to be where AWS is an hour later). Off by default: tests that compare
    DescribeTasks through the layer with moto's own answer switch it off anyway."""
    name = "ecs-stopped-tasks"
    order = 50
    default_on = False
    cite = ("Amazon ECS API Reference, Task (stopCode, stoppingAt, stoppedAt, "
            "executionStoppedAt, containers[].exitCode), DescribeTasks ('stopped tasks appear in "
            "the returned results for at least one hour') and ListTasks ('Recently stopped "
            "tasks might appear'); Failure.reason MISSING")
    settings = {"window_s": 3600, "exits": {}}

    def __init__(self, layer):
        super().__init__(layer)
        self.stopped = {}  # task ARN -> {"at": epoch, "code": stopCode or None}

    def reset(self):
        with self.lock:
            self.stopped = {}

    def _seen(self, arn, code=None):
        with self.lock:
            return self.stopped.setdefault(arn, {"at": time.time(), "code": code})

    def _gone(self, rec):
        return time.time() - rec["at"] > float(self.cfg["window_s"])

    def after(self, call, reply):
        if call.service != "ecs" or not reply.ok:
            return reply
        if call.op == "StopTask":
            task = reply.data.get("task") or {}
            if task.get("taskArn"):
                self._seen(task["taskArn"], "UserInitiated")
            return reply
        if call.op == "ListTasks" and call.params.get("desiredStatus") == "STOPPED":
            d = reply.data
            keep = [a for a in d.get("taskArns", []) if not self._gone(self._seen(a))]
            if len(keep) != len(d.get("taskArns", [])):
                self.count("listed_out", len(d["taskArns"]) - len(keep))
                d["taskArns"] = keep
                reply.set_data(d)
            return reply
        if call.op == "DescribeTasks":
            return self._describe(reply)
        return reply

    def _describe(self, reply):
        d = reply.data
        tasks, failures, changed = [], d.get("failures", []), False
        with self.lock:
            exits = dict(self.cfg.get("exits") or {})
        for t in d.get("tasks", []):
            if t.get("lastStatus") != "STOPPED":
                tasks.append(t)
                continue
            changed = True
            rec = self._seen(t["taskArn"])
            if self._gone(rec):
                failures.append({"arn": t["taskArn"], "reason": "MISSING"})
                self.count("missing")
                continue
            at = datetime.fromtimestamp(rec["at"], tz=timezone.utc)
            for k in ("stoppingAt", "executionStoppedAt", "stoppedAt"):
                t.setdefault(k, at)
            if rec["code"] is not None:
                t.setdefault("stopCode", rec["code"])
            codes = exits.get(t["taskArn"].rsplit("/", 1)[-1]) or {}
            for c in t.get("containers", []):
                c["lastStatus"] = "STOPPED"
                for k in ("cpu", "memory", "memoryReservation"):
                    if isinstance(c.get(k), int):  # moto sends numbers; ECS strings
                        c[k] = str(c[k])
                if c.get("name") in codes:
                    c["exitCode"] = int(codes[c["name"]])
            tasks.append(t)
        if changed:
            d["tasks"], d["failures"] = tasks, failures
            reply.set_data(d)
        return reply


BEHAVIOURS = [StoppedTasks]
