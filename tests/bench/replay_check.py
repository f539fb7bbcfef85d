#!/usr/bin/env python3
"""replay_check.py URL SERVICES - the replay server's answers are AWS's shapes (TAP output).

Each request is serialized by botocore (the protocol ondeck speaks: JSON 1.1 for ECS, awsquery
for ELBv2, JSON 1.0 for CloudWatch, rest-xml for CloudFront), each answer parsed by botocore's
response parser and checked against the operation's output shape (required members, types,
constraints: tests/lib/awsemu model_problems) and for members the model does not know (a
parser drops them silently, so a misspelt member would otherwise pass). Paging follows
nextToken/Marker at the real page sizes; batch limits are AWS's; the throttling answers of each
family, with buckets on, must parse as AWS's error codes."""

import http.client
import json
import os
import sys
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.environ.get("ONDECK_SRCDIR", "."), "tests", "lib"))
from awsemu import model_problems, wire  # noqa: E402

URL = urllib.parse.urlsplit(sys.argv[1])
N = int(sys.argv[2])
PROTO = {"ecs": "json", "elbv2": "query", "cloudwatch": "json", "cloudfront": "rest-xml"}
n_checks = 0
failed = 0


def check(ok, desc, diag=None):
    global n_checks, failed
    n_checks += 1
    print(f"{'ok' if ok else 'not ok'} {n_checks} - {desc}")
    if not ok:
        failed += 1
        for line in str(diag or "").splitlines()[:20]:
            print(f"# {line}")
    return ok


def control(path, body=None):
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    c.request("POST" if body is not None else "GET", path,
              body=json.dumps(body) if body is not None else None)
    r = c.getresponse()
    return json.loads(r.read())


def unknown_json(shape, value, where, out):
    if shape is None:
        return
    t = shape.type_name
    if t == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k not in shape.members:
                out.append(f"{where}.{k}")
            else:
                unknown_json(shape.members[k], v, f"{where}.{k}", out)
    elif t == "list" and isinstance(value, list):
        for i, v in enumerate(value):
            unknown_json(shape.member, v, f"{where}[{i}]", out)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def unknown_xml(shape, el, where, out):
    t = shape.type_name
    if t == "structure":
        names = {m.serialization.get("name", k): m for k, m in shape.members.items()}
        for c in el:
            m = names.get(local(c.tag))
            if m is None:
                out.append(f"{where}.{local(c.tag)}")
            else:
                unknown_xml(m, c, f"{where}.{local(c.tag)}", out)
    elif t == "list":
        for i, c in enumerate(el):
            unknown_xml(shape.member, c, f"{where}[{i}]", out)


def call(service, op, params):
    """(status, parsed output, problems) for one request."""
    proto = PROTO[service]
    path, headers, body = wire.encode_request(service, op, params, proto)
    if proto == "json" and service == "cloudwatch":
        headers["Content-Type"] = "application/x-amz-json-1.0"
        headers["X-Amz-Target"] = f"GraniteServiceVersion20100801.{op}"
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    method = wire.model(service).operation_model(op).http.get("method", "POST")
    c.request(method, path, body=body or None, headers=headers)
    r = c.getresponse()
    raw = r.read()
    hdrs = r.getheaders()
    parsed = wire.parse_answer(service, op, proto, r.status, hdrs, raw)
    problems = []
    if r.status == 200:
        om = wire.model(service).operation_model(op)
        data = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        problems += model_problems(om.output_shape, data) if om.output_shape else []
        unknown = []
        if proto == "json":
            unknown_json(om.output_shape, json.loads(raw), op, unknown)
        elif proto == "query":
            root = ET.fromstring(raw)
            result = [c for c in root if local(c.tag) == f"{op}Result"]
            if result:
                unknown_xml(om.output_shape, result[0], op, unknown)
            else:
                problems.append(f"no <{op}Result> element")
        else:
            payload = om.output_shape.serialization.get("payload") if om.output_shape else None
            if payload:
                unknown_xml(om.output_shape.members[payload], ET.fromstring(raw), op, unknown)
        problems += [f"member the model does not know: {u}" for u in unknown]
    return r.status, parsed, problems


def shaped(service, op, params, desc):
    status, parsed, problems = call(service, op, params)
    check(status == 200 and not problems, f"{service} {op}: {desc}",
          f"HTTP {status}: {problems or parsed.get('Error')}")
    return parsed


def pages(service, op, params, list_key, token_in, token_out, desc):
    items, tokens, p = [], 0, dict(params)
    while True:
        out = shaped(service, op, p, f"{desc}, page {tokens + 1}") if tokens < 2 else \
            call(service, op, p)[1]
        items += out.get(list_key, [])
        tok = out.get(token_out)
        if not tok:
            return items, tokens + 1
        tokens += 1
        p = dict(params, **{token_in: tok})


