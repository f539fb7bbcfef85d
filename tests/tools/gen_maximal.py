#!/usr/bin/env python3
"""Write maximal AWS responses into the fuzz corpora (tests/fuzz/corpus/<target>/max_*).

For every operation ondeck decodes, a response is built from botocore's output shape with
every optional member filled: 3 items in the outermost lists of variant a (1 in deeper
lists; b and c: 2, then 1, so the files stay small),
strings with unicode (RTL, zero-width, combining, emoji), `&<>"'`, control characters,
300-character tokens and ~290-character ARNs, integers at the INT32 extremes, fractional
timestamps, and each enum value in turn across the variants. Each body is written in the
service's own protocol by the harness's serializer (tests/lib/awsemu/wire.py
serialize_answer: awsJson for ECS, Logs, ECR and CloudWatch, awsQuery XML for ELBv2 and STS,
restXml for CloudFront), and the JSON variant `b` writes its timestamps in E-notation
(1.714567890123E9, as Coral services do).

Variants per operation:
  a  enum values [0], INT32 max, ASCII-heavy strings, plain fractional timestamps
  b  enum values [1], INT32 min, unicode and control characters, E-notation timestamps
  c  enum values [2], zero and negative numbers, longer plain strings

tests/fuzz/replay runs every corpus in each `make check` (an ASan build checks the decoders'
memory safety and the targets' properties on them). The output is deterministic: re-running
the tool rewrites the same bytes (check with `git diff --exit-code tests/fuzz/corpus`).

Usage: tests/tools/gen_maximal.py [CORPUS_DIR]   (default: tests/fuzz/corpus next to this tool)
Needs: botocore (installed with moto).
"""

import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from awsemu import wire  # noqa: E402

# fuzz target -> (service, operation) pairs whose answers it decodes.
TARGETS = {
    "ecs_arn_list": [("ecs", "ListClusters"), ("ecs", "ListServices"), ("ecs", "ListTasks"),
                     ("ecs", "ListContainerInstances"), ("ecs", "ListTaskDefinitions")],
    "ecs_clusters": [("ecs", "DescribeClusters")],
    "ecs_services": [("ecs", "DescribeServices")],
    "ecs_tasks": [("ecs", "DescribeTasks")],
    "ecs_container_instances": [("ecs", "DescribeContainerInstances")],
    "ecs_task_definition": [("ecs", "DescribeTaskDefinition")],
    "cw_metric_data": [("cloudwatch", "GetMetricData")],
    "cw_alarms": [("cloudwatch", "DescribeAlarms")],
    "elbv2_target_groups": [("elbv2", "DescribeTargetGroups")],
    "elbv2_target_health": [("elbv2", "DescribeTargetHealth")],
    "elbv2_load_balancers": [("elbv2", "DescribeLoadBalancers")],
    "cf_distributions": [("cloudfront", "ListDistributions")],
    "cf_invalidations": [("cloudfront", "ListInvalidations")],
    "cf_invalidation": [("cloudfront", "GetInvalidation")],
    "sts_identity": [("sts", "GetCallerIdentity")],
    "logs_filter_log_events": [("logs", "FilterLogEvents")],
    "logs_get_log_events": [("logs", "GetLogEvents")],
    "logs_describe_log_streams": [("logs", "DescribeLogStreams")],
    "ecr_images": [("ecr", "DescribeImages")],
}

# Variants b and c of ecs_arn_list only for one operation each (the bodies are alike).
ONE_OP_PER_VARIANT = {"ecs_arn_list"}

INT32_MAX, INT32_MIN = 2**31 - 1, -2**31
TS = 1714567890.123  # 2024-05-01T12:51:30.123Z
RTL = "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627\u200f"   # Hebrew, Arabic, RLM
ZW = "\u200b\u200d\ufeff"                                               # zero-width, BOM
COMBINING = "e\u0301\u0308 \U0001f680 \u2603"
ARN = ("arn:aws:ecs:us-east-1:123456789012:task/prod-" + "x" * 200 +
       "/0123456789abcdef0123456789abcdef")
while len(ARN) < 290:
    ARN = ARN.replace("prod-", "prod-y", 1)


def protocol_of(service):
    return "json" if service == "cloudwatch" else wire.model(service).protocol


