#!/usr/bin/env python3
"""actions_ecs_stub.py - a scripted ECS endpoint for the rollout-watcher tests.

moto never rolls a deployment (its PRIMARY stays IN_PROGRESS forever), so the watcher's real
ECS behaviour is driven here from recorded-and-edited DescribeServices bodies
(tests/unit/data/actions/services_*.json): each DescribeServices answers the next fixture of
--sequence (the last one repeats). --throttle-first N answers the first N DescribeServices with
ThrottlingException. ListTasks/DescribeTasks report one STOPPED task of deployment
ecs-svc/1111111111111111111 that failed to pull its image; ELBv2 DescribeTargetHealth answers
no targets. Every request is counted; GET /__stub/stats returns the counts.

It answers only what was asked, as ECS does: DescribeServices for the cluster prod and the
service web (anything else is a MISSING failure), ListTasks for serviceName web (and
startedBy, when given, must be the scripted deployment's), DescribeTasks for the scripted
task's ARN (others are MISSING). actions_watch.sh runs it behind tests/lib/awsproxy.py, which
verifies the signatures and checks each request against botocore's model.

Usage: actions_ecs_stub.py --fixtures DIR --sequence a.json,b.json [--throttle-first N]
       --port-file F
"""
import argparse
import http.server
import json
import os
import sys
import threading

MINE = "ecs-svc/1111111111111111111"
TASK = "arn:aws:ecs:us-east-1:123456789012:task/prod/0badc0de0badc0de0badc0de0badc0de"


def cluster_name(c):
    """ECS takes a cluster's name or its ARN."""
    return (c or "default").rsplit("/", 1)[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--sequence", required=True)
    ap.add_argument("--throttle-first", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    seq = [open(os.path.join(args.fixtures, n)).read() for n in args.sequence.split(",")]
    state = {"calls": 0, "throttled": 0, "counts": {}}
    lock = threading.Lock()

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, status, body, ctype="application/x-amz-json-1.1", extra=()):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "stub-request")
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            with lock:
                self.reply(200, json.dumps(state["counts"]), "application/json")

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n).decode() if n else ""
            target = self.headers.get("X-Amz-Target", "")
            op = target.rsplit(".", 1)[-1] if target else (
                "DescribeTargetHealth" if "DescribeTargetHealth" in body else "other")
            with lock:
                state["counts"][op] = state["counts"].get(op, 0) + 1
            if op == "DescribeServices":
                with lock:
                    if state["throttled"] < args.throttle_first:
                        state["throttled"] += 1
                        self.reply(400, json.dumps({"__type": "ThrottlingException",
                                                    "message": "Rate exceeded"}),
                                   extra=[("X-Amzn-Errortype", "ThrottlingException")])
                        return
                    i = min(state["calls"], len(seq) - 1)
                    state["calls"] += 1
                req = json.loads(body or "{}")
                if cluster_name(req.get("cluster")) != "prod" or req.get("services") != ["web"]:
                    with lock:
                        state["counts"]["wrong_request"] = state["counts"].get("wrong_request", 0) + 1
                    self.reply(200, json.dumps({"services": [], "failures": [
                        {"arn": s, "reason": "MISSING"} for s in req.get("services") or []]}))
                    return
                self.reply(200, seq[i])
            elif op == "ListTasks":
                req = json.loads(body or "{}")
                stopped = req.get("desiredStatus") == "STOPPED"
                mine = req.get("serviceName") == "web" and \
                    cluster_name(req.get("cluster")) == "prod" and \
                    req.get("startedBy") in (None, MINE)
                self.reply(200, json.dumps({"taskArns": [TASK] if stopped and mine else []}))
            elif op == "DescribeTasks":
                req = json.loads(body or "{}")
                asked = req.get("tasks") or []
                if TASK not in asked or cluster_name(req.get("cluster")) != "prod":
                    self.reply(200, json.dumps({"tasks": [], "failures": [
                        {"arn": t, "reason": "MISSING"} for t in asked]}))
                    return
                self.reply(200, json.dumps({"failures": [
                    {"arn": t, "reason": "MISSING"} for t in asked if t != TASK], "tasks": [{
                    "taskArn": TASK, "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
                    "startedBy": MINE, "group": "service:web", "stopCode": "TaskFailedToStart",
                    "stoppedReason": "CannotPullContainerError: pull image manifest has been "
                                     "retried 5 time(s): not found",
                    "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:4",
                    "containers": [{"name": "app", "lastStatus": "STOPPED",
                                    "reason": "CannotPullContainerError: not found"}]}]}))
            elif op == "DescribeTargetHealth":
                self.reply(200, "<DescribeTargetHealthResponse><DescribeTargetHealthResult>"
                                "<TargetHealthDescriptions/></DescribeTargetHealthResult>"
                                "<ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>"
                                "</DescribeTargetHealthResponse>", "text/xml")
            else:
                self.reply(400, json.dumps({"__type": "InvalidAction", "message": op}))

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
