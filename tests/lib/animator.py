"""The demo world's animator: keeps a moto server's AWS account alive, like the real thing.

It runs in the moto server process (tests/lib/demo_server.py starts both), in one thread, so it
can reach moto's backend objects where moto's API falls short. doc/demo.md is the user's view;
this docstring is the maintainer's.

What it does, every tick (TIMINGS: `fast` for tests, seconds; `demo`, tens of seconds):

* ECS services behave like ECS's rolling-update scheduler (maximumPercent / minimumHealthy-
  Percent, default 200 / 100):
  - UpdateService with a new task definition or forceNewDeployment starts a new PRIMARY
    deployment (IN_PROGRESS); the old one becomes ACTIVE. The UpdateService response already
    carries both, as AWS's does. desiredCount alone scales the PRIMARY deployment.
  - New tasks are real moto Task objects in the backend (group `service:NAME`, startedBy the
    deployment id, every container of the task definition, an ENI with a private IP for
    awsvpc, a container instance and dynamic host ports (32768+) for bridge). They go
    PROVISIONING -> PENDING -> RUNNING; a task behind a load balancer is then registered in
    the target group, `initial` (Elb.RegistrationInProgress) and later `healthy`.
  - For every healthy new task an old one is drained: its target goes `draining`
    (Target.DeregistrationInProgress), the task DEACTIVATING -> STOPPING -> STOPPED
    (stopCode ServiceSchedulerInitiated). Empty ACTIVE deployments disappear.
  - When the PRIMARY deployment runs desiredCount healthy tasks alone, its rolloutState goes
    COMPLETED, and the events ECS writes appear ("has started 2 tasks", "registered 1
    targets in (target-group ...)", "has reached a steady state", ...; newest first).
  - An image matching BAD_IMAGE (default: a tag containing `broken`) never starts: its tasks
    stop from PENDING with stopCode TaskFailedToStart and CannotPullContainerError (task and
    container), failedTasks grows, and at the circuit-breaker threshold (half the desired
    count, at least 3) the deployment's rolloutState is FAILED ("ECS deployment circuit
    breaker: tasks failed to start."). Services get deploymentCircuitBreaker
    {enable: true, rollback: false}, so the failed deployment stays PRIMARY next to the ACTIVE
    previous one that keeps serving: the console offers the rollback. With rollback: true
    (set through UpdateService deploymentConfiguration) a rollback deployment starts itself.
  - Services created later get their tasks too (moto's services never start any).
* ELBv2: target health comes from the animator for the targets it manages; moto answers
  `healthy` for the rest.
* CloudFront: CreateInvalidation answers InProgress; after `invalidation` seconds the status
  is Completed (moto creates invalidations COMPLETED at once).
* CloudWatch and Logs, through the API: AWS/ECS CPU and memory per service and
  AWS/ApplicationELB RequestCount, TargetResponseTime, HTTPCode_Target_5XX_Count per target
  group keep coming (one point per `metrics` seconds; web's CPU drifts, api's errors stay
  high); alarms follow their metric with SetAlarmState; running tasks write awslogs lines to
  /ecs/FAMILY, stream PREFIX/CONTAINER/TASKID.

Which moto internals it touches, and why (moto 5.2.1; SUPPORTED_MOTO_VERSIONS):

* moto.ecs.models: `ecs_backends[account][region]` .services / .tasks / .clusters /
  .container_instances, `Task` (constructed directly: it creates the ENI), Service attributes
  (`deployments`, `events`, counts, `deployment_configuration`, ...), Task attributes
  (`status` through the ManagedState setter, with `_transitions` emptied so moto's own
  RUNNING -> STOPPED walk never touches these tasks), and one wrapper around
  EC2ContainerServiceBackend.update_service (moto does not roll a deployment and echoes
  `taskDefinition` literally).
* moto.elbv2.models: `elbv2_backends[account][region].target_groups[arn].targets`, and one
  wrapper around FakeTargetGroup.health_for (moto reports every target healthy). Instance
  targets are keyed `INSTANCE:PORT` in `.targets`, because moto keys by id alone and a
  bridge service puts several tasks on one instance; the wrapper answers for such keys.
* moto.cloudfront.models: one wrapper around CloudFrontBackend.create_invalidation, and the
  Invalidation `status` attribute; the distribution's in_progress_invalidation_batches.
* moto.cloudwatch.models: `cloudwatch_backends[account][region].metric_data`, where points
  older than `metrics_kept` are dropped (GetMetricData scans every stored point), and
  `.alarms`, read to evaluate alarm states (changed through SetAlarmState, the API).
* moto.core.serialize picks response fields by attribute name (`started_at` for startedAt),
  so everything the animator adds is serialised by moto itself.

Threading: moto's threaded server and this thread share the backends. demo_server.py wraps
the WSGI app in LOCK, and the animator holds LOCK while it touches backends; it never holds
LOCK while it calls moto's API (that would deadlock).
"""

import collections
import datetime
import hashlib
import json
import math
import random
import re
import sys
import threading
import time
import uuid

SUPPORTED_MOTO_VERSIONS = ("5.2.1",)
ACCOUNT = "123456789012"

# Seconds. `tick` is the animator's period; phases are minimum durations (jittered up to +25%).
TIMINGS = {
    "fast": {"tick": 0.2, "provision": 1.5, "pending": 1.5, "initial": 1.5, "drain": 1.0,
             "stopping": 0.5, "invalidation": 3.0, "metrics": 3.0, "logs": 1.0,
             "stopped_ttl": 600.0, "metrics_kept": 3 * 3600.0},
    "demo": {"tick": 1.0, "provision": 5.0, "pending": 8.0, "initial": 15.0, "drain": 12.0,
             "stopping": 5.0, "invalidation": 25.0, "metrics": 30.0, "logs": 2.0,
             "stopped_ttl": 3600.0, "metrics_kept": 3 * 3600.0},
}

BAD_IMAGE = r"[:@].*broken"
EVENTS_KEPT = 100

LOCK = threading.RLock()
_ACTIVE = None  # the running Animator; the moto wrappers below consult it
_HOOKS = {}


def check_moto_version():
    """None when the installed moto is supported, else a message saying what to install."""
    try:
        import moto
    except ImportError:
        return "moto is not installed (pip install 'moto[server]==5.2.1' boto3)"
    if moto.__version__ not in SUPPORTED_MOTO_VERSIONS:
        return (f"moto {moto.__version__} is not supported by tests/lib/animator.py (it reaches "
                f"into moto's backends); supported: {', '.join(SUPPORTED_MOTO_VERSIONS)}. "
                f"Install one: pip install 'moto[server]=={SUPPORTED_MOTO_VERSIONS[-1]}'")
    return None


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def short_id(arn):
    return arn.rsplit("/", 1)[-1]


