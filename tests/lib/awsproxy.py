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
     Temporary credentials handed out by STS through the proxy (AssumeRole, ...) are learnt
     from the responses with their session token, so role chains verify too; a temporary key
     is accepted only with the X-Amz-Security-Token issued with it, and a long-term key only
     without one (else 403 UnrecognizedClientException / InvalidClientTokenId "The security
     token included in the request is invalid.", counted in "token_failures").
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
       --lose-response RATE  forward the request to moto (so it IS applied), then drop the
                         client connection with a TCP reset instead of answering: the client
                         sees a reset after the request was applied, the case where a mutation
                         must be reconciled by reading state back, never blindly resent
       --only REGEX      faults and delays apply only to operations matching REGEX (re.search
                         on "service:Operation", e.g. 'ecs:Describe|logs:')
     More faults (hardening; each RATE is a probability, drawn with the same single draw, in
     this order after the three above; doc/reliability.md says what ondeck does with each):
       --throttle-tmr RATE  429 TooManyRequestsException (code in the body and X-Amzn-Errortype)
       --http-429 RATE      429 with an empty body and no error code at all
       --fault-500 RATE     500 InternalFailure (Type Receiver)
       --reset-before RATE  reset the connection WITHOUT forwarding (never reached moto)
       --stall RATE         hold the request --stall-ms (35000, past ondeck's 30 s default)
                            without answering or forwarding, then close the connection
       --truncate RATE      forward, then send the headers (full Content-Length) and half the
                            body, then reset: the transfer breaks mid-body
       --malformed RATE     forward, then answer 200 with a body that cannot be decoded: cut
                            in half (consistent Content-Length), random bytes, an HTML page,
                            XML for a JSON service (JSON for an XML one), or 100000 levels of
                            nesting; the shape is a second seeded draw unless
                            --malformed-shape names one (cut bytes html other_format nesting)
       --oversized RATE     forward, then answer 200 with --oversized-mb (70) MiB: a document
                            that opens normally and never ends (past ondeck's 64 MiB cap)
       --wrong-ctype RATE   forward and answer the real body with Content-Type text/html (JSON
                            services) or application/json (XML ones): must still decode
       --skew RATE          clock skew: JSON InvalidSignatureException "Signature expired",
                            query/restXml 403 RequestTimeTooSkewed; the Date header is the real
                            time shifted by --skew-seconds (0)
       --expired-token RATE ExpiredTokenException (JSON) / ExpiredToken (query, restXml)
       --expired-token-match REGEX  the same, for every request whose X-Amz-Security-Token
                            matches REGEX (no draw): "this token has expired, a new one works"
       --mixed RATE         with probability RATE one fault drawn uniformly from all of them
                            (throttle 503 lose throttle_tmr http_429 500 reset_before stall
                            truncate malformed oversized wrong_ctype skew expired_token), or
                            from --mixed-kinds K1,K2,...; the kind comes from the same draw
       --bucket REGEX=BURST/RATE  a token bucket, as AWS throttles (repeatable; not a draw):
                         the operations matching REGEX (re.search on "service:Operation")
                         share BURST tokens refilled at RATE a second; a request that finds
                         none is answered as AWS words it and never forwarded: ECS (JSON) 400
                         {"__type":"ThrottlingException","message":"Rate exceeded"}, ELBv2
                         (query) 400 <Code>Throttling</Code><Message>Rate exceeded</Message>;
                         both codes are throttling errors to botocore (retries/standard.py,
                         THROTTLED_ERROR_CODES; data/_retry.json "throttling"). Counted in
                         "bucket_throttled" and in "buckets" ({REGEX: {"allowed", "throttled"}}).
     Every injected fault is counted in "injected" per operation and in "faults" per kind.
     The service comes from the credential scope of Authorization (as moto routes).
  3. Counters per operation ("ecs:ListClusters", "elasticloadbalancing:DescribeTargetHealth",
     "cloudfront:CreateInvalidation", ...; from X-Amz-Target, Action, or the REST path),
     "metric_services": how many GetMetricData requests named each ECS ServiceName, and
     "metric_requests": the services each of the last 50 GetMetricData requests named, and
     "describe_requests": the first 400 DescribeServices and DescribeTargetHealth requests in
     the order they arrived, each [op, [names]] (services by name, the last part of an ARN;
     a target group by its ARN), to check which rows a client asks for first.

Control endpoints (never forwarded, never verified):
  GET  /__proxy/stats   JSON counters (also written to --stats-file if given)
  POST /__proxy/reset   zero the counters (and re-seed the RNG)
  POST /__proxy/config  JSON body, any of {"throttle": 0.3, "fault_503": 0, "delay_ms": 0,
                        "lose_response": 0, "only": "ecs:", "verify": true, "seed": 1};
                        answers the new config. Also the hardening keys: "throttle_tmr",
                        "http_429", "fault_500", "reset_before", "stall", "stall_ms",
                        "truncate", "malformed", "oversized", "oversized_mb", "wrong_ctype",
                        "skew", "skew_seconds", "expired_token", "expired_token_match",
                        "mixed", "mixed_kinds" (a list or "a,b"); "buckets": ["REGEX=B/R", ...]
                        (replaces the buckets, full)
Requests under /moto-api/ pass through unverified and without faults.

Command line (each flag also has an environment variable, AWSPROXY_<FLAG>, e.g.
AWSPROXY_THROTTLE=0.3; flags win):
  --upstream URL      moto, e.g. http://127.0.0.1:5055 (required)
  --host H --port P   listen address (127.0.0.1, port 0 = pick a free one)
  --port-file F       write the port actually bound to F (how moto.sh finds it)
  --key AKID:SECRET   a known long-term key pair (repeatable); --secret S is short for
                      AKIDONDECKTEST:S. A request signed with it and carrying
                      X-Amz-Security-Token is refused (InvalidClientTokenId), as AWS does.
  --region R          the region of the endpoint played (us-east-1): a request whose
                      credential scope names another region is refused (SignatureDoesNotMatch
                      / InvalidSignatureException "Credential should be scoped to a valid
                      region"); CloudFront and IAM are global and signed us-east-1, STS may be
                      signed us-east-1 (global endpoint) or R (regional)
  --session-key AKID:SECRET:TOKEN  known temporary credentials (repeatable): accepted only
                      with exactly that X-Amz-Security-Token. Credentials STS hands out
                      through the proxy (AssumeRole, GetSessionToken, ...) are learnt so.
  --no-verify         forward without checking signatures
  --max-skew SECONDS  allowed clock difference (900; 0 = unchecked)
  --throttle RATE --fault-503 RATE --lose-response RATE --delay-ms N --only REGEX
  --seed N (default 1)
  --throttle-tmr --http-429 --fault-500 --reset-before --stall --truncate --malformed
  --oversized --wrong-ctype --skew --expired-token --mixed RATE, --stall-ms N,
  --oversized-mb N, --skew-seconds N, --expired-token-match REGEX, --mixed-kinds K1,K2
  --bucket REGEX=BURST/RATE (repeatable; AWSPROXY_BUCKETS="R1=B/R;R2=B/R")
  --log F             one line per request (a forwarded one ends with arrived=HH:MM:SS.mmm,
                      when it came in), plus the details of every signature mismatch
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
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape as xml_escape, unescape as xml_unescape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import awsemu  # noqa: E402 - the AWS-behaviour layer, beside this file

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

DEFAULT_AKID = "AKIDONDECKTEST"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "trailers", "transfer-encoding", "upgrade", "content-length"}
AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*"
                     r"SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$")
STS_CREDS_RE = re.compile(r"<Credentials>(.*?)</Credentials>", re.S)
STS_FIELD_RE = re.compile(r"<(AccessKeyId|SecretAccessKey|SessionToken)>([^<]*)</")
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


# STS operations that AWS accepts unsigned ("Calling AssumeRoleWithWebIdentity does not
# require the use of AWS security credentials", STS API Reference; botocore sts-2011-06-15
# gives both "authtype": "none", "auth": ["smithy.api#noAuth"]).
UNSIGNED_STS_OPS = ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML")

# Hardening faults: rate settings in draw order (after throttle, fault_503, lose_response),
# the kind each one injects, and their other settings.
EXTRA_RATES = ["throttle_tmr", "http_429", "fault_500", "reset_before", "stall", "truncate",
               "malformed", "oversized", "wrong_ctype", "skew", "expired_token", "mixed"]
EXTRA_KIND = {"fault_500": "500"}  # otherwise the kind is the setting's name
EXTRA_SETTINGS = ["stall_ms", "oversized_mb", "skew_seconds", "expired_token_match",
                  "mixed_kinds", "malformed_shape"]
MIXED_KINDS = ["throttle", "503", "lose", "throttle_tmr", "http_429", "500", "reset_before",
               "stall", "truncate", "malformed", "oversized", "wrong_ctype", "skew",
               "expired_token"]
MALFORMED_SHAPES = ["cut", "bytes", "html", "other_format", "nesting"]


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
        self.region = args.region  # the region of the endpoint this proxy plays
        self.tokens = {}  # temporary keys: akid -> the session token issued with them
        for kv in args.session_key:
            akid, _, rest = kv.partition(":")
            secret, _, token = rest.partition(":")
            if not token:
                raise SystemExit("awsproxy: --session-key AKID:SECRET:TOKEN")
            self.keys[akid], self.tokens[akid] = secret, token
        self.cfg = {
            "verify": not args.no_verify,
            "max_skew": args.max_skew,
            "throttle": args.throttle,
            "fault_503": args.fault_503,
            "lose_response": args.lose_response,
            "delay_ms": args.delay_ms,
            "only": args.only,
            "seed": args.seed,
            "buckets": list(args.bucket),
        }
        # Hardening faults (see the module docstring).
        for key in EXTRA_RATES + EXTRA_SETTINGS:
            self.cfg[key] = getattr(args, key)
        self.expired_re = None
        self.fix_extra()
        self.only_re = re.compile(args.only) if args.only else None
        self.fix_buckets()
        self.rng = random.Random(args.seed)
        self.log_path = args.log
        self.stats_file = args.stats_file
        self.layer = None if args.behaviours == "off" else \
            awsemu.Layer(args.behaviours, log=self.log)
        if self.layer is not None:
            self.layer.upstream_url = args.upstream  # behaviours that read moto's state
        self.reset()

    def learn_sts(self, body):
        """Temporary credentials an STS answer hands out (AssumeRole, GetSessionToken,
        AssumeRoleWithWebIdentity, ...): their secret, and the token that must go with them."""
        for block in STS_CREDS_RE.findall(body.decode("utf-8", "replace")):
            f = dict(STS_FIELD_RE.findall(block))
            if f.get("AccessKeyId") and f.get("SecretAccessKey"):
                with self.lock:
                    self.keys[f["AccessKeyId"]] = xml_unescape(f["SecretAccessKey"])
                    if f.get("SessionToken"):
                        self.tokens[f["AccessKeyId"]] = xml_unescape(f["SessionToken"])

    def reset(self):
        with self.lock:
            self.stats = {"requests": 0, "forwarded": 0, "throttled": 0, "faults_503": 0,
                          "lost_responses": 0,
                          "signature_failures": 0, "token_failures": 0, "region_failures": 0,
                          "upstream_errors": 0,
                          "by_operation": {}, "injected": {}, "statuses": {},
                          "signature_mismatches": []}
            self.stats["faults"] = {}
            self.stats["metric_services"] = {}
            self.stats["metric_requests"] = []
            self.stats["describe_requests"] = []
            self.rng = random.Random(self.cfg["seed"])
            self.stats["bucket_throttled"] = 0
            self.stats["buckets"] = {b["spec"]: {"allowed": 0, "throttled": 0}
                                     for b in getattr(self, "buckets", [])}
            for b in getattr(self, "buckets", []):
                b["tokens"], b["at"] = b["burst"], time.monotonic()
        if getattr(self, "layer", None) is not None:
            self.layer.reset()

    def configure(self, changes):
        changes = dict(changes)
        layer_changes = {k: changes.pop(k) for k in ("behaviours", "emu") if k in changes}
        if layer_changes and self.layer is None:
            raise ValueError("the AWS-behaviour layer is off (--behaviours off)")
        if "behaviours" in layer_changes:
            self.layer.switch(layer_changes["behaviours"])
        if "emu" in layer_changes:
            self.layer.configure(layer_changes["emu"])
        with self.lock:
            for k, v in changes.items():
                if k not in self.cfg:
                    raise ValueError(f"unknown setting {k!r}")
                self.cfg[k] = v
            self.only_re = re.compile(self.cfg["only"]) if self.cfg["only"] else None
            if "seed" in changes:
                self.rng = random.Random(self.cfg["seed"])
            self.fix_extra()
            if "buckets" in changes:
                self.fix_buckets()
                for b in self.buckets:
                    self.stats["buckets"].setdefault(b["spec"], {"allowed": 0, "throttled": 0})
            return self.config()

    def config(self):
        out = dict(self.cfg)
        if self.layer is not None:
            out.update(self.layer.config())
        return out

    def fix_buckets(self):
        """Parse cfg["buckets"] ("REGEX=BURST/RATE"), each bucket full."""
        buckets = []
        for spec in self.cfg["buckets"] or []:
            regex, sep, br = spec.rpartition("=")
            burst, sep2, rate = br.partition("/")
            if not sep or not sep2 or float(burst) < 1 or float(rate) <= 0:
                raise ValueError(f"bucket {spec!r}: REGEX=BURST/RATE")
            buckets.append({"spec": spec, "re": re.compile(regex), "burst": float(burst),
                            "rate": float(rate), "tokens": float(burst),
                            "at": time.monotonic()})
        self.buckets = buckets

    def take_bucket(self, op):
        """True when every bucket op belongs to had a token (one is taken from each)."""
        with self.lock:
            mine = [b for b in self.buckets if b["re"].search(op)]
            now = time.monotonic()
            for b in mine:
                b["tokens"] = min(b["burst"], b["tokens"] + (now - b["at"]) * b["rate"])
                b["at"] = now
            ok = all(b["tokens"] >= 1 for b in mine)
            for b in mine:
                counts = self.stats["buckets"].setdefault(b["spec"],
                                                          {"allowed": 0, "throttled": 0})
                if ok:
                    b["tokens"] -= 1
                    counts["allowed"] += 1
                else:
                    counts["throttled"] += 1
            if not ok:
                self.stats["bucket_throttled"] += 1
            return ok

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
        """One RNG draw per eligible request: 'throttle', '503', 'lose' or None; and the
        delay."""
        with self.lock:
            if self.only_re and not self.only_re.search(op):
                return None, 0
            thr, f503 = float(self.cfg["throttle"]), float(self.cfg["fault_503"])
            lose = float(self.cfg.get("lose_response") or 0)
            delay = int(self.cfg["delay_ms"])
            extra = [(EXTRA_KIND.get(k, k), float(self.cfg[k] or 0)) for k in EXTRA_RATES
                     if k != "mixed" and float(self.cfg[k] or 0) > 0]
            mixed = float(self.cfg["mixed"] or 0)
            if thr <= 0 and f503 <= 0 and lose <= 0 and not extra and mixed <= 0:
                return None, delay
            r = self.rng.random()
        if r < thr:
            return "throttle", delay
        if r < thr + f503:
            return "503", delay
        if r < thr + f503 + lose:
            return "lose", delay
        acc = thr + f503 + lose
        for kind, rate in extra:
            acc += rate
            if r < acc:
                return kind, delay
        if r < acc + mixed:
            kinds = self.mixed_kinds
            return kinds[min(int((r - acc) / mixed * len(kinds)), len(kinds) - 1)], delay
        return None, delay

    def fix_extra(self):
        """Normalise the hardening settings (called with the lock held or at start)."""
        kinds = self.cfg.get("mixed_kinds") or MIXED_KINDS
        if isinstance(kinds, str):
            kinds = [k.strip() for k in kinds.split(",") if k.strip()]
        unknown = [k for k in kinds if k not in MIXED_KINDS]
        if unknown or not kinds:
            raise ValueError(f"unknown fault kinds {unknown} (known: {','.join(MIXED_KINDS)})")
        self.mixed_kinds = list(kinds)
        self.cfg["mixed_kinds"] = ",".join(kinds)
        shape = self.cfg.get("malformed_shape")
        if shape and shape not in MALFORMED_SHAPES:
            raise ValueError(f"unknown malformed shape {shape!r} (known: "
                             f"{','.join(MALFORMED_SHAPES)})")
        match = self.cfg.get("expired_token_match")
        self.expired_re = re.compile(match) if match else None
        for k in EXTRA_RATES:
            if not 0 <= float(self.cfg[k] or 0) <= 1:
                raise ValueError(f"{k}: rates are between 0 and 1")

    def fault(self, op, kind):
        """Count one injected hardening fault."""
        with self.lock:
            faults = self.stats.setdefault("faults", {})
            faults[kind] = faults.get(kind, 0) + 1
        self.injected(op, kind)

    def note_metric_services(self, body):
        """Count the ECS services a GetMetricData asks series for (JSON protocol)."""
        try:
            queries = json.loads(body or b"{}").get("MetricDataQueries") or []
        except ValueError:
            return
        names = set()
        for q in queries:
            metric = (q.get("MetricStat") or {}).get("Metric") or {}
            for d in metric.get("Dimensions") or []:
                if d.get("Name") == "ServiceName":
                    names.add(d.get("Value"))
        with self.lock:
            seen = self.stats.setdefault("metric_services", {})
            for name in names:
                seen[name] = seen.get(name, 0) + 1
            # Each request's services, oldest first (the last 50 requests).
            reqs = self.stats.setdefault("metric_requests", [])
            reqs.append(sorted(names))
            del reqs[:-50]

    def note_describe(self, op, body, info):
        """Remember which services or target group a describe asked for, in arrival order."""
        names = []
        if op == "ecs:DescribeServices":
            try:
                names = [str(a).rsplit("/", 1)[-1]
                         for a in json.loads(body or b"{}").get("services") or []]
            except ValueError:
                return
        else:
            form = urllib.parse.parse_qs((body or b"").decode("utf-8", "replace"))
            names = form.get("TargetGroupArn", [])
        with self.lock:
            reqs = self.stats.setdefault("describe_requests", [])
            if len(reqs) < 400:
                reqs.append([op.split(":", 1)[1], names])

    def extra_draw(self, n):
        """A second seeded draw (the shape of a malformed body, random bytes)."""
        with self.lock:
            return self.rng.randrange(n)

    def snapshot(self):
        with self.lock:
            snap = json.loads(json.dumps(self.stats))
        snap["config"] = self.config()
        if self.layer is not None:
            snap.update(json.loads(json.dumps(self.layer.stats())))
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


NAMESPACE_RES = (re.compile(rb'"Namespace"\s*:\s*"([^"]*)"'),
                 re.compile(rb"Namespace=([^&]*)"))


def cloudfront_metrics_only(body):
    """Whether every metric a CloudWatch request names is in AWS/CloudFront."""
    found = {urllib.parse.unquote_plus(m.decode("utf-8", "replace"))
             for rx in NAMESPACE_RES for m in rx.findall(body or b"")}
    return found == {"AWS/CloudFront"}


class ProxyError(Exception):
    def __init__(self, status, code, message, kind="Sender"):
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind


def throttle_error(info):
    """A throttling answer as the service words it: EC2 RequestLimitExceeded (503), ECS and
    the other JSON services ThrottlingException, the query and XML services Throttling."""
    if info["proto"] == "ec2":
        return ProxyError(503, "RequestLimitExceeded", "Request limit exceeded.")
    return ProxyError(400, "ThrottlingException" if info["proto"] == "json" else "Throttling",
                      "Rate exceeded")


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
        if not service and not m and op in UNSIGNED_STS_OPS:
            service = "sts"  # sent unsigned, as AWS allows for these
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
        if not self.headers.get("Authorization") and info["op"] in (
                "sts:" + o for o in UNSIGNED_STS_OPS):
            return  # STS accepts these without AWS credentials (the token is the proof)
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
            raise ProxyError(403, "UnrecognizedClientException" if json_like
                             else "InvalidClientTokenId",
                             "The security token included in the request is invalid.")
        self.verify_region(info, json_like, body)
        self.verify_token(akid, json_like)
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

    def verify_region(self, info, json_like, body):
        """The scope's region is the endpoint's: the region this proxy serves (--region),
        us-east-1 for the global services (CloudFront, IAM), and for STS either (its global
        endpoint signs us-east-1, its regional ones their region; both are served here).
        CloudFront's CloudWatch metrics live in us-east-1 only, so a CloudWatch request for
        AWS/CloudFront metrics alone is that region's endpoint's too.
        AWS answers another region with SignatureDoesNotMatch / InvalidSignatureException."""
        st = self.state
        want = {"cloudfront": ("us-east-1",), "iam": ("us-east-1",),
                "sts": ("us-east-1", st.region)}.get(info["service"], (st.region,))
        if info["service"] == "monitoring" and cloudfront_metrics_only(body):
            want = (st.region, "us-east-1")  # CloudFront's metrics exist only in us-east-1
        if info["region"] in want:
            return
        with st.lock:
            st.stats["region_failures"] = st.stats.get("region_failures", 0) + 1
        st.log(f"REGION MISMATCH {info['op']}: signed for {info['region']}, the endpoint "
               f"is {' or '.join(want)}")
        raise ProxyError(403, "InvalidSignatureException" if json_like
                         else "SignatureDoesNotMatch",
                         f"Credential should be scoped to a valid region, not "
                         f"'{info['region']}'. ")

    def verify_token(self, akid, json_like):
        """Temporary credentials are accepted only with the session token STS issued with
        them, and a long-term key only without one: anything else is, for AWS, a token it
        does not recognise (UnrecognizedClientException / InvalidClientTokenId)."""
        st = self.state
        sent = self.headers.get("X-Amz-Security-Token")
        with st.lock:
            issued = st.tokens.get(akid)
        if sent == issued or (sent is None and issued is None):
            return
        with st.lock:
            st.stats["token_failures"] = st.stats.get("token_failures", 0) + 1
        st.log(f"TOKEN MISMATCH akid={akid}: "
               + ("no token sent" if sent is None else
                  "a token with a long-term key" if issued is None else "another token"))
        raise ProxyError(403, "UnrecognizedClientException" if json_like
                         else "InvalidClientTokenId",
                         "The security token included in the request is invalid.")

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

    def forward(self, body, method=None, path=None, headers=None):
        """moto's answer to this request (or to method/path/headers/body a behaviour of the
        layer wrote anew)."""
        src = self.headers.items() if headers is None else headers.items()
        headers = {}
        for k, v in src:
            if k.lower() in HOP_BY_HOP or k.lower() == "expect":
                continue
            headers[k] = v
        headers["Content-Length"] = str(len(body))
        for attempt in (0, 1):
            conn = self.upstream_conn(fresh=attempt > 0)
            try:
                conn.request(method or self.command, path or self.path, body=body,
                             headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                return resp.status, resp.getheaders(), data
            except (http.client.HTTPException, OSError):
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def through_layer(self, info, passthrough, body):
        """The AWS-behaviour layer (awsemu) around moto: (status, headers, body)."""
        st = self.state
        layer = st.layer
        if passthrough or layer is None:
            return self.forward(body)
        call = layer.read(info["service"], info["region"], info["akid"],
                          self.headers.get("X-Amz-Security-Token"), self.command, self.path,
                          self.headers, body)
        if call is None:
            return self.forward(body)
        if isinstance(call, awsemu.Reply):
            return call.status, call.headers, call.body
        call.upstream = lambda method, path, headers, data: \
            self.forward(data, method, path, dict(headers))
        reply = layer.dispatch(call)
        return reply.status, reply.headers, reply.body

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
                    else st.config()
            else:
                self.reply(404, [("Content-Type", "application/json")], b'{"error":"not found"}')
                return
        except (ValueError, re.error) as e:
            self.reply(400, [("Content-Type", "application/json")],
                       json.dumps({"error": str(e)}).encode())
            return
        self.reply(200, [("Content-Type", "application/json")],
                   json.dumps(out, sort_keys=True).encode())

    # -- hardening faults (see the module docstring) ------------------------------------------

    def date_time_string(self, timestamp=None):
        # A skew fault dates its one error response --skew-seconds away from the real time.
        shift = self.__dict__.pop("date_shift", 0)
        if timestamp is None and shift:
            timestamp = time.time() + shift
        return super().date_time_string(timestamp)

    def extra_expired(self, passthrough, fault):
        """--expired-token-match: this request's token has expired (no draw)."""
        st = self.state
        token = self.headers.get("X-Amz-Security-Token")
        if not passthrough and st.expired_re is not None and token is not None and \
                st.expired_re.search(token):
            return "expired_token"
        return fault

    def extra_error(self, info, op, fault):
        """The faults answered with an AWS error in the service's shape (raised)."""
        st = self.state
        json_like = info["proto"] == "json"
        st.fault(op, fault)
        if fault == "throttle_tmr":
            return ProxyError(429, "TooManyRequestsException", "Too Many Requests")
        if fault == "500":
            return ProxyError(500, "InternalFailure", "We encountered an internal error. "
                              "Please try again.", "Receiver")
        if fault == "expired_token":
            return ProxyError(400 if json_like else 403,
                              "ExpiredTokenException" if json_like else "ExpiredToken",
                              "The security token included in the request is expired")
        # skew
        self.date_shift = int(st.cfg.get("skew_seconds") or 0)
        amzdate = self.headers.get("X-Amz-Date", "")
        now = datetime.datetime.now(datetime.timezone.utc)
        expired = (f"Signature expired: {amzdate} is now earlier than "
                   f"{(now - datetime.timedelta(minutes=15)).strftime('%Y%m%dT%H%M%SZ')} "
                   f"({now.strftime('%Y%m%dT%H%M%SZ')} - 15 min.)")
        if json_like:
            return ProxyError(400, "InvalidSignatureException", expired)
        if info["proto"] == "query":
            return ProxyError(403, "SignatureDoesNotMatch", expired)
        return ProxyError(403, "RequestTimeTooSkewed", "The difference between the request "
                          "time and the current time is too large.")

    def reset_connection(self):
        """Drop the client connection with a TCP reset (SO_LINGER 0)."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass

    def extra_before(self, info, op, fault, t0):
        """Faults that never forward: a bare 429, a reset, a stall."""
        st = self.state
        st.fault(op, fault)
        if fault == "http_429":
            st.count(None, status=429)
            self.reply(429, [("Date", self.date_time_string())], b"")
        elif fault == "reset_before":
            self.reset_connection()
        else:  # stall: answer nothing, forward nothing, then close
            deadline = time.monotonic() + int(st.cfg.get("stall_ms") or 0) / 1000.0
            while time.monotonic() < deadline:
                time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
            self.close_connection = True
        st.log(f"{self.command} {op} akid={info['akid']} -> {fault.upper()} (not forwarded) "
               f"{(time.monotonic() - t0) * 1000:.1f}ms")

    def extra_after(self, info, op, fault, status, headers, data, t0):
        """Faults applied to moto's real answer (the request WAS applied)."""
        st = self.state
        st.fault(op, fault)
        keep = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP and
                k.lower() not in ("server", "date", "content-type")]
        ctype = next((v for k, v in headers if k.lower() == "content-type"), "text/plain")
        keep.append(("Date", self.date_time_string()))
        json_like = info["proto"] == "json"
        what = fault
        try:
            if fault == "wrong_ctype":
                ctype = "application/json" if not json_like else "text/html; charset=utf-8"
                self.reply(status, keep + [("Content-Type", ctype)], data)
            elif fault == "truncate":
                self.send_response_only(status)
                for k, v in keep + [("Content-Type", ctype)]:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:len(data) // 2])
                self.reset_connection()
            elif fault == "malformed":
                shape = st.cfg.get("malformed_shape") or \
                    MALFORMED_SHAPES[st.extra_draw(len(MALFORMED_SHAPES))]
                what = f"malformed/{shape}"
                if shape == "cut":
                    body = data[:max(1, len(data) // 2)]
                elif shape == "bytes":
                    body = bytes(st.extra_draw(256) for _ in range(512))
                elif shape == "html":
                    body = (b"<html><head><title>502 Bad Gateway</title></head><body>"
                            b"<h1>Bad Gateway</h1></body></html>")
                    ctype = "text/html"
                elif shape == "other_format":
                    body = (b"<ErrorResponse><Error><Code>Oops</Code></Error>" if json_like
                            else b'{"__type": "Oops", "message": "json on an xml service"}')
                else:
                    body = b"[" * 100000 if json_like else b"<a>" * 100000
                self.reply(200, keep + [("Content-Type", ctype)], body)
            else:  # oversized: opens like the real document, never ends
                size = int(st.cfg.get("oversized_mb") or 70) << 20
                head = b'{"items": ["' if json_like else b"<Response><Items><member>"
                self.send_response_only(200)
                for k, v in keep + [("Content-Type", ctype)]:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                self.wfile.write(head)
                chunk = b"x" * (1 << 20)
                sent = len(head)
                while sent < size:
                    piece = chunk[:min(len(chunk), size - sent)]
                    self.wfile.write(piece)
                    sent += len(piece)
                self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client gave up (as it should on oversized)
        st.count(None, status=status if fault in ("wrong_ctype", "truncate") else 200)
        st.log(f"{self.command} {op} akid={info['akid']} -> {status} {what.upper()} "
               f"{(time.monotonic() - t0) * 1000:.1f}ms")

    def handle_any(self):
        st = self.state
        t0 = time.monotonic()
        self.arrived = datetime.datetime.now()  # logged: when the request came, not when moto answered
        body = self.read_body()
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/__proxy/"):
            self.control(body)
            return
        info = self.classify(body)
        passthrough = path.startswith("/moto-api/")
        op = info["op"] if not passthrough else "moto-api:" + path
        st.count("requests", op)
        if op == "monitoring:GetMetricData":
            st.note_metric_services(body)
        if op in ("ecs:DescribeServices", "elasticloadbalancing:DescribeTargetHealth"):
            st.note_describe(op, body, info)
        outcome = "forward"
        try:
            if not passthrough and st.cfg["verify"]:
                self.verify(info, body)
            if not passthrough and st.buckets and not st.take_bucket(op):
                st.injected(op, "bucket")
                outcome = "BUCKET"
                raise throttle_error(info)
            fault, delay = (None, 0) if passthrough else st.decide_fault(op)
            fault = self.extra_expired(passthrough, fault)
            if delay:
                time.sleep(delay / 1000.0)
            if fault == "throttle":
                st.count("throttled")
                st.injected(op, "throttle")
                outcome = "THROTTLE"
                raise throttle_error(info)
            if fault == "503":
                st.count("faults_503")
                st.injected(op, "503")
                outcome = "FAULT503"
                raise ProxyError(503, "ServiceUnavailableException" if info["proto"] == "json"
                                 else "ServiceUnavailable", "Service Unavailable", "Receiver")
            if fault in ("throttle_tmr", "500", "skew", "expired_token"):
                outcome = fault.upper()
                raise self.extra_error(info, op, fault)
            if fault in ("http_429", "reset_before", "stall"):
                self.extra_before(info, op, fault, t0)
                return
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
            status, headers, data = self.through_layer(info, passthrough, body)
        except (http.client.HTTPException, OSError) as e:
            st.count("upstream_errors", status=502)
            self.reply(502, [("Content-Type", "text/plain")],
                       f"awsproxy: upstream error: {e}\n".encode())
            st.log(f"{self.command} {op} -> 502 upstream error {e}")
            return
        st.count("forwarded", status=status)
        if fault == "lose":
            # The request was applied upstream; the answer never reaches the client.
            st.count("lost_responses")
            st.injected(op, "lose")
            st.log(f"{self.command} {op} akid={info['akid']} -> {status} LOST (reset) "
                   f"{(time.monotonic() - t0) * 1000:.1f}ms")
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            except OSError:
                pass
            return
        if info["service"] == "sts" and status == 200:
            st.learn_sts(data)
        if fault in ("truncate", "malformed", "oversized", "wrong_ctype"):
            self.extra_after(info, op, fault, status, headers, data, t0)
            return
        self.reply(status, [(k, v) for k, v in headers
                            if k.lower() not in HOP_BY_HOP and k.lower() not in
                            ("server", "date")] + [("Date", self.date_time_string())], data)
        st.log(f"{self.command} {op} akid={info['akid']} -> {status} "
               f"{(time.monotonic() - t0) * 1000:.1f}ms "
               f"arrived={self.arrived.strftime('%H:%M:%S.%f')[:-3]}")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # ondeck opens up to 16 connections at once; socketserver's default backlog of 5 drops
    # the SYNs past it and the client waits a second to retransmit.
    request_queue_size = 128


def parse_args(argv):
    ap = argparse.ArgumentParser(description="SigV4-verifying, fault-injecting proxy for moto")
    ap.add_argument("--upstream", default=env_default("upstream", None))
    ap.add_argument("--host", default=env_default("host", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(env_default("port", 0)))
    ap.add_argument("--port-file", default=env_default("port_file", None))
    ap.add_argument("--key", action="append", default=[], metavar="AKID:SECRET")
    ap.add_argument("--secret", default=env_default("secret", None))
    ap.add_argument("--region", default=env_default("region", "us-east-1"),
                    help="the endpoint's region: requests signed for another are refused")
    ap.add_argument("--session-key", action="append", default=[], metavar="AKID:SECRET:TOKEN",
                    help="temporary credentials, valid only with their session token")
    ap.add_argument("--no-verify", action="store_true",
                    default=env_default("no_verify", "") not in ("", "0"))
    ap.add_argument("--max-skew", type=int, default=int(env_default("max_skew", 900)))
    ap.add_argument("--throttle", type=float, default=float(env_default("throttle", 0)))
    ap.add_argument("--fault-503", type=float, default=float(env_default("fault_503", 0)))
    ap.add_argument("--lose-response", type=float,
                    default=float(env_default("lose_response", 0)))
    ap.add_argument("--delay-ms", type=int, default=int(env_default("delay_ms", 0)))
    ap.add_argument("--only", default=env_default("only", None), metavar="REGEX")
    ap.add_argument("--seed", type=int, default=int(env_default("seed", 1)))
    ap.add_argument("--bucket", action="append", metavar="REGEX=BURST/RATE",
                    default=[b for b in env_default("buckets", "").split(";") if b])
    for key in EXTRA_RATES:  # hardening faults: --throttle-tmr RATE ... --mixed RATE
        ap.add_argument("--" + key.replace("_", "-"), dest=key, type=float,
                        default=float(env_default(key, 0)), metavar="RATE")
    ap.add_argument("--stall-ms", type=int, default=int(env_default("stall_ms", 35000)))
    ap.add_argument("--oversized-mb", type=int, default=int(env_default("oversized_mb", 70)))
    ap.add_argument("--skew-seconds", type=int, default=int(env_default("skew_seconds", 0)))
    ap.add_argument("--expired-token-match", default=env_default("expired_token_match", None),
                    metavar="REGEX")
    ap.add_argument("--mixed-kinds", default=env_default("mixed_kinds", None),
                    metavar="K1,K2")
    ap.add_argument("--malformed-shape", default=env_default("malformed_shape", None),
                    choices=MALFORMED_SHAPES)
    ap.add_argument("--behaviours", default=env_default("behaviours", ""),
                    metavar="SPEC", help="the AWS-behaviour layer (tests/lib/awsemu): "
                    "'-paging,+x' switches behaviours from their defaults, 'none' keeps the "
                    "layer's request validation only, 'off' removes the layer")
    ap.add_argument("--log", default=env_default("log", None))
    ap.add_argument("--stats-file", default=env_default("stats_file", None))
    args = ap.parse_args(argv)
    if not args.upstream:
        ap.error("--upstream is required")
    for rate in (args.throttle, args.fault_503, args.lose_response,
                 *(getattr(args, k) for k in EXTRA_RATES)):
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
