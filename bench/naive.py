#!/usr/bin/env python3
"""naive.py - what other consoles do: describe everything, one call after another, in the
order ListServices gives, a pass every 30 s (the next at once when one overruns), with an SDK's retry on
throttling (exponential backoff with jitter, no pacing of its own). Run against the replay
backend with AWS's buckets on, its "first complete screen" is when the rows an operator would
see first (the first ROWS services by name) have their describe, tasks, target health and
metrics — in list order they are scattered through the pass. Stdlib only: the client's own
cost must not be the figure. Used by `bench.py naive`."""

import http.client
import json
import random
import time
import urllib.parse

ECS = "AmazonEC2ContainerServiceV20141113"


class Client:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.conn = None
        self.calls = self.throttled = 0

    def _send(self, headers, body):
        for _ in range(2):  # one reconnect if the server closed a keep-alive connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request("POST", "/", body=body, headers=headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
        raise RuntimeError("backend unreachable")

    def call(self, headers, body):
        """Send until not throttled: backoff 50 ms x 2^n (cap 20 s), full jitter."""
        attempt = 0
        while True:
            self.calls += 1
            status, data = self._send(headers, body)
            if status == 400 and (b"Throttling" in data or b"Rate exceeded" in data):
                self.throttled += 1
                time.sleep(random.uniform(0, min(20.0, 0.05 * 2 ** attempt)))
                attempt += 1
                continue
            return status, data

    def ecs(self, op, params):
        _, data = self.call({"X-Amz-Target": f"{ECS}.{op}",
                             "Content-Type": "application/x-amz-json-1.1"},
                            json.dumps(params))
        return json.loads(data)

    def elb(self, op, params):
        form = dict(params, Action=op, Version="2015-12-01")
        _, data = self.call({"Content-Type": "application/x-www-form-urlencoded"},
                            urllib.parse.urlencode(form))
        return data

    def metrics(self, cluster, name):
        now = int(time.time())
        q = [{"Id": f"m{i}", "MetricStat": {"Metric": {
            "Namespace": "AWS/ECS", "MetricName": m,
            "Dimensions": [{"Name": "ClusterName", "Value": cluster},
                           {"Name": "ServiceName", "Value": name}]},
            "Period": 60, "Stat": "Average"}, "ReturnData": True}
            for i, m in enumerate(("CPUUtilization", "MemoryUtilization"))]
        self.call({"X-Amz-Target": "GraniteServiceVersion20100801.GetMetricData",
                   "Content-Type": "application/x-amz-json-1.0"},
                  json.dumps({"MetricDataQueries": q, "StartTime": now - 1800, "EndTime": now}))


def one_pass(c, cluster, rows, t0, deadline):
    """List every service, then describe them in list order; returns the pass's figures
    (times from t0, the start of the client). Stops at the deadline."""
    t_start = time.monotonic() - t0
    calls0 = c.calls
    arns, token = [], None
    while time.monotonic() < deadline:  # the SDK paginator's default page (10)
        p = {"cluster": cluster}
        if token:
            p["nextToken"] = token
        out = c.ecs("ListServices", p)
        arns += out.get("serviceArns", [])
        token = out.get("nextToken")
        if not token:
            break
    names = [a.rsplit("/", 1)[1] for a in arns]
    screen = set(sorted(names)[:rows])
    t_listed = time.monotonic() - t0
    t_screen = None
    done = 0
    timed_out = bool(token)
    for i in range(0, len(names), 10):
        if time.monotonic() >= deadline:
            timed_out = True
            break
        batch = names[i:i + 10]
        svcs = c.ecs("DescribeServices", {"cluster": cluster, "services": batch})["services"]
        for s in svcs:
            tasks = c.ecs("ListTasks", {"cluster": cluster,
                                        "serviceName": s["serviceName"]})["taskArns"]
            if tasks:
                c.ecs("DescribeTasks", {"cluster": cluster, "tasks": tasks})
            for lb in s.get("loadBalancers", []):
                c.elb("DescribeTargetHealth", {"TargetGroupArn": lb["targetGroupArn"]})
            c.metrics(cluster, s["serviceName"])
            done += 1
            screen.discard(s["serviceName"])
            if not screen and t_screen is None:
                t_screen = time.monotonic() - t0
    t_end = time.monotonic() - t0
    return {"start_s": t_start, "listed_s": t_listed, "screen_complete_s": t_screen,
            "end_s": t_end, "complete": not timed_out, "services": len(names),
            "described": done, "calls": c.calls - calls0}


def run(url, cluster, rows, max_seconds, interval=30.0):
    """Passes every `interval` seconds (the next one at once when a pass overran), as a
    console refreshing every 30 s does, until max_seconds. The first pass gives the first
    screen and the complete world; later ones show what the steady state costs the bucket."""
    c = Client(url)
    t0 = time.monotonic()
    deadline = t0 + max_seconds
    passes = []
    while time.monotonic() < deadline:
        passes.append(one_pass(c, cluster, rows, t0, deadline))
        wait = t0 + interval * len(passes) - time.monotonic()
        if wait > 0:
            if time.monotonic() + wait >= deadline:
                break
            time.sleep(wait)
    first = passes[0]
    wall = time.monotonic() - t0
    done = first["described"]
    n = first["services"]
    pass_s = first["end_s"] - first["start_s"]
    return {"services": n, "described": done, "listed_s": first["listed_s"],
            "screen_complete_s": first["screen_complete_s"],
            "world_complete_s": first["end_s"] if first["complete"] else None,
            "wall": wall, "timed_out": not first["complete"], "max_seconds": max_seconds,
            "interval_s": interval, "passes": passes,
            "passes_complete": sum(1 for p in passes if p["complete"]),
            "calls": c.calls, "throttled": c.throttled,
            "world_extrapolated_s": (pass_s * n / max(done, 1)) if not first["complete"]
            else first["end_s"]}
