#!/usr/bin/env python3
"""Loopback stub for the credential endpoints ondeck talks to without SigV4:
EC2 IMDS (v2 token + v1 fallback), the ECS/EKS container endpoint and the SSO portal's
GetRoleCredentials (moto does not emulate it).

Prints "PORT PID" on the first line of stdout, then serves on 127.0.0.1 until killed.
Switches (GET /_control?name=value, answered 204):
  imds      = ok | v1 (token PUT answers 403) | expired | garbage | norole | down (500)
  container = ok | expired | garbage | unauthorized
  sso       = ok | unauthorized | garbage
  container_token = the Authorization value the container endpoint expects ("" = none)
GET /_count?name=imds_token|imds_role|imds_creds|container|sso returns the request count.
"""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STATE = {"imds": "ok", "container": "ok", "sso": "ok", "container_token": ""}
COUNT = {}
IMDS_TOKEN = "stub-imds-token"
SSO_TOKEN = "stub-sso-access-token"


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def creds_doc(prefix, expired=False):
    exp = time.time() + (-3600 if expired else 3600)
    return {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": prefix + "AKID",
            "SecretAccessKey": prefix + "-secret", "Token": prefix + "-token",
            "Expiration": iso(exp), "LastUpdated": iso(time.time())}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", ctype="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def count(self, name):
        COUNT[name] = COUNT.get(name, 0) + 1

    def do_PUT(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if self.path != "/latest/api/token":
            return self.reply(404, "not found", "text/plain")
        self.count("imds_token")
        if STATE["imds"] == "v1":
            return self.reply(403, "forbidden", "text/plain")
        if STATE["imds"] == "down":
            return self.reply(500, "down", "text/plain")
        if not self.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(400, "missing ttl", "text/plain")
        return self.reply(200, IMDS_TOKEN, "text/plain")

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/_control":
            STATE.update(q)
            return self.reply(204, b"")
        if url.path == "/_count":
            return self.reply(200, str(COUNT.get(q.get("name", ""), 0)), "text/plain")
        base = "/latest/meta-data/iam/security-credentials/"
        if url.path.startswith(base):
            mode = STATE["imds"]
            if mode != "v1" and self.headers.get("x-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.reply(401, "unauthorized", "text/plain")
            role = url.path[len(base):]
            if role == "":
                self.count("imds_role")
                if mode == "norole":
                    return self.reply(404, "not found", "text/plain")
                return self.reply(200, "stub-role\n", "text/plain")
            self.count("imds_creds")
            if role != "stub-role":
                return self.reply(404, "not found", "text/plain")
            if mode == "garbage":
                return self.reply(200, "<html>garbage", "text/html")
            return self.reply(200, creds_doc("IMDS", mode == "expired"))
        if url.path == "/container/creds":
            self.count("container")
            want = STATE["container_token"]
            if STATE["container"] == "unauthorized" or (
                    want and self.headers.get("Authorization") != want):
                return self.reply(401, {"message": "bad token"})
            if STATE["container"] == "garbage":
                return self.reply(200, "{not json")
            return self.reply(200, creds_doc("CONT", STATE["container"] == "expired"))
        if url.path == "/federation/credentials":
            self.count("sso")
            if (STATE["sso"] == "unauthorized"
                    or self.headers.get("x-amz-sso_bearer_token") != SSO_TOKEN):
                return self.reply(401, {"message": "Session token not found or invalid"},
                                  headers={"x-amzn-ErrorType": "UnauthorizedException"})
            if q.get("role_name") != "Admin" or q.get("account_id") != "123456789012":
                return self.reply(404, {"message": "No access"},
                                  headers={"x-amzn-ErrorType": "ResourceNotFoundException"})
            if STATE["sso"] == "garbage":
                return self.reply(200, {"roleCredentials": {"accessKeyId": 1}})
            return self.reply(200, {"roleCredentials": {
                "accessKeyId": "SSOAKID", "secretAccessKey": "sso-secret",
                "sessionToken": "sso-token",
                "expiration": int((time.time() + 3600) * 1000)}})
        return self.reply(404, "not found", "text/plain")


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    sys.stdout.write("%d %d\n" % (srv.server_address[1], os.getpid()))
    sys.stdout.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
