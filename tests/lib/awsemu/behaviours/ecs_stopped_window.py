"""How long ECS keeps showing a stopped task: about an hour; moto keeps it forever."""

from awsemu import Behaviour


class StoppedWindow(Behaviour):
    """ECS shows a stopped task only for a while: "Recently stopped tasks might appear in the
    returned results" (ListTasks), stopped tasks "appear in the returned results for at least
    one hour" (DescribeTasks); after that ListTasks leaves them out and DescribeTasks answers
    them as failures with reason MISSING. moto 5.2.1 keeps stopped tasks forever, so a client
    that loses what it saw an hour ago is never caught. This behaviour drops a stopped task
    `window_s` seconds after the layer first saw it stopped (a test sets the window to 0 to be
    where AWS is an hour later). Off by default: the default window changes nothing within a
    test, and the tests about the window switch it on."""
    name = "ecs-stopped-window"
    order = 50
    default_on = False
    cite = ("Amazon ECS API Reference, DescribeTasks ('stopped tasks appear in the returned "
            "results for at least one hour') and ListTasks ('Recently stopped tasks might "
            "appear'); Failure.reason MISSING")
    settings = {"window_s": 3600}

    def __init__(self, layer):
        super().__init__(layer)
        self.first_seen = {}  # task ARN -> when the layer first saw it stopped

    def reset(self):
        with self.lock:
            self.first_seen = {}

    def _gone(self, arn):
        import time
        with self.lock:
            t0 = self.first_seen.setdefault(arn, time.time())
            return time.time() - t0 > float(self.cfg["window_s"])

    def after(self, call, reply):
        if call.service != "ecs" or not reply.ok:
            return reply
        if call.op == "ListTasks" and call.params.get("desiredStatus") == "STOPPED":
            d = reply.data
            arns = d.get("taskArns", [])
            keep = [a for a in arns if not self._gone(a)]
            if len(keep) != len(arns):
                self.count("listed_out", len(arns) - len(keep))
                d["taskArns"] = keep
                reply.set_data(d)
        elif call.op == "DescribeTasks":
            d = reply.data
            tasks, failures = [], list(d.get("failures", []))
            for t in d.get("tasks", []):
                stopped = t.get("lastStatus") == "STOPPED" or t.get("desiredStatus") == "STOPPED"
                if stopped and self._gone(t["taskArn"]):
                    failures.append({"arn": t["taskArn"], "reason": "MISSING"})
                    self.count("missing")
                else:
                    tasks.append(t)
            if failures != d.get("failures", []):
                d["tasks"], d["failures"] = tasks, failures
                reply.set_data(d)
        return reply


BEHAVIOURS = [StoppedWindow]
