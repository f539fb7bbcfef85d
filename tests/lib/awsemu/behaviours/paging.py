"""Paging: every list answered in AWS's page sizes, with opaque tokens bound to the request."""

import base64
import hashlib
import hmac
import json
import os
import xml.etree.ElementTree as ET

from awsemu import AwsError, Behaviour


class Listing:
    """How one operation pages: where the items are, what the token and limit are called."""

    def __init__(self, service, op, items, token_in, token_out, limit_key, default, most,
                 container=None, marker_is_id=None, keep_limit=False, unless=(),
                 max_bytes=None, bad_token=None, bad_limit=None):
        self.service, self.op, self.items = service, op, items
        self.token_in, self.token_out = token_in, token_out
        self.limit_key, self.default, self.most = limit_key, default, most
        self.container = container        # CloudFront: the list sits in DistributionList
        self.marker_is_id = marker_is_id  # CloudFront: the marker is the last item's Id
        self.keep_limit = keep_limit      # moto honours the limit itself (logs)
        self.unless = unless              # parameters that switch paging off (named ARNs)
        self.max_bytes = max_bytes        # logs: a page holds at most 1 MB of events
        self.bad_token = bad_token        # (status, code, message) for a token AWS refuses
        self.bad_limit = bad_limit        # (status, code, message) for a limit past `most`


ECS_BAD = (400, "InvalidParameterException",
           "The specified parameter isn't valid. Review the available parameters for the "
           "API request.")
ECS_LIMIT = (400, "InvalidParameterException", "maxResults can be between 1 and 100.")
CW_BAD = (400, "InvalidNextToken", "The service couldn't process the NextToken.")
ELB_BAD = (400, "ValidationError", "Invalid marker.")


def _ecs(op, items, default):
    return Listing("ecs", op, items, "nextToken", "nextToken", "maxResults", default, 100,
                   bad_token=ECS_BAD, bad_limit=ECS_LIMIT)


LISTINGS = {(l.service, l.op): l for l in [
    _ecs("ListServices", ["serviceArns"], 10),
    _ecs("ListTasks", ["taskArns"], 100),
    _ecs("ListClusters", ["clusterArns"], 100),
    _ecs("ListContainerInstances", ["containerInstanceArns"], 100),
    _ecs("ListTaskDefinitions", ["taskDefinitionArns"], 100),
    _ecs("ListTaskDefinitionFamilies", ["families"], 100),
    Listing("cloudwatch", "DescribeAlarms", ["MetricAlarms", "CompositeAlarms"], "NextToken",
            "NextToken", "MaxRecords", 50, 100, bad_token=CW_BAD),
    Listing("logs", "FilterLogEvents", ["events"], "nextToken", "nextToken", "limit", 10000,
            10000, keep_limit=True, max_bytes=1 << 20,
            bad_token=(400, "InvalidParameterException", "The specified nextToken is invalid.")),
    Listing("cloudfront", "ListDistributions", ["Items"], "Marker", "NextMarker", "MaxItems",
            100, 100, container="DistributionList", marker_is_id="Id"),
    Listing("cloudfront", "ListInvalidations", ["Items"], "Marker", "NextMarker", "MaxItems",
            100, 100, container="InvalidationList", marker_is_id="Id"),
    Listing("elbv2", "DescribeTargetGroups", ["TargetGroups"], "Marker", "NextMarker",
            "PageSize", 400, 400, unless=("TargetGroupArns", "Names"), bad_token=ELB_BAD),
    Listing("elbv2", "DescribeLoadBalancers", ["LoadBalancers"], "Marker", "NextMarker",
            "PageSize", 400, 400, unless=("LoadBalancerArns", "Names"), bad_token=ELB_BAD),
    Listing("ecr", "DescribeImages", ["imageDetails"], "nextToken", "nextToken", "maxResults",
            100, 1000, unless=("imageIds",), bad_token=ECS_BAD),
]}


