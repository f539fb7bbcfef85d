"""ELBv2 target health as a load balancer reports it: targets pass through `initial` and
`draining`, and a test can make one `unhealthy` with a reason."""

from awsemu import Behaviour, moto_client, now

# Reason codes and descriptions as ELBv2 reports them (Elastic Load Balancing, Application
# Load Balancers guide, "Health checks for your target groups": Target health states, Health
# check reason codes; botocore elbv2-2015-12-01 TargetHealthReasonEnum).
DESCRIPTIONS = {
    "Elb.RegistrationInProgress": "Target registration is in progress",
    "Target.DeregistrationInProgress": "Target deregistration is in progress",
    "Target.ResponseCodeMismatch": "Health checks failed with these codes: [502]",
    "Target.FailedHealthChecks": "Health checks failed",
    "Target.Timeout": "Request timed out",
}
AWS_DEFAULT_DEREGISTRATION_DELAY_S = 300


def _health(state, reason, description=None):
    return {"State": state, "Reason": reason,
            "Description": description or DESCRIPTIONS.get(reason, reason)}


class TargetHealthLifecycle(Behaviour):
    """A target ELBv2 has just registered is `initial` (Elb.RegistrationInProgress) until it
    passes HealthyThresholdCount health checks; one that is deregistered stays `draining`
    (Target.DeregistrationInProgress) for the group's deregistration delay
    (`deregistration_delay.timeout_seconds`, 300 s by default) and is then no longer listed;
    a failing one is `unhealthy` with a reason such as Target.ResponseCodeMismatch or
    Target.FailedHealthChecks. moto reports every registered target `healthy` at once and
    forgets a deregistered one at once. The layer remembers the targets of each group as it
    sees them (in RegisterTargets and DeregisterTargets it forwards, and from one
    DescribeTargetHealth answer to the next: the first answer for a group is taken as
    settled), and rewrites DescribeTargetHealth answers: a target registered less than
    `initial_s` ago is `initial` (1.5 s by default, far shorter than AWS's threshold times
    interval, so that tests that register targets still converge quickly; a test raises it to
    hold targets in `initial`); a target moto no longer lists stays `draining` for
    `deregistration_delay_s` (null: the group's own attribute, as AWS); each entry of
    `unhealthy` (`{"id": "10.0.1.5", "port": 80, "target_group": "ARN or name part",
    "reason": "Target.FailedHealthChecks", "description": "..."}`, port and target_group
    optional) makes that target `unhealthy` with that reason. A target group deleted while a
    service still names it needs no rewriting: moto, like ELBv2, fails the whole
    DescribeTargetGroups call with TargetGroupNotFound when any one ARN is unknown, and
    DescribeTargetHealth of it too."""
    name = "target-health"
    order = 50
    cite = ("Elastic Load Balancing User Guide for Application Load Balancers, 'Health checks "
            "for your target groups': Target health states (initial, healthy, unhealthy, "
            "unhealthy.draining, unused, draining, unavailable) and Health check reason codes "
            "(Elb.RegistrationInProgress, Target.DeregistrationInProgress, "
            "Target.ResponseCodeMismatch, Target.FailedHealthChecks); 'Deregistration delay' "
            "(default 300 seconds); botocore elbv2-2015-12-01 TargetHealthStateEnum, "
            "TargetHealthReasonEnum, DescribeTargetHealth and DescribeTargetGroups errors "
            "(TargetGroupNotFoundException)")
    settings = {"initial_s": 1.5, "deregistration_delay_s": None, "unhealthy": []}

    def __init__(self, layer):
        super().__init__(layer)
        self.groups = {}  # (region, tg arn) -> {(id, port): target record}

    def reset(self):
        with self.lock:
            self.groups = {}

    def before(self, call):
        if call.service != "elbv2" or call.op not in ("RegisterTargets", "DeregisterTargets"):
            return None
        t = now()
        with self.lock:
            group = self.groups.setdefault((call.region, call.params.get("TargetGroupArn")), {})
            for tg in call.params.get("Targets", []):
                key = (tg.get("Id"), tg.get("Port"))
                if call.op == "RegisterTargets":
                    group[key] = {"since": t, "gone_at": None, "last": None}
                elif key in group:
                    group[key]["gone_at"] = t
        return None

    def after(self, call, reply):
        if call.service != "elbv2" or call.op != "DescribeTargetHealth" or not reply.ok:
            return reply
        arn = call.params.get("TargetGroupArn")
        data = reply.data
        descs = data.get("TargetHealthDescriptions", [])
        asked = bool(call.params.get("Targets"))
        t = now()
        with self.lock:
            first = (call.region, arn) not in self.groups
            group = self.groups.setdefault((call.region, arn), {})
            listed = set()
            for d in descs:
                tgt = d.get("Target", {})
                port = tgt.get("Port")
                key = (tgt.get("Id"), port)
                if key not in group and (tgt.get("Id"), None) in group:
                    key = (tgt.get("Id"), None)  # registered without a port
                listed.add(key)
                rec = group.get(key)
                if rec is None or rec["gone_at"] is not None:
                    rec = group[key] = {"since": None if first else t, "gone_at": None,
                                        "last": None}
                health = d.get("TargetHealth", {})
                if (health.get("State") == "healthy" and rec["since"] is not None and
                        t - rec["since"] < float(self.cfg["initial_s"])):
                    d["TargetHealth"] = _health("initial", "Elb.RegistrationInProgress")
                    self.count("initial")
                rec["last"] = d["TargetHealth"].get("State")
            if not asked:
                descs += self._draining(call, arn, group, listed, t)
            for d in descs:
                self._mark_unhealthy(arn, d)
        data["TargetHealthDescriptions"] = descs
        reply.set_data(data)
        return reply

    def _draining(self, call, arn, group, listed, t):
        """Targets moto forgot, still draining."""
        out = []
        for key, rec in list(group.items()):
            if key in listed:
                continue
            if rec["last"] in ("draining", None) and rec["gone_at"] is None:
                del group[key]  # already drained where moto (or the animator) said so
                continue
            if rec["gone_at"] is None:
                rec["gone_at"] = t
            if t - rec["gone_at"] >= self._delay(call, arn):
                del group[key]
                continue
            target = {"Id": key[0]}
            if key[1] is not None:
                target["Port"] = key[1]
            out.append({"Target": target,
                        "TargetHealth": _health("draining", "Target.DeregistrationInProgress")})
            self.count("draining")
        return out

    def _delay(self, call, arn):
        if self.cfg["deregistration_delay_s"] is not None:
            return float(self.cfg["deregistration_delay_s"])
        try:
            attrs = moto_client(self.layer, "elbv2", call.region).describe_target_group_attributes(
                TargetGroupArn=arn)["Attributes"]
            for a in attrs:
                if a["Key"] == "deregistration_delay.timeout_seconds":
                    return float(a["Value"])
        except Exception:  # the group is gone: nothing drains into it any more
            return 0.0
        return float(AWS_DEFAULT_DEREGISTRATION_DELAY_S)

    def _mark_unhealthy(self, arn, d):
        tgt = d.get("Target", {})
        for rule in self.cfg["unhealthy"] or []:
            if rule.get("id") != tgt.get("Id"):
                continue
            if rule.get("port") is not None and rule["port"] != tgt.get("Port"):
                continue
            if rule.get("target_group") and rule["target_group"] not in (arn or ""):
                continue
            reason = rule.get("reason", "Target.FailedHealthChecks")
            draining = d.get("TargetHealth", {}).get("State") == "draining"
            d["TargetHealth"] = _health("unhealthy.draining" if draining else "unhealthy",
                                        reason, rule.get("description"))
            self.count("unhealthy")
            return


BEHAVIOURS = [TargetHealthLifecycle]
