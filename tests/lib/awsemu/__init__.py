"""awsemu - the AWS-behaviour layer of the test harness: what AWS does that moto does not.

moto is kinder than AWS: it pages nothing, checks no IAM, accepts stream names that do not
exist, reports every target healthy. Every such difference that matters to ondeck is written
here once, as a Behaviour in awsemu/behaviours/, and each behaviour names the AWS
documentation or the botocore model it follows (its `cite`). tests/lib/awsproxy.py runs the
layer between the client and moto, on by default in every integration and console test; the
demo world (tests/lib/demo_server.py --proxy) runs the same code.

A request travels:  client -> proxy (SigV4, faults) -> Layer.dispatch:
    1. the request is read with botocore's model (awsemu.wire.parse_request) into a Call;
       one that does not fit the operation's input shape (botocore's ParamValidator, plus
       max/min/enum/pattern) is answered as AWS answers it and counted in "invalid_requests";
    2. each behaviour's before(call), lowest `order` first (the outermost, nearest the
       client), may answer in moto's place (an AWS error, or an answer it builds), or change
       what is sent to moto (call.params);
    3. moto answers (Layer.forward); each behaviour's after(call, reply), innermost first and
       only for the behaviours the request went through, may edit the answer as data (reply.data, parsed with botocore's parsers and written back in the
       service's own protocol; awsemu.wire.serialize_answer);
    4. what a behaviour wrote is checked against the operation's output shape.

Behaviours are switched with --behaviours (proxy flag) or {"behaviours": "-paging,+..."}
at /__proxy/config, and hold their own settings under {"emu": {"name": {...}}}.
"""

import importlib
import json
import pkgutil
import re
import threading
import time
import uuid

from botocore.validate import ParamValidator

from . import wire


class AwsError(Exception):
    """An error answer in the service's own shape (raised by a behaviour)."""

    def __init__(self, status, code, message, kind="Sender"):
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind


class Call:
    """One request as the layer sees it."""

    def __init__(self, service, op, params, protocol, region, akid, token, method, path,
                 headers, body):
        self.service, self.op, self.params = service, op, params
        self.protocol = protocol
        self.region, self.akid, self.token = region, akid, token
        self.method, self.path, self.headers, self.body = method, path, headers, body
        self.changed = False  # params edited: the request is written anew for moto
        self.upstream = None  # (method, path, headers, body) -> (status, headers, body)
        self.ctx = {}         # what behaviours note about this call for their after()

    @property
    def action(self):
        return wire.iam_action(self.service, self.op)

    def set_params(self, params):
        self.params = params
        self.changed = True


class Reply:
    """An answer: from moto or built by a behaviour. `data` is parsed on first use."""

    def __init__(self, call, status, headers, body, data=None):
        self.call, self.status, self.headers, self.body = call, status, list(headers), body
        self._data = data
        self.built = data is not None  # written by the layer: checked against the model

    @property
    def ok(self):
        return 200 <= self.status < 300

    @property
    def data(self):
        if self._data is None:
            self._data = wire.parse_answer(self.call.service, self.call.op,
                                           self.call.protocol, self.status, self.headers,
                                           self.body)
        return self._data

    def set_data(self, data):
        self._data = data
        self.built = True

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def error_reply(call, status, code, message, kind="Sender"):
    """An error answer in the protocol shape the service uses (what AWS sends)."""
    rid = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", rid)]
    proto = call.protocol if call else "query"
    if proto == "json":
        version = "1.0" if call and call.service == "cloudwatch" else "1.1"
        body = json.dumps({"__type": code, "message": message}).encode()
        headers += [("Content-Type", f"application/x-amz-json-{version}"),
                    ("X-Amzn-Errortype", code)]
        if call and call.service == "cloudwatch":
            qcode = {"ThrottlingException": "Throttling",
                     "ServiceUnavailableException": "ServiceUnavailable",
                     "InvalidSignatureException": "SignatureDoesNotMatch",
                     "UnrecognizedClientException": "InvalidClientTokenId",
                     "AccessDeniedException": "AccessDenied"}.get(code, code)
            headers.append(("x-amzn-query-error", f"{qcode};{kind}"))
    elif proto == "ec2":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                f"<Code>{_x(code)}</Code><Message>{_x(message)}</Message>"
                f"</Error></Errors><RequestID>{rid}</RequestID></Response>").encode()
        headers.append(("Content-Type", "text/xml;charset=UTF-8"))
    else:
        # Each service answers in its own XML namespace (as its successful answers do).
        ns = {"cloudfront": "http://cloudfront.amazonaws.com/doc/2020-05-31/",
              "elbv2": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
              "sts": "https://sts.amazonaws.com/doc/2011-06-15/"}.get(call.service if call else "")
        ns = f' xmlns="{ns}"' if ns else ""
        body = (f"<ErrorResponse{ns}><Error><Type>{kind}</Type><Code>{_x(code)}</Code>"
                f"<Message>{_x(message)}</Message></Error>"
                f"<RequestId>{rid}</RequestId></ErrorResponse>").encode()
        headers.append(("Content-Type", "text/xml"))
    return Reply(call, status, headers, body)


