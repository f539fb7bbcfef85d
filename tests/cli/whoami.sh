#!/usr/bin/env bash
# ondeck whoami against moto through the signature-checking proxy: env keys, a
# credential_process profile, an assume-role profile, 30 % throttling, a non-retryable
# error, and no secret in any output.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
proxy_start || tap_bail "proxy did not start"
out=$TAP_TMPDIR/out
err=$TAP_TMPDIR/err
all=$TAP_TMPDIR/all-output
: >"$all"

run()
{
    "$ONDECK" "$@" >"$out" 2>"$err"
    local rc=$?
    cat "$out" "$err" >>"$all"
    return $rc
}

# 1. Environment keys.
run whoami
tap_is "$?" 0 "whoami with env keys exits 0"
tap_like "$(cat "$out")" 'Account +123456789012' "prints the account"
tap_like "$(cat "$out")" 'Credentials +env' "names the env credential source"
tap_like "$(cat "$out")" 'Region +us-east-1' "prints the region"

run whoami --json
tap_is "$?" 0 "whoami --json exits 0"
got=$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["Account"], d["CredentialSource"], d["Arn"])' "$out")
tap_is "$got" "123456789012 env arn:aws:sts::123456789012:user/moto" "JSON has account, source and ARN"

# 2. A credential_process profile handing out temporary credentials from STS: the proxy
# accepts them only with their own session token, so the token must be sent and signed.
read -r takid tsecret token < <(proxy_temp_creds whoami-proc) ||
    tap_bail "no temporary credentials from STS"
# creds.sh [drop|mangle]: the credentials as issued, without their token, or with a wrong one.
cat >"$TAP_TMPDIR/creds.sh" <<EOS
#!/bin/sh
tok='$token'
[ "\$1" = mangle ] && tok="\${tok}x"
if [ "\$1" = drop ]; then
    printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "Expiration": "2999-01-01T00:00:00Z"}\n' \
      "$takid" "$tsecret"
else
    printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s", "Expiration": "2999-01-01T00:00:00Z"}\n' \
      "$takid" "$tsecret" "\$tok"
fi
EOS
chmod +x "$TAP_TMPDIR/creds.sh"
cat >>"$AWS_CONFIG_FILE" <<EOS
[profile proc]
credential_process = $TAP_TMPDIR/creds.sh
region = us-east-1

[profile proc-drop]
credential_process = $TAP_TMPDIR/creds.sh drop
region = us-east-1

[profile proc-mangle]
credential_process = $TAP_TMPDIR/creds.sh mangle
region = us-east-1

[profile base]
region = us-east-1

[profile ops]
role_arn = arn:aws:iam::123456789012:role/ops-readonly
source_profile = base
role_session_name = oncall-console
external_id = example-external-id
duration_seconds = 1800
region = us-east-1
EOS
cat >>"$AWS_SHARED_CREDENTIALS_FILE" <<EOS
[base]
aws_access_key_id = $ONDECK_TEST_AKID
aws_secret_access_key = $ONDECK_TEST_SECRET
EOS

run --profile proc whoami
tap_is "$?" 0 "whoami with a credential_process profile exits 0"
tap_like "$(cat "$out")" 'Credentials +process:proc' "names the credential_process source"
tap_like "$(cat "$out")" 'Profile +proc' "names the profile"
for how in drop mangle; do
    run --profile "proc-$how" whoami
    tap_is "$?" 1 "temporary credentials sent without their own token are refused ($how)"
    tap_like "$(cat "$out" "$err")" 'security token included in the request is invalid' \
        "  and AWS's reason is shown ($how)"
done

# 3. An assume-role profile: AssumeRole is signed with the base keys, and the temporary keys
# it hands out (learnt by the proxy with their token) sign the rest.
proxy_reset
run --profile ops whoami
tap_is "$?" 0 "whoami with an assume-role profile exits 0"
tap_like "$(cat "$out")" 'Arn +arn:aws:sts::123456789012:assumed-role/ops-readonly/oncall-console' \
    "the identity is the assumed role with its session name"
tap_like "$(cat "$out")" 'Credentials +assume-role:arn:aws:iam::123456789012:role/ops-readonly' \
    "names the assume-role source"
stats=$(proxy_stats)
tap_like "$stats" '"sts:AssumeRole": 1[,}]' "exactly one AssumeRole call"
tap_like "$stats" '"signature_failures": 0' "every signature verified"
tap_like "$stats" '"sts:GetCallerIdentity": 1[,}]' \
    "GetCallerIdentity was signed with the assumed role's keys and token"

# 4. 30 % throttling: each run retries through it (fixed seed: the same draws every time).
proxy_stop
proxy_start --throttle 0.3 --seed 11 || tap_bail "throttling proxy did not start"
ok=0
for i in $(seq 1 12); do
    run whoami && ok=$((ok + 1))
done
tap_is "$ok" 12 "12 of 12 whoami runs succeed under 30 % throttling"
stats=$(proxy_stats)
throttled=$("$PYTHON3" -c 'import json,sys; print(json.loads(sys.argv[1])["throttled"])' "$stats")
tap_ok '[ "$throttled" -ge 2 ]' "the proxy throttled several requests ($throttled responses)"
tap_like "$stats" '"signature_failures": 0' "retried requests are re-signed correctly"

# 5. A clock an hour slow: the first signature is rejected as expired, ondeck learns the
# server's time from the Date header, re-signs and succeeds.
proxy_start || tap_bail "proxy did not restart"
ONDECK_FAKE_CLOCK_OFFSET=-3600 run whoami
tap_is "$?" 0 "whoami with a clock one hour slow succeeds after skew correction"
stats=$(proxy_stats)
tap_like "$stats" '"signature_failures": 1[,}]' "exactly one request was rejected for skew"
tap_like "$stats" '"sts:GetCallerIdentity": 2[,}]' "and the corrected retry went through"

# 6. A non-retryable AWS error: code, message and request id; exit 1 (through a fresh proxy
# and its AWS-behaviour layer, as everywhere else).
proxy_start || tap_bail "proxy did not restart"
run status --cluster no-such-cluster
rc=$?
tap_is "$rc" 1 "a missing cluster exits 1"
tap_like "$(cat "$err")" 'ClusterNotFoundException: Cluster not found\. \(HTTP 400, request id [A-Za-z0-9]+' \
    "the error names code, message, HTTP status and request id"

# 7. Usage errors exit 2.
run whoami --bogus
tap_is "$?" 2 "an unknown option exits 2"
run status
tap_is "$?" 2 "status without --cluster exits 2"

# 8. No secret or token anywhere in what ondeck printed.
tap_ok '! grep -qF "$ONDECK_TEST_SECRET" "$all"' "the secret key never appears in output"
tap_ok '! grep -qF "$token" "$all"' "the session token never appears in output"
tap_done