class LockedApp:
    """WSGI wrapper: one request at a time against moto's backends, never during a tick."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with LOCK:
            return self.app(environ, start_response)


class DemoContainer:
    """A task's container, serialised by moto through the ECS Container shape."""

    def __init__(self, task, cdef, td_arn):
        self.container_arn = (f"arn:aws:ecs:{task.region_name}:{ACCOUNT}:container/"
                              f"{task.cluster_name}/{task.id}/{uuid.uuid4()}")
        self.task_arn = task.task_arn
        self.name = cdef.get("name")
        self.image = cdef.get("image")
        self.last_status = "PENDING"
        self.health_status = "UNKNOWN"
        self.cpu = str(cdef.get("cpu", 0))
        if cdef.get("memory") is not None:
            self.memory = str(cdef["memory"])
        self.network_bindings = []
        self.network_interfaces = []
        self.exit_code = None
        self.reason = None
        self.essential = cdef.get("essential", True)
        self.port_mappings = cdef.get("portMappings") or []
        self.log = (cdef.get("logConfiguration") or {}).get("options") or {}
        self._td_arn = td_arn

    def start(self):
        self.last_status = "RUNNING"
        self.image_digest = "sha256:" + hashlib.sha256(self.image.encode()).hexdigest()
        self.runtime_id = uuid.uuid4().hex + "-" + str(random.randint(1000000000, 9999999999))


class TaskState:
    """What the animator knows about one service task."""

    def __init__(self, task, svc_key, dep_id, phase, now, fail=False):
        self.task = task
        self.svc_key = svc_key
        self.dep_id = dep_id
        self.phase = phase
        self.since = now
        self.fail = fail
        self.target = None  # (tg_arn, key, id, port)
        self.healthy = False
        self.host_ports = []  # bridge: ports reserved on the container instance
        self.logged = False


class ServiceState:
    def __init__(self):
        self.stable_td = None
        self.steady = False
        self.adopted = False


# --------------------------------------------------------------------------------------------
# Wrappers around moto (installed once per process; inert unless an Animator runs).


def _install_hooks():
    if _HOOKS:
        return
    from moto.cloudfront.models import CloudFrontBackend
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup

    orig_update = EC2ContainerServiceBackend.update_service
    orig_health = FakeTargetGroup.health_for
    orig_inval = CloudFrontBackend.create_invalidation

    def update_service(self, props):
        anim = _ACTIVE
        before = anim.before_update(self, dict(props)) if anim else None
        svc = orig_update(self, props)
        if anim:
            anim.after_update(self, svc, before)
        return svc

    def health_for(self, target, ec2_backend):
        anim = _ACTIVE
        if anim:
            port = str(target.get("Port", self.port))
            state = anim.target_health.get((self.arn, target["Id"], port))
            if state:
                return FakeHealthStatus(target["Id"], target.get("Port", self.port),
                                        self.health_check_port, *state)
            if target["Id"] not in self.targets and f"{target['Id']}:{port}" in self.targets:
                return FakeHealthStatus(target["Id"], target.get("Port"),
                                        self.health_check_port, "healthy")
        return orig_health(self, target, ec2_backend)

    def create_invalidation(self, dist_id, paths, caller_ref):
        inv = orig_inval(self, dist_id, paths, caller_ref)
        anim = _ACTIVE
        if anim:
            anim.invalidation_created(inv)
        return inv

    EC2ContainerServiceBackend.update_service = update_service
    FakeTargetGroup.health_for = health_for
    CloudFrontBackend.create_invalidation = create_invalidation
    _HOOKS.update(update_service=orig_update, health_for=orig_health,
                  create_invalidation=orig_inval)


# --------------------------------------------------------------------------------------------


