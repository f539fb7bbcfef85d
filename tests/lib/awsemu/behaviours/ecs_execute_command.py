"""ECS Exec: ExecuteCommand, and the task state it depends on."""

import datetime
import hashlib
import itertools
import secrets

from botocore.exceptions import ClientError

from awsemu import AwsError, Behaviour, Reply, moto_client

_ids = itertools.count(1)

# The ECS Developer Guide, "Troubleshooting issues with ECS Exec" (the error it quotes).
NOT_ENABLED = ("The execute command failed because execute command was not enabled when the "
               "task was run or the execute command agent isn't running. Wait and try again or "
               "run a new task with execute command enabled and try again.")
# The same page, for a target the agent could not connect to (an IAM or network problem).
NOT_CONNECTED = "The execute command failed due to an internal error. Try again later."


def _cluster(name):
    """ECS takes a cluster's name or its ARN."""
    return (name or "default").rsplit("/", 1)[-1]


class ExecuteCommand(Behaviour):
    """moto 5.2.1 has no ExecuteCommand, and its tasks and services carry neither
    enableExecuteCommand nor managedAgents. AWS: a task runs with exec when RunTask (or
    StartTask) asked for it, or, for a service's task, when the service had
    enableExecuteCommand when the scheduler started it (the service's setting applies to new
    tasks only; ondeck's test worlds start a service's tasks with RunTask and group
    "service:NAME", as the scheduler would). Such a task's containers each carry a managed
    agent "ExecuteCommandAgent", RUNNING while the task runs (STOPPED after; PENDING while
    starting), and every container has a runtimeId. ExecuteCommand (interactive only) answers
    a session {sessionId, streamUrl, tokenValue}; when the task was not run with exec or its
    agent is not RUNNING it answers InvalidParameterException with AWS's text; a task listed
    in the setting `disconnected` answers TargetNotConnectedException (the agent cannot reach
    Session Manager: the task role lacks ssmmessages:*). The setting `agents` {task id:
    status} holds an agent in another state (PENDING, STOPPED)."""

    name = "ecs-execute-command"
    order = 50
    cite = ("ECS API Reference, ExecuteCommand (request cluster, container, command, "
            "interactive, task; response clusterArn, containerArn, containerName, interactive, "
            "session{sessionId, streamUrl, tokenValue}, taskArn; errors InvalidParameterException, "
            "TargetNotConnectedException, ClusterNotFoundException: botocore ecs-2014-11-13 "
            "ExecuteCommandResponse, Session, TargetNotConnectedException); Task."
            "enableExecuteCommand, Container.managedAgents / ManagedAgent (name "
            "ExecuteCommandAgent, lastStatus, lastStartedAt), Service.enableExecuteCommand ('turn "
            "on for new tasks'); ECS Developer Guide 'Troubleshooting issues with ECS Exec': "
            "'The execute command failed because execute command was not enabled when the task "
            "was run or the execute command agent isn't running...'")
    settings = {"disconnected": [], "agents": {}}

    def __init__(self, layer):
        super().__init__(layer)
        self.reset()

    def reset(self):
        with self.lock:
            self.services = {}  # (region, cluster, service name) -> enableExecuteCommand
            self.tasks = {}     # task arn -> enableExecuteCommand when it was started

    # -- what requests say ---------------------------------------------------------------------

    def before(self, call):
        if call.service != "ecs":
            return None
        p = call.params
        if call.op in ("RunTask", "StartTask"):
            flag = p.get("enableExecuteCommand")
            group = p.get("group") or ""
            if flag is None and group.startswith("service:"):
                with self.lock:
                    flag = self.services.get((call.region, _cluster(p.get("cluster")),
                                              group[len("service:"):]), False)
            call.ctx["exec"] = bool(flag)
            return None
        if call.op == "ExecuteCommand":
            data = self._execute(call)
            self.count("sessions")
            return Reply(call, 200, [("x-amzn-RequestId", "emu-exec-" + str(next(_ids)))],
                         b"", data)
        return None

    def after(self, call, reply):
        if call.service != "ecs" or not reply.ok:
            return reply
        p = call.params
        if call.op in ("CreateService", "UpdateService"):
            svc = reply.data.get("service") or {}
            key = (call.region, _cluster(p.get("cluster")), svc.get("serviceName"))
            with self.lock:
                if "enableExecuteCommand" in p or call.op == "CreateService":
                    self.services[key] = bool(p.get("enableExecuteCommand"))
                svc["enableExecuteCommand"] = self.services.get(key, False)
            reply.set_data(reply.data)
        elif call.op == "DescribeServices":
            with self.lock:
                for svc in reply.data.get("services", []):
                    svc["enableExecuteCommand"] = self.services.get(
                        (call.region, _cluster(p.get("cluster")), svc.get("serviceName")), False)
            reply.set_data(reply.data)
        elif call.op in ("RunTask", "StartTask", "DescribeTasks", "StopTask"):
            d = reply.data
            tasks = d.get("tasks", []) + ([d["task"]] if d.get("task") else [])
            with self.lock:
                for t in tasks:
                    if call.op in ("RunTask", "StartTask"):
                        self.tasks[t["taskArn"]] = call.ctx.get("exec", False)
                    self._decorate(t)
            reply.set_data(d)
        return reply

    # -- the task as AWS describes it ----------------------------------------------------------

    def _agent_status(self, task, container):
        held = self.cfg["agents"].get(task["taskArn"].rsplit("/", 1)[-1])
        if held:
            return held
        # The task's state: moto's containers stay PENDING in a RUNNING task, which AWS's
        # never do; a container that stopped stops its agent.
        status = task.get("lastStatus")
        if container.get("lastStatus") == "STOPPED" or status in (
                "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"):
            return "STOPPED"
        return "RUNNING" if status == "RUNNING" else "PENDING"

    def _decorate(self, task):
        enabled = self.tasks.get(task["taskArn"], False)
        task["enableExecuteCommand"] = enabled
        tid = task["taskArn"].rsplit("/", 1)[-1]
        started = task.get("startedAt") or task.get("createdAt") or \
            datetime.datetime.now(datetime.timezone.utc)
        for o in [task] + task.get("containers", []):
            for k in ("cpu", "memory", "memoryReservation"):
                if isinstance(o.get(k), int):
                    o[k] = str(o[k])  # strings in the model (moto sends numbers)
        for c in task.get("containers", []):
            if not c.get("runtimeId"):
                h = hashlib.sha256(f"{tid}/{c.get('name')}".encode()).hexdigest()
                c["runtimeId"] = f"{tid}-{int(h[:8], 16) % 10**10:010d}"
            if enabled:
                c["managedAgents"] = [{"name": "ExecuteCommandAgent",
                                       "lastStatus": self._agent_status(task, c),
                                       "lastStartedAt": started}]

    # -- ExecuteCommand ------------------------------------------------------------------------

    def _execute(self, call):
        p = call.params
        if not p.get("interactive"):
            raise AwsError(400, "InvalidParameterException",
                           "Interactive is the only mode supported currently.")
        ecs = moto_client(self.layer, "ecs", call.region)
        try:
            found = ecs.describe_tasks(cluster=p.get("cluster", "default"),
                                       tasks=[p["task"]])["tasks"]
        except ClientError as e:
            if e.response["Error"]["Code"] == "ClusterNotFoundException":
                raise AwsError(400, "ClusterNotFoundException", "Cluster not found.")
            raise
        if not found:
            raise AwsError(400, "InvalidParameterException",
                           "The task provided in the request was not found.")
        task = found[0]
        with self.lock:
            self._decorate(task)
            disconnected = set(self.cfg["disconnected"])
        containers = task.get("containers", [])
        want = p.get("container")
        if want is None and len(containers) > 1:
            raise AwsError(400, "InvalidParameterException",
                           "A container name must be specified for tasks containing multiple "
                           "containers.")
        chosen = [c for c in containers if want is None or c.get("name") == want]
        if not chosen:
            raise AwsError(400, "InvalidParameterException",
                           "The container name provided in the request was not found.")
        c = chosen[0]
        agents = [a for a in c.get("managedAgents", []) if a["name"] == "ExecuteCommandAgent"]
        if not task.get("enableExecuteCommand") or not agents or \
                agents[0]["lastStatus"] != "RUNNING":
            self.count("refused")
            raise AwsError(400, "InvalidParameterException", NOT_ENABLED)
        tid = task["taskArn"].rsplit("/", 1)[-1]
        if tid in disconnected:
            self.count("not_connected")
            raise AwsError(400, "TargetNotConnectedException", NOT_CONNECTED)
        sid = f"ecs-execute-command-{secrets.token_hex(9)}"
        return {
            "clusterArn": task["clusterArn"],
            "containerArn": c.get("containerArn"),
            "containerName": c.get("name"),
            "interactive": True,
            "session": {
                "sessionId": sid,
                "streamUrl": (f"wss://ssmmessages.{call.region}.amazonaws.com/v1/data-channel/"
                              f"{sid}?role=publish_subscribe&cell-number=AAEAAQ"),
                "tokenValue": secrets.token_urlsafe(96),
            },
            "taskArn": task["taskArn"],
        }


BEHAVIOURS = [ExecuteCommand]