def main():
    # ECS
    arns, npages = pages("ecs", "ListServices", {"cluster": "prod"}, "serviceArns",
                         "nextToken", "nextToken", "the default page")
    check(len(arns) == N and len(set(arns)) == N, f"ListServices pages give all {N} services once",
          f"{len(arns)} ARNs, {len(set(arns))} distinct")
    check(npages == (N + 9) // 10, "ListServices pages by 10 by default (as ECS)", npages)
    arns100, npages = pages("ecs", "ListServices", {"cluster": "prod", "maxResults": 100},
                            "serviceArns", "nextToken", "nextToken", "maxResults 100")
    check(arns100 == arns and npages == (N + 99) // 100, "maxResults 100: same order, fewer pages")
    st, out, _ = call("ecs", "ListServices", {"cluster": "prod", "maxResults": 101})
    check(st == 400 and out["Error"]["Code"] == "InvalidParameterException",
          "ListServices refuses maxResults 101", out.get("Error"))
    names = [a.rsplit("/", 1)[1] for a in arns]
    check(names != sorted(names), "list order is not name order (a client must sort)")
    svcs = shaped("ecs", "DescribeServices", {"cluster": "prod", "services": names[:10]},
                  "10 services")["services"]
    check([s["serviceName"] for s in svcs] == names[:10], "DescribeServices answers the 10 asked")
    st, out, _ = call("ecs", "DescribeServices", {"cluster": "prod", "services": names[:11]})
    check(st == 400 and out["Error"]["Code"] == "InvalidParameterException",
          "DescribeServices refuses 11 names", out.get("Error"))
    out = shaped("ecs", "DescribeServices", {"cluster": "prod", "services": ["nope-1"]},
                 "an unknown service")
    check(out["services"] == [] and out["failures"][0]["reason"] == "MISSING",
          "an unknown service is a failure MISSING", out)
    tasks = shaped("ecs", "ListTasks", {"cluster": "prod", "serviceName": names[0]},
                   "one service's tasks")["taskArns"]
    check(len(tasks) == 2, "2 tasks per service", tasks)
    all_tasks, npages = pages("ecs", "ListTasks", {"cluster": "prod"}, "taskArns", "nextToken",
                              "nextToken", "the whole cluster")
    check(len(set(all_tasks)) == 2 * N and npages == (2 * N + 99) // 100,
          "ListTasks pages by 100 over every task", (len(all_tasks), npages))
    desc = shaped("ecs", "DescribeTasks", {"cluster": "prod", "tasks": all_tasks[:100]},
                  "100 tasks")["tasks"]
    check(len(desc) == min(100, 2 * N) and all(t["lastStatus"] == "RUNNING" for t in desc),
          "DescribeTasks answers 100 RUNNING tasks")
    st, out, _ = call("ecs", "DescribeTasks", {"cluster": "prod", "tasks": all_tasks[:101]})
    check(st == 400 or len(all_tasks) <= 100, "DescribeTasks refuses 101 tasks", out.get("Error"))
    shaped("ecs", "ListClusters", {}, "two clusters")
    shaped("ecs", "DescribeClusters", {"clusters": ["prod", "staging"]}, "both clusters")
    st, out, _ = call("ecs", "ListServices", {"cluster": "nope"})
    check(out.get("Error", {}).get("Code") == "ClusterNotFoundException",
          "an unknown cluster is ClusterNotFoundException", out.get("Error"))
    shaped("ecs", "ListContainerInstances", {"cluster": "prod"}, "Fargate: none")
    shaped("ecs", "DescribeTaskDefinition", {"taskDefinition": svcs[0]["taskDefinition"]},
           "the service's task definition")

    # ELBv2
    tgs, npages = pages("elbv2", "DescribeTargetGroups", {"PageSize": 400}, "TargetGroups",
                        "Marker", "NextMarker", "PageSize 400")
    lb_svcs = [s for s in svcs if s["loadBalancers"]]
    want_tgs = {s["loadBalancers"][0]["targetGroupArn"] for s in lb_svcs}
    check(want_tgs <= {t["TargetGroupArn"] for t in tgs},
          "every load-balanced service's target group is listed")
    tg_small, np_small = pages("elbv2", "DescribeTargetGroups", {"PageSize": 7}, "TargetGroups",
                               "Marker", "NextMarker", "PageSize 7")
    check(tg_small == tgs and np_small == (len(tgs) + 6) // 7, "Marker paging gives the same list")
    th = shaped("elbv2", "DescribeTargetHealth", {"TargetGroupArn": tgs[0]["TargetGroupArn"]},
                "one target group")["TargetHealthDescriptions"]
    check(len(th) == 2, "two targets per group (the service's tasks)", th)
    states = set()
    for t in tgs[:40]:
        _, out, _ = call("elbv2", "DescribeTargetHealth", {"TargetGroupArn": t["TargetGroupArn"]})
        states |= {d["TargetHealth"]["State"] for d in out["TargetHealthDescriptions"]}
    check(states == {"healthy", "unhealthy"}, "some targets are unhealthy", states)
    st, out, _ = call("elbv2", "DescribeTargetHealth", {
        "TargetGroupArn": tgs[0]["TargetGroupArn"].replace("tg-0", "tg-9")})
    check(st == 400 and out["Error"]["Code"] == "TargetGroupNotFound",
          "an unknown target group is TargetGroupNotFound", out.get("Error"))
    lbs = shaped("elbv2", "DescribeLoadBalancers", {}, "all ALBs")["LoadBalancers"]
    check(len(lbs) == (len(tgs) + 49) // 50, "50 target groups per ALB", len(lbs))

    # CloudWatch
    q = [{"Id": f"q{i}", "MetricStat": {"Metric": {"Namespace": "AWS/ECS",
                                                   "MetricName": "CPUUtilization",
                                                   "Dimensions": [{"Name": "ClusterName",
                                                                   "Value": "prod"},
                                                                  {"Name": "ServiceName",
                                                                   "Value": n}]},
                                        "Period": 60, "Stat": "Average"},
          "ReturnData": True} for i, n in enumerate(names[:50])]
    import datetime
    end = datetime.datetime.now(datetime.timezone.utc)
    out = shaped("cloudwatch", "GetMetricData", {
        "MetricDataQueries": q, "StartTime": end - datetime.timedelta(minutes=30),
        "EndTime": end, "ScanBy": "TimestampAscending"}, "50 queries over 30 minutes")
    res = out.get("MetricDataResults", [])
    check([r["Id"] for r in res] == [x["Id"] for x in q] and
          all(len(r["Timestamps"]) == len(r["Values"]) >= 29 for r in res),
          "one series per query, a point a minute", [len(r["Timestamps"]) for r in res][:5])
    alarms, npages = pages("cloudwatch", "DescribeAlarms", {"MaxRecords": 2}, "MetricAlarms",
                           "NextToken", "NextToken", "MaxRecords 2")
    check(len(alarms) == (N + 24) // 25, "one alarm per 25 services, paged", len(alarms))

    # CloudFront
    dl = shaped("cloudfront", "ListDistributions", {}, "two distributions")
    items = dl["DistributionList"]["Items"]
    shaped("cloudfront", "GetDistribution", {"Id": items[0]["Id"]}, "one distribution")
    shaped("cloudfront", "ListInvalidations", {"DistributionId": items[0]["Id"]}, "its invalidations")

    # Throttling: small buckets, then the answers must be AWS's error codes.
    control("/__proxy/config", {"buckets": True, "bucket": {
        "ecs-service-read": "2/0.01", "elbv2-describe": "2/0.01", "cw-getmetricdata": "2/0.01"}})
    cases = [("ecs", "DescribeServices", {"cluster": "prod", "services": names[:1]},
              "ThrottlingException"),
             ("elbv2", "DescribeTargetHealth", {"TargetGroupArn": tgs[0]["TargetGroupArn"]},
              "Throttling"),
             ("cloudwatch", "GetMetricData", {"MetricDataQueries": q[:1], "StartTime": end -
                                              datetime.timedelta(minutes=5), "EndTime": end},
              "Throttling")]
    for service, op, params, code in cases:
        got = [call(service, op, params) for _ in range(3)]
        st, out, _ = got[2]
        err = out.get("Error", {})
        check(got[0][0] == 200 and got[1][0] == 200 and st == 400 and err.get("Code") == code
              and err.get("Message") == "Rate exceeded",
              f"{service} {op}: past the burst, botocore reads {code} \"Rate exceeded\" (HTTP 400)",
              f"{[g[0] for g in got]} {err}")
    stats = control("/__proxy/stats")
    check(stats["throttled"] == 3, "the server counted 3 throttled requests", stats["throttled"])
    control("/__proxy/config", {"buckets": False, "bucket": {  # back to AWS's figures
        "ecs-service-read": "100/20", "elbv2-describe": "40/10", "cw-getmetricdata": "50/50"}})
    check(call("ecs", "DescribeServices", cases[0][2])[0] == 200, "buckets off: answered again")
    print(f"1..{n_checks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
