#!/usr/bin/env bash
# shellcheck disable=SC2016 # tap_ok conditions in single quotes are eval'd later
# The AWS-behaviour layer itself (tests/lib/awsemu), not ondeck: a request that does not fit
# botocore's input shape is answered as AWS answers it and counted; behaviours are switched and
# configured at run time; each one cites its source; doc/reliability.md's table is current.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

: "${ONDECK_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PYTHON3:=python3}"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size small >/dev/null || tap_bail "seed_world failed"

# One boto3 run through the proxy with client-side validation off, so the misfits reach it.
out=$("$PYTHON3" - <<'PY' 2>&1
import os, boto3, botocore.config
cfg = botocore.config.Config(parameter_validation=False, retries={"max_attempts": 1})
kw = dict(endpoint_url=os.environ["PROXY_URL"], region_name="us-east-1", config=cfg)
ecs = boto3.client("ecs", **kw)
print("good", len(ecs.list_services(cluster="prod")["serviceArns"]) > 0)
for name, call in [("enum", lambda: ecs.list_services(cluster="prod", launchType="BOGUS")),
                   ("type", lambda: ecs.list_services(cluster="prod", maxResults="ten")),
                   ("elb", lambda: boto3.client("elbv2", **kw).describe_target_groups(PageSize=4000))]:
    try:
        call()
        print(name, "accepted")
    except botocore.exceptions.ClientError as e:
        print(name, e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
PY
)
tap_like "$out" 'good True' "a request that fits its input shape goes through to moto"
tap_like "$out" 'enum InvalidParameterException 400' \
    "ECS: a value outside the model's enum is refused with InvalidParameterException"
tap_like "$out" 'type InvalidParameterException 400' "ECS: a string where an integer belongs is refused"
tap_like "$out" 'elb ValidationError 400' "ELBv2: PageSize over the model's max 400 is refused"
stats=$(proxy_stats)
n=$("$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["invalid_requests_total"])' <<<"$stats")
tap_is "$n" 3 "the proxy counted the three misfits"
# The end-of-test check must not pass over them: restart the proxy, as a test would.
OD_PROXY_INVALID=0
proxy_start
tap_is "$OD_PROXY_INVALID" 3 "stopping a proxy keeps its misfits for the end-of-test check"
OD_PROXY_INVALID=0

# Switching and configuring behaviours.
cfg=$(proxy_config '{"behaviours": "none"}')
tap_like "$cfg" '"behaviours": \[\]' "behaviours can all be switched off at run time"
bad=$("$PYTHON3" - "$PROXY_URL" <<'PY'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1] + "/__proxy/config", data=b'{"behaviours": "+no-such"}',
                             method="POST", headers={"Content-Type": "application/json"})
try:
    urllib.request.urlopen(req, timeout=5)
    print("accepted")
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
)
tap_like "$bad" "^400 .*unknown behaviour 'no-such'" "an unknown behaviour name is refused"
proxy_config '{"behaviours": "all"}' >/dev/null

# Every behaviour says what it follows, and the doc's table is the one the code writes.
cites=$("$PYTHON3" - "$ONDECK_SRCDIR/tests/lib" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import awsemu
for cls in awsemu._behaviour_classes():
    if not cls.cite.strip() or not (cls.__doc__ or "").strip() or cls.name == "?":
        print("incomplete", cls.__name__)
print("checked")
PY
)
tap_is "$cites" "checked" "every behaviour has a name, a docstring and a cite"
"$PYTHON3" "$ONDECK_SRCDIR/tests/tools/emu_doc.py" --check "$ONDECK_SRCDIR/doc/reliability.md" 2>"$TAP_TMPDIR/doc.err"
tap_ok $? "doc/reliability.md lists every behaviour as the code has it" ||
    tap_diag "$(cat "$TAP_TMPDIR/doc.err")"
tap_done
