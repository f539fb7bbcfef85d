#!/usr/bin/env python3
"""The JSON key contract of doc/json-output.md, read from the doc itself.

    json_doc_keys.py DOC schema            print the schema read from the doc (JSON)
    json_doc_keys.py DOC check KIND FILE   check one command's output against it

KIND is whoami, clusters, status, distributions, metrics, revisions, invalidations,
deployments or timeline. The doc's
tables say, for each object, its keys (the first column, in backticks; `a[].b`, `.c` continue a
path), their type (the second column: string, number, boolean, array, object, time, "or null",
*optional*) and, for arrays of objects, the keys of each element (the backticked names in the
third column outside parentheses; a parenthesis holding *optional* makes the names since the
previous parenthesis optional). The rule checked is the doc's: "Every key listed is present. A
value AWS did not send is null (never omitted), except the keys marked *optional*." One
problem per line on stdout; the exit status is 0 when there is none.
"""
import json
import re
import sys

IDENT = re.compile(r"^[A-Za-z0-9_]+(\[\])?$")

# Which table describes which object: the heading or the "A task (`tasks[]`):" line above it.
LABELS = [
    (r"^## `ondeck whoami", "whoami"),
    (r"^## `ondeck clusters", "clusters"),
    (r"^## `ondeck fleet", "fleet"),
    (r"^## `ondeck status", "status"),
    (r"^### The service object", "service"),
    (r"^A task \(", "task"),
    (r"^A target \(", "target"),
    (r"^### The alarm object", "alarm"),
    (r"^### The distribution object", "distribution"),
    (r"^### `stats`", "stats"),
    (r"^## `ondeck revisions", "revision"),
    (r"^## `ondeck invalidations", "invalidation"),
    (r"^## `ondeck deployments", "deployments"),
    (r"^## `ondeck timeline", "timeline"),
    (r"^An entry \(", "timeline_entry"),
    (r"^## ", None),
]


def meaning_keys(text):
    """[(name, optional)] from a meaning cell: backticked names outside parentheses."""
    out, pending, depth, buf = [], [], 0, ""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
            if depth == 1:
                buf = ""
        elif c == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                opt = "*optional*" in buf
                out += [(n, opt) for n in pending]
                pending = []
        elif depth > 0:
            buf += c
        elif c == "`":
            j = text.find("`", i + 1)
            if j < 0:
                break
            name = text[i + 1:j]
            if IDENT.match(name):
                pending.append(name)
            i = j
        i += 1
    return out + [(n, False) for n in pending]


def read_schema(doc):
    schema, label, in_table = {}, None, False
    for line in open(doc, encoding="utf-8"):
        line = line.rstrip("\n")
        for rx, name in LABELS:
            if re.match(rx, line):
                label = name
                break
        if not line.startswith("| `") or label is None:
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) < 3:
            continue
        keys_cell, type_cell, meaning = cells[0], cells[1], "|".join(cells[2:])
        obj = schema.setdefault(label, {})
        prev = None
        for tok in re.findall(r"`([^`]+)`", keys_cell):
            if tok.startswith(".") and prev is not None:
                tok = prev.rsplit(".", 1)[0] + tok
            prev = tok
            entry = {"type": type_cell, "optional": "*optional*" in type_cell}
            if tok.endswith("[]") and type_cell.startswith("array") and "of strings" not in type_cell:
                entry["items"] = {n: {"optional": o} for n, o in meaning_keys(meaning)}
            if type_cell.startswith("object") and tok in ("metrics",):
                entry["keys"] = [n for n, _ in meaning_keys(meaning)]
            if "." in tok:  # clusters[].clusterName: a key of the array's elements
                parent, child = tok.split(".", 1)
                p = obj.setdefault(parent, {"type": "array", "optional": False, "items": {}})
                p.setdefault("items", {})[child] = {"type": type_cell, "optional": entry["optional"]}
            else:
                obj[tok] = entry
    return schema


def type_ok(value, tdesc):
    t = tdesc.replace("*optional*", "").replace(",", " ").split()
    if value is None:
        return "null" in t
    if "array" in t:
        return isinstance(value, list)
    if "object" in t:
        return isinstance(value, dict)
    if "boolean" in t:
        return isinstance(value, bool)
    if "number" in t or "time" in t:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if "string" in t:
        return isinstance(value, str)
    return True


