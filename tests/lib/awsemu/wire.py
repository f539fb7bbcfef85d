"""awsemu.wire - the wire formats of the services ondeck calls, read and written through
botocore's own service models (botocore/data/<service>/*/service-2.json).

Requests: `parse_request` turns what a client sent (method, path, headers, body) into the
operation's name and its input parameters as botocore holds them, and `serialize_request`
turns parameters back into a request with botocore's own serializers.

Answers: `parse_answer` reads a service's answer into the output dict with botocore's
parsers; `serialize_answer` writes an output dict in the service's protocol (what a server
does and botocore never needs to), so a behaviour can edit an answer as data.
"""

import datetime
import json
import re
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape as xml_escape

import botocore.parsers
import botocore.serialize
import botocore.session

# Signing name (credential scope) -> botocore service name.
SIGNING_TO_SERVICE = {
    "ecs": "ecs", "logs": "logs", "ecr": "ecr", "monitoring": "cloudwatch",
    "elasticloadbalancing": "elbv2", "cloudfront": "cloudfront", "sts": "sts",
    "application-autoscaling": "application-autoscaling", "ec2": "ec2", "iam": "iam",
    "awsssoportal": "sso", "s3": "s3",
}
# IAM's action prefix for each service (policies name actions this way).
IAM_PREFIX = {"cloudwatch": "cloudwatch", "elbv2": "elasticloadbalancing", "sso": "sso"}

_lock = threading.Lock()
_session = None
_models = {}


def model(service):
    """The botocore ServiceModel of `service` (cached; thread-safe)."""
    global _session
    with _lock:
        if service not in _models:
            if _session is None:
                _session = botocore.session.get_session()
            _models[service] = _session.get_service_model(service)
        return _models[service]


def wire_protocol(service, headers):
    """The protocol this request speaks: CloudWatch answers json or query as it is asked."""
    m = model(service)
    if service == "cloudwatch":
        ctype = headers.get("Content-Type", "")
        return "json" if ("json" in ctype or headers.get("X-Amz-Target")) else "query"
    return m.protocol


class BadRequest(Exception):
    """The request cannot be read as any operation of its service."""


def parse_request(service, method, path, headers, body):
    """(operation name, params dict) of one request; raises BadRequest."""
    m = model(service)
    proto = wire_protocol(service, headers)
    url = urllib.parse.urlsplit(path)
    if proto == "json":
        target = headers.get("X-Amz-Target") or ""
        prefix, _, op = target.rpartition(".")
        if not op or op not in m.operation_names:
            raise BadRequest(f"unknown X-Amz-Target {target!r}")
        if prefix != m.metadata.get("targetPrefix"):
            raise BadRequest(f"X-Amz-Target prefix {prefix!r} is not "
                             f"{m.metadata.get('targetPrefix')!r}")
        try:
            params = json.loads(body or b"{}")
        except ValueError as e:
            raise BadRequest(f"body is not JSON: {e}")
        if not isinstance(params, dict):
            raise BadRequest("body is not a JSON object")
        return op, params
    if proto in ("query", "ec2"):
        flat = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if body:
            flat.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                               keep_blank_values=True))
        op = flat.pop("Action", None)
        version = flat.pop("Version", None)
        if op not in m.operation_names:
            raise BadRequest(f"unknown Action {op!r}")
        if version != m.api_version:
            raise BadRequest(f"Version {version!r} is not {m.api_version!r}")
        shape = m.operation_model(op).input_shape
        params = _query_in(shape, flat, "", proto == "ec2") if shape else {}
        return op, params
    if proto == "rest-xml":
        return _rest_xml_in(m, method, url, headers, body)
    raise BadRequest(f"protocol {proto} is not read by awsemu")


# -- query protocol: flat Name.member.N keys <-> nested params ---------------------------------

def _qname(shape, name, ec2):
    if ec2:
        return shape.serialization.get("queryName") or \
            (shape.serialization.get("name") or name)[:1].upper() + \
            (shape.serialization.get("name") or name)[1:]
    return shape.serialization.get("name", name)


def _query_in(shape, flat, prefix, ec2):
    """Rebuild `shape` from flat query keys under `prefix` (model rules: member.N, entry.N,
    flattened lists, locationName); keys left over are reported as unknown."""
    used = set()
    out = _q_value(shape, flat, prefix, ec2, used)
    unknown = sorted(k for k in flat if k not in used)
    if unknown:
        raise BadRequest(f"unknown parameter(s) {', '.join(unknown)}")
    return out if out is not None else {}


