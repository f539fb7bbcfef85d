#!/usr/bin/env bash
# Web-identity credentials (README, configuration.md "Credentials"): with AWS_ROLE_ARN and
# AWS_WEB_IDENTITY_TOKEN_FILE (and AWS_ROLE_SESSION_NAME) and no keys, ondeck calls STS
# AssumeRoleWithWebIdentity with the token and signs with the role's temporary credentials;
# the profile keys role_arn + web_identity_token_file do the same. Through the verifying
# proxy, which learns the temporary keys moto's STS hands out and checks every signature.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size small --no-logs --no-cloudfront >/dev/null || tap_bail "seeding failed"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
tok=$TAP_TMPDIR/web-identity-token
printf 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaS1ydW5uZXIifQ.c2lnbmF0dXJl' >"$tok"
json() { "$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
stat_of() { proxy_stats | json "$1"; }

# 1. From the environment.
out=$(AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci-deployer AWS_ROLE_SESSION_NAME=ci-run-7 \
    AWS_WEB_IDENTITY_TOKEN_FILE=$tok "$ONDECK" whoami --json 2>&1)
tap_is "$?" 0 "whoami with web-identity credentials exits 0" || tap_diag "$out"
tap_is "$(json 'd["Arn"]' <<<"$out")" "arn:aws:sts::123456789012:assumed-role/ci-deployer/ci-run-7" \
    "the caller is the assumed role with the session name"
tap_ok '[ "$(stat_of "d[\"by_operation\"].get(\"sts:AssumeRoleWithWebIdentity\", 0)")" -ge 1 ]' \
    "STS AssumeRoleWithWebIdentity was called"
tap_is "$(stat_of 'd["signature_failures"]')" 0 "every signed request verified (with the role's keys)"
tap_grep "$(grep 'sts:GetCallerIdentity' "$PROXY_LOG")" 'akid=(ASIA|FSIA)' \
    "GetCallerIdentity was signed with temporary keys, not long-term ones"
out=$(AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci-deployer AWS_ROLE_SESSION_NAME=ci-run-7 \
    AWS_WEB_IDENTITY_TOKEN_FILE=$tok "$ONDECK" status --cluster prod 2>&1)
tap_is "$?" 0 "status works with them too" || tap_diag "$out"
tap_like "$out" 'web' "and shows the cluster's services"

# 2. A missing token file is an error that names it.
out=$(AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci-deployer \
    AWS_WEB_IDENTITY_TOKEN_FILE=$TAP_TMPDIR/nope "$ONDECK" whoami 2>&1)
tap_is "$?" 1 "a missing token file exits 1"
tap_like "$out" "$TAP_TMPDIR/nope" "and names the file"

# 3. From a profile.
cat >"$AWS_CONFIG_FILE" <<EOS
[profile ci]
region = us-east-1
role_arn = arn:aws:iam::123456789012:role/ci-profile
role_session_name = from-profile
web_identity_token_file = $tok
EOS
out=$("$ONDECK" --profile ci whoami --json 2>&1)
tap_is "$?" 0 "a profile with role_arn + web_identity_token_file works" || tap_diag "$out"
tap_is "$(json 'd["Arn"]' <<<"$out")" "arn:aws:sts::123456789012:assumed-role/ci-profile/from-profile" \
    "as the profile's role and session name"

tap_done
