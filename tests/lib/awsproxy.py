#!/usr/bin/env python3
"""awsproxy.py - a loopback HTTP proxy in front of moto that behaves more like AWS.

moto never checks signatures and never throttles. This proxy sits between the client under test
(ondeck, boto3, the AWS CLI) and moto, and adds what moto lacks:

  1. SigV4 verification. For every request it recomputes the signature with botocore from the
     raw request (method, wire path, query, the headers named in SignedHeaders, body) and the
     secret it knows for the access key. A mismatch gets 403 in the protocol shape of the
     service (JSON: InvalidSignatureException; query/XML: SignatureDoesNotMatch), with AWS's
     "The Canonical String for this request should have been ..." text, and the proxy log shows
     the expected canonical request and string to sign, to diff against the client's own.
     Also checked: unknown access key (UnrecognizedClientException / InvalidClientTokenId),
     missing Authorization (MissingAuthenticationToken), `host` and `x-amz-date` must be
     signed, clock skew (default 900 s, like AWS), x-amz-content-sha256 must match the body.
     Secrets of temporary credentials handed out by STS through the proxy (AssumeRole, ...)
     are learnt from the responses, so role chains verify too.
  2. Fault injection, decided with a seeded RNG (one draw per eligible request, so a run with
     the same --seed and the same request order is reproducible):
       --throttle RATE   answer a throttling error instead of forwarding:
                         JSON services: 400 {"__type":"ThrottlingException","message":"Rate
                         exceeded"} + X-Amzn-Errortype (CloudWatch JSON also gets
                         x-amzn-query-error: Throttling;Sender);
                         query/XML services (ELBv2, STS, CloudWatch query, CloudFront): 400
                         <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>...;
                         EC2: 503 RequestLimitExceeded in EC2's <Response><Errors> shape.
       --fault-503 RATE  answer 503 ServiceUnavailable (same shapes, Type Receiver)
       --delay-ms N      sleep N ms before forwarding each eligible request
       --only REGEX      faults and delays apply only to operations matching REGEX (re.search
                         on "service:Operation", e.g. 'ecs:Describe|logs:')
     The service comes from the credential scope of Authorization (as moto routes).
  3. Counters per operation ("ecs:ListClusters", "elasticloadbalancing:DescribeTargetHealth",
     "cloudfront:CreateInvalidation", ...; from X-Amz-Target, Action, or the REST path).

Control endpoints (never forwarded, never verified):
  GET  /__proxy/stats   JSON counters (also written to --stats-file if given)
  POST /__proxy/reset   zero the counters (and re-seed the RNG)
  POST /__proxy/config  JSON body, any of {"throttle": 0.3, "fault_503": 0, "delay_ms": 0,
                        "only": "ecs:", "verify": true, "seed": 1}; answers the new config
Requests under /moto-api/ pass through unverified and without faults.

Command line (each flag also has an environment variable, AWSPROXY_<FLAG>, e.g.
AWSPROXY_THROTTLE=0.3; flags win):
  --upstream URL      moto, e.g. http://127.0.0.1:5055 (required)
  --host H --port P   listen address (127.0.0.1, port 0 = pick a free one)
  --port-file F       write the port actually bound to F (how moto.sh finds it)
  --key AKID:SECRET   a known key pair (repeatable); --secret S is short for AKIDONDECKTEST:S
  --no-verify         forward without checking signatures
  --allow-unknown-keys  forward requests signed with unknown keys instead of rejecting them
  --max-skew SECONDS  allowed clock difference (900; 0 = unchecked)
  --throttle RATE --fault-503 RATE --delay-ms N --only REGEX --seed N (default 1)
  --log F             one line per request, plus the details of every signature mismatch
  --stats-file F      stats JSON, written on GET /__proxy/stats and at exit

Started by tests/lib/moto.sh: `proxy_start [flags]` (see doc/testing.md). Stdlib + botocore.
"""

import argparse
import datetime
import hashlib
import hmac
import http.client
import http.server
import json
import os
import random
import re
import signal
import sys
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape as xml_escape

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

DEFAULT_AKID = "AKIDONDECKTEST"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "trailers", "transfer-encoding", "upgrade", "content-length"}
AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*"
                     r"SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$")