class Maker:
    """Builds one maximal value for a shape, per variant."""

    def __init__(self, variant, xml):
        self.v, self.xml = variant, xml
        self.n = 0  # counter, so strings differ from each other

    def string(self, name):
        self.n += 1
        lname = name.lower()
        if "arn" in lname and self.v != "b":
            return ARN[:-4] + f"{self.n:04d}"
        if "token" in lname or "marker" in lname:
            return ("tok" + "A" * 297)[:300 - len(str(self.n))] + str(self.n)
        if self.v == "a":
            return f"{self.n} &<>\"' ascii"
        if self.v == "c":
            return f"{self.n}:" + "z" * 30
        # Controls: XML 1.0 allows only tab, newline and CR in text.
        ctl = "\t\n\r" if self.xml else "\t\n\x01\x1b[31m\x7f"
        return f"{self.n} {RTL}{ZW}{COMBINING} &amp;<b>{ctl}"

    def number(self, shape):
        t = shape.type_name
        if t in ("float", "double"):
            return {"a": 1.5e300, "b": -0.000123, "c": 0.0}[self.v]
        big = {"a": INT32_MAX, "b": INT32_MIN, "c": -1}[self.v]
        lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
        if lo is not None and big < lo:
            big = lo
        if hi is not None and big > hi:
            big = hi
        return big

    def value(self, shape, name, depth=0, lists=0):
        t = shape.type_name
        if t == "structure":
            return {k: self.value(m, k, depth + 1, lists) for k, m in shape.members.items()
                    if depth < 8}
        if t == "list":
            # 3 items outermost, then 1 (b and c: 2, then 1): the files stay small.
            count = ((3, 1) if self.v == "a" else (2, 1))[lists] if lists < 2 else 1
            return [self.value(shape.member, name, depth + 1, lists + 1) for _ in range(count)]
        if t == "map":
            return {f"k{i}-{self.string(name)[:40]}": self.value(shape.value, name, depth + 1,
                                                                 lists + 1)
                    for i in range(2 if lists < 1 else 1)}
        if t == "string":
            if shape.enum:
                return shape.enum[{"a": 0, "b": 1, "c": 2}[self.v] % len(shape.enum)]
            return self.string(name)
        if t in ("integer", "long", "float", "double"):
            return self.number(shape)
        if t == "boolean":
            return self.v != "b"
        if t == "timestamp":
            return datetime.datetime.fromtimestamp(TS + self.n, datetime.timezone.utc)
        if t == "blob":
            return b"\x00\xffblob"
        return None


def body_for(service, op, variant):
    protocol = protocol_of(service)
    shape = wire.model(service).operation_model(op).output_shape
    maker = Maker(variant, protocol != "json")
    data = maker.value(shape, op) if shape is not None else {}
    if protocol == "rest-xml":  # headers (ETag, Location) are not in the body
        data = {k: v for k, v in data.items()
                if shape.members[k].serialization.get("location") is None}
    _, body = wire.serialize_answer(service, op, protocol, data)
    if protocol == "json" and variant == "b":
        # Raw UTF-8, as AWS sends it (json.dumps writes \\u escapes).
        body = json.dumps(json.loads(body), ensure_ascii=False).encode()
        # Coral's number form for timestamps: 1714567891.123 -> 1.714567891123E9.
        body = re.sub(rb"(?<![\d.])(171456\d{4})\.(\d+)",
                      lambda m: b"1." + m.group(1)[1:] + m.group(2) + b"E9", body)
    return body


def main():
    out_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "fuzz", "corpus")
    total = 0
    for target, ops in TARGETS.items():
        outdir = os.path.join(out_root, target)
        os.makedirs(outdir, exist_ok=True)
        for old in os.listdir(outdir):
            if old.startswith("max_"):
                os.unlink(os.path.join(outdir, old))
        for variant in ("a", "b", "c"):
            chosen = ops
            if target in ONE_OP_PER_VARIANT and variant != "a":
                chosen = [ops[(ord(variant) - ord("a")) % len(ops)]]
            for service, op in chosen:
                body = body_for(service, op, variant)
                ext = "json" if protocol_of(service) == "json" else "xml"
                name = f"max_{op}_{variant}.{ext}"
                with open(os.path.join(outdir, name), "wb") as f:
                    f.write(body)
                total += len(body)
                print(f"{target + '/' + name:60s} {len(body):7d} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
