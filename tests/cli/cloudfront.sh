#!/usr/bin/env bash
# CloudFront invalidations against moto through the AWS-behaviour layer, where CloudFront
# differs from moto: paths must be URL-encoded (cloudfront-paths), and a CallerReference
# already used returns the first invalidation (cloudfront-idempotency). ondeck encodes
# non-ASCII and unsafe characters, keeps '*', '?', '&', '=' and existing escapes, and a
# resend after a lost CreateInvalidation response gets the first invalidation back.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small >"$world" || tap_bail "seeding failed"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
audit="$HOME/.local/state/ondeck/audit.jsonl"
export ONDECK_FOLLOW_INTERVAL_MS=300
dist=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["distributions"][0]["id"])' "$world")

run() { "$ONDECK" "$@" >"$out" 2>"$err" </dev/null; }

# py 'expression': cf is boto3 straight to moto, px through the proxy (and the layer).
py()
{
    "$PYTHON3" - "$1" <<'PY'
import boto3, os, sys
cf = boto3.client("cloudfront", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
px = boto3.client("cloudfront", endpoint_url=os.environ["PROXY_URL"], region_name="us-east-1")
def invs(dist):
    """(id, caller reference, paths) of every invalidation moto holds."""
    items = cf.list_invalidations(DistributionId=dist)["InvalidationList"].get("Items") or []
    out = []
    for s in items:
        b = cf.get_invalidation(DistributionId=dist, Id=s["Id"])["Invalidation"]
        out.append((s["Id"], b["InvalidationBatch"]["CallerReference"],
                    b["InvalidationBatch"]["Paths"].get("Items") or []))
    return out
def error_of(f):
    try:
        f()
        return "no error"
    except px.exceptions.ClientError as e:
        return "%s %s %s" % (e.response["ResponseMetadata"]["HTTPStatusCode"],
                             e.response["Error"]["Code"], e.response["Error"]["Message"])
def batch(paths, ref):
    return {"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": ref}
print(eval(sys.argv[1]))
PY
}

emu() { proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["emu"].get(sys.argv[1], 0))' "$1"; }

# 1. The behaviours themselves, with boto3 through the layer (what AWS answers).
tap_like "$(py "error_of(lambda: px.create_invalidation(DistributionId='$dist', InvalidationBatch=batch(['/menu café.html'], 'raw-1')))")" \
    '^400 InvalidArgument Your request contains one or more invalid invalidation paths\.$' \
    "cloudfront-paths: an unencoded non-ASCII path is refused with 400 InvalidArgument"
tap_like "$(py "error_of(lambda: px.create_invalidation(DistributionId='$dist', InvalidationBatch=batch(['/100%.html'], 'raw-2')))")" \
    '^400 InvalidArgument' "cloudfront-paths: a '%' that starts no escape is refused"
tap_is "$(py "error_of(lambda: px.create_invalidation(DistributionId='$dist', InvalidationBatch=batch(['/q?a=1&b=2', '/img/*', '/caf%C3%A9'], 'raw-3')))")" \
    "no error" "cloudfront-paths: '?', '&', '=', '*' and escapes are accepted"
first=$(py "px.create_invalidation(DistributionId='$dist', InvalidationBatch=batch(['/x.html'], 'ref-x'))['Invalidation']['Id']")
tap_is "$(py "px.create_invalidation(DistributionId='$dist', InvalidationBatch=batch(['/x.html'], 'ref-x'))['Invalidation']['Id']")" \
    "$first" "cloudfront-idempotency: the same CallerReference and paths answer the first invalidation"
tap_like "$(py "error_of(lambda: px.create_invalidation(DistributionId='$dist', InvalidationBatch=batch(['/y.html'], 'ref-x')))")" \
    '^409 InvalidationBatchAlreadyExists' \
    "cloudfront-idempotency: the same CallerReference with other paths is 409 InvalidationBatchAlreadyExists"
tap_is "$(py "sum(1 for i in invs('$dist') if i[1] == 'ref-x')")" 1 "moto holds one invalidation for ref-x"

# 2. ondeck encodes what CloudFront wants encoded.
run invalidate --distribution "$dist" '/menu café.html' --yes
tap_is "$?" 0 "invalidate '/menu café.html' exits 0" || tap_diag "$(cat "$out" "$err")"
tap_like "$(cat "$out")" 'invalidate 1 path: /menu%20caf%C3%A9\.html' "the plan shows the encoded path"
tap_is "$(py "[i[2] for i in invs('$dist') if i[2] == ['/menu%20caf%C3%A9.html']]")" \
    "[['/menu%20caf%C3%A9.html']]" "CloudFront (moto) holds /menu%20caf%C3%A9.html"
run invalidate --distribution "$dist" '/a b.html' '/a%20b.html' '/search?q=x&lang=fr' '/img/*' --yes
tap_is "$?" 0 "invalidate of mixed paths exits 0" || tap_diag "$(cat "$out" "$err")"
tap_like "$(cat "$out")" 'invalidate 3 paths: /a%20b\.html /img/\* /search\?q=x&lang=fr' \
    "an encoded path is not encoded twice (and equals its raw form); '*', '?', '&', '=' kept"
tap_is "$(emu cloudfront-paths:refused)" 2 "the layer refused only the two raw paths sent by boto3"

# 3. A lost CreateInvalidation response: the resend (same minute, so the same deterministic
#    CallerReference) gets the first invalidation back. ondeck's clock is set to the start of
#    a minute so both runs fall inside it.
export ONDECK_FAKE_CLOCK_OFFSET=$((-($(date +%s) % 60)))
proxy_config '{"lose_response": 1, "only": "^cloudfront:CreateInvalidation$"}' >/dev/null
run invalidate --distribution "$dist" /lost.html --yes
rc=$?
proxy_config '{"lose_response": 0}' >/dev/null
lost=$(proxy_stats | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin).get("lost_responses", 0))')
tap_ok '[ "$lost" -ge 1 ]' "the CreateInvalidation response was lost ($lost times; ondeck exit $rc)"
tap_is "$(py "len([i for i in invs('$dist') if i[2] == ['/lost.html']])")" 1 \
    "CloudFront holds exactly one /lost.html invalidation (every resend had the same CallerReference)"
id=$(py "[i[0] for i in invs('$dist') if i[2] == ['/lost.html']][0]")
replayed=$(emu cloudfront-idempotency:replayed)
run invalidate --distribution "$dist" /lost.html --yes
tap_is "$?" 0 "invalidate again exits 0" || tap_diag "$(cat "$out" "$err")"
tap_like "$(cat "$out")" "invalidation $id: " "the resend is answered with the first invalidation's Id ($id)"
tap_ok '[ "$(emu cloudfront-idempotency:replayed)" -gt "$replayed" ]' \
    "the proxy saw the repeated CallerReference and answered the first invalidation"
tap_is "$(py "len([i for i in invs('$dist') if i[2] == ['/lost.html']])")" 1 "still one /lost.html invalidation"
refs=$("$PYTHON3" -c 'import json,sys
print(sorted({json.loads(l)["parameters"]["callerReference"] for l in open(sys.argv[1])
              if "/lost.html" in (json.loads(l)["parameters"] or {}).get("paths", [])}))' "$audit" 2>&1)
tap_like "$refs" "^\['ondeck-[0-9a-f]{32}'\]$" "every attempt on /lost.html carried one CallerReference"
unset ONDECK_FAKE_CLOCK_OFFSET
tap_done
