#!/usr/bin/env bash
# Outside us-east-1: a world seeded in eu-west-1 behind a proxy that plays the eu-west-1
# endpoint (a request signed for another region is refused, as AWS refuses it). ondeck must
# sign ECS, ELBv2, CloudWatch and Logs for eu-west-1 and CloudFront, a global service, for
# us-east-1 whatever the profile's region says.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size 14 --region eu-west-1 --metric-services 4 >"$TAP_TMPDIR/world.json" ||
    tap_bail "seeding failed"
export AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1
proxy_start --region eu-west-1 || tap_bail "proxy did not start"

"$ONDECK" whoami >"$TAP_TMPDIR/whoami.txt" 2>&1
tap_is "$?" 0 "whoami in eu-west-1 exits 0"
tap_like "$(cat "$TAP_TMPDIR/whoami.txt")" 'Region +eu-west-1' "and names eu-west-1"

for cluster in prod legacy; do
    "$ONDECK" status --cluster "$cluster" --json >"$TAP_TMPDIR/$cluster.json" \
        2>"$TAP_TMPDIR/$cluster.err"
    tap_is "$?" 0 "eu-west-1: status --cluster $cluster exits 0"
    tap_is "$(cat "$TAP_TMPDIR/$cluster.err")" "" "eu-west-1: status --cluster $cluster prints no error"
    while IFS= read -r line; do
        case $line in
        "ok "*) tap_ok 0 "eu-west-1: $cluster: ${line#ok * - }" ;;
        "not ok "*) tap_ok 1 "eu-west-1: $cluster: ${line#not ok * - }" ;;
        "#"*) echo "$line" ;;
        esac
    done < <(AWS_ENDPOINT_URL=$MOTO_URL "$PYTHON3" "$ONDECK_SRCDIR/tests/cli/status_compare.py" \
        "$TAP_TMPDIR/$cluster.json" "$cluster" "$MOTO_URL" 2>&1)
done

"$ONDECK" distributions --json >"$TAP_TMPDIR/dists.json" 2>"$TAP_TMPDIR/dists.err"
tap_is "$?" 0 "eu-west-1: distributions exits 0 (CloudFront signed for us-east-1)"
got=$("$PYTHON3" -c '
import json, sys
ours = sorted(d["id"] for d in json.load(open(sys.argv[1]))["distributions"])
want = sorted(d["id"] for d in json.load(open(sys.argv[2]))["distributions"])
print("same" if ours == want and want else f"ours {ours} want {want}")' \
    "$TAP_TMPDIR/dists.json" "$TAP_TMPDIR/world.json")
tap_is "$got" same "eu-west-1: the seeded distributions are listed"

stats=$(proxy_stats)
tap_like "$stats" '"region_failures": 0' "every request was signed for its endpoint's region"
tap_like "$stats" '"signature_failures": 0' "every signature verified"
tap_like "$stats" '"cloudfront:ListDistributions": [1-9]' "CloudFront was asked"

# The check is live: ondeck pointed at the eu-west-1 endpoint with another region is refused
# with AWS's words, and CloudFront signed for eu-west-1 (a client that forgets it is global)
# is refused too.
"$ONDECK" --region us-west-2 clusters >"$TAP_TMPDIR/wrong.txt" 2>&1
tap_is "$?" 1 "a request signed for us-west-2 at the eu-west-1 endpoint fails"
tap_like "$(cat "$TAP_TMPDIR/wrong.txt")" 'Credential should be scoped to a valid region' \
    "and AWS's reason is shown"
got=$("$PYTHON3" - "$PROXY_URL" <<'EOF'
import sys, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
import os
req = AWSRequest(method="GET", url=sys.argv[1] + "/2020-05-31/distribution")
SigV4Auth(Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]),
          "cloudfront", "eu-west-1").add_auth(req)
try:
    urllib.request.urlopen(urllib.request.Request(req.url, headers=dict(req.headers)))
    print("accepted")
except urllib.error.HTTPError as e:
    print(e.code, "SignatureDoesNotMatch" in e.read().decode())
EOF
)
tap_is "$got" "403 True" "CloudFront signed for eu-west-1 is refused (SignatureDoesNotMatch)"
tap_done
