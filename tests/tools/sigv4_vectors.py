#!/usr/bin/env python3
"""Generate SigV4 conformance vectors signed by botocore's own SigV4Auth.

Deterministic (seeded RNG): each run prints the same cases. For every case it prints the
inputs of sigv4_sign() and botocore's canonical request, string to sign, signature and
Authorization header, for tests/unit/test_sigv4.c to compare stage by stage.

Output, one record per line, fields separated by one space; every string is lowercase hex of
its UTF-8 bytes, and "-" stands for the empty string:

    vectors <botocore version>
    begin <n>
    desc <hex>                  what the case exercises (for failure messages)
    method|host|path|region|service|akid|secret|token|body <hex>   (token absent: no token)
    time <decimal epoch seconds>
    q <key hex> <value hex>     query parameters in request order (repeats allowed)
    h <name hex> <value hex>    extra headers in request order (duplicates allowed)
    x-cr|x-sts|x-sig|x-sh|x-auth <hex>   botocore's canonical request, string to sign,
                                signature, signed headers, Authorization header
    end
    count <number of cases>

If botocore cannot be imported the only line is "skip <reason>" (exit status 0), so the C
test reports a TAP skip. --dump prints the cases readably instead (for debugging).
"""

import datetime
import random
import sys
from urllib.parse import urlsplit

try:
    from unittest import mock

    import botocore
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as exc:  # pragma: no cover - depends on the machine
    print(f"skip botocore not available ({exc})")
    sys.exit(0)

SEED = 20240102
NCASES = 300

# The three vectors of aws-wire-notes.md section 5, so botocore re-confirms the notes.
NOTES_AKID = "AKIAIOSFODNN7EXAMPLE"
NOTES_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
NOTES_TIME = 1704164645  # 2024-01-02T03:04:05Z


class Recorder(botocore.auth.SigV4Auth):
    """botocore's signer, unchanged, keeping each stage it computes."""

    def canonical_request(self, request):
        self.cr = super().canonical_request(request)
        return self.cr

    def string_to_sign(self, request, canonical_request):
        self.sts = super().string_to_sign(request, canonical_request)
        return self.sts

    def signature(self, string_to_sign, request):
        self.sig = super().signature(string_to_sign, request)
        return self.sig


def sign(case):
    """Sign one case with botocore; returns the expected outputs or None if the URL would not
    carry the path unchanged (then the case is not representable and is dropped)."""
    url = f"{case['scheme']}://{case['netloc']}{case['path']}"
    if urlsplit(url).path != case["path"]:
        return None
    req = AWSRequest(
        method=case["method"], url=url, data=case["body"], params=list(case["query"])
    )
    for name, value in case["headers"]:
        req.headers[name] = value  # HTTPHeaders appends: duplicates are kept in order
    creds = Credentials(case["akid"], case["secret"], case["token"])
    signer = Recorder(creds, case["service"], case["region"])
    when = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=case["time"])
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        signer.add_auth(req)
    auth = req.headers["Authorization"]
    signed = auth.split("SignedHeaders=", 1)[1].split(",", 1)[0]
    return {
        "x-cr": signer.cr,
        "x-sts": signer.sts,
        "x-sig": signer.sig,
        "x-sh": signed,
        "x-auth": auth,
    }


def base_case(**kw):
    case = {
        "desc": "",
        "method": "GET",
        "scheme": "https",
        "netloc": "ecs.us-east-1.amazonaws.com",
        "host": "ecs.us-east-1.amazonaws.com",
        "path": "/",
        "query": [],
        "headers": [],
        "body": b"",
        "region": "us-east-1",
        "service": "ecs",
        "time": NOTES_TIME,
        "akid": NOTES_AKID,
        "secret": NOTES_SECRET,
        "token": None,
    }
    case.update(kw)
    return case


def notes_cases():
    return [
        base_case(
            desc="notes: ECS ListClusters",
            method="POST",
            body=b"{}",
            headers=[
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"),
            ],
        ),
        base_case(
            desc="notes: ELBv2 DescribeLoadBalancers with token",
            method="POST",
            netloc="elasticloadbalancing.eu-west-1.amazonaws.com",
            host="elasticloadbalancing.eu-west-1.amazonaws.com",
            region="eu-west-1",
            service="elasticloadbalancing",
            body=b"Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=400",
            headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            token="TOKEN123",
        ),
        base_case(
            desc="notes: CloudFront ListInvalidations",
            netloc="cloudfront.amazonaws.com",
            host="cloudfront.amazonaws.com",
            service="cloudfront",
            path="/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation",
            query=[("MaxItems", "10"), ("Marker", "a b/c")],
        ),
    ]


METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "get", "Post"]
HOSTS = [
    "ecs.us-east-1.amazonaws.com",
    "elasticloadbalancing.eu-west-1.amazonaws.com",
    "Monitoring.AP-Southeast-2.amazonaws.com",
    "cloudfront.amazonaws.com",
    "127.0.0.1",
    "localhost",
    "[::1]",
    "[FE80::1]",
]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1", "local"]
SERVICES = ["ecs", "elasticloadbalancing", "monitoring", "logs", "sts", "cloudfront", "ecr"]
SEGMENTS = [
    "a", "b", "c", "2020-05-31", "distribution", "EDFDVBD6EXAMPLE", ".", "..", "", "...",
    "a b", "%20", "a%20b", "caf%C3%A9", "caf\u00e9", "\u65e5\u672c", "%E6%97%A5", "a%2Fb",
    "~user", "x;y=z", "@:!$&'()*+,=", "%2E%2E", "%2e", "a+b", "%", "%zz", "\U0001f600",
    "tab\u00a0nbsp", "-_.~", "[]", "{}|\\^`\"<>",
]
KEYS = [
    "a", "A", "b", "MaxItems", "Marker", "", "key with space", "\u00fc", "a=b", "a&b", "/",
    "~._-", "+", "%41", "Z", "a-b", "\u20ac", "k#1", "?", "Action",
]
VALUES = [
    "", "", "1", "0", "10", "a b/c", "\u00e9\u20ac\U0001f600", "=&?#", "None", "a+b",
    " lead", "trail ", "%2F", "x" * 40, "line\nbreak", "\t",
]
SPACES = [" ", "  ", "\t", " \t ", "\x0b", "\x0c", "\x1c", "\x1f", "\u00a0", "\u3000",
          "\u2009", "\u0085", "\r\n "]
UNSIGNED = ["User-Agent", "Expect", "Connection", "X-Amzn-Trace-Id", "Transfer-Encoding",
            "Keep-Alive", "TE", "Upgrade", "Proxy-Authorization", "Trailer"]


def rand_ascii(rng, n, alphabet=None):
    alphabet = alphabet or "".join(chr(c) for c in range(0x21, 0x7F))
    return "".join(rng.choice(alphabet) for _ in range(n))


def rand_path(rng):
    r = rng.random()
    if r < 0.06:
        return ""
    if r < 0.10:
        return "/"
    segs = [rng.choice(SEGMENTS) for _ in range(rng.randint(1, 7))]
    path = "/" + "/".join(segs)
    if rng.random() < 0.3:
        path += "/"
    if rng.random() < 0.15:
        path = path.replace("/", "//", 1)
    return path


def rand_query(rng):
    query = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 6])):
        if query and rng.random() < 0.3:
            key = rng.choice(query)[0]  # a repeated key
        elif rng.random() < 0.15:
            key = rand_ascii(rng, rng.randint(1, 6))
        else:
            key = rng.choice(KEYS)
        if rng.random() < 0.15:
            value = rand_ascii(rng, rng.randint(0, 12))
        else:
            value = rng.choice(VALUES)
        query.append((key, value))
    return query


def messy(rng, words):
    out = rng.choice(["", "", " ", "  \t"])
    for i, w in enumerate(words):
        if i:
            out += rng.choice(SPACES) if rng.random() < 0.5 else " "
        out += w
    return out + rng.choice(["", "", " ", "\t ", "\u00a0"])