def _q_value(shape, flat, key, ec2, used):
    t = shape.type_name
    if t == "structure":
        out = {}
        for name, member in shape.members.items():
            sub = _qname(member, name, ec2)
            v = _q_value(member, flat, f"{key}.{sub}" if key else sub, ec2, used)
            if v is not None:
                out[name] = v
        return out if out or not key else (out if any(k.startswith(key + ".")
                                                      for k in flat) else None)
    if t == "list":
        if key in flat and flat[key] == "":
            used.add(key)
            return []
        flattened = shape.serialization.get("flattened") or ec2
        member_name = shape.member.serialization.get("name", "member")
        base = key if flattened else f"{key}.{member_name}"
        items, i = [], 1
        while True:
            v = _q_value(shape.member, flat, f"{base}.{i}", ec2, used)
            if v is None:
                break
            items.append(v)
            i += 1
        return items if items else None
    if t == "map":
        base = key if shape.serialization.get("flattened") else f"{key}.entry"
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        out, i = {}, 1
        while f"{base}.{i}.{kname}" in flat:
            used.add(f"{base}.{i}.{kname}")
            out[flat[f"{base}.{i}.{kname}"]] = _q_value(shape.value, flat,
                                                        f"{base}.{i}.{vname}", ec2, used)
            i += 1
        return out or None
    if key not in flat:
        return None
    used.add(key)
    raw = flat[key]
    return _scalar_in(shape, raw)


def _scalar_in(shape, raw):
    t = shape.type_name
    try:
        if t in ("integer", "long"):
            return int(raw)
        if t in ("float", "double"):
            return float(raw)
        if t == "boolean":
            if raw not in ("true", "false"):
                raise BadRequest(f"boolean {raw!r} is not true or false")
            return raw == "true"
        if t == "timestamp":
            return _parse_time(raw)
        if t == "blob":
            import base64
            return base64.b64decode(raw)
    except (ValueError, TypeError) as e:
        raise BadRequest(f"{shape.name} value {raw!r}: {e}")
    return raw


def _parse_time(raw):
    if isinstance(raw, (int, float)):
        return datetime.datetime.fromtimestamp(raw, datetime.timezone.utc)
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", str(raw)):
        return datetime.datetime.fromtimestamp(float(raw), datetime.timezone.utc)
    return botocore.parsers.DEFAULT_TIMESTAMP_PARSER(raw)


# -- rest-xml (CloudFront) ---------------------------------------------------------------------

def _rest_xml_in(m, method, url, headers, body):
    for op in m.operation_names:
        om = m.operation_model(op)
        if om.http.get("method") != method:
            continue
        uri, _, fixed_query = om.http["requestUri"].partition("?")
        rx = "^" + re.sub(r"\\\{(\w+)(?:\\\+)?\\\}", r"(?P<\1>[^/]+)", re.escape(uri)) + "$"
        hit = re.match(rx, url.path)
        if not hit:
            continue
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if fixed_query and any(k not in query for k in
                               urllib.parse.parse_qs(fixed_query, keep_blank_values=True)):
            continue
        params = {}
        shape = om.input_shape
        if shape is None:
            return op, params
        for name, member in shape.members.items():
            loc = member.serialization.get("location")
            lname = member.serialization.get("name", name)
            if loc == "uri":
                params[name] = urllib.parse.unquote(hit.group(lname))
            elif loc == "querystring" and lname in query:
                params[name] = _scalar_in(member, query[lname])
            elif loc == "header" and headers.get(lname) is not None:
                params[name] = _scalar_in(member, headers.get(lname))
        payload = shape.serialization.get("payload")
        if payload and body:
            try:
                root = ET.fromstring(body)
            except ET.ParseError as e:
                raise BadRequest(f"body is not XML: {e}")
            params[payload] = _xml_in(shape.members[payload], root)
        return op, params
    raise BadRequest(f"no {m.service_name} operation is {method} {url.path}")


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _xml_in(shape, el):
    t = shape.type_name
    if t == "structure":
        out = {}
        for name, member in shape.members.items():
            lname = member.serialization.get("name", name)
            kids = [c for c in el if _local(c.tag) == lname]
            if not kids:
                continue
            if member.type_name == "list" and member.serialization.get("flattened"):
                out[name] = [_xml_in(member.member, k) for k in kids]
            else:
                out[name] = _xml_in(member, kids[0])
        return out
    if t == "list":
        mname = shape.member.serialization.get("name", "member")
        return [_xml_in(shape.member, c) for c in el if _local(c.tag) == mname]
    return _scalar_in(shape, (el.text or ""))


def serialize_request(service, op, params, protocol=None):
    """botocore's own request dict (url_path, query_string, headers, body) for params."""
    m = model(service)
    proto = protocol or m.protocol
    ser = botocore.serialize.create_serializer(proto, include_validation=False)
    return ser.serialize_to_request(params, m.operation_model(op))


