"""IAM: calls the test's policy does not allow are refused, as AWS refuses them."""

import fnmatch

from awsemu import AwsError, Behaviour

ACCOUNT = "123456789012"
PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/moto"

# The error each protocol family answers a denial with (status, code).
_DENIAL = {
    "ecs": (400, "AccessDeniedException"),
    "logs": (400, "AccessDeniedException"),
    "ecr": (400, "AccessDeniedException"),
    # Application Auto Scaling API Reference, Common Errors: AccessDeniedException, HTTP 400
    # (not in its botocore model's error shapes, as for every service: it is a common error)
    "application-autoscaling": (400, "AccessDeniedException"),
    "cloudwatch": (403, "AccessDeniedException"),  # JSON 1.0; x-amzn-query-error AccessDenied
    "elbv2": (403, "AccessDenied"),
    "sts": (403, "AccessDenied"),
    "cloudfront": (403, "AccessDenied"),
}


def allowed(layer, action):
    """Whether the iam behaviour's policy allows the IAM action (True when iam is off)."""
    if "iam" not in layer.on:
        return True
    b = layer.get("iam")
    with b.lock:
        patterns = list(b.cfg["allow"])
    return any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


def deny(call, action, resource="*", explicit=False):
    """The AwsError AWS answers when the caller's policy does not allow action (or, explicit,
    a Deny statement refuses it)."""
    status, code = _DENIAL.get(call.service, (403, "AccessDenied"))
    why = ("with an explicit deny in an identity-based policy" if explicit else
           f"because no identity-based policy allows the {action} action")
    return AwsError(status, code,
                    f"User: {PRINCIPAL} is not authorized to perform: {action} on resource: "
                    f"{resource} {why}")


def denied_explicitly(layer, action, res):
    """Whether a Deny statement of the policy ({"action", "resource"} wildcards) matches."""
    b = layer.get("iam")
    with b.lock:
        stmts = list(b.cfg.get("deny") or [])
    return any(fnmatch.fnmatchcase(action.lower(), d.get("action", "*").lower()) and
               fnmatch.fnmatchcase(res, d.get("resource", "*")) for d in stmts)


class Iam(Behaviour):
    """AWS evaluates every request against the caller's identity-based policies and refuses an
    action no statement allows: the JSON services (ECS, CloudWatch Logs, ECR, Application Auto
    Scaling) answer HTTP 400
    AccessDeniedException, CloudWatch's JSON 1.0 protocol 403 with x-amzn-query-error
    "AccessDenied;Sender", the Query services (ELBv2, STS) and CloudFront 403 AccessDenied, each
    with the message "User: ARN is not authorized to perform: ACTION on resource: R because no
    identity-based policy allows the ACTION action". sts:GetCallerIdentity needs no permission
    and is never refused. moto checks no IAM at all. The layer holds one policy per test, the
    list of allowed actions in `allow` (wildcards as in IAM: `ecs:Describe*`, `*`); the default
    allows everything, so the behaviour is on by default and only a test that narrows the list
    sees denials (counted as `iam:denied`). `deny` holds Deny statements
    ({"action": "logs:FilterLogEvents", "resource": "arn:aws:logs:*:log-group:/ecs/api:*"}): an
    explicit deny wins over any allow, for the resource the request names (e.g. one log group,
    while the others stay readable)."""
    name = "iam"
    order = 10
    cite = ("IAM User Guide, 'Policy evaluation logic' (an action not allowed by any "
            "identity-based policy is implicitly denied) and 'Troubleshoot access denied "
            "error messages' (an explicit deny in any policy overrides any allow; the message "
            "then says 'with an explicit deny in an identity-based policy'); STS API "
            "Reference, GetCallerIdentity: 'No permissions are required to perform this "
            "operation'; botocore ecs/logs/ecr AccessDeniedException")
    settings = {"allow": ["*"], "deny": []}

    def before(self, call):
        if call.service == "sts" and call.op == "GetCallerIdentity":
            return None
        if call.service not in _DENIAL:
            return None
        action = call.action
        res = resource(call)
        if denied_explicitly(self.layer, action, res):
            self.count("denied")
            self.count(f"denied:{action}")
            raise deny(call, action, res, explicit=True)
        if allowed(self.layer, action):
            return None
        self.count("denied")
        self.count(f"denied:{action}")
        raise deny(call, action, resource(call))


def resource(call):
    """The resource AWS names in the message, as near as the request tells."""
    p = call.params
    arn = f"arn:aws:{call.action.split(':')[0]}:{call.region or 'us-east-1'}:{ACCOUNT}"
    if call.service == "ecs" and call.op == "RegisterTaskDefinition":
        return f"{arn}:task-definition/{p.get('family', '*')}:*"
    if call.service == "ecs" and p.get("cluster"):
        return f"{arn}:cluster/{p['cluster']}"
    if call.service == "logs" and p.get("logGroupName"):
        return f"{arn}:log-group:{p['logGroupName']}:log-stream:"
    if call.service == "elbv2" and p.get("TargetGroupArn"):
        return p["TargetGroupArn"]
    return "*"


BEHAVIOURS = [Iam]
