#!/usr/bin/env bash
# The command line says one thing once: a cause that is not one part's (no region, no
# credentials) is one error line, not one per part, and the line says what to do first.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

: "${ONDECK_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
# No region, and no endpoint for the regional services (a custom endpoint does without a
# region); CloudFront is global and answers (moto, through the proxy).
unset AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL
export AWS_ENDPOINT_URL_CLOUDFRONT=$PROXY_URL

# one_line WHY PATTERN CMD...: CMD exits 1 and says WHY in one stderr line matching PATTERN.
one_line()
{
    local why=$1 pattern=$2 rc
    shift 2
    "$ONDECK" "$@" >"$TAP_TMPDIR/out" 2>"$TAP_TMPDIR/err"
    rc=$?
    tap_is "$rc" 1 "$* without $why exits 1"
    tap_is "$(wc -l <"$TAP_TMPDIR/err")" 1 "$* without $why says so in one line" ||
        tap_diag "$(cat "$TAP_TMPDIR/err")"
    tap_like "$(cat "$TAP_TMPDIR/err")" "$pattern" "... and the line says what to do first"
}

for cmd in "status --cluster prod" "clusters" "status --cluster prod --json"; do
    # shellcheck disable=SC2086 # the words of cmd are the arguments
    one_line "a region" '^ondeck: .*no region: use --region, AWS_REGION or the profile' $cmd
done

# No credentials; the endpoint is a closed loopback port, never reached.
export AWS_REGION=eu-west-1 AWS_ENDPOINT_URL="http://127.0.0.1:$(od_free_port)"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
for cmd in "status --cluster prod" "clusters" "logs --cluster prod --service web"; do
    # shellcheck disable=SC2086
    one_line "credentials" "^ondeck: (logs: )?no credentials: set AWS_PROFILE \(or --profile\) to a configured profile, export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws sso login' \(tried env: " $cmd
done
tap_done
