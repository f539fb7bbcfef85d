#!/usr/bin/env python3
"""Regenerate tests/unit/data/proto/* from a live moto server.

Each case is one raw, SigV4-signed HTTP request (botocore.auth.SigV4Auth; moto routes by the
service name in the credential scope) and is saved as two files:

  <name>.body     the response body, byte for byte
  <name>.headers  "status <code> <reason>" then the response headers as "Name: value"
                  (Date and Server dropped so that re-captures diff cleanly)

Usage: tests/tools/capture_moto.py [OUTDIR]   (default: tests/unit/data/proto next to here)
Needs: python3 -m pip install 'moto[server]' (moto 5.2.1 was used for the committed files).
The captured files are committed; the C unit test only reads them and never starts moto.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
CREDS = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
DROP = {"date", "server"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port):
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("moto did not start")


def raw(port, service, method, path, headers, body):
    """Sign with botocore and send with http.client, so nothing rewrites the response."""
    url = "http://127.0.0.1:%d%s" % (port, path)
    req = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(CREDS, service, REGION).add_auth(req)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = body.encode() if isinstance(body, str) else body
    conn.request(method, path, body=data, headers=dict(req.headers.items()))
    resp = conn.getresponse()
    out = (resp.status, resp.reason, resp.getheaders(), resp.read())
    conn.close()
    return out


def save(outdir, name, result):
    status, reason, headers, body = result
    with open(os.path.join(outdir, name + ".body"), "wb") as f:
        f.write(body)
    with open(os.path.join(outdir, name + ".headers"), "w") as f:
        f.write("status %d %s\n" % (status, reason))
        for k, v in headers:
            if k.lower() not in DROP:
                f.write("%s: %s\n" % (k, v))
    print("%-28s %d %6d bytes" % (name, status, len(body)))


def json_call(port, service, target, body, version="1.1"):
    return raw(port, service, "POST", "/",
               {"Content-Type": "application/x-amz-json-" + version, "X-Amz-Target": target},
               json.dumps(body))


def query_call(port, service, body):
    return raw(port, service, "POST", "/",
               {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, body)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "unit", "data", "proto")
    os.makedirs(outdir, exist_ok=True)
    port = free_port()
    proc = start_moto(port)
    try:
        ep = "http://127.0.0.1:%d" % port
        kw = dict(endpoint_url=ep, region_name=REGION, aws_access_key_id=CREDS.access_key,
                  aws_secret_access_key=CREDS.secret_key)
        # Setup through boto3; captures below are raw.
        boto3.client("ecs", **kw).create_cluster(clusterName="prod")
        cw = boto3.client("cloudwatch", **kw)
        for v in (10.0, 20.0, 30.0):
            cw.put_metric_data(Namespace="AWS/ECS", MetricData=[{
                "MetricName": "CPUUtilization", "Value": v,
                "Dimensions": [{"Name": "ClusterName", "Value": "prod"}]}])

        ecs = "AmazonEC2ContainerServiceV20141113."
        save(outdir, "ecs_describe_clusters",
             json_call(port, "ecs", ecs + "DescribeClusters", {"clusters": ["prod", "nope"]}))
        save(outdir, "ecs_cluster_not_found",
             json_call(port, "ecs", ecs + "DescribeServices",
                       {"cluster": "ghost", "services": ["web"]}))
        save(outdir, "elbv2_tg_not_found",
             query_call(port, "elasticloadbalancing",
                        "Action=DescribeTargetGroups&Version=2015-12-01&TargetGroupArns.member.1="
                        "arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A123456789012%3A"
                        "targetgroup%2Fghost%2F0123456789abcdef"))
        save(outdir, "cw_json_validation",
             json_call(port, "monitoring", "GraniteServiceVersion20100801.GetMetricData",
                       {"StartTime": 1795300860, "EndTime": 1795304520,
                        "MetricDataQueries": [{"Id": "cpu"}]}, version="1.0"))
        save(outdir, "cw_query_validation",
             query_call(port, "monitoring",
                        "Action=GetMetricData&Version=2010-08-01&StartTime=2026-11-21T23%3A00%3A00Z"
                        "&EndTime=2026-11-22T00%3A00%3A00Z&MetricDataQueries.member.1.Id=cpu"))
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 600))
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
        save(outdir, "cw_query_get_metric_data",
             query_call(port, "monitoring",
                        "Action=GetMetricData&Version=2010-08-01&StartTime=%s&EndTime=%s"
                        "&MetricDataQueries.member.1.Id=cpu"
                        "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=AWS%%2FECS"
                        "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=CPUUtilization"
                        "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name="
                        "ClusterName"
                        "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value="
                        "prod"
                        "&MetricDataQueries.member.1.MetricStat.Period=3600"
                        "&MetricDataQueries.member.1.MetricStat.Stat=Average"
                        "&MetricDataQueries.member.2.Id=mem"
                        "&MetricDataQueries.member.2.MetricStat.Metric.Namespace=AWS%%2FECS"
                        "&MetricDataQueries.member.2.MetricStat.Metric.MetricName=MemoryUtilization"
                        "&MetricDataQueries.member.2.MetricStat.Period=60"
                        "&MetricDataQueries.member.2.MetricStat.Stat=Maximum"
                        % (start.replace(":", "%3A"), now.replace(":", "%3A"))))
        save(outdir, "logs_resource_not_found",
             json_call(port, "logs", "Logs_20140328.GetLogEvents",
                       {"logGroupName": "/ecs/ghost", "logStreamName": "x"}))
        save(outdir, "cloudfront_no_such_distribution",
             raw(port, "cloudfront", "GET", "/2020-05-31/distribution/EGHOST0000000", {}, b""))
        save(outdir, "sts_get_caller_identity",
             query_call(port, "sts", "Action=GetCallerIdentity&Version=2011-06-15"))
        save(outdir, "sts_assume_role",
             query_call(port, "sts", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3A"
                        "iam%3A%3A123456789012%3Arole%2Fops-readonly&RoleSessionName=ops-console"))
        save(outdir, "moto_html_500",
             json_call(port, "monitoring", "GraniteServiceVersion20100801.NoSuchOperation", {},
                       version="1.0"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