def _x(s):
    from xml.sax.saxutils import escape
    return escape(str(s))


class Behaviour:
    """One way AWS differs from moto. Subclasses set name, cite and the hooks they need."""
    name = "?"
    cite = ""            # the AWS documentation or botocore model it follows
    default_on = True
    settings = {}        # defaults; a test changes them at /__proxy/config {"emu": {...}}

    def __init__(self, layer):
        self.layer = layer
        self.cfg = dict(self.settings)
        self.lock = threading.Lock()

    def reset(self):
        """Forget state learnt from requests (POST /__proxy/reset)."""

    def before(self, call):
        """Return a Reply to answer in moto's place, or None; may call.set_params(...)."""
        return None

    def after(self, call, reply):
        """Return the reply the client gets (usually `reply`, perhaps edited)."""
        return reply

    def count(self, key, n=1):
        self.layer.count(f"{self.name}:{key}", n)


class Layer:
    """The behaviours in their order, the validation of requests, the counters."""

    def __init__(self, enabled=None, log=None, upstream_url=None):
        self.log = log or (lambda text: None)
        self.upstream_url = upstream_url  # moto, for behaviours that read its state
        self.lock = threading.Lock()
        self.counters = {}
        self.invalid = []          # the last requests that did not fit the model
        self.invalid_total = 0     # never reset: the harness checks it at each test's end
        self.behaviours = [cls(self) for cls in _behaviour_classes()]
        self.on = {b.name for b in self.behaviours if b.default_on}
        if enabled:
            self.switch(enabled)

    # -- configuration -----------------------------------------------------------------------

    def names(self):
        return [b.name for b in self.behaviours]

    def switch(self, spec):
        """'-paging,+iam' or a list of such words; 'none' and 'all' too."""
        words = spec if isinstance(spec, list) else [w.strip() for w in spec.split(",")]
        known = set(self.names())
        with self.lock:
            for w in words:
                if not w:
                    continue
                if w in ("none", "all"):
                    self.on = set() if w == "none" else set(known)
                    continue
                sign, name = (w[0], w[1:]) if w[0] in "+-" else ("+", w)
                if name not in known:
                    raise ValueError(f"unknown behaviour {name!r} (known: {', '.join(sorted(known))})")
                (self.on.add if sign == "+" else self.on.discard)(name)

    def configure(self, emu):
        """{"name": {"setting": value}}: change the settings of behaviours."""
        for name, changes in emu.items():
            b = self.get(name)
            for k, v in changes.items():
                if k not in b.settings:
                    raise ValueError(f"behaviour {name}: unknown setting {k!r} "
                                     f"(known: {', '.join(sorted(b.settings))})")
            with b.lock:
                b.cfg.update(changes)

    def get(self, name):
        for b in self.behaviours:
            if b.name == name:
                return b
        raise ValueError(f"unknown behaviour {name!r}")

    def config(self):
        return {"behaviours": sorted(self.on),
                "emu": {b.name: dict(b.cfg) for b in self.behaviours if b.cfg}}

    def reset(self):
        with self.lock:
            self.counters = {}
            self.invalid = []
        for b in self.behaviours:
            b.reset()

    def count(self, key, n=1):
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + n

    def stats(self):
        with self.lock:
            return {"emu": dict(self.counters), "invalid_requests": list(self.invalid),
                    "invalid_requests_total": self.invalid_total,
                    "behaviours": sorted(self.on)}

    # -- the request path --------------------------------------------------------------------

    def read(self, signing_service, region, akid, token, method, path, headers, body):
        """The Call for one client request, or an error Reply when it fits no operation."""
        service = wire.SIGNING_TO_SERVICE.get(signing_service)
        if service is None:
            return None
        protocol = wire.wire_protocol(service, headers)
        try:
            op, params = wire.parse_request(service, method, path, headers, body)
        except wire.BadRequest as e:
            call = Call(service, "?", {}, protocol, region, akid, token, method, path,
                        headers, body)
            self._invalid(call, str(e))
            return error_reply(call, 400, "InvalidAction" if protocol == "query"
                               else "UnknownOperationException", str(e))
        return Call(service, op, params, protocol, region, akid, token, method, path,
                    headers, body)

    def validate(self, call):
        """An error Reply when call.params do not fit the input shape (AWS's checks)."""
        shape = wire.model(call.service).operation_model(call.op).input_shape
        if shape is None:
            return None
        problems = model_problems(shape, call.params)
        if not problems:
            return None
        msg = "; ".join(problems)
        self._invalid(call, msg)
        code = {"json": "ValidationException", "query": "ValidationError",
                "rest-xml": "InvalidArgument"}.get(call.protocol, "ValidationError")
        if call.service in ("ecs", "logs", "ecr"):
            code = "InvalidParameterException"
        return error_reply(call, 400, code, f"1 validation error detected: {msg}")

    def _invalid(self, call, msg):
        self.log(f"INVALID REQUEST {call.service}:{call.op}: {msg}")
        with self.lock:
            self.counters["invalid_requests"] = self.counters.get("invalid_requests", 0) + 1
            self.invalid_total += 1
            self.invalid.append({"op": f"{call.service}:{call.op}", "problem": msg})
            del self.invalid[:-20]

    def forward(self, call):
        """moto's answer to the call (written anew when a behaviour changed its params)."""
        if call.changed:
            path, hdrs, body = wire.encode_request(call.service, call.op, call.params,
                                                   call.protocol)
            headers = {k: v for k, v in call.headers.items()
                       if k.lower() not in ("content-length", "content-type", "x-amz-target")}
            headers.update(hdrs)
            if call.protocol in ("json", "query"):
                path = call.path.split("?")[0] if call.protocol == "json" else "/"
            status, rh, rb = call.upstream(call.method if call.protocol != "query" else "POST",
                                           path, headers, body)
        else:
            status, rh, rb = call.upstream(call.method, call.path, call.headers, call.body)
        return Reply(call, status, rh, rb)

    def dispatch(self, call):
        """The answer the client gets: behaviours around moto."""
        bad = self.validate(call)
        if bad is not None:
            return bad
        active = [b for b in self.behaviours if b.name in self.on]
        reply = None
        seen = active  # the behaviours the request went through, outermost first
        try:
            for i, b in enumerate(active):
                reply = b.before(call)
                if reply is not None:
                    self.count(f"{b.name}:answered")
                    seen = active[:i + 1]
                    break
            if reply is None:
                reply = self.forward(call)
            # The answer goes back out through the same behaviours, innermost first (an onion:
            # paging turns moto's token into its own before log-tokens records what the client
            # will send back); those inside the one that answered never saw the request.
            for b in reversed(seen):
                reply = b.after(call, reply)
        except AwsError as e:
            reply = error_reply(call, e.status, e.code, e.message, e.kind)
        if reply.built:
            self._write(reply)
        return reply

    def _write(self, reply):
        """Serialize a reply a behaviour built or edited, after checking it against the
        operation's output shape (a behaviour must answer what AWS could answer)."""
        call = reply.call
        data = {k: v for k, v in (reply._data or {}).items() if k != "ResponseMetadata"}
        shape = wire.model(call.service).operation_model(call.op).output_shape
        if shape is not None:
            problems = model_problems(shape, data)
            if problems:
                raise AssertionError(f"awsemu built an answer to {call.service}:{call.op} "
                                     f"that does not fit its output shape: {problems}")
        ctype, body = wire.serialize_answer(call.service, call.op, call.protocol, data)
        keep = [(k, v) for k, v in reply.headers
                if k.lower() not in ("content-type", "content-length", "content-encoding",
                                     "transfer-encoding")]
        reply.headers = keep + [("Content-Type", ctype)]
        reply.body = body


