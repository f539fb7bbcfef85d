"""ELBv2 load balancer ARNs name the load balancer's type, as AWS writes them."""

import re

from awsemu import Behaviour, moto_client

# ":loadbalancer/app/NAME/ID" and ":listener/app/NAME/LBID/ID" (also listener-rule).
_ARN = re.compile(r"(:(?:loadbalancer|listener|listener-rule)/)(app|net|gwy)(/[^/\s\"']+/[0-9a-f]+)")
_PREFIX = {"application": "app", "network": "net", "gateway": "gwy"}


class LoadBalancerArnType(Behaviour):
    """AWS writes a load balancer's type into its ARN and into the ARNs of its listeners and
    rules: `loadbalancer/app/NAME/ID` for an Application Load Balancer, `loadbalancer/net/...`
    for a Network Load Balancer, `loadbalancer/gwy/...` for a Gateway Load Balancer; the
    CloudWatch `LoadBalancer` dimension is that suffix, and an NLB's metrics live in
    AWS/NetworkELB. moto writes `app/` for every type. The layer rewrites ELBv2 answers so
    that a network or gateway load balancer's ARNs carry `net/` or `gwy/` (it asks moto for
    the type once per load balancer), and turns them back into moto's form in requests."""
    name = "elb-arns"
    order = 50
    cite = ("Elastic Load Balancing User Guide for Network Load Balancers, 'CloudWatch metrics "
            "for your Network Load Balancer' (namespace AWS/NetworkELB, dimension LoadBalancer "
            "net/load-balancer-name/1234567890123456); Service Authorization Reference, "
            "Elastic Load Balancing V2 resource types (loadbalancer/net/${LoadBalancerName}/"
            "${LoadBalancerId}, loadbalancer/app/...); botocore elbv2-2015-12-01 "
            "LoadBalancerTypeEnum (application|network|gateway)")

    def __init__(self, layer):
        super().__init__(layer)
        self.types = {}  # "NAME/ID" -> "app" | "net" | "gwy"

    def before(self, call):
        if call.service != "elbv2":
            return None
        params = _walk(call.params, lambda m: m.group(1) + "app" + m.group(3))
        if params != call.params:
            call.set_params(params)
        return None

    def after(self, call, reply):
        if call.service != "elbv2" or not reply.ok:
            return reply
        data = reply.data
        arns = set()
        _walk(data, lambda m: arns.add(m.group(3)) or m.group(0))
        if not any(self._type(call, k) != "app" for k in arns):
            return reply
        reply.set_data(_walk(data, lambda m: m.group(1) + self._type(call, m.group(3)) + m.group(3)))
        self.count("rewritten")
        return reply

    def _type(self, call, key):
        """The ARN prefix of the load balancer NAME/ID (key is "/NAME/ID")."""
        with self.lock:
            if key in self.types:
                return self.types[key]
        name = key.split("/")[1]
        kind = "app"
        try:
            for lb in moto_client(self.layer, "elbv2", call.region).describe_load_balancers(
                    Names=[name])["LoadBalancers"]:
                if lb["LoadBalancerArn"].endswith(key):
                    kind = _PREFIX.get(lb.get("Type"), "app")
        except Exception:  # gone: keep moto's form
            return "app"
        with self.lock:
            self.types[key] = kind
        return kind


def _walk(v, fix):
    if isinstance(v, dict):
        return {k: _walk(x, fix) for k, x in v.items()}
    if isinstance(v, list):
        return [_walk(x, fix) for x in v]
    if isinstance(v, str) and ":elasticloadbalancing:" in v:
        return _ARN.sub(fix, v)
    return v


BEHAVIOURS = [LoadBalancerArnType]