def rand_headers(rng, body):
    headers = []
    if rng.random() < 0.6:
        headers.append(("Content-Type", rng.choice([
            "application/x-amz-json-1.1",
            "application/x-www-form-urlencoded; charset=utf-8",
            "  text/plain ;  charset = utf-8 ",
        ])))
    if rng.random() < 0.3:
        headers.append(("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"))
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        name = rng.choice(["X-Custom", "x-custom", "X-Other", "Accept", "Content-Length",
                           "X-Amz-Meta-Note", "x-A"])
        words = [rand_ascii(rng, rng.randint(1, 5)) for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.1:
            words.append("\u00e9t\u00e9")
        headers.append((name, messy(rng, words)))
    if rng.random() < 0.2:
        headers.append((rng.choice(UNSIGNED), "ondeck/0.1  test"))
    if rng.random() < 0.05:
        headers.append(("X-Empty", rng.choice(["", "   ", "\t"])))
    if rng.random() < 0.05:
        import hashlib

        value = rng.choice([hashlib.sha256(body).hexdigest(), "UNSIGNED-PAYLOAD"])
        headers.append(("X-Amz-Content-SHA256", value))
    rng.shuffle(headers)
    return headers


def rand_body(rng):
    r = rng.random()
    if r < 0.3:
        return b""
    if r < 0.45:
        return b"{}"
    if r < 0.6:
        return b"Action=DescribeServices&Version=2015-12-01&Name=a%20b"
    if r < 0.9:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
    if r < 0.97:
        return b"\x00" * rng.randint(1, 64)
    return bytes(rng.randrange(256) for _ in range(70000))


def rand_time(rng):
    special = [0, 951782400, NOTES_TIME, 2147483647, 2147483648, 4102444799,
               253402300799, -31536000, 1709251199]
    if rng.random() < 0.15:
        return rng.choice(special)
    return rng.randrange(0, 4102444800)


def random_case(rng, n):
    host = rng.choice(HOSTS)
    scheme = rng.choice(["https", "https", "http"])
    port = rng.choice([None, None, 443, 80, 5055, 8443, 4566])
    netloc = host if port is None else f"{host}:{port}"
    default = {"http": 80, "https": 443}[scheme]
    # The Host header as an HTTP client would send it: the port only when not the default.
    hostheader = host if port in (None, default) else f"{host}:{port}"
    token = None
    if rng.random() < 0.4:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
        token = rand_ascii(rng, rng.randint(16, 900), alphabet)
        if rng.random() < 0.1:
            token = " " + token[:20] + "  " + token[20:] + " "
    secret = rand_ascii(rng, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    if rng.random() < 0.05:
        secret += "\u00e9"
    body = rand_body(rng)
    return base_case(
        desc=f"random {n}",
        method=rng.choice(METHODS),
        scheme=scheme,
        netloc=netloc,
        host=hostheader,
        path=rand_path(rng),
        query=rand_query(rng),
        headers=rand_headers(rng, body),
        body=body,
        region=rng.choice(REGIONS),
        service=rng.choice(SERVICES),
        time=rand_time(rng),
        akid=("ASIA" if token else "AKIA") + rand_ascii(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        secret=secret,
        token=token,
    )


def hx(s):
    if isinstance(s, str):
        s = s.encode("utf-8")
    return s.hex() if s else "-"


def emit(out, n, case, exp):
    w = out.write
    w(f"begin {n}\n")
    w(f"desc {hx(case['desc'])}\n")
    for field in ("method", "host", "path", "region", "service", "akid", "secret"):
        w(f"{field} {hx(case[field])}\n")
    if case["token"] is not None:
        w(f"token {hx(case['token'])}\n")
    w(f"body {hx(case['body'])}\n")
    w(f"time {case['time']}\n")
    for k, v in case["query"]:
        w(f"q {hx(k)} {hx(v)}\n")
    for k, v in case["headers"]:
        w(f"h {hx(k)} {hx(v)}\n")
    for field in ("x-cr", "x-sts", "x-sig", "x-sh", "x-auth"):
        w(f"{field} {hx(exp[field])}\n")
    w("end\n")


def main():
    dump = "--dump" in sys.argv[1:]
    rng = random.Random(SEED)
    cases = notes_cases()
    n = 0
    while len(cases) < NCASES:
        n += 1
        cases.append(random_case(rng, n))
    out = sys.stdout
    if not dump:
        out.write(f"vectors {botocore.__version__}\n")
    count = 0
    for case in cases:
        exp = sign(case)
        if exp is None:
            continue
        count += 1
        if dump:
            print(f"--- case {count}: {case['desc']}")
            print(repr({k: v for k, v in case.items() if k != "body"}))
            print(f"body: {case['body'][:64]!r} ({len(case['body'])} bytes)")
            print(exp["x-cr"])
            print(exp["x-auth"])
        else:
            emit(out, count, case, exp)
    if not dump:
        out.write(f"count {count}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