class Paging(Behaviour):
    """AWS answers every list operation a page at a time: ECS ListServices 10 services unless
    maxResults (at most 100) says otherwise, ListTasks, ListClusters, ListContainerInstances
    and ListTaskDefinitions 100, CloudWatch DescribeAlarms 50 (MaxRecords at most 100),
    CloudFront ListDistributions and ListInvalidations 100 (MaxItems; Marker/NextMarker, the
    Id of a page's last item, and IsTruncated), ELBv2 DescribeTargetGroups and
    DescribeLoadBalancers 400 (PageSize) when no ARNs or names are named, ECR DescribeImages
    100, Logs FilterLogEvents up to 10,000 events or 1 MB. Its tokens are opaque and belong
    to the request that received them: sent with other parameters they are refused.
    moto 5 returns whole lists in one answer (it pages FilterLogEvents by count only). The
    layer sends moto the request without the caller's token and page size, cuts moto's answer
    into AWS's pages and hands out tokens of its own, HMAC-signed over the offset, moto's own
    token (if any) and the request's other parameters; a token that fails the check is
    answered with the service's error (ECS InvalidParameterException, CloudWatch
    InvalidNextToken, ELBv2 ValidationError). CloudFront's Marker is the Id of the last item
    of the page before, as AWS documents; one that names no item gets an empty page. Counters:
    `paging:pages` (answers cut short), `paging:bad_token`. The setting `page_sizes`
    ({"cloudwatch:DescribeAlarms": 2}) makes pages shorter than the client asked, which AWS
    allows, so a small world needs several pages. The setting `unordered`
    (["ecs:ListServices"]) hands the items out in an order of their own instead of moto's
    (sorted by ARN): the ECS API Reference promises no order for ListServices."""
    name = "paging"
    order = 80
    cite = ("ECS API Reference ListServices/ListTasks/ListClusters/ListContainerInstances/"
            "ListTaskDefinitions maxResults ('If this parameter isn't used, then ListServices "
            "returns up to 10 results'; '...up to 100 results'; 'between 1 and 100'; nextToken "
            "'should be treated as an opaque identifier'); CloudWatch DescribeAlarms MaxRecords "
            "(1-100) and InvalidNextToken; CloudWatch Logs FilterLogEvents ('Each page returned "
            "can contain up to 1 MB of log events or up to 10,000 log events'); CloudFront "
            "ListDistributions/ListInvalidations Marker, MaxItems, NextMarker ('the ID of the "
            "last distribution on that page'); ELBv2 DescribeTargetGroups PageSize (1-400) and "
            "Marker; ECR DescribeImages maxResults ('returns up to 100 results'); botocore "
            "ecs-2014-11-13, monitoring-2010-08-01, logs-2014-03-28, cloudfront-2020-05-31, "
            "elasticloadbalancingv2-2015-12-01, ecr-2015-09-21")
    # {"ecs:ListServices": 3}: pages of at most 3 whatever the client asks, as AWS may answer
    # ("it is possible the number of results to be fewer than maxResults"): several pages
    # from a small world.
    # {"unordered": ["ecs:ListServices"]}: the items in an order of their own (a hash of each),
    # stable from page to page, as AWS documents no order for these lists; moto sorts
    # ListServices by ARN, which a client could mistake for a promise.
    settings = {"page_sizes": {}, "unordered": []}

    def __init__(self, layer):
        super().__init__(layer)
        self.key = os.urandom(16)

    # -- tokens ----------------------------------------------------------------------------------

    def _bound(self, listing, params):
        rest = {k: v for k, v in params.items()
                if k not in (listing.token_in, listing.limit_key)}
        return hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()) \
            .hexdigest()[:16]

    def _token(self, listing, params, skip, moto_token):
        body = json.dumps({"s": skip, "m": moto_token, "h": self._bound(listing, params)},
                          separators=(",", ":")).encode()
        mac = hmac.new(self.key, body, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")

    def _untoken(self, listing, params, token):
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            mac, body = raw[:12], raw[12:]
            ok = hmac.compare_digest(mac, hmac.new(self.key, body, hashlib.sha256).digest()[:12])
            t = json.loads(body) if ok else None
        except (ValueError, TypeError):
            t = None
        if not t or t.get("h") != self._bound(listing, params):
            self.count("bad_token")
            raise AwsError(*listing.bad_token)
        return t["s"], t["m"]

    # -- hooks -----------------------------------------------------------------------------------

    def before(self, call):
        listing = LISTINGS.get((call.service, call.op))
        if listing is None or any(call.params.get(k) for k in listing.unless):
            return None
        params = call.params
        limit = params.get(listing.limit_key)
        if limit is not None:
            limit = int(limit)
            if not 1 <= limit <= listing.most:
                if listing.bad_limit:
                    raise AwsError(*listing.bad_limit)
                limit = listing.most
        else:
            limit = listing.default
        with self.lock:
            cap = (self.cfg.get("page_sizes") or {}).get(f"{call.service}:{call.op}")
        if cap:  # "it is possible the number of results to be fewer than maxResults"
            limit = min(limit, int(cap))
        token = params.get(listing.token_in)
        skip, moto_token = 0, None
        if token and listing.marker_is_id:
            skip = ("id", token)  # CloudFront: the page starts after the item with this Id
        elif token:
            skip, moto_token = self._untoken(listing, params, token)
        sent = {k: v for k, v in params.items()
                if k != listing.token_in and (listing.keep_limit or k != listing.limit_key)}
        if moto_token:
            sent[listing.token_in] = moto_token
        if listing.keep_limit and listing.limit_key in sent:
            sent[listing.limit_key] = min(int(sent[listing.limit_key]), listing.most)
        call.ctx["paging"] = (listing, dict(params), limit, skip)
        call.set_params(sent)
        return None

    def after(self, call, reply):
        noted = call.ctx.get("paging")
        if noted is None or not reply.ok:
            return reply
        listing, asked, limit, skip = noted
        if listing.container:
            return self._after_xml(listing, limit, skip, reply)
        data = reply.data
        box = data
        items = [(k, it) for k in listing.items for it in box.get(k) or []]
        with self.lock:
            unordered = f"{call.service}:{call.op}" in (self.cfg.get("unordered") or [])
        if unordered:
            items.sort(key=lambda kv: hashlib.sha256(
                json.dumps(kv[1], sort_keys=True, default=str).encode()).hexdigest())
        moto_next = box.get(listing.token_out) or None
        page = items[skip:skip + limit]
        if listing.max_bytes:
            page = self._fit(page, listing.max_bytes)
        rest = len(items) - skip - len(page)
        if rest <= 0 and not moto_next and not skip and not unordered:
            return reply  # one page holds it all: moto's answer as it is
        for k in listing.items:
            if k in box:
                box[k] = [it for kk, it in page if kk == k]
        box.pop(listing.token_out, None)
        if rest > 0:
            self.count("pages")
            box[listing.token_out] = self._token(listing, asked, skip + len(page),
                                                 call.params.get(listing.token_in))
        elif moto_next:
            box[listing.token_out] = self._token(listing, asked, 0, moto_next)
        reply.set_data(data)
        return reply

    def _after_xml(self, listing, limit, skip, reply):
        """CloudFront: the page cut in moto's XML itself (moto's summaries lack members the
        output shape requires, so the answer is not rewritten from data)."""
        root = ET.fromstring(reply.body)
        ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        box = root if root.tag == ns + listing.container else root.find(ns + listing.container)
        items_el = box.find(ns + "Items")
        items = list(items_el) if items_el is not None else []
        if skip:  # Marker: the page starts after the item with this Id
            # A marker that names no item (the API reference says nothing of it) gets an
            # empty last page: a client that mangles NextMarker sees nothing more.
            ids = [it.findtext(ns + listing.marker_is_id) for it in items]
            if skip[1] not in ids:
                self.count("bad_token")
            skip = ids.index(skip[1]) + 1 if skip[1] in ids else len(items)
        page = items[skip:skip + limit]
        for it in items:
            if it not in page:
                items_el.remove(it)
        truncated = len(items) - skip - len(page) > 0
        for tag, text in (("Quantity", str(len(page))), ("MaxItems", str(limit)),
                          ("IsTruncated", "true" if truncated else "false"),
                          ("NextMarker", page[-1].findtext(ns + listing.marker_is_id)
                           if truncated else None)):
            el = box.find(ns + tag)
            if text is None:
                if el is not None:
                    box.remove(el)
                continue
            if el is None:
                el = ET.SubElement(box, ns + tag)
            el.text = text
        if truncated:
            self.count("pages")
        if ns:
            ET.register_namespace("", ns[1:-1])
        reply.body = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
        reply.headers = [(k, v) for k, v in reply.headers if k.lower() != "content-length"]
        return reply

    @staticmethod
    def _fit(page, most):
        """As many events as fit in `most` bytes (at least one, as AWS never stalls)."""
        out, size = [], 0
        for k, ev in page:
            size += len((ev.get("message") or "").encode("utf-8", "surrogatepass")) + 26
            if out and size > most:
                break
            out.append((k, ev))
        return out


BEHAVIOURS = [Paging]