def encode_request(service, op, params, protocol=None):
    """(path with query, headers, body bytes) ready to send for params."""
    r = serialize_request(service, op, params, protocol)
    body = r["body"]
    if isinstance(body, dict):  # query: the serializer leaves the form as a dict
        body = urllib.parse.urlencode(body)
    if isinstance(body, str):
        body = body.encode()
    path = r["url_path"] or "/"
    qs = r.get("query_string")
    if qs:
        path += ("&" if "?" in path else "?") + (qs if isinstance(qs, str)
                                                 else urllib.parse.urlencode(qs))
    return path, dict(r["headers"]), body or b""


# -- answers -------------------------------------------------------------------------------------

def parse_answer(service, op, protocol, status, headers, body):
    """The output dict botocore would hand its caller for this answer (errors included)."""
    m = model(service)
    om = m.operation_model(op)
    parser = botocore.parsers.create_parser(protocol)
    return parser.parse({"status_code": status, "headers": {k.lower(): v for k, v in headers},
                         "body": body}, om.output_shape)


def _time_out(value, fmt):
    if isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    if fmt == "unixTimestamp":
        return value.timestamp()
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_out(shape, value):
    t = shape.type_name
    if value is None:
        return None
    if t == "structure":
        return {k: _json_out(shape.members[k], v) for k, v in value.items()
                if k in shape.members and v is not None}
    if t == "list":
        return [_json_out(shape.member, v) for v in value]
    if t == "map":
        return {k: _json_out(shape.value, v) for k, v in value.items()}
    if t == "timestamp":
        return _time_out(value, shape.serialization.get("timestampFormat", "unixTimestamp"))
    if t == "blob":
        import base64
        return base64.b64encode(value).decode()
    return value


def _xml_out(shape, name, value, out, flattened_parent=False):
    """Append <name>value</name> for `shape` to the list of strings `out`."""
    t = shape.type_name
    if value is None:
        return
    if t == "structure":
        out.append(f"<{name}>")
        for k, v in value.items():
            member = shape.members.get(k)
            if member is None or v is None:
                continue
            lname = member.serialization.get("name", k)
            if member.type_name == "list" and member.serialization.get("flattened"):
                mname = member.member.serialization.get("name", lname)
                for item in v:
                    _xml_out(member.member, mname, item, out)
            else:
                _xml_out(member, lname, v, out)
        out.append(f"</{name}>")
    elif t == "list":
        mname = shape.member.serialization.get("name", "member")
        out.append(f"<{name}>")
        for item in value:
            _xml_out(shape.member, mname, item, out)
        out.append(f"</{name}>")
    elif t == "map":
        out.append(f"<{name}>")
        for k, v in value.items():
            out.append(f"<entry><key>{xml_escape(str(k))}</key>")
            _xml_out(shape.value, "value", v, out)
            out.append("</entry>")
        out.append(f"</{name}>")
    elif t == "timestamp":
        out.append(f"<{name}>{_time_out(value, shape.serialization.get('timestampFormat', 'iso8601'))}</{name}>")
    elif t == "boolean":
        out.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    else:
        out.append(f"<{name}>{xml_escape(str(value))}</{name}>")


def serialize_answer(service, op, protocol, data, request_id="00000000-0000-0000-0000-000000000000"):
    """(content-type, body bytes) of a successful answer holding `data` (an output dict),
    written the way the service writes it."""
    m = model(service)
    om = m.operation_model(op)
    shape = om.output_shape
    data = {k: v for k, v in (data or {}).items() if k != "ResponseMetadata"}
    if protocol == "json":
        body = json.dumps(_json_out(shape, data) if shape else {}).encode()
        return f"application/x-amz-json-{m.metadata.get('jsonVersion', '1.1')}", body
    if protocol == "query":
        ns = m.metadata.get("xmlNamespace", "")
        out = [f'<{op}Response xmlns="{ns}">']
        if shape is not None:
            _xml_out(shape, f"{op}Result", data, out)
        out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId>"
                   f"</ResponseMetadata></{op}Response>")
        return "text/xml", "".join(out).encode()
    if protocol == "rest-xml":
        payload = shape.serialization.get("payload") if shape else None
        if not payload:
            return "text/xml", b""
        member = shape.members[payload]
        root = member.serialization.get("name", member.name)
        out = ['<?xml version="1.0" encoding="UTF-8"?>']
        _xml_out(member, root, data.get(payload) or {}, out)
        ns = member.serialization.get("xmlNamespace", {}).get("uri") or \
            f"http://cloudfront.amazonaws.com/doc/{m.api_version}/"
        out[1] = out[1].replace(f"<{root}>", f'<{root} xmlns="{ns}">', 1)
        return "text/xml", "".join(out).encode()
    raise ValueError(f"awsemu cannot write {protocol} answers")


def iam_action(service, op):
    """The IAM action a policy names for this operation, e.g. cloudwatch:GetMetricData."""
    return f"{IAM_PREFIX.get(service, service)}:{op}"
