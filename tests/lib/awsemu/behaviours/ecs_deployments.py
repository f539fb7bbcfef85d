"""ECS service deployments and service revisions (ListServiceDeployments,
DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment,
ContinueServiceDeployment), driven by moto's services."""

import datetime
import hashlib
import itertools

from botocore.exceptions import ClientError

from awsemu import AwsError, Behaviour, Reply, moto_client, wire

# What makes UpdateService start a new service deployment (ECS API Reference, UpdateService:
# a change of these starts a deployment; desiredCount alone scales the current one).
DEPLOYING_MEMBERS = ("taskDefinition", "networkConfiguration", "loadBalancers", "platformVersion",
                     "capacityProviderStrategy", "serviceRegistries", "serviceConnectConfiguration",
                     "volumeConfigurations", "vpcLatticeConfigurations", "launchType")

IN_FLIGHT = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED",
             "ROLLBACK_IN_PROGRESS")

_ids = itertools.count(1)


def _utc(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc)


def _fit(shape, value):
    """value trimmed to the members the botocore shape has (moto sends extra keys)."""
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            return None
        out = {}
        for k, v in value.items():
            if k in shape.members and v is not None:
                f = _fit(shape.members[k], v)
                if f is not None:
                    out[k] = f
        return out
    if t == "list":
        if not isinstance(value, list):
            return None
        return [x for x in (_fit(shape.member, v) for v in value) if x is not None]
    return value


def _merge(base, changes):
    out = dict(base or {})
    for k, v in (changes or {}).items():
        out[k] = _merge(out.get(k), v) if isinstance(v, dict) and isinstance(out.get(k), dict) \
            else v
    return out