class Checker:
    def __init__(self, schema):
        self.schema, self.problems, self.checked = schema, [], 0

    def obj(self, label, o, where, skip=()):
        if not isinstance(o, dict):
            self.problems.append(f"{where}: not an object")
            return
        for key, e in self.schema[label].items():
            name = key[:-2] if key.endswith("[]") else key
            if name in skip:
                continue
            self.checked += 1
            if name not in o:
                if not e["optional"]:
                    self.problems.append(f"{where}: key {name!r} is missing")
                continue
            v = o[name]
            if not type_ok(v, e["type"]):
                self.problems.append(f"{where}.{name}: {json.dumps(v)[:60]} is not {e['type']}")
            if "items" in e and isinstance(v, list):
                for i, item in enumerate(v):
                    self.items(e["items"], item, f"{where}.{name}[{i}]")
            if "keys" in e and isinstance(v, dict):
                for k in e["keys"]:
                    self.checked += 1
                    if k not in v:
                        self.problems.append(f"{where}.{name}: series {k!r} is missing")

    def items(self, spec, item, where):
        if not isinstance(item, dict):
            self.problems.append(f"{where}: not an object")
            return
        for k, e in spec.items():
            n = k[:-2] if k.endswith("[]") else k
            self.checked += 1
            if n not in item and not e["optional"]:
                self.problems.append(f"{where}: key {n!r} is missing")

    def service(self, s, where):
        self.obj("service", s, where, skip=("tasks", "targets"))
        for i, t in enumerate(s.get("tasks") or []):
            self.obj("task", t, f"{where}.tasks[{i}]")
        for i, t in enumerate(s.get("targets") or []):
            self.obj("target", t, f"{where}.targets[{i}]")
        for k in ("tasks", "targets"):
            if not isinstance(s.get(k), list):
                self.problems.append(f"{where}: {k!r} is not a present array")

    def run(self, kind, doc):
        if kind == "whoami":
            self.obj("whoami", doc, "whoami")
        elif kind == "clusters":
            self.obj("clusters", doc, "clusters")
        elif kind == "fleet":
            self.obj("fleet", doc, "fleet")
        elif kind == "status":
            self.obj("status", doc, "status", skip=("services", "alarms", "distributions"))
            for k, label in (("alarms", "alarm"), ("distributions", "distribution")):
                if not isinstance(doc.get(k), list):
                    self.problems.append(f"status: {k!r} is not a present array")
                    continue
                for i, x in enumerate(doc[k]):
                    self.obj(label, x, f"status.{k}[{i}]")
            for i, s in enumerate(doc.get("services") or []):
                self.service(s, f"status.services[{i}]")
        elif kind == "distributions":
            for i, x in enumerate(doc.get("distributions") or []):
                self.obj("distribution", x, f"distributions[{i}]")
            if not isinstance(doc.get("distributions"), list):
                self.problems.append("distributions: 'distributions' is not a present array")
        elif kind == "metrics":
            # metrics is the service object's metrics: serviceName and the series.
            for k in ("serviceName", "metrics"):
                self.checked += 1
                if k not in doc:
                    self.problems.append(f"metrics: key {k!r} is missing")
            m = self.schema["service"]["metrics"]
            for k in m["keys"]:
                self.checked += 1
                if k not in (doc.get("metrics") or {}):
                    self.problems.append(f"metrics.metrics: series {k!r} is missing")
        elif kind == "deployments":
            self.obj("deployments", doc, "deployments")
        elif kind == "timeline":
            self.obj("timeline", doc, "timeline", skip=("entries",))
            if not isinstance(doc.get("entries"), list):
                self.problems.append("timeline: 'entries' is not a present array")
            for i, x in enumerate(doc.get("entries") or []):
                self.obj("timeline_entry", x, f"timeline.entries[{i}]")
        elif kind in ("revisions", "invalidations"):
            if not isinstance(doc, list):
                self.problems.append(f"{kind}: not an array")
                return
            for i, x in enumerate(doc):
                self.obj(kind[:-1], x, f"{kind}[{i}]")
        else:
            raise SystemExit(f"unknown kind {kind}")


def main(argv):
    schema = read_schema(argv[1])
    if argv[2] == "schema":
        json.dump(schema, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    kind, path = argv[3], argv[4]
    c = Checker(schema)
    c.run(kind, json.load(open(path)))
    for p in c.problems:
        print(p)
    print(f"# {kind}: {c.checked} keys checked", file=sys.stderr)
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