STS_CREDS_RE = re.compile(r"<AccessKeyId>([^<]+)</AccessKeyId>\s*"
                          r"<SecretAccessKey>([^<]+)</SecretAccessKey>")
JSON_SERVICES = {"ecs", "logs", "ecr", "monitoring"}  # monitoring: only with X-Amz-Target
CLOUDFRONT_OPS = [  # (method, path regex under /2020-05-31, operation)
    ("GET", r"/distribution$", "ListDistributions"),
    ("POST", r"/distribution$", "CreateDistribution"),
    ("GET", r"/distribution/[^/]+$", "GetDistribution"),
    ("GET", r"/distribution/[^/]+/config$", "GetDistributionConfig"),
    ("PUT", r"/distribution/[^/]+/config$", "UpdateDistribution"),
    ("DELETE", r"/distribution/[^/]+$", "DeleteDistribution"),
    ("POST", r"/distribution/[^/]+/invalidation$", "CreateInvalidation"),
    ("GET", r"/distribution/[^/]+/invalidation$", "ListInvalidations"),
    ("GET", r"/distribution/[^/]+/invalidation/[^/]+$", "GetInvalidation"),
]


def env_default(name, default):
    return os.environ.get("AWSPROXY_" + name.upper().replace("-", "_"), default)


class State:
    """Configuration, keys, RNG and counters, shared by the handler threads."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.upstream = urllib.parse.urlsplit(args.upstream)
        self.keys = {}
        for kv in args.key:
            akid, _, secret = kv.partition(":")
            self.keys[akid] = secret
        if args.secret:
            self.keys[DEFAULT_AKID] = args.secret
        self.cfg = {
            "verify": not args.no_verify,
            "allow_unknown_keys": args.allow_unknown_keys,
            "max_skew": args.max_skew,
            "throttle": args.throttle,
            "fault_503": args.fault_503,
            "delay_ms": args.delay_ms,
            "only": args.only,
            "seed": args.seed,
        }
        self.only_re = re.compile(args.only) if args.only else None
        self.rng = random.Random(args.seed)
        self.log_path = args.log
        self.stats_file = args.stats_file
        self.reset()

    def reset(self):
        with self.lock:
            self.stats = {"requests": 0, "forwarded": 0, "throttled": 0, "faults_503": 0,
                          "signature_failures": 0, "upstream_errors": 0,
                          "by_operation": {}, "injected": {}, "statuses": {},
                          "signature_mismatches": []}
            self.rng = random.Random(self.cfg["seed"])

    def configure(self, changes):
        with self.lock:
            for k, v in changes.items():
                if k not in self.cfg:
                    raise ValueError(f"unknown setting {k!r}")
                self.cfg[k] = v
            self.only_re = re.compile(self.cfg["only"]) if self.cfg["only"] else None
            if "seed" in changes:
                self.rng = random.Random(self.cfg["seed"])
            return dict(self.cfg)

    def count(self, key, op=None, status=None):
        with self.lock:
            if key:
                self.stats[key] += 1
            if op is not None:
                ops = self.stats["by_operation"]
                ops[op] = ops.get(op, 0) + 1
            if status is not None:
                st = self.stats["statuses"]
                st[str(status)] = st.get(str(status), 0) + 1

    def injected(self, op, kind):
        with self.lock:
            inj = self.stats["injected"].setdefault(op, {})
            inj[kind] = inj.get(kind, 0) + 1

    def decide_fault(self, op):
        """One RNG draw per eligible request: 'throttle', '503' or None; and the delay."""
        with self.lock:
            if self.only_re and not self.only_re.search(op):
                return None, 0
            thr, f503 = float(self.cfg["throttle"]), float(self.cfg["fault_503"])
            delay = int(self.cfg["delay_ms"])
            if thr <= 0 and f503 <= 0:
                return None, delay
            r = self.rng.random()
        if r < thr:
            return "throttle", delay
        if r < thr + f503:
            return "503", delay
        return None, delay

    def snapshot(self):
        with self.lock:
            snap = json.loads(json.dumps(self.stats))
            snap["config"] = dict(self.cfg)
        return snap

    def write_stats(self):
        if not self.stats_file:
            return None
        snap = self.snapshot()
        tmp = self.stats_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(snap, f, indent=1, sort_keys=True)
        os.replace(tmp, self.stats_file)
        return snap

    def log(self, text):
        if not self.log_path:
            return
        stamp = datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]
        with self.lock, open(self.log_path, "a") as f:
            for line in text.splitlines() or [""]:
                f.write(f"{stamp} {line}\n")


class VerifyingSigner(SigV4Auth):
    """botocore's SigV4 with the header set fixed to what the client says it signed."""

    def __init__(self, credentials, service, region, signed):
        super().__init__(credentials, service, region)
        self.signed = signed

    def headers_to_sign(self, request):
        from botocore.compat import HTTPHeaders
        out = HTTPHeaders()
        for name in self.signed:
            for value in request.headers.get_all(name) or []:
                out[name] = value
        return out

    def canonical_query_string(self, request):
        # Servers decode the query they receive and encode it again the SigV4 way.
        query = urllib.parse.urlsplit(request.url).query
        pairs = []
        if query:
            for part in query.split("&"):
                k, _, v = part.partition("=")
                pairs.append((urllib.parse.unquote(k), urllib.parse.unquote(v)))
        return self._canonical_query_string_params(pairs) if pairs else ""