class Animator:
    def __init__(self, endpoint, timing="demo", region="us-east-1", account=ACCOUNT,
                 bad_image=BAD_IMAGE, log=None, seed=None):
        if timing not in TIMINGS:
            raise ValueError(f"timing must be one of {', '.join(TIMINGS)}")
        self.endpoint = endpoint
        self.t = dict(TIMINGS[timing])
        self.timing = timing
        self.region = region
        self.account = account
        self.bad_image = re.compile(bad_image)
        self.log = log or (lambda msg: None)
        self.rng = random.Random(seed)
        self.tasks = {}  # task arn -> TaskState
        self.services = {}  # "cluster:name" -> ServiceState
        self.target_health = {}  # (tg arn, id, str(port)) -> (state, reason, description)
        self.invalidations = []  # [(Invalidation, due time)]
        self.ports = collections.defaultdict(set)  # container instance arn -> host ports
        self.stop_event = threading.Event()
        self.thread = None
        self.next_metrics = 0.0
        self.next_logs = 0.0
        self.next_prune = 0.0
        self.events = collections.defaultdict(list)
        self.series = {}  # (namespace, metric, dims tuple) -> recent values
        self.cpu_walk = {}
        self.streams = set()
        self.groups = set()
        self.clients = None
        self.snapshot = {"tasks": [], "services": [], "tgs": [], "alarms": []}
        self.ticks = 0
        self.errors = 0

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self):
        global _ACTIVE
        err = check_moto_version()
        if err:
            raise RuntimeError(err)
        _install_hooks()
        _ACTIVE = self
        self.thread = threading.Thread(target=self._run, name="animator", daemon=True)
        self.thread.start()

    def stop(self):
        global _ACTIVE
        self.stop_event.set()
        if self.thread:
            self.thread.join(timeout=10)
        if _ACTIVE is self:
            _ACTIVE = None

    def _run(self):
        while not self.stop_event.is_set():
            t0 = time.monotonic()
            try:
                with LOCK:
                    self.tick(time.time())
                self.api_tick(time.time())
            except Exception as e:  # keep the world alive; say what broke
                self.errors += 1
                self.log(f"animator: tick failed: {type(e).__name__}: {e}")
                if self.errors < 5:
                    import traceback
                    self.log(traceback.format_exc())
            self.ticks += 1
            self.stop_event.wait(max(0.0, self.t["tick"] - (time.monotonic() - t0)))

    def dur(self, phase):
        return self.t[phase] * (1.0 + 0.25 * self.rng.random())

    # -- backends -------------------------------------------------------------------------------

    @property
    def ecs(self):
        from moto.ecs.models import ecs_backends
        return ecs_backends[self.account][self.region]

    @property
    def elbv2(self):
        from moto.elbv2.models import elbv2_backends
        return elbv2_backends[self.account][self.region]

    def td_of(self, ref):
        try:
            return self.ecs.describe_task_definition(ref)
        except Exception:
            return None

    # -- UpdateService (called in the request thread, LOCK held by LockedApp) --------------------

    def before_update(self, backend, props):
        try:
            svc = backend._get_service(props.get("cluster", "default"),
                                       props["service"].split("/")[-1])
        except Exception:
            return None
        prim = svc.deployments[0] if svc.deployments else None
        return {"svc": svc, "td": svc.task_definition, "desired": svc.desired_count,
                "primary": dict(prim) if prim else None}

    def after_update(self, backend, svc, before):
        if before is None or before["svc"] is not svc:
            return
        now = time.time()
        td = self.td_of(svc.task_definition) if svc.task_definition else None
        if td is not None:
            svc.task_definition = td.arn  # moto echoes "web:2"; AWS answers the ARN
        old = before["primary"]
        forced = (old is not None and svc.deployments
                  and svc.deployments[0].get("id") != old["id"])
        new_id = None
        if forced:
            # moto renamed the PRIMARY in place: undo that; the new deployment gets the id.
            new_id = svc.deployments[0]["id"]
            svc.deployments[0].clear()
            svc.deployments[0].update(old)
        if old is not None and (forced or svc.task_definition != old.get("taskDefinition")):
            self.new_deployment(svc, now, dep_id=new_id)
        elif svc.deployments:
            svc.deployments[0]["desiredCount"] = svc.desired_count
            if svc.desired_count != before["desired"]:
                self.state(svc).steady = False
        self.recount(svc)

    def new_deployment(self, svc, now, dep_id=None, td_arn=None, reason=None):
        dep_id = dep_id or f"ecs-svc/{self.rng.randint(10**18, 10**19 - 1)}"
        if td_arn:
            svc.task_definition = td_arn
        for d in svc.deployments:
            d["status"] = "ACTIVE"
        at = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        dep = {
            "id": dep_id, "status": "PRIMARY", "taskDefinition": svc.task_definition,
            "desiredCount": svc.desired_count, "pendingCount": 0, "runningCount": 0,
            "failedTasks": 0, "createdAt": at, "updatedAt": at,
            "launchType": svc.launch_type,
            "platformFamily": "EC2" if svc.launch_type == "EC2" else "FARGATE",
            "rolloutState": "IN_PROGRESS",
            "rolloutStateReason": reason or f"ECS deployment {dep_id} in progress.",
        }
        if svc.network_configuration:
            dep["networkConfiguration"] = svc.network_configuration
        if svc.launch_type == "FARGATE":
            dep["platformVersion"] = svc.platform_version or "1.4.0"
        svc.deployments.insert(0, dep)
        st = self.state(svc)
        st.steady = False
        return dep

    # -- invalidations --------------------------------------------------------------------------

    def invalidation_created(self, inv):
        inv.status = "InProgress"
        inv.distribution.in_progress_invalidation_batches += 1
        self.invalidations.append((inv, time.time() + self.dur("invalidation")))

    def tick_invalidations(self, now):
        keep = []
        for inv, due in self.invalidations:
            if now >= due:
                inv.status = "Completed"
                d = inv.distribution
                d.in_progress_invalidation_batches = max(0, d.in_progress_invalidation_batches - 1)
            else:
                keep.append((inv, due))
        self.invalidations = keep

    # -- the ECS tick ---------------------------------------------------------------------------

    def state(self, svc):
        key = f"{svc.cluster_name}:{svc.name}"
        st = self.services.get(key)
        if st is None:
            st = self.services[key] = ServiceState()
        return st

    def tick(self, now):
        self.tick_invalidations(now)
        ecs = self.ecs
        active = set()
        for svc in list(ecs.services.values()):
            if svc.status != "ACTIVE" or not svc.deployments:
                continue
            active.add(f"{svc.cluster_name}:{svc.name}")
            st = self.state(svc)
            if not st.adopted:
                self.adopt(svc, st, now)
            self.events = collections.defaultdict(list)
            self.tick_service(svc, st, now)
        # A deleted service's tasks stop (DeleteService with force, or after scaling to 0).
        for ts in list(self.tasks.values()):
            if ts.svc_key not in active and ts.phase != "STOPPED":
                ts.task.stopped_reason = "Service deleted"
                ts.task.stop_code = "ServiceSchedulerInitiated"
                self.finish_stop(ts, now)
        self.tick_cluster_counts()
        self.purge_stopped(now)
        if now >= self.next_prune:
            self.next_prune = now + 60
            self.prune_metrics(now)
        self.take_snapshot()

    def service_tasks(self, svc):
        key = f"{svc.cluster_name}:{svc.name}"
        return [ts for ts in self.tasks.values() if ts.svc_key == key]

    def adopt(self, svc, st, now):
        """Take over a service the seeder (or the API) created: config, tasks, targets."""
        st.adopted = True
        if not getattr(svc, "deployment_configuration", None):
            svc.deployment_configuration = {
                "maximumPercent": 200, "minimumHealthyPercent": 100,
                "deploymentCircuitBreaker": {"enable": True, "rollback": False}}
        if svc.load_balancers and getattr(svc, "health_check_grace_period_seconds", None) is None:
            svc.health_check_grace_period_seconds = 30
        if not getattr(svc, "created_at", None):
            svc.created_at = utcnow() - datetime.timedelta(days=3)
        td = self.td_of(svc.task_definition)
        if td is not None:
            svc.task_definition = td.arn
        prim = svc.deployments[0]
        for d in svc.deployments:
            if d.get("taskDefinition") and td is not None and d is prim:
                d["taskDefinition"] = td.arn
        group = f"service:{svc.name}"
        tg = self.tg_of(svc)
        if tg is not None and svc.launch_type == "EC2":
            # moto keys targets by id alone; re-register instance targets by INSTANCE:PORT.
            for k in [k for k, v in tg.targets.items() if str(v["Id"]).startswith("i-")]:
                del tg.targets[k]
        for task in list(self.ecs.tasks.get(svc.cluster_name, {}).values()):
            if task.group != group or task.desired_status != "RUNNING":
                continue
            if task.task_arn in self.tasks:
                continue
            dep_ids = [d["id"] for d in svc.deployments]
            if task.started_by not in dep_ids:
                task.started_by = prim["id"]
            ts = TaskState(task, f"{svc.cluster_name}:{svc.name}", task.started_by, "RUNNING",
                           now - 3600)
            self.dress(task, svc, self.td_of(task.task_definition_arn))
            task._transitions = []
            task.status = "RUNNING"
            started = utcnow() - datetime.timedelta(hours=2, minutes=self.rng.randint(0, 600))
            task.created_at = task.pull_started_at = started - datetime.timedelta(seconds=40)
            task.pull_stopped_at = started - datetime.timedelta(seconds=10)
            task.started_at = started
            task.connectivity_at = started - datetime.timedelta(seconds=30)
            if svc.launch_type == "EC2":
                ts.host_ports = self.bind_ports(task)
            for c in task.containers:
                c.start()
            self.set_network(task, ts)
            ts.healthy = True
            task.health_status = "HEALTHY" if tg is not None else "UNKNOWN"
            self.tasks[task.task_arn] = ts
            if tg is not None:
                tid, port = self.target_id(ts, svc)
                if tid:
                    key = tid if not tid.startswith("i-") else f"{tid}:{port}"
                    tg.targets[key] = {"Id": tid, "Port": port}
                    ts.target = (tg.arn, key, tid, port)
        self.recount(svc)

    def tg_of(self, svc):
        for lb in svc.load_balancers or []:
            arn = lb.get("targetGroupArn")
            if arn:
                return self.elbv2.target_groups.get(arn)
        return None

    def container_port(self, svc):
        for lb in svc.load_balancers or []:
            return lb.get("containerName"), lb.get("containerPort")
        return None, None

    def dress(self, task, svc, td):
        """Give a task every container of its task definition and the fields ECS reports."""
        if td is None:
            return
        task.containers = [DemoContainer(task, c, td.arn) for c in td.container_definitions]
        task.cpu = td.cpu or str(sum(int(c.get("cpu") or 0) for c in td.container_definitions))
        task.memory = td.memory or str(sum(int(c.get("memory") or 0)
                                           for c in td.container_definitions))
        task.version = 1
        task.connectivity = "CONNECTED"
        task.health_status = "UNKNOWN"
        if svc.launch_type == "FARGATE":
            task.platform_version = svc.platform_version or "1.4.0"
            task.platform_family = "Linux"
        task.availability_zone = self.az_of(task)
        task.enable_execute_command = False

    def az_of(self, task):
        try:
            from moto.ec2.models import ec2_backends
            ec2 = ec2_backends[self.account][self.region]
            if task.container_instance_arn:
                ci = self.ecs.container_instances[task.cluster_name][
                    task.container_instance_arn.split("/")[-1]]
                return ec2.get_instance(ci.ec2_instance_id).availability_zone
            for a in task.attachments:
                for d in a.get("details", []):
                    if d["name"] == "subnetId":
                        return ec2.get_subnet(d["value"]).availability_zone
        except Exception:
            pass
        return f"{self.region}a"

    def bind_ports(self, task):
        """Dynamic host ports (bridge): reserve one per port mapping on the instance."""
        used = self.ports[task.container_instance_arn]
        got = []
        for c in task.containers:
            c.network_bindings = []
            for pm in c.port_mappings:
                hp = pm.get("hostPort")
                if not hp:
                    hp = 32768
                    while hp in used:
                        hp += 1
                    used.add(hp)
                    got.append(hp)
                c.network_bindings.append({"bindIP": "0.0.0.0",
                                           "containerPort": pm.get("containerPort"),
                                           "hostPort": hp,
                                           "protocol": pm.get("protocol", "tcp")})
        return got

    def set_network(self, task, ts):
        ip = self.task_ip(task)
        for c in task.containers:
            if ip and not task.container_instance_arn:
                c.network_interfaces = [{"attachmentId": task.attachments[0]["id"],
                                         "privateIpv4Address": ip}]
                c.network_bindings = [{"bindIP": ip, "containerPort": pm.get("containerPort"),
                                       "hostPort": pm.get("containerPort"),
                                       "protocol": pm.get("protocol", "tcp")}
                                      for pm in c.port_mappings]

    @staticmethod
    def task_ip(task):
        for a in task.attachments or []:
            for d in a.get("details", []):
                if d["name"] == "privateIPv4Address":
                    return d["value"]
        return None

    def target_id(self, ts, svc):
        """(target id, port) of a task: ip + container port, or instance + host port."""
        task = ts.task
        cname, cport = self.container_port(svc)
        if not task.container_instance_arn:
            return self.task_ip(task), cport
        ci = self.ecs.container_instances.get(task.cluster_name, {}).get(
            task.container_instance_arn.split("/")[-1])
        if ci is None:
            return None, None
        for c in task.containers:
            if c.name == cname:
                for b in c.network_bindings:
                    if b["containerPort"] == cport:
                        return ci.ec2_instance_id, b["hostPort"]
        return None, None

    # -- launching and stopping -----------------------------------------------------------------

    def launch(self, svc, dep, now):
        from moto.ecs.models import Task
        ecs = self.ecs
        cluster = ecs.clusters.get(svc.cluster_name)
        td = self.td_of(dep["taskDefinition"])
        if cluster is None or td is None:
            return None
        ci = None
        if svc.launch_type == "EC2":
            cis = [c for c in ecs.container_instances.get(cluster.name, {}).values()
                   if c.status == "ACTIVE"]
            if not cis:
                self.events[svc].append(
                    f"(service {svc.name}) was unable to place a task because no container "
                    f"instance met all of its requirements. Reason: No Container Instances "
                    f"were found in your cluster.")
                return None
            ci = min(cis, key=lambda c: (c.running_tasks_count, c.id))
        net = svc.network_configuration or None
        task = Task(cluster, td, ci.container_instance_arn if ci else None, None, backend=ecs,
                    group=f"service:{svc.name}", launch_type=svc.launch_type or "",
                    started_by=dep["id"], networking_configuration=net,
                    platform_version=svc.platform_version)
        task._transitions = []
        task.status = "PROVISIONING"
        task.created_at = utcnow()
        self.dress(task, svc, td)
        fail = any(self.bad_image.search(c.image or "") for c in task.containers)
        ts = TaskState(task, f"{svc.cluster_name}:{svc.name}", dep["id"], "PROVISIONING", now,
                       fail=fail)
        if ci is not None:
            req = ecs._calculate_task_resource_requirements(td)
            ts.host_ports = self.bind_ports(task)
            req["PORTS"] = list(ts.host_ports)
            task.resource_requirements = req
            ecs.update_container_instance_resources(ci, req)
        ecs.tasks.setdefault(cluster.name, {})[task.task_arn] = task
        self.tasks[task.task_arn] = ts
        self.events[svc].append(("started", task))
        return ts

    def begin_stop(self, ts, svc, now, reason, code="ServiceSchedulerInitiated"):
        task = ts.task
        task.desired_status = "STOPPED"
        task.stopped_reason = reason
        task.stop_code = code
        task.stopping_at = utcnow()
        if ts.phase in ("PROVISIONING", "PENDING"):
            self.finish_stop(ts, now)
            return
        self.events[svc].append(("stopped", task))
        if ts.target:
            arn, key, tid, port = ts.target
            self.target_health[(arn, tid, str(port))] = (
                "draining", "Target.DeregistrationInProgress",
                "Target deregistration is in progress")
            self.events[svc].append(("deregistered", arn))
            self.events[svc].append(("draining", task))
            ts.phase = "DEACTIVATING"
        else:
            ts.phase = "STOPPING"
        task.status = ts.phase
        ts.since = now

    def finish_stop(self, ts, now):
        task = ts.task
        ts.phase = "STOPPED"
        ts.since = now
        task.status = "STOPPED"
        task.desired_status = "STOPPED"
        at = utcnow()
        task.stopped_at = task.execution_stopped_at = at
        if not getattr(task, "stopping_at", None):
            task.stopping_at = at
        for c in task.containers:
            if c.last_status == "RUNNING":
                c.exit_code = 0
            c.last_status = "STOPPED"
        self.drop_target(ts)
        if task.container_instance_arn:
            ci = self.ecs.container_instances.get(task.cluster_name, {}).get(
                task.container_instance_arn.split("/")[-1])
            if ci is not None and task.resource_requirements:
                try:
                    self.ecs.update_container_instance_resources(
                        ci, task.resource_requirements, removing=True)
                except ValueError:
                    pass
            for p in ts.host_ports:
                self.ports[task.container_instance_arn].discard(p)
            task.resource_requirements = None

    def drop_target(self, ts):
        if not ts.target:
            return
        arn, key, tid, port = ts.target
        tg = self.elbv2.target_groups.get(arn)
        if tg is not None:
            tg.targets.pop(key, None)
        self.target_health.pop((arn, tid, str(port)), None)
        ts.target = None

    def fail_task(self, ts, svc, dep, now):
        task = ts.task
        bad = next((c for c in task.containers if self.bad_image.search(c.image or "")),
                   task.containers[0])
        why = (f"CannotPullContainerError: pull image manifest has been retried 7 time(s): "
               f"failed to resolve ref {bad.image}: {bad.image}: not found")
        bad.reason = why
        task.stopped_reason = why
        task.stop_code = "TaskFailedToStart"
        task.stopping_at = utcnow()
        self.finish_stop(ts, now)
        if dep is not None:
            dep["failedTasks"] = dep.get("failedTasks", 0) + 1

    # -- per-service tick -----------------------------------------------------------------------

    def tick_service(self, svc, st, now):
        deps = svc.deployments
        by_id = {d["id"]: d for d in deps}
        mine = self.service_tasks(svc)
        tg = self.tg_of(svc)

        # 1. task lifecycles
        for ts in mine:
            task = ts.task
            age = now - ts.since
            if ts.phase == "PROVISIONING" and age >= self.dur("provision"):
                ts.phase, ts.since = "PENDING", now
                task.status = "PENDING"
                task.pull_started_at = utcnow()
                task.connectivity_at = utcnow()
            elif ts.phase == "PENDING" and age >= self.dur("pending"):
                if ts.fail:
                    self.fail_task(ts, svc, by_id.get(ts.dep_id), now)
                    continue
                ts.phase, ts.since = "RUNNING", now
                task.status = "RUNNING"
                task.pull_stopped_at = task.started_at = utcnow()
                for c in task.containers:
                    c.start()
                self.set_network(task, ts)
                if tg is not None:
                    tid, port = self.target_id(ts, svc)
                    if tid:
                        key = tid if not tid.startswith("i-") else f"{tid}:{port}"
                        tg.targets[key] = {"Id": tid, "Port": port}
                        ts.target = (tg.arn, key, tid, port)
                        self.target_health[(tg.arn, tid, str(port))] = (
                            "initial", "Elb.RegistrationInProgress",
                            "Target registration is in progress")
                        self.events[svc].append(("registered", tg.arn))
                else:
                    ts.healthy = True
            elif ts.phase == "RUNNING" and not ts.healthy and age >= self.dur("initial"):
                ts.healthy = True
                task.health_status = "HEALTHY"
                if ts.target:
                    self.target_health.pop((ts.target[0], ts.target[2], str(ts.target[3])), None)
            elif ts.phase == "DEACTIVATING" and age >= self.dur("drain"):
                self.drop_target(ts)
                ts.phase, ts.since = "STOPPING", now
                task.status = "STOPPING"
            elif ts.phase == "STOPPING" and age >= self.dur("stopping"):
                self.finish_stop(ts, now)

        live = collections.defaultdict(list)
        for ts in mine:
            if ts.task.desired_status == "RUNNING" and ts.phase != "STOPPED":
                live[ts.dep_id].append(ts)
        # Tasks whose deployment vanished (should not happen): give them to the oldest one.
        for dep_id in list(live):
            if dep_id not in by_id:
                live[deps[-1]["id"]].extend(live.pop(dep_id))

        prim = deps[0]
        cb = (getattr(svc, "deployment_configuration", None) or {}).get(
            "deploymentCircuitBreaker") or {}
        max_pct = (getattr(svc, "deployment_configuration", None) or {}).get(
            "maximumPercent", 200)

        # 2. circuit breaker
        if prim.get("rolloutState") == "IN_PROGRESS" and cb.get("enable"):
            threshold = min(200, max(3, math.ceil(0.5 * svc.desired_count)))
            ever_ran = any(ts.dep_id == prim["id"] and ts.phase in (
                "RUNNING", "DEACTIVATING", "STOPPING") for ts in mine)
            if prim.get("failedTasks", 0) >= threshold and not ever_ran:
                self.trip(svc, st, prim, now, live, cb)
                prim = svc.deployments[0]
                by_id = {d["id"]: d for d in svc.deployments}

        # 3. schedule the PRIMARY deployment
        if prim.get("rolloutState") != "FAILED":
            want = svc.desired_count
            have = live[prim["id"]]
            if len(have) < want:
                total = sum(len(v) for v in live.values())
                room = math.floor(svc.desired_count * max_pct / 100) - total
                for _ in range(max(0, min(want - len(have), room))):
                    ts = self.launch(svc, prim, now)
                    if ts is None:
                        break
                    live[prim["id"]].append(ts)
                    st.steady = False
            elif len(have) > want:
                order = sorted(have, key=lambda t: (t.phase == "RUNNING", t.since), reverse=False)
                for ts in order[:len(have) - want]:
                    self.begin_stop(ts, svc, now,
                                    f"Scaling activity initiated by (deployment {prim['id']})")
                    live[prim["id"]].remove(ts)
                    st.steady = False

        # 4. drain older deployments as the new one becomes healthy
        healthy_new = sum(1 for ts in live[prim["id"]] if ts.phase == "RUNNING" and ts.healthy)
        keep_old = max(0, svc.desired_count - healthy_new)
        if prim.get("rolloutState") == "FAILED":
            keep_old = svc.desired_count
        for d in svc.deployments[1:]:
            old = sorted(live[d["id"]], key=lambda t: (t.phase == "RUNNING", t.since))
            n_keep = min(len(old), keep_old)
            keep_old -= n_keep
            for ts in old[:len(old) - n_keep]:
                self.begin_stop(ts, svc, now,
                                f"Scaling activity initiated by (deployment {d['id']})")
                live[d["id"]].remove(ts)
            d["desiredCount"] = n_keep
        # empty ACTIVE deployments go INACTIVE (ECS drops them from the service)
        for d in list(svc.deployments[1:]):
            busy = any(ts.dep_id == d["id"] and ts.phase in ("DEACTIVATING", "STOPPING")
                       for ts in mine)
            if not live[d["id"]] and not busy:
                svc.deployments.remove(d)

        # 5. counts, rollout state, events
        self.recount(svc)
        prim = svc.deployments[0]
        healthy_new = sum(1 for ts in live[prim["id"]] if ts.phase == "RUNNING" and ts.healthy)
        if (prim.get("rolloutState") == "IN_PROGRESS" and len(svc.deployments) == 1
                and healthy_new == svc.desired_count == prim["runningCount"]):
            prim["rolloutState"] = "COMPLETED"
            prim["rolloutStateReason"] = f"ECS deployment {prim['id']} completed."
            prim["updatedAt"] = utcnow()
            st.stable_td = prim["taskDefinition"]
            if st.adopted and self.ticks > 0:
                self.events[svc].append(
                    f"(service {svc.name}) (deployment {prim['id']}) deployment completed.")
        if (not st.steady and prim.get("rolloutState") == "COMPLETED"
                and len(svc.deployments) == 1 and healthy_new == svc.desired_count
                and not any(ts.phase in ("DEACTIVATING", "STOPPING") for ts in mine)):
            st.steady = True
            self.events[svc].append(f"(service {svc.name}) has reached a steady state.")
        self.flush_events(svc)

    def trip(self, svc, st, prim, now, live, cb):
        prim["rolloutState"] = "FAILED"
        prim["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
        prim["updatedAt"] = utcnow()
        # Tasks still starting fail on their own (the same image); nothing new is launched.
        for ts in [t for t in live[prim["id"]] if not t.fail]:
            self.begin_stop(ts, svc, now, "Deployment failed: circuit breaker")
            live[prim["id"]].remove(ts)
        self.events[svc].append(
            f"(service {svc.name}) (deployment {prim['id']}) deployment failed: "
            f"tasks failed to start.")
        self.events[svc].append(
            f"(service {svc.name}) is unable to consistently start tasks successfully. "
            f"For more information, see the Troubleshooting section of the Amazon ECS "
            f"Developer Guide.")
        if cb.get("rollback"):
            target = st.stable_td or next(
                (d["taskDefinition"] for d in svc.deployments[1:]), None)
            if target:
                dep = self.new_deployment(
                    svc, now, td_arn=target,
                    reason=f"ECS deployment circuit breaker: rolling back to deploymentId "
                           f"{prim['id']}.")
                self.events[svc].append(
                    f"(service {svc.name}) rolling back to deployment {dep['id']}.")

    def flush_events(self, svc):
        raw = self.events.pop(svc, [])
        if not raw:
            return
        msgs = []
        started = [x[1] for x in raw if isinstance(x, tuple) and x[0] == "started"]
        stopped = [x[1] for x in raw if isinstance(x, tuple) and x[0] == "stopped"]
        draining = [x[1] for x in raw if isinstance(x, tuple) and x[0] == "draining"]
        for kind, verb in (("registered", "registered"), ("deregistered", "deregistered")):
            per = collections.Counter(x[1] for x in raw if isinstance(x, tuple) and x[0] == kind)
            for arn, n in per.items():
                msgs.append(f"(service {svc.name}) {verb} {n} targets in (target-group {arn})")
        if draining:
            msgs.append(f"(service {svc.name}) has begun draining connections on "
                        f"{len(draining)} tasks.")
        if stopped:
            msgs.append(f"(service {svc.name}) has stopped {len(stopped)} running tasks: "
                        + " ".join(f"(task {t.id})" for t in stopped) + ".")
        if started:
            msgs.append(f"(service {svc.name}) has started {len(started)} tasks: "
                        + " ".join(f"(task {t.id})" for t in started) + ".")
        msgs += [x for x in raw if isinstance(x, str)]
        if not isinstance(getattr(svc, "events", None), list):
            svc.events = []
        for m in msgs:  # newest first, like DescribeServices
            svc.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": utcnow(), "message": m})
        del svc.events[EVENTS_KEPT:]

    def recount(self, svc):
        mine = self.service_tasks(svc)
        run = pend = 0
        for d in svc.deployments:
            r = sum(1 for ts in mine if ts.dep_id == d["id"] and ts.phase == "RUNNING"
                    and ts.task.desired_status == "RUNNING")
            p = sum(1 for ts in mine if ts.dep_id == d["id"]
                    and ts.phase in ("PROVISIONING", "PENDING"))
            if (r, p) != (d.get("runningCount"), d.get("pendingCount")):
                d["updatedAt"] = utcnow()
            d["runningCount"], d["pendingCount"] = r, p
            run += r
            pend += p
        if svc.deployments:
            svc.deployments[0]["desiredCount"] = svc.desired_count
        svc.running_count, svc.pending_count = run, pend

    def tick_cluster_counts(self):
        ecs = self.ecs
        for name, cluster in ecs.clusters.items():
            tasks = list(ecs.tasks.get(name, {}).values())
            cluster.running_tasks_count = sum(
                1 for t in tasks if t.desired_status == "RUNNING" and t._status == "RUNNING")
            cluster.pending_tasks_count = sum(
                1 for t in tasks if t._status in ("PROVISIONING", "PENDING"))
            cluster.active_services_count = sum(
                1 for s in ecs.services.values()
                if s.cluster_name == name and s.status == "ACTIVE")
        for cis in ecs.container_instances.values():
            for ci in cis.values():
                arn = ci.container_instance_arn
                ci.running_tasks_count = sum(
                    1 for ts in self.tasks.values()
                    if ts.task.container_instance_arn == arn and ts.phase == "RUNNING")
                ci.pending_tasks_count = sum(
                    1 for ts in self.tasks.values()
                    if ts.task.container_instance_arn == arn
                    and ts.phase in ("PROVISIONING", "PENDING"))

    def prune_metrics(self, now):
        """moto's GetMetricData scans every stored point: keep only the last few hours."""
        from moto.cloudwatch.models import cloudwatch_backends
        cw = cloudwatch_backends[self.account][self.region]
        cut = datetime.datetime.fromtimestamp(now - self.t["metrics_kept"],
                                              datetime.timezone.utc).replace(tzinfo=None)
        if cw.metric_data and cw.metric_data[0].timestamp < cut:
            cw.metric_data = [m for m in cw.metric_data if m.timestamp >= cut]

    def purge_stopped(self, now):
        for arn, ts in list(self.tasks.items()):
            if ts.phase == "STOPPED" and now - ts.since > self.t["stopped_ttl"]:
                self.ecs.tasks.get(ts.task.cluster_name, {}).pop(arn, None)
                del self.tasks[arn]

    # -- the API side: metrics, alarms, logs ----------------------------------------------------

    def take_snapshot(self):
        tasks = []
        for ts in self.tasks.values():
            t = ts.task
            tasks.append({"id": t.id, "svc": ts.svc_key.split(":", 1)[1],
                          "cluster": t.cluster_name, "phase": ts.phase,
                          "stopped_reason": t.stopped_reason,
                          "containers": [(c.name, c.log.get("awslogs-group"),
                                          c.log.get("awslogs-stream-prefix"))
                                         for c in t.containers if c.log]})
        services = [(s.cluster_name, s.name, s.running_count, s.desired_count)
                    for s in self.ecs.services.values() if s.status == "ACTIVE"]
        tgs = []
        for arn, tg in self.elbv2.target_groups.items():
            lbs = getattr(tg, "load_balancer_arns", None) or []
            if lbs:
                tgs.append((arn, tg.name, lbs[0].split(":loadbalancer/", 1)[-1],
                            len(tg.targets)))
        alarms = []
        try:
            from moto.cloudwatch.models import cloudwatch_backends
            for a in cloudwatch_backends[self.account][self.region].alarms.values():
                alarms.append({"name": a.name, "ns": a.namespace, "metric": a.metric_name,
                               "dims": tuple(sorted((d.name, d.value) for d in a.dimensions)),
                               "threshold": a.threshold, "op": a.comparison_operator,
                               "periods": a.evaluation_periods, "state": a.state_value})
        except Exception as e:
            self.log(f"animator: alarms snapshot: {e}")
        dists = []
        try:
            from moto.cloudfront.models import cloudfront_backends
            dists = sorted(cloudfront_backends[self.account]["aws"].distributions)  # by partition
        except Exception as e:
            self.log(f"animator: distributions snapshot: {e}")
        self.snapshot = {"tasks": tasks, "services": services, "tgs": tgs, "alarms": alarms,
                         "dists": dists}

    def api(self):
        if self.clients is None:
            import boto3
            from botocore.config import Config
            session = boto3.session.Session(
                aws_access_key_id="AKIDONDECKTEST",
                aws_secret_access_key="ondeck/test/SECRET+key0123456789abcdefghij",
                region_name=self.region)
            cfg = Config(retries={"max_attempts": 2, "mode": "standard"},
                         disable_request_compression=True)
            self.clients = {n: session.client(n, endpoint_url=self.endpoint, config=cfg)
                            for n in ("cloudwatch", "logs")}
            self.clients["cloudwatch-us-east-1"] = session.client(
                "cloudwatch", endpoint_url=self.endpoint, config=cfg, region_name="us-east-1")
        return self.clients

    def api_tick(self, now):
        if now >= self.next_metrics:
            self.next_metrics = now + self.t["metrics"]
            self.put_metrics(now)
        if now >= self.next_logs:
            self.next_logs = now + self.t["logs"]
            self.put_logs(now)

    def record(self, ns, metric, dims, value):
        key = (ns, metric, tuple(sorted((d["Name"], d["Value"]) for d in dims)))
        vals = self.series.setdefault(key, collections.deque(maxlen=10))
        vals.append(value)
        return {"MetricName": metric, "Dimensions": dims, "Value": value}

    def put_metrics(self, now):
        snap = self.snapshot
        ts = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        ecs_data, alb_data = [], []
        for cluster, name, running, desired in snap["services"]:
            dims = [{"Name": "ClusterName", "Value": cluster},
                    {"Name": "ServiceName", "Value": name}]
            base = self.cpu_walk.get(name, 70.0 if name == "web" else 20 + sum(map(ord, name)) % 40)
            step = 2.5 if name == "web" else 0.0
            base = min(97.0, max(3.0, base + step + self.rng.uniform(-4, 4)))
            if name == "web" and base > 92:
                base = 55.0  # web's CPU climbs, fires web-cpu-high, then "autoscaling" helps
            self.cpu_walk[name] = base
            cpu = base if running else 0.0
            mem = (30 + sum(map(ord, name)) * 3 % 40 + self.rng.uniform(-3, 3)) if running else 0.0
            ecs_data.append(self.record("AWS/ECS", "CPUUtilization", dims, round(cpu, 2)))
            ecs_data.append(self.record("AWS/ECS", "MemoryUtilization", dims, round(mem, 2)))
        for arn, name, lb_dim, ntargets in snap["tgs"]:
            dims = [{"Name": "LoadBalancer", "Value": lb_dim},
                    {"Name": "TargetGroup", "Value": arn.split(":", 5)[5]}]
            svc = name[:-3] if name.endswith("-tg") else name
            req = float(self.rng.randint(80, 160) * max(ntargets, 1))
            err = float(self.rng.randint(11, 20)) if svc == "api" else float(self.rng.randint(0, 1))
            alb_data.append(self.record("AWS/ApplicationELB", "RequestCount", dims, req))
            alb_data.append(self.record("AWS/ApplicationELB", "TargetResponseTime", dims,
                                        round(0.04 + self.rng.random() * 0.05, 3)))
            alb_data.append(self.record("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count",
                                        dims, err))
        # CloudFront publishes to us-east-1 with Region=Global, whatever the world's region.
        cf_data = []
        for i, dist_id in enumerate(snap.get("dists", [])):
            dims = [{"Name": "DistributionId", "Value": dist_id},
                    {"Name": "Region", "Value": "Global"}]
            cf_data.append(self.record("AWS/CloudFront", "Requests", dims,
                                       float(self.rng.randint(300, 900) * (i + 1))))
            cf_data.append(self.record("AWS/CloudFront", "5xxErrorRate", dims,
                                       round(self.rng.random() * 1.5, 2)))
        cw = self.api()["cloudwatch"]
        for ns, data in (("AWS/ECS", ecs_data), ("AWS/ApplicationELB", alb_data)):
            for i in range(0, len(data), 500):
                chunk = [dict(d, Timestamp=ts) for d in data[i:i + 500]]
                cw.put_metric_data(Namespace=ns, MetricData=chunk)
        if cf_data:
            self.api()["cloudwatch-us-east-1"].put_metric_data(
                Namespace="AWS/CloudFront", MetricData=[dict(d, Timestamp=ts) for d in cf_data])
        self.evaluate_alarms(cw)

    def evaluate_alarms(self, cw):
        ops = {"GreaterThanThreshold": lambda v, t: v > t,
               "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
               "LessThanThreshold": lambda v, t: v < t,
               "LessThanOrEqualToThreshold": lambda v, t: v <= t}
        for a in self.snapshot["alarms"]:
            vals = list(self.series.get((a["ns"], a["metric"], a["dims"]), []))
            op = ops.get(a["op"])
            if not vals or op is None:
                continue
            recent = vals[-max(1, a["periods"]):]
            breaching = sum(1 for v in recent if op(v, a["threshold"]))
            want = "ALARM" if breaching >= max(1, (len(recent) + 1) // 2) and op(
                recent[-1], a["threshold"]) else "OK"
            if want != a["state"]:
                shown = ", ".join(f"{v:g}" for v in recent)
                cw.set_alarm_state(
                    AlarmName=a["name"], StateValue=want,
                    StateReason=f"Threshold Crossed: {breaching} out of the last {len(recent)} "
                                f"datapoints [{shown}] "
                                f"{'were' if want == 'ALARM' else 'were not'} "
                                f"{a['op'][0].lower() + a['op'][1:]} ({a['threshold']:g}).")
                a["state"] = want

    LINES = ["GET /health 200 1ms", "GET / 200 {ms}ms", "GET /api/items 200 {ms}ms",
             "POST /api/items 201 {ms}ms", "GET /static/app.js 304 2ms",
             "GET /api/items/{n} 200 {ms}ms", "GET /api/search?q=shoes 200 {ms}ms"]

    def log_line(self, svc, cname):
        r = self.rng
        if cname == "redis":
            return r.choice(["Background saving started by pid 19",
                             "DB saved on disk", "100 changes in 300 seconds. Saving...",
                             "Background saving terminated with success"])
        if svc == "api" and r.random() < 0.3:
            return f"{svc}: GET /api/orders 500 upstream timed out after 3000ms"
        if svc in ("worker", "mailer", "thumbnailer", "report-builder", "indexer", "legacy-cron"):
            return f"{svc}: job {r.randint(10000, 99999)} done in {r.randint(40, 900)}ms"
        return f"{svc}: " + r.choice(self.LINES).format(ms=r.randint(2, 180), n=r.randint(1, 999))

    def put_logs(self, now):
        logs = self.api()["logs"]
        running = [t for t in self.snapshot["tasks"] if t["phase"] == "RUNNING"]
        self.rng.shuffle(running)
        ms = int(now * 1000)
        budget = 12 if self.timing == "demo" else 8
        for t in running[:budget]:
            for cname, group, prefix in t["containers"]:
                if not group or not prefix:
                    continue
                stream = f"{prefix}/{cname}/{t['id']}"
                if not self.ensure_stream(logs, group, stream):
                    continue
                n = self.rng.randint(1, 3)
                events = [{"timestamp": ms - (n - i) * 10,
                           "message": self.log_line(t["svc"], cname)} for i in range(n)]
                logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)

    def ensure_stream(self, logs, group, stream):
        if (group, stream) in self.streams:
            return True
        if group not in self.groups:
            try:
                logs.create_log_group(logGroupName=group)
            except logs.exceptions.ResourceAlreadyExistsException:
                pass
            self.groups.add(group)
        try:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        self.streams.add((group, stream))
        return True


def register_image(ecs, td_ref, container, image):
    """Client side (boto3 `ecs`): register a copy of task definition TD_REF with CONTAINER's
    image replaced, the way a deploy tool does; returns the new revision's ARN. The demo's
    story and tests/cli/demo.sh use it to make the broken revision."""
    td = ecs.describe_task_definition(taskDefinition=td_ref)["taskDefinition"]
    allowed = ecs.meta.service_model.operation_model("RegisterTaskDefinition").input_shape.members
    kw = {k: v for k, v in td.items() if k in allowed and v is not None}
    for c in kw["containerDefinitions"]:
        if c["name"] == container:
            c["image"] = image
    return ecs.register_task_definition(**kw)["taskDefinition"]["taskDefinitionArn"]


def main(argv=None):
    """`python3 animator.py --check`: exit 0 when the installed moto is supported."""
    argv = sys.argv[1:] if argv is None else argv
    err = check_moto_version()
    if err:
        print(f"animator: {err}", file=sys.stderr)
        return 2
    if "--check" in argv:
        import moto
        print(json.dumps({"moto": moto.__version__, "supported": SUPPORTED_MOTO_VERSIONS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