class ServiceDeployments(Behaviour):
    """AWS: every change of an ECS-controlled service that replaces its tasks (a new task
    definition, network configuration, load balancers, platform version, forceNewDeployment;
    and the service's creation) is a service deployment from the service revisions that ran
    (source) to a new service revision (target: the task definition, launch type, network
    configuration, load balancers, container image digests). It moves through the lifecycle
    stages of deploymentConfiguration.strategy: ROLLING scales the new revision up and the old
    one down; BLUE_GREEN scales the green revision up, shifts test traffic, then all
    production traffic, bakes for bakeTimeInMinutes with both revisions running and cleans
    up; LINEAR shifts production traffic in steps of stepPercent with stepBakeTimeInMinutes
    between; CANARY shifts canaryPercent, waits canaryBakeTimeInMinutes, then the rest. A
    PAUSE lifecycle hook stops the deployment at its stage, AWAITING_ACTION, until
    ContinueServiceDeployment (CONTINUE or ROLLBACK) or its timeout (timeoutAction).
    StopServiceDeployment ROLLBACK shifts back to the source revision (ROLLBACK_IN_PROGRESS,
    then ROLLBACK_SUCCESSFUL); ABORT stops where it is (STOP_REQUESTED, then STOPPED); stopping
    a deployment already stopping or rolling back is accepted and changes nothing, stopping a
    finished one is a ConflictException. ContinueServiceDeployment needs the deployment
    IN_PROGRESS and the hookId of its hook AWAITING_ACTION (else InvalidParameterException). A
    newer deployment stops the one in flight. moto 5.2.1 has none of these operations, drops
    deploymentConfiguration on CreateService and keeps only the last UpdateService's. The layer
    answers the five operations from its own records, made from moto's services as
    CreateService and UpdateService change them (a service the layer never saw change gets one
    SUCCESSFUL deployment to its current state), puts the merged deploymentConfiguration back
    into the services' answers, and on a rollback puts moto's service back on the source task
    definition. Time runs on its own clock: `stage_s` seconds per lifecycle stage, `minute_s`
    seconds per minute of bake time and hook timeout, `offset_s` added to the clock (a test steps through the stages by moving it). A PAUSE hook at
    PRE_PRODUCTION_TRAFFIC_SHIFT (a hook stage the ServiceDeployment lifecycleStage enum does
    not have) is reported in stage PRODUCTION_TRAFFIC_SHIFT with no traffic shifted yet. The
    services named in the setting `fail` fail their tasks at SCALE_UP: the circuit breaker
    reaches its threshold (TRIGGERED) and, with rollback on, ECS rolls back by itself. A
    deployment alarm (deploymentConfiguration.alarms, enable) in ALARM in moto's CloudWatch
    while the deployment is in flight fails it (alarms TRIGGERED, triggeredAlarmNames): rolled
    back with rollback on, else STOPPED."""

    name = "ecs-deployments"
    order = 50
    cite = ("Amazon ECS Developer Guide: 'Amazon ECS blue/green deployments', 'Lifecycle hooks "
            "for Amazon ECS service deployments' (PAUSE hooks, timeoutConfiguration), 'Amazon ECS "
            "service revisions', 'Amazon ECS linear deployments', 'Amazon ECS canary "
            "deployments', 'View service history using Amazon ECS service deployments'; ECS API "
            "Reference: ListServiceDeployments, DescribeServiceDeployments, "
            "DescribeServiceRevisions, StopServiceDeployment (stopType ROLLBACK, ABORT), "
            "ContinueServiceDeployment, ServiceDeployment, ServiceRevision, "
            "DeploymentConfiguration, DeploymentAlarms ('When the alarms are generated, Amazon "
            "ECS sets the service deployment to failed'), ServiceDeploymentAlarms (botocore "
            "ecs-2014-11-13 shapes and errors); Developer Guide 'Stopping Amazon ECS service "
            "deployments' (the states a stop is accepted in), 'Continuing service deployments' "
            "(hook AWAITING_ACTION, deployment IN_PROGRESS)")
    settings = {"stage_s": 1.0, "minute_s": 1.0, "offset_s": 0.0, "fail": []}

    def _now(self):
        """The layer's clock: real time moved on by the setting offset_s (tests step it)."""
        import awsemu
        return awsemu.now() + float(self.cfg["offset_s"])

    OPS = ("ListServiceDeployments", "DescribeServiceDeployments", "DescribeServiceRevisions",
           "StopServiceDeployment", "ContinueServiceDeployment")

    def __init__(self, layer):
        super().__init__(layer)
        self.reset()

    def reset(self):
        with self.lock:
            self.deps = {}      # deployment arn -> record
            self.revs = {}      # revision arn -> ServiceRevision
            self.order = {}     # service arn -> [deployment arns], oldest first
            self.configs = {}   # service arn -> merged deploymentConfiguration
            self.requested = set()  # services whose configuration came through the layer
            self.images = {}    # task definition arn -> containerImages (immutable)

    # -- the hooks ---------------------------------------------------------------------------

    def before(self, call):
        if call.service != "ecs":
            return None
        if call.op in ("UpdateService", "CreateService"):
            if call.op == "UpdateService":
                call.ctx["deploy_before"] = self._moto_service(call, call.params.get("service"))
            return None
        if call.op not in self.OPS:
            return None
        with self.lock:
            data = getattr(self, "_op_" + call.op)(call)
        self.count(call.op)
        return Reply(call, 200, [("x-amzn-RequestId", "emu-" + str(next(_ids)))], b"", data)

    def after(self, call, reply):
        if call.service != "ecs" or not reply.ok:
            return reply
        if call.op in ("CreateService", "UpdateService"):
            svc = reply.data.get("service")
            if not svc or (svc.get("deploymentController") or {}).get("type", "ECS") != "ECS":
                return reply
            with self.lock:
                self._changed(call, svc)
                svc["deploymentConfiguration"] = self._config_of(svc)
            reply.set_data(reply.data)
        elif call.op == "DescribeServices":
            touched = False
            with self.lock:
                for svc in reply.data.get("services", []):
                    if (svc.get("deploymentController") or {}).get("type", "ECS") != "ECS":
                        continue
                    self._observe(call, svc)
                    if svc.get("serviceArn") in self.requested:
                        svc["deploymentConfiguration"] = self._config_of(svc)
                        touched = True
            if touched:
                reply.set_data(reply.data)
        return reply

    # -- recording what CreateService and UpdateService did ------------------------------------

    def _moto_service(self, call, service, cluster=None):
        try:
            found = moto_client(self.layer, "ecs", call.region).describe_services(
                cluster=cluster or call.params.get("cluster", "default"),
                services=[service])["services"]
        except ClientError:
            return None
        return found[0] if found else None

    def _config_of(self, svc):
        cfg = self.configs.get(svc["serviceArn"])
        if cfg is None:
            cfg = _merge({"maximumPercent": 200, "minimumHealthyPercent": 100,
                          "strategy": "ROLLING",
                          "deploymentCircuitBreaker": {"enable": False, "rollback": False}},
                         svc.get("deploymentConfiguration"))
        return _fit(wire.model("ecs").shape_for("DeploymentConfiguration"), cfg)

    def _observe(self, call, svc):
        """A service as DescribeServices shows it: the first sight settles it; a task definition
        changed behind the layer's back (the demo's animator, a seeder talking to moto) is a new
        deployment from the revision it ran."""
        arn = svc["serviceArn"]
        if svc.get("deploymentConfiguration"):
            self.configs[arn] = _merge(self.configs.get(arn), svc["deploymentConfiguration"])
        if arn not in self.order:
            self.configs.setdefault(arn, self._config_of(svc))
            self._settled(call, svc)
            return
        newest = self.deps[self.order[arn][-1]]
        # The answer was read before advancing, which may roll moto's service back.
        before = self._expected_td(newest)
        self._advance(newest)
        if svc.get("taskDefinition") in (before, self._expected_td(newest)):
            return
        for darn in self.order[arn]:
            dep = self.deps[darn]
            if dep["status"] in IN_FLIGHT:
                dep.update(status="STOPPED", statusReason="Service deployment stopped: a newer "
                           "service deployment started.", stoppedAt=self._now(),
                           finishedAt=self._now())
        source = self.revs[newest["sources"][0]] if newest["status"].startswith("ROLLBACK") \
            and newest["sources"] else self.revs[newest["target"]]
        dep = self._start(call, svc, [source], now=self._now())
        dep["observed"] = True
        self.count("observed")

    def _expected_td(self, dep):
        """The task definition moto's service should be on after this deployment."""
        if dep["status"].startswith("ROLLBACK") and dep["sources"]:
            return self.revs[dep["sources"][0]]["taskDefinition"]
        return self.revs[dep["target"]]["taskDefinition"]

    def _changed(self, call, svc):
        arn = svc["serviceArn"]
        p = call.params
        self.requested.add(arn)
        newest = self.deps[self.order[arn][-1]] if self.order.get(arn) else None
        if newest is not None and newest.get("observed") and newest["status"] in IN_FLIGHT \
                and self._expected_td(newest) == svc.get("taskDefinition"):
            # A DescribeServices between moto's change and this answer saw it first.
            newest["observed"] = False
            if p.get("deploymentConfiguration"):
                self.configs[arn] = _merge(self.configs[arn], p["deploymentConfiguration"])
            return
        if call.op == "CreateService":
            self.configs[arn] = _merge(self._config_of(svc), p.get("deploymentConfiguration"))
            self._start(call, svc, [], now=self._now())
            return
        before = call.ctx.get("deploy_before")
        if arn not in self.configs:
            self.configs[arn] = self._config_of(before or svc)
            if before is not None and arn not in self.order:
                self._settled(call, before)
        if p.get("deploymentConfiguration"):
            self.configs[arn] = _merge(self.configs[arn], p["deploymentConfiguration"])
        changes = p.get("forceNewDeployment") or any(
            k in p and (before is None or p[k] != before.get(k)) for k in DEPLOYING_MEMBERS)
        if p.get("taskDefinition") and before is not None and \
                svc.get("taskDefinition") == before.get("taskDefinition") and \
                not any(k in p for k in DEPLOYING_MEMBERS if k != "taskDefinition") and \
                not p.get("forceNewDeployment"):
            changes = False
        if not changes:
            return
        sources = []
        for darn in self.order.get(arn, []):
            dep = self.deps[darn]
            self._advance(dep)
            if dep["status"] in IN_FLIGHT:
                dep.update(status="STOPPED", statusReason="Service deployment stopped: a newer "
                           "service deployment started.", stoppedAt=self._now(),
                           finishedAt=self._now())
        if before is not None:
            sources = [self._running_revision(arn, before) or self._revision(call, before)]
        self._start(call, svc, sources, now=self._now())

    def _running_revision(self, arn, before):
        """The service revision the service runs: a service revision is created once, by the
        deployment that targets it, and the next deployment names it as its source (ECS
        Developer Guide, 'Amazon ECS service revisions'); after a rollback, the source the
        deployment went back to. None when moto's service is no longer on it (changed behind
        the layer's back)."""
        if not self.order.get(arn):
            return None
        prev = self.deps[self.order[arn][-1]]
        ra = prev["sources"][0] if prev["status"].startswith("ROLLBACK") and prev["sources"] \
            else prev["target"]
        rev = self.revs.get(ra)
        return rev if rev and rev.get("taskDefinition") == before.get("taskDefinition") else None

    def _settled(self, call, svc):
        """One SUCCESSFUL deployment to the service's state (a service seeded behind the
        layer's back, or running before the layer started)."""
        rev = self._revision(call, svc)
        t = svc.get("createdAt")
        t = t.timestamp() if isinstance(t, datetime.datetime) else self._now()
        dep = self._record(call, svc, [], rev, t)
        dep.update(status="SUCCESSFUL", step=len(dep["steps"]), finishedAt=t,
                   statusReason="Service deployment completed successfully.")
        return dep

    def _revision(self, call, svc):
        m = wire.model("ecs").shape_for("ServiceRevision")
        cluster = svc["clusterArn"].split("/")[-1]
        rid = str(4000000000000000000 + next(_ids) * 7919)
        arn = (f"arn:aws:ecs:{call.region}:{svc['serviceArn'].split(':')[4]}:service-revision/"
               f"{cluster}/{svc['serviceName']}/{rid}")
        images = self.images.get(svc["taskDefinition"])
        if images is None:
            images = []
            try:
                td = moto_client(self.layer, "ecs", call.region).describe_task_definition(
                    taskDefinition=svc["taskDefinition"])["taskDefinition"]
                for c in td.get("containerDefinitions", []):
                    digest = "sha256:" + hashlib.sha256(c.get("image", "").encode()).hexdigest()
                    images.append({"containerName": c["name"], "image": c.get("image", ""),
                                   "imageDigest": digest})
                self.images[svc["taskDefinition"]] = images
            except ClientError:
                pass
        rev = _fit(m, {**svc, "containerImages": images})
        rev.update(serviceRevisionArn=arn, serviceArn=svc["serviceArn"],
                   clusterArn=svc["clusterArn"], createdAt=_utc(self._now()))
        rev.pop("serviceConnectConfiguration", None)
        self.revs[arn] = rev
        return rev

    def _record(self, call, svc, sources, target, t):
        cfg = self.configs.get(svc["serviceArn"]) or self._config_of(svc)
        did = "".join(hashlib.sha256(f"{svc['serviceArn']}{t}{next(_ids)}".encode())
                      .hexdigest()[:22])
        cluster = svc["clusterArn"].split("/")[-1]
        arn = (f"arn:aws:ecs:{call.region}:{svc['serviceArn'].split(':')[4]}:service-deployment/"
               f"{cluster}/{svc['serviceName']}/{did}")
        dep = {"arn": arn, "service": svc, "region": call.region, "cfg": cfg,
               "sources": [s["serviceRevisionArn"] for s in sources],
               "target": target["serviceRevisionArn"], "desired": svc.get("desiredCount", 0),
               "createdAt": t, "startedAt": t, "stepAt": t, "step": 0, "status": "IN_PROGRESS",
               "statusReason": None, "steps": self._steps(cfg, bool(sources)),
               "hooks": {}, "rollback": None, "failures": 0}
        self.deps[arn] = dep
        self.order.setdefault(svc["serviceArn"], []).append(arn)
        return dep

    def _start(self, call, svc, sources, now):
        dep = self._record(call, svc, sources, self._revision(call, svc), now)
        self.count("started")
        return dep

    # -- the lifecycle -----------------------------------------------------------------------

    def _steps(self, cfg, has_source):
        """The stages of the strategy as steps: (lifecycleStage, minutes of bake or None for
        one stage_s, production weight of the target after the step, test weight, hook
        stage)."""
        strategy = cfg.get("strategy", "ROLLING")
        hooks = [h for h in cfg.get("lifecycleHooks", []) if h.get("targetType") == "PAUSE"]

        def hook(stage):
            return [h for h in hooks if stage in h.get("lifecycleStages", [])]

        if strategy == "ROLLING" or not has_source:
            return [("RECONCILE_SERVICE", None, None, None, []), ("SCALE_UP", None, None, None, []),
                    ("CLEAN_UP", None, None, None, [])]
        steps = [("RECONCILE_SERVICE", None, 0, 0, hook("RECONCILE_SERVICE")),
                 ("PRE_SCALE_UP", None, 0, 0, hook("PRE_SCALE_UP")),
                 ("SCALE_UP", None, 0, 0, []),
                 ("POST_SCALE_UP", None, 0, 0, hook("POST_SCALE_UP")),
                 ("TEST_TRAFFIC_SHIFT", None, 0, 100, hook("TEST_TRAFFIC_SHIFT")),
                 ("POST_TEST_TRAFFIC_SHIFT", None, 0, 100, hook("POST_TEST_TRAFFIC_SHIFT"))]
        if hook("PRE_PRODUCTION_TRAFFIC_SHIFT"):
            steps.append(("PRODUCTION_TRAFFIC_SHIFT", 0, 0, 100,
                          hook("PRE_PRODUCTION_TRAFFIC_SHIFT")))
        shift = hook("PRODUCTION_TRAFFIC_SHIFT")
        if strategy == "LINEAR":
            lin = cfg.get("linearConfiguration") or {}
            step, bake = float(lin.get("stepPercent", 10.0)), lin.get("stepBakeTimeInMinutes", 6)
            w = 0.0
            while w < 100.0:
                w = min(100.0, w + step)
                steps.append(("PRODUCTION_TRAFFIC_SHIFT", None, w, 100, shift))
                if w < 100.0:
                    steps.append(("PRODUCTION_TRAFFIC_SHIFT", bake, w, 100, []))
                shift = []
        elif strategy == "CANARY":
            can = cfg.get("canaryConfiguration") or {}
            pct = float(can.get("canaryPercent", 5.0))
            steps += [("PRODUCTION_TRAFFIC_SHIFT", None, pct, 100, shift),
                      ("PRODUCTION_TRAFFIC_SHIFT", can.get("canaryBakeTimeInMinutes", 10), pct,
                       100, []),
                      ("PRODUCTION_TRAFFIC_SHIFT", None, 100.0, 100, [])]
        else:
            steps.append(("PRODUCTION_TRAFFIC_SHIFT", None, 100.0, 100, shift))
        steps.append(("POST_PRODUCTION_TRAFFIC_SHIFT", None, 100.0, 100,
                      hook("POST_PRODUCTION_TRAFFIC_SHIFT")))
        steps.append(("BAKE_TIME", cfg.get("bakeTimeInMinutes", 0), 100.0, 100, []))
        steps.append(("CLEAN_UP", None, 100.0, 100, []))
        return steps

    def _step_s(self, step):
        minutes = step[1]
        if minutes is None:
            return float(self.cfg["stage_s"])
        return float(minutes) * float(self.cfg["minute_s"])

    def _advance(self, dep, now=None):
        """Move the deployment along its steps to the clock's now."""
        now = self._now() if now is None else now
        self._alarms(dep, now)
        while dep["status"] in IN_FLIGHT:
            if dep["status"] in ("STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"):
                if now < dep["stepAt"] + float(self.cfg["stage_s"]):
                    return
                at = dep["stepAt"] + float(self.cfg["stage_s"])
                if dep["status"] == "ROLLBACK_REQUESTED":
                    dep.update(status="ROLLBACK_IN_PROGRESS", stepAt=at)
                    continue
                if dep["status"] == "STOP_REQUESTED":
                    dep.update(status="STOPPED", stoppedAt=at, finishedAt=at,
                               statusReason="Service deployment stopped (ABORT).")
                else:
                    dep.update(status="ROLLBACK_SUCCESSFUL", finishedAt=at,
                               statusReason="Service deployment rolled back to the source "
                               "service revision.")
                return
            if dep["step"] >= len(dep["steps"]):
                dep.update(status="SUCCESSFUL", finishedAt=dep["stepAt"],
                           statusReason="Service deployment completed successfully.")
                return
            step = dep["steps"][dep["step"]]
            if step[4]:
                if not self._hooks_done(dep, step, now):
                    return
            if step[0] == "SCALE_UP" and dep["service"]["serviceName"] in self.cfg["fail"]:
                if self._breaker(dep, now):
                    continue
            end = dep["stepAt"] + self._step_s(step)
            if now < end:
                return
            dep["step"] += 1
            dep["stepAt"] = end
            dep["hooks"] = {}

    def _hooks_done(self, dep, step, now):
        """The PAUSE hooks of this step: True once all are SUCCEEDED; a timeout applies its
        action."""
        if not dep["hooks"]:
            for h in step[4]:
                tmo = h.get("timeoutConfiguration") or {}
                minutes = tmo.get("timeoutInMinutes", 60)
                hid = "hook-" + hashlib.sha256(f"{dep['arn']}{dep['step']}{next(_ids)}"
                                               .encode()).hexdigest()[:16]
                dep["hooks"][hid] = {"hookId": hid, "targetType": "PAUSE",
                                     "status": "AWAITING_ACTION",
                                     "expiresAt": dep["stepAt"] + minutes *
                                     float(self.cfg["minute_s"]),
                                     "timeoutAction": tmo.get("action", "ROLLBACK")}
        for h in dep["hooks"].values():
            if h["status"] == "AWAITING_ACTION" and now >= h["expiresAt"]:
                h["status"] = "TIMED_OUT"
                if h["timeoutAction"] == "ROLLBACK":
                    self._rollback(dep, h["expiresAt"], "Lifecycle hook timed out (timeout "
                                   "action ROLLBACK).")
                    return False
                h["status"] = "SUCCEEDED"
                h["at"] = h["expiresAt"]
        if any(h["status"] == "AWAITING_ACTION" for h in dep["hooks"].values()):
            return False
        done = max([h.get("at", dep["stepAt"]) for h in dep["hooks"].values()] + [dep["stepAt"]])
        if done > dep["stepAt"]:
            dep["stepAt"] = done
        dep["steps"][dep["step"]] = step[:4] + ([],)
        return True

    def _breaker(self, dep, now):
        cb = dep["cfg"].get("deploymentCircuitBreaker") or {}
        if not cb.get("enable"):
            return False
        dep["failures"] = self._threshold(dep)
        if cb.get("rollback") and dep["sources"]:
            self._rollback(dep, dep["stepAt"] + float(self.cfg["stage_s"]),
                           "Circuit breaker: the tasks of the target service revision failed "
                           "to start.", requested=False)
            self.count("breaker")
            return True
        dep.update(status="STOPPED", stoppedAt=now, finishedAt=now,
                   statusReason="Circuit breaker triggered: tasks failed to start.")
        return True

    def _alarms(self, dep, now):
        """Deployment alarms (deploymentConfiguration.alarms): an alarm named there in ALARM in
        CloudWatch (moto's state, set_alarm_state) while the deployment is in flight fails it:
        ECS rolls it back when rollback is on, else stops it. Checked whenever the deployment
        is read, so an alarm that fires between two reads counts at the second."""
        al = dep["cfg"].get("alarms") or {}
        if not al.get("enable") or not al.get("alarmNames") or \
                dep["status"] not in ("PENDING", "IN_PROGRESS"):
            return
        try:
            found = moto_client(self.layer, "cloudwatch", dep["region"]).describe_alarms(
                AlarmNames=list(al["alarmNames"]))
        except ClientError:
            return
        firing = sorted(a["AlarmName"] for a in found.get("MetricAlarms", []) +
                        found.get("CompositeAlarms", []) if a.get("StateValue") == "ALARM")
        if not firing:
            return
        dep["triggered"] = firing
        reason = "CloudWatch alarm in ALARM during the deployment: " + ", ".join(firing)
        self.count("alarm")
        if al.get("rollback") and dep["sources"]:
            self._rollback(dep, now, reason)
        else:
            dep.update(status="STOPPED", stoppedAt=now, finishedAt=now, statusReason=reason)

    def _threshold(self, dep):
        return max(3, min(200, (dep["desired"] + 1) // 2))

    def _rollback(self, dep, at, reason, requested=False):
        src = dep["sources"][0] if dep["sources"] else None
        dep.update(status="ROLLBACK_REQUESTED" if requested else "ROLLBACK_IN_PROGRESS",
                   stepAt=at, statusReason=reason,
                   rollback={"reason": reason, "startedAt": at, "serviceRevisionArn": src})
        self.count("rollback")
        if src:
            svc = dep["service"]
            try:
                moto_client(self.layer, "ecs", dep["region"]).update_service(
                    cluster=svc["clusterArn"], service=svc["serviceName"],
                    taskDefinition=self.revs[src]["taskDefinition"])
            except ClientError:
                pass

    # -- the answers ----------------------------------------------------------------------------

    def _view(self, dep):
        """ServiceDeployment as DescribeServiceDeployments answers it."""
        self._advance(dep)
        svc, cfg = dep["service"], dep["cfg"]
        i = min(dep["step"], len(dep["steps"]) - 1)
        stage, _, wprod, wtest, _ = dep["steps"][i]
        status = dep["status"]
        done = status == "SUCCESSFUL"
        rolled = status in ("ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_REQUESTED")
        desired = dep["desired"]
        order = [s[0] for s in dep["steps"]]
        scaled = done or i > order.index("SCALE_UP") or (
            stage == "SCALE_UP" and self._now() >= dep["stepAt"] + float(self.cfg["stage_s"]) / 2)
        failing = svc["serviceName"] in self.cfg["fail"]
        t_run = desired if scaled and not failing else 0
        t_pend = 0 if scaled or i < order.index("SCALE_UP") else desired
        if failing and i >= order.index("SCALE_UP"):
            t_pend = desired
        cleaned = stage == "CLEAN_UP" or done
        s_run = 0 if cleaned and not rolled else desired
        if rolled:
            t_run, t_pend, wprod, wtest = 0, 0, (0 if wprod is not None else None), \
                (0 if wtest is not None else None)
            if status == "ROLLBACK_SUCCESSFUL":
                s_run = desired
        early = i < order.index("SCALE_UP") and not done
        target = {"arn": dep["target"], "requestedTaskCount": 0 if rolled or early else desired,
                  "runningTaskCount": t_run, "pendingTaskCount": t_pend}
        sources = [{"arn": a, "requestedTaskCount": 0 if cleaned and not rolled else desired,
                    "runningTaskCount": s_run, "pendingTaskCount": 0} for a in dep["sources"]]
        if wprod is not None:
            target["requestedProductionTrafficWeight"] = float(wprod)
            target["requestedTestTrafficWeight"] = float(wtest)
            for s in sources:
                s["requestedProductionTrafficWeight"] = 100.0 - float(wprod)
                s["requestedTestTrafficWeight"] = 100.0 - float(wtest)
        out = {"serviceDeploymentArn": dep["arn"], "serviceArn": svc["serviceArn"],
               "clusterArn": svc["clusterArn"], "createdAt": _utc(dep["createdAt"]),
               "startedAt": _utc(dep["startedAt"]), "updatedAt": _utc(dep["stepAt"]),
               "sourceServiceRevisions": sources, "targetServiceRevision": target,
               "status": status, "deploymentConfiguration": _fit(
                   wire.model("ecs").shape_for("DeploymentConfiguration"), cfg)}
        if status in IN_FLIGHT and not rolled and status != "STOP_REQUESTED":
            out["lifecycleStage"] = stage
        if dep.get("statusReason"):
            out["statusReason"] = dep["statusReason"]
        for k in ("finishedAt", "stoppedAt"):
            if dep.get(k):
                out[k] = _utc(dep[k])
        if dep["hooks"]:
            out["lifecycleHookDetails"] = [
                {"hookId": h["hookId"], "targetType": "PAUSE", "status": h["status"],
                 "expiresAt": _utc(h["expiresAt"]), "timeoutAction": h["timeoutAction"]}
                for h in dep["hooks"].values()]
        if dep["rollback"]:
            rb = {"reason": dep["rollback"]["reason"],
                  "startedAt": _utc(dep["rollback"]["startedAt"])}
            if dep["rollback"]["serviceRevisionArn"]:
                rb["serviceRevisionArn"] = dep["rollback"]["serviceRevisionArn"]
            out["rollback"] = rb
        cb = cfg.get("deploymentCircuitBreaker") or {}
        if cb.get("enable"):
            trig = dep["failures"] >= self._threshold(dep) and dep["failures"] > 0
            out["deploymentCircuitBreaker"] = {
                "status": "TRIGGERED" if trig else ("MONITORING" if status in IN_FLIGHT
                                                    else "MONITORING_COMPLETE"),
                "failureCount": dep["failures"], "threshold": self._threshold(dep)}
        else:
            out["deploymentCircuitBreaker"] = {"status": "DISABLED"}
        al = cfg.get("alarms") or {}
        if al.get("enable"):
            trig = dep.get("triggered") or []
            out["alarms"] = {"status": "TRIGGERED" if trig else (
                "MONITORING" if status in IN_FLIGHT else "MONITORING_COMPLETE"),
                "alarmNames": al.get("alarmNames", []), "triggeredAlarmNames": list(trig)}
        else:
            out["alarms"] = {"status": "DISABLED"}
        return out

    def _service_arn(self, call):
        p = call.params
        svc = self._moto_service(call, p["service"], p.get("cluster", "default"))
        if svc is None:
            try:
                moto_client(self.layer, "ecs", call.region).describe_clusters(
                    clusters=[p.get("cluster", "default")])
            except ClientError:
                pass
            found = moto_client(self.layer, "ecs", call.region).describe_clusters(
                clusters=[p.get("cluster", "default")]).get("clusters", [])
            if not found:
                raise AwsError(400, "ClusterNotFoundException", "Cluster not found.")
            raise AwsError(400, "ServiceNotFoundException", "Service not found.")
        if svc["serviceArn"] not in self.order:
            self.configs.setdefault(svc["serviceArn"], self._config_of(svc))
            self._settled(call, svc)
        return svc["serviceArn"]

    def _op_ListServiceDeployments(self, call):
        p = call.params
        # ECS API Reference, ListServiceDeployments maxResults: "This value can be between 1
        # and 100" (the botocore model has no range for it).
        if "maxResults" in p and not 1 <= p["maxResults"] <= 100:
            raise AwsError(400, "InvalidParameterException",
                           "maxResults must be between 1 and 100.")
        arn = self._service_arn(call)
        rows = []
        for darn in reversed(self.order.get(arn, [])):
            v = self._view(self.deps[darn])
            if p.get("status") and v["status"] not in p["status"]:
                continue
            ca = p.get("createdAt") or {}
            if ca.get("before") and v["createdAt"] >= ca["before"]:
                continue
            if ca.get("after") and v["createdAt"] <= ca["after"]:
                continue
            brief = {k: v[k] for k in ("serviceDeploymentArn", "serviceArn", "clusterArn",
                                       "startedAt", "createdAt", "finishedAt", "status",
                                       "statusReason") if k in v}
            brief["targetServiceRevisionArn"] = v["targetServiceRevision"]["arn"]
            rows.append(brief)
        start = int(p.get("nextToken") or 0) if str(p.get("nextToken") or "0").isdigit() else 0
        size = p.get("maxResults") or 20
        out = {"serviceDeployments": rows[start:start + size]}
        if start + size < len(rows):
            out["nextToken"] = str(start + size)
        return out

    def _op_DescribeServiceDeployments(self, call):
        arns = call.params["serviceDeploymentArns"]
        found, failures = [], []
        for a in arns:
            if a in self.deps:
                found.append(self._view(self.deps[a]))
            else:
                failures.append({"arn": a, "reason": "MISSING"})
        return {"serviceDeployments": found, "failures": failures}

    def _op_DescribeServiceRevisions(self, call):
        found, failures = [], []
        for a in call.params["serviceRevisionArns"]:
            if a in self.revs:
                found.append(self.revs[a])
            else:
                failures.append({"arn": a, "reason": "MISSING"})
        return {"serviceRevisions": found, "failures": failures}

    def _dep_or_raise(self, call):
        dep = self.deps.get(call.params["serviceDeploymentArn"])
        if dep is None:
            raise AwsError(400, "ServiceDeploymentNotFoundException",
                           "The service deployment does not exist.")
        self._advance(dep)
        return dep

    def _op_StopServiceDeployment(self, call):
        dep = self._dep_or_raise(call)
        stop = call.params.get("stopType", "ROLLBACK")
        if dep["status"] in ("STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"):
            # Developer Guide, 'Stopping Amazon ECS service deployments': a deployment already
            # stopping continues to stop, one rolling back continues the rollback.
            self.count("stopped-again:" + stop)
            return {"serviceDeploymentArn": dep["arn"]}
        if dep["status"] not in ("PENDING", "IN_PROGRESS"):
            raise AwsError(400, "ConflictException",
                           f"The service deployment is {dep['status']}: it cannot be stopped.")
        if stop == "ABORT":
            dep.update(status="STOP_REQUESTED", stepAt=self._now(),
                       statusReason="Stop requested (ABORT).")
        else:
            if not dep["sources"]:
                raise AwsError(400, "InvalidParameterException",
                               "The service deployment has no source service revision to "
                               "roll back to.")
            self._rollback(dep, self._now(), "Rollback requested (StopServiceDeployment).",
                           requested=True)
        self.count("stopped:" + stop)
        return {"serviceDeploymentArn": dep["arn"]}

    def _op_ContinueServiceDeployment(self, call):
        dep = self._dep_or_raise(call)
        hook = dep["hooks"].get(call.params["hookId"])
        # Developer Guide, 'Continuing service deployments': the pause hook must be
        # AWAITING_ACTION and the deployment IN_PROGRESS.
        if dep["status"] != "IN_PROGRESS" or hook is None or \
                hook["status"] != "AWAITING_ACTION":
            raise AwsError(400, "InvalidParameterException",
                           f"The lifecycle hook {call.params['hookId']} is not awaiting action.")
        action = call.params.get("action", "CONTINUE")
        if action == "ROLLBACK":
            if not dep["sources"]:
                raise AwsError(400, "InvalidParameterException",
                               "The service deployment has no source service revision to "
                               "roll back to.")
            hook["status"] = "FAILED"
            self._rollback(dep, self._now(), "Rollback requested at a lifecycle hook "
                           "(ContinueServiceDeployment).", requested=True)
        else:
            hook["status"], hook["at"] = "SUCCEEDED", self._now()
        self.count("continued:" + action)
        return {"serviceDeploymentArn": dep["arn"]}


BEHAVIOURS = [ServiceDeployments]