class ProxyError(Exception):
    def __init__(self, status, code, message, kind="Sender"):
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "awsproxy/1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    state: State = None  # set in main()

    def log_message(self, fmt, *args):  # noqa: D102 - silence the default stderr log
        pass

    # -- request parsing ----------------------------------------------------------------------

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def classify(self, body):
        """(service, region, akid, protocol, operation key) for this request."""
        auth = self.headers.get("Authorization", "")
        m = AUTH_RE.match(auth.strip())
        service = region = akid = None
        if m:
            parts = m.group(1).split("/")
            if len(parts) == 5:
                akid, _, region, service, _ = parts
        target = self.headers.get("X-Amz-Target")
        ctype = self.headers.get("Content-Type", "")
        url = urllib.parse.urlsplit(self.path)
        if target or "json" in ctype:
            proto = "json"
        elif service == "cloudfront" or url.path.startswith("/2020-05-31/"):
            proto = "restxml"
            service = service or "cloudfront"
        elif service == "ec2":
            proto = "ec2"
        else:
            proto = "query"
        if target:
            op = target.rsplit(".", 1)[-1]
        elif proto == "restxml":
            op = self.command + " " + url.path
            sub = url.path[len("/2020-05-31"):]
            for method, rx, name in CLOUDFRONT_OPS:
                if method == self.command and re.match(rx, sub):
                    op = name
                    break
        else:
            params = urllib.parse.parse_qs(url.query)
            if "form-urlencoded" in ctype and body:
                params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
            op = params.get("Action", [self.command + " " + url.path])[0]
        json_version = "1.0" if "1.0" in ctype else "1.1"
        return {"service": service or "unknown", "region": region, "akid": akid,
                "proto": proto, "op": f"{service or 'unknown'}:{op}", "auth": m,
                "json_version": json_version}

    # -- error responses in the service's shape -----------------------------------------------

    def send_error_shape(self, info, status, code, message, kind="Sender"):
        rid = str(uuid.uuid4())
        # AWS dates every response; clients correct clock skew from it.
        headers = [("x-amzn-RequestId", rid), ("Date", self.date_time_string())]
        if info["proto"] == "json":
            body = json.dumps({"__type": code, "message": message}).encode()
            headers += [("Content-Type", f"application/x-amz-json-{info['json_version']}"),
                        ("X-Amzn-Errortype", code)]
            if info["service"] == "monitoring":
                qcode = {"ThrottlingException": "Throttling",
                         "ServiceUnavailableException": "ServiceUnavailable",
                         "InvalidSignatureException": "SignatureDoesNotMatch",
                         "UnrecognizedClientException": "InvalidClientTokenId"}.get(code, code)
                headers.append(("x-amzn-query-error", f"{qcode};{kind}"))
        elif info["proto"] == "ec2":
            body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                    f"<Code>{xml_escape(code)}</Code><Message>{xml_escape(message)}</Message>"
                    f"</Error></Errors><RequestID>{rid}</RequestID></Response>").encode()
            headers.append(("Content-Type", "text/xml;charset=UTF-8"))
        else:
            body = (f"<ErrorResponse><Error><Type>{kind}</Type><Code>{xml_escape(code)}</Code>"
                    f"<Message>{xml_escape(message)}</Message></Error>"
                    f"<RequestId>{rid}</RequestId></ErrorResponse>").encode()
            headers.append(("Content-Type", "text/xml"))
        self.reply(status, headers, body)

    def reply(self, status, headers, body):
        self.send_response_only(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    # -- signature verification ---------------------------------------------------------------

    def verify(self, info, body):
        st = self.state
        json_like = info["proto"] == "json"
        url = urllib.parse.urlsplit(self.path)
        if "X-Amz-Algorithm" in urllib.parse.parse_qs(url.query):
            return  # presigned URL: not verified (not used by ondeck)
        m = info["auth"]
        if not self.headers.get("Authorization"):
            raise ProxyError(403, "MissingAuthenticationTokenException" if json_like
                             else "MissingAuthenticationToken",
                             "Missing Authentication Token")
        if not m or not info["service"] or info["service"] == "unknown":
            raise ProxyError(400, "IncompleteSignatureException" if json_like
                             else "IncompleteSignature",
                             "Authorization header requires 'Credential', 'SignedHeaders' and "
                             f"'Signature' parameters. Authorization={self.headers['Authorization']}")
        akid = info["akid"]
        with st.lock:
            secret = st.keys.get(akid)
        if secret is None:
            if st.cfg["allow_unknown_keys"]:
                return
            raise ProxyError(403, "UnrecognizedClientException" if json_like
                             else "InvalidClientTokenId",
                             "The security token included in the request is invalid.")
        signed = m.group(2).lower().split(";")
        claimed = m.group(3).lower()
        for must in ("host", "x-amz-date"):
            if must not in signed:
                raise ProxyError(400, "IncompleteSignatureException" if json_like
                                 else "IncompleteSignature",
                                 f"'{must}' must be a signed header")
        for name in signed:
            if self.headers.get(name) is None:
                raise ProxyError(403, "InvalidSignatureException" if json_like
                                 else "SignatureDoesNotMatch",
                                 f"Header '{name}' is in SignedHeaders but missing")
        amzdate = self.headers.get("X-Amz-Date", "")
        try:
            when = datetime.datetime.strptime(amzdate, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            raise ProxyError(400, "IncompleteSignatureException" if json_like
                             else "IncompleteSignature", f"Bad X-Amz-Date '{amzdate}'")
        skew = st.cfg["max_skew"]
        now = datetime.datetime.now(datetime.timezone.utc)
        if skew and abs((now - when).total_seconds()) > skew:
            raise ProxyError(403, "InvalidSignatureException" if json_like
                             else "SignatureDoesNotMatch",
                             f"Signature expired: {amzdate} is now earlier than "
                             f"{(now - datetime.timedelta(seconds=skew)).strftime('%Y%m%dT%H%M%SZ')}"
                             f" ({now.strftime('%Y%m%dT%H%M%SZ')} - {skew // 60} min.)")
        scope_date = m.group(1).split("/")[1]
        if scope_date != amzdate[:8]:
            raise ProxyError(403, "InvalidSignatureException" if json_like
                             else "SignatureDoesNotMatch",
                             f"Date in Credential scope does not match YYYYMMDD from "
                             f"ISO-8601 version of date from HTTP: '{scope_date}' != "
                             f"'{amzdate[:8]}', from '{amzdate}'.")
        content_sha = self.headers.get("X-Amz-Content-SHA256")
        if content_sha and content_sha not in ("UNSIGNED-PAYLOAD",) and \
                content_sha != hashlib.sha256(body).hexdigest():
            raise ProxyError(400, "XAmzContentSHA256Mismatch",
                             "The provided 'x-amz-content-sha256' header does not match what "
                             "was computed.")

        req = AWSRequest(method=self.command,
                         url=f"http://{self.headers.get('Host', 'localhost')}{self.path}",
                         data=body)
        for name in signed:
            for value in self.headers.get_all(name) or []:
                req.headers[name] = value
        req.context["timestamp"] = amzdate
        signer = VerifyingSigner(Credentials(akid, secret), info["service"], info["region"],
                                 signed)
        creq = signer.canonical_request(req)
        sts = signer.string_to_sign(req, creq)
        want = signer.signature(sts, req)
        if hmac.compare_digest(want, claimed):
            return
        st.log(f"SIGNATURE MISMATCH {info['op']} akid={akid} got={claimed} want={want}\n"
               f"--- expected canonical request ---\n{creq}\n"
               f"--- expected string to sign ---\n{sts}\n---")
        with st.lock:
            mism = st.stats["signature_mismatches"]
            mism.append({"op": info["op"], "akid": akid, "got": claimed, "want": want,
                         "canonical_request": creq, "string_to_sign": sts})
            del mism[:-20]
        if json_like:
            msg = ("The request signature we calculated does not match the signature you "
                   "provided. Check your AWS Secret Access Key and signing method. Consult the "
                   "service documentation for details.\n\nThe Canonical String for this request "
                   f"should have been\n'{creq}'\n\nThe String-to-Sign should have been\n'{sts}'\n")
            raise ProxyError(403, "InvalidSignatureException", msg)
        raise ProxyError(403, "SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you "
                         "provided. Check your AWS Secret Access Key and signing method. Consult "
                         "the service documentation for details.\n\nThe Canonical String for this "
                         f"request should have been\n'{creq}'\n\nThe String-to-Sign should have "
                         f"been\n'{sts}'\n")

    # -- forwarding ---------------------------------------------------------------------------

    _local = threading.local()

    def upstream_conn(self, fresh=False):
        conn = getattr(self._local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            up = self.state.upstream
            conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=120)
            self._local.conn = conn
        return conn

    def forward(self, body):
        headers = {}
        for k, v in self.headers.items():
            if k.lower() in HOP_BY_HOP or k.lower() == "expect":
                continue
            headers[k] = v
        headers["Content-Length"] = str(len(body))
        for attempt in (0, 1):
            conn = self.upstream_conn(fresh=attempt > 0)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                return resp.status, resp.getheaders(), data
            except (http.client.HTTPException, OSError):
                if attempt:
                    raise
        raise AssertionError("unreachable")

    # -- control endpoints --------------------------------------------------------------------

    def control(self, body):
        st = self.state
        path = urllib.parse.urlsplit(self.path).path
        try:
            if path == "/__proxy/stats" and self.command == "GET":
                snap = st.write_stats() or st.snapshot()
                out = snap
            elif path == "/__proxy/reset" and self.command == "POST":
                st.reset()
                out = {"reset": True}
            elif path == "/__proxy/config" and self.command in ("GET", "POST"):
                out = st.configure(json.loads(body or b"{}")) if self.command == "POST" \
                    else dict(st.cfg)
            else:
                self.reply(404, [("Content-Type", "application/json")], b'{"error":"not found"}')
                return
        except (ValueError, re.error) as e:
            self.reply(400, [("Content-Type", "application/json")],
                       json.dumps({"error": str(e)}).encode())
            return
        self.reply(200, [("Content-Type", "application/json")],
                   json.dumps(out, sort_keys=True).encode())

    def handle_any(self):
        st = self.state
        t0 = time.monotonic()
        body = self.read_body()
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/__proxy/"):
            self.control(body)
            return
        info = self.classify(body)
        passthrough = path.startswith("/moto-api/")
        op = info["op"] if not passthrough else "moto-api:" + path
        st.count("requests", op)
        outcome = "forward"
        try:
            if not passthrough and st.cfg["verify"]:
                self.verify(info, body)
            fault, delay = (None, 0) if passthrough else st.decide_fault(op)
            if delay:
                time.sleep(delay / 1000.0)
            if fault == "throttle":
                st.count("throttled")
                st.injected(op, "throttle")
                outcome = "THROTTLE"
                if info["proto"] == "ec2":
                    raise ProxyError(503, "RequestLimitExceeded", "Request limit exceeded.")
                raise ProxyError(400, "ThrottlingException" if info["proto"] == "json"
                                 else "Throttling", "Rate exceeded")
            if fault == "503":
                st.count("faults_503")
                st.injected(op, "503")
                outcome = "FAULT503"
                raise ProxyError(503, "ServiceUnavailableException" if info["proto"] == "json"
                                 else "ServiceUnavailable", "Service Unavailable", "Receiver")
        except ProxyError as e:
            if outcome == "forward":
                outcome = "SIGFAIL:" + e.code
                st.count("signature_failures")
            st.count(None, status=e.status)
            self.send_error_shape(info, e.status, e.code, e.message, e.kind)
            st.log(f"{self.command} {op} akid={info['akid']} -> {e.status} {outcome} "
                   f"{(time.monotonic() - t0) * 1000:.1f}ms")
            return
        try:
            status, headers, data = self.forward(body)
        except (http.client.HTTPException, OSError) as e:
            st.count("upstream_errors", status=502)
            self.reply(502, [("Content-Type", "text/plain")],
                       f"awsproxy: upstream error: {e}\n".encode())
            st.log(f"{self.command} {op} -> 502 upstream error {e}")
            return
        st.count("forwarded", status=status)
        if info["service"] == "sts" and status == 200:
            for akid, secret in STS_CREDS_RE.findall(data.decode("utf-8", "replace")):
                with st.lock:
                    st.keys[akid] = secret
        self.reply(status, [(k, v) for k, v in headers
                            if k.lower() not in HOP_BY_HOP and k.lower() not in
                            ("server", "date")] + [("Date", self.date_time_string())], data)
        st.log(f"{self.command} {op} akid={info['akid']} -> {status} "
               f"{(time.monotonic() - t0) * 1000:.1f}ms")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def parse_args(argv):
    ap = argparse.ArgumentParser(description="SigV4-verifying, fault-injecting proxy for moto")
    ap.add_argument("--upstream", default=env_default("upstream", None))
    ap.add_argument("--host", default=env_default("host", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(env_default("port", 0)))
    ap.add_argument("--port-file", default=env_default("port_file", None))
    ap.add_argument("--key", action="append", default=[], metavar="AKID:SECRET")
    ap.add_argument("--secret", default=env_default("secret", None))
    ap.add_argument("--no-verify", action="store_true",
                    default=env_default("no_verify", "") not in ("", "0"))
    ap.add_argument("--allow-unknown-keys", action="store_true",
                    default=env_default("allow_unknown_keys", "") not in ("", "0"))
    ap.add_argument("--max-skew", type=int, default=int(env_default("max_skew", 900)))
    ap.add_argument("--throttle", type=float, default=float(env_default("throttle", 0)))
    ap.add_argument("--fault-503", type=float, default=float(env_default("fault_503", 0)))
    ap.add_argument("--delay-ms", type=int, default=int(env_default("delay_ms", 0)))
    ap.add_argument("--only", default=env_default("only", None), metavar="REGEX")
    ap.add_argument("--seed", type=int, default=int(env_default("seed", 1)))
    ap.add_argument("--log", default=env_default("log", None))
    ap.add_argument("--stats-file", default=env_default("stats_file", None))
    args = ap.parse_args(argv)
    if not args.upstream:
        ap.error("--upstream is required")
    for rate in (args.throttle, args.fault_503):
        if not 0 <= rate <= 1:
            ap.error("rates are between 0 and 1")
    if args.only:
        re.compile(args.only)
    env_keys = os.environ.get("AWSPROXY_KEYS")  # "AKID:SECRET,AKID2:SECRET2"
    if env_keys:
        args.key += [k for k in env_keys.split(",") if k]
    return args


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    state = State(args)
    Handler.state = state
    server = Server((args.host, args.port), Handler)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    state.log(f"listening on {args.host}:{port}, upstream {args.upstream}, "
              f"config {json.dumps(state.cfg, sort_keys=True)}")
    print(f"awsproxy: http://{args.host}:{port} -> {args.upstream}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        state.write_stats()
    return 0


if __name__ == "__main__":
    sys.exit(main())