def model_problems(shape, params):
    """What botocore's ParamValidator says of params, plus the constraints it does not check
    (max, min, enum, pattern), as AWS checks them on its side."""
    report = ParamValidator().validate(params, shape)
    problems = [report.generate_report()] if report.has_errors() else []
    _constraints(shape, params, shape.name, problems)
    return problems


def _constraints(shape, value, where, problems):
    t = shape.type_name
    meta = shape.metadata
    if value is None:
        return
    if t == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k in shape.members:
                _constraints(shape.members[k], v, f"{where}.{k}", problems)
        return
    if t == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{where}: {len(value)} items, at most {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{where}: {len(value)} items, at least {meta['min']}")
        for i, v in enumerate(value):
            _constraints(shape.member, v, f"{where}[{i}]", problems)
        return
    if t == "map" and isinstance(value, dict):
        for k, v in value.items():
            _constraints(shape.value, v, f"{where}.{k}", problems)
        return
    if t == "string" and isinstance(value, str):
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{where}: length {len(value)}, at most {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{where}: length {len(value)}, at least {meta['min']}")
        if shape.enum and value not in shape.enum:
            problems.append(f"{where}: {value!r} is not one of {shape.enum}")
        pat = meta.get("pattern")
        if pat and not _pattern_ok(pat, value):
            problems.append(f"{where}: {value!r} does not match {pat}")
        return
    if t in ("integer", "long", "float", "double") and isinstance(value, (int, float)):
        if "max" in meta and value > meta["max"]:
            problems.append(f"{where}: {value} is more than {meta['max']}")
        if "min" in meta and value < meta["min"]:
            problems.append(f"{where}: {value} is less than {meta['min']}")


_patterns = {}


def _pattern_ok(pat, value):
    rx = _patterns.get(pat)
    if rx is None:
        # The models' patterns are Java regexes; the \p{..} classes become Python's nearest.
        py = (pat.replace(r"\p{L}", "a-zA-Z\u00c0-\uffff").replace(r"\p{Z}", r"\s")
              .replace(r"\p{N}", "0-9").replace(r"\p{ASCII}", r"\x00-\x7f"))
        try:
            rx = re.compile(py, re.S)
        except re.error:
            rx = False
        _patterns[pat] = rx
    if rx is False:
        return True
    # AWS checks the whole value (a tag value with "," is refused by ECS's pattern).
    return rx.fullmatch(value) is not None


def _behaviour_classes():
    """Every Behaviour in awsemu/behaviours/, in the order their modules' ORDER says."""
    from . import behaviours
    found = []
    for info in pkgutil.iter_modules(behaviours.__path__):
        mod = importlib.import_module(f"{behaviours.__name__}.{info.name}")
        for cls in getattr(mod, "BEHAVIOURS", []):
            found.append((getattr(cls, "order", 50), cls.name, cls))
    found.sort(key=lambda t: (t[0], t[1]))
    return [cls for _, _, cls in found]


def now():
    return time.time()


_clients = threading.local()


def moto_client(layer, service, region):
    """A boto3 client straight to moto (no proxy, no layer), one per thread and region: for
    behaviours that need moto's current state."""
    import boto3
    key = (service, region or "us-east-1")
    cache = getattr(_clients, "cache", None)
    if cache is None:
        cache = _clients.cache = {}
    if key not in cache:
        cache[key] = boto3.client(service, endpoint_url=layer.upstream_url,
                                  region_name=key[1], aws_access_key_id="AKIDONDECKTEST",
                                  aws_secret_access_key="moto-ignores-this")
    return cache[key]
