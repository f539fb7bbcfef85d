#!/usr/bin/env bash
# Secrets never leave ondeck: with a known access key, secret and session token (from the
# environment and from credential_process), run the read commands with --debug, the failure
# paths (bad signature, missing cluster, unreachable endpoint, exhausted throttling, a broken
# credential_process), a mutation that writes an audit line and the console, and check that
# the secret and the token appear in no stdout, stderr, debug log, audit line, screen capture
# or core dump. Each place is first checked to hold something (the access key id or the
# output we expect), so an empty file cannot pass for a clean one.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
seed_world --size small >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"

# Temporary credentials (key, secret, token) as AWS hands them out: the proxy accepts each key
# only with its own token. The env set and the credential_process set differ.
AKID=AKIDHARDENINGTEST
SECRET="hardening/SECRET+$RANDOM$RANDOM/abcdefghijklmnop"
TOKEN="IQoJb3JpZ2luX2VjEHARDENINGTOKEN+$RANDOM$RANDOM/part2=="
WRONG="hardening/WRONGSECRET+$RANDOM$RANDOM/qrstuvwxyz0123"
proxy_start --session-key "$AKID:$SECRET:$TOKEN" || tap_bail "proxy did not start"
read -r PAKID PSECRET PTOKEN < <(proxy_temp_creds secrets-proc) ||
    tap_bail "no temporary credentials from STS"

export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN
art=$TAP_TMPDIR/artifacts # every byte ondeck wrote that a human or a file could see
mkdir -p "$art"
n=0

# run NAME ARGS...: ondeck --debug with its own log; stdout, stderr and log kept in $art.
run()
{
    local name=$1
    shift
    n=$((n + 1))
    ONDECK_LOG="$art/$n-$name.log" "$ONDECK" --debug "$@" \
        >"$art/$n-$name.out" 2>"$art/$n-$name.err"
    RC=$?
    OUT=$(cat "$art/$n-$name.out")
    ERR=$(cat "$art/$n-$name.err")
    LOG="$art/$n-$name.log"
}

# 1. Read commands with env credentials and a session token, debug log on.
run whoami whoami
tap_is "$RC" 0 "whoami with env keys and a session token succeeds"
tap_ok '[ -s "$LOG" ] && grep -q "sts.GetCallerIdentity" "$LOG"' "the debug log records the calls"
run whoami-json whoami --json
tap_like "$OUT" '"Account"' "whoami --json prints the identity"
run clusters clusters
tap_like "$OUT" 'prod' "clusters lists prod"
run clusters-json --json clusters
tap_is "$RC" 0 "clusters --json succeeds"
run status --cluster prod status
tap_like "$OUT" 'web' "status shows the web service"
run status-json --cluster prod --json status
tap_is "$RC" 0 "status --json succeeds"
run distributions distributions
tap_is "$RC" 0 "distributions succeeds"

# 2. Failures: each error message is printed, none carries a secret.
AWS_SECRET_ACCESS_KEY=$WRONG run bad-signature whoami
tap_is "$RC" 1 "a wrong secret exits 1"
tap_like "$ERR" 'SignatureDoesNotMatch' "the signature error is reported"
tap_like "$ERR" 'x-amz-security-token:<redacted>' \
    "the canonical request AWS quotes is shown with the token redacted"
run no-cluster --cluster no-such-cluster status
tap_is "$RC" 1 "a missing cluster exits 1"
tap_like "$ERR" 'ClusterNotFoundException' "the missing cluster is reported"
AWS_ENDPOINT_URL="http://127.0.0.1:$(od_free_port)" AWS_MAX_ATTEMPTS=1 run unreachable whoami
tap_is "$RC" 1 "an unreachable endpoint exits 1"
tap_ok '[ -n "$ERR" ]' "the network error is reported"
proxy_config '{"throttle": 1.0}' >/dev/null
AWS_MAX_ATTEMPTS=2 run throttled --cluster prod status
tap_is "$RC" 1 "exhausted throttling exits 1"
tap_like "$ERR" 'Throttl' "throttling is reported"
proxy_config '{"throttle": 0}' >/dev/null

# 3. credential_process: its token is signed and never shown; its failure quotes stderr only.
cat >"$TAP_TMPDIR/creds.sh" <<EOS
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s", "Expiration": "2999-01-01T00:00:00Z"}\n' \
  "$PAKID" "$PSECRET" "$PTOKEN"
EOS
cat >"$TAP_TMPDIR/creds-broken.sh" <<EOS
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s", "Expiration": "not a time"}\n' \
  "$PAKID" "$PSECRET" "$PTOKEN"
echo "token service says no" >&2
EOS
cat >"$TAP_TMPDIR/creds-fails.sh" <<EOS
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"' "$AKID" "$SECRET"
echo "sso session expired" >&2
exit 3
EOS
chmod +x "$TAP_TMPDIR"/creds*.sh
cat >>"$AWS_CONFIG_FILE" <<EOS
[profile proc]
credential_process = $TAP_TMPDIR/creds.sh
[profile broken]
credential_process = $TAP_TMPDIR/creds-broken.sh
[profile fails]
credential_process = $TAP_TMPDIR/creds-fails.sh
EOS
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
run proc-whoami --profile proc whoami
tap_is "$RC" 0 "whoami with credential_process succeeds"
tap_like "$OUT" 'process:proc' "names the credential_process source"
run proc-status --profile proc --cluster prod --json status
tap_is "$RC" 0 "status with credential_process succeeds"
run proc-broken --profile broken whoami
tap_is "$RC" 1 "a credential_process with a bad Expiration exits 1"
tap_like "$ERR" 'Expiration' "the bad field is named"
run proc-fails --profile fails whoami
tap_is "$RC" 1 "a failing credential_process exits 1"
tap_like "$ERR" 'sso session expired' "its stderr is quoted"
export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN

# 4. A mutation writes an audit line; the line names the action, never the credentials.
export XDG_STATE_HOME=$TAP_TMPDIR/state
run scale --cluster prod scale --service worker --count 3 --yes
tap_is "$RC" 0 "scale --yes succeeds"
audit=$(find "$XDG_STATE_HOME" -type f -name 'audit*' 2>/dev/null | head -n 1)
if [ -n "$audit" ] && [ -s "$audit" ]; then
    cp "$audit" "$art/audit.jsonl"
    tap_like "$(cat "$audit")" 'scale' "the audit journal records the scale"
else
    tap_ok 1 "the audit journal was written under \$XDG_STATE_HOME (found: '${audit}')"
fi

# 5. The console: the screen shows the world, and no secret, token or key material.
if command -v tmux >/dev/null 2>&1 && [ -f "$ONDECK_SRCDIR/tests/lib/tmux.sh" ]; then
    . "$ONDECK_SRCDIR/tests/lib/tmux.sh"
    tmux_wrapper "$TAP_TMPDIR/run.sh"
    tmux_start 160 45 "$TAP_TMPDIR/run.sh" env ONDECK_LOG="$art/console.log" "$ONDECK" --cluster prod --debug
    if tmux_wait_for 'web' 20; then
        tap_ok 0 "the console shows the prod services"
    else
        tap_ok 1 "the console shows the prod services"
    fi
    tmux_capture >"$art/screen-services.txt"
    tmux_send Enter
    tmux_wait_for 'Service [a-z0-9-]+ · cluster prod' 10
    tap_ok $? "Enter opens a service" # the screen the sweep below scans
    tmux_capture >"$art/screen-service.txt"
    tmux_send q
    tmux_wait_gone 'Service [a-z0-9-]+ · cluster prod' 10
    tmux_send q
    rc=$(tmux_wait_exit 10)
    tap_is "$rc" 0 "q, q leaves the console (exit 0)"
    tmux_stop
else
    tap_ok 1 "the console shows the prod services (tmux is not installed)"
fi

# 6. A crash must not leave the credentials in a core file: with core dumps allowed, ondeck
# killed by SIGSEGV in the middle of a call (the proxy stalls it) leaves no core that holds
# the secret. (ondeck should make itself non-dumpable: prctl(PR_SET_DUMPABLE, 0).)
proxy_config '{"delay_ms": 5000}' >/dev/null
proxy_reset
mkdir -p "$TAP_TMPDIR/crash"
(
    cd "$TAP_TMPDIR/crash" || exit 1
    ulimit -c unlimited 2>"$TAP_TMPDIR/ulimit.err" || exit 99
    # Under ASan its own SIGSEGV handler would report and exit 1: let the signal kill, as in
    # a plain build (ASan still keeps its shadow memory out of any core).
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
    exec "$ONDECK" whoami >/dev/null 2>&1
) &
pid=$!
# Kill it while its signed request is held at the proxy: the credentials are loaded by then.
for ((i = 0; i < 100; i++)); do
    [ "$("$PYTHON3" -c 'import json,sys; print(json.loads(sys.argv[1])["requests"])' "$(proxy_stats)")" -ge 1 ] && break
    sleep 0.1
done
kill -SEGV "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
crash_rc=$?
proxy_config '{"delay_ms": 0}' >/dev/null
[ "$crash_rc" = 99 ] ||
    tap_is "$crash_rc" 139 "ondeck died of the SIGSEGV during its call (credentials loaded)"
core=$(find "$TAP_TMPDIR/crash" -maxdepth 1 -type f -name 'core*' | head -n 1)
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
if [ -n "$core" ]; then
    if grep -qaF -e "$SECRET" -e "$TOKEN" "$core"; then
        tap_ok 1 "a core dump does not hold the secret or the token"
    else
        tap_ok 0 "a core dump does not hold the secret or the token"
    fi
elif [ "$crash_rc" = 99 ]; then
    tap_skip "a core dump does not hold the secret or the token" \
        "core dumps cannot be enabled here: $(cat "$TAP_TMPDIR/ulimit.err")"
elif [ "${pattern#|}" != "$pattern" ]; then
    tap_skip "a core dump does not hold the secret or the token" "core_pattern pipes to '$pattern'"
elif [[ $pattern == */* ]]; then
    tap_skip "a core dump does not hold the secret or the token" "core_pattern writes elsewhere: '$pattern'"
elif [ "$crash_rc" != 139 ]; then
    tap_skip "a core dump does not hold the secret or the token" "ondeck did not die of the SIGSEGV"
else
    # A core could have been written here (core_pattern '$pattern', limit raised, SIGSEGV):
    # none was, because ondeck makes itself non-dumpable.
    tap_ok 0 "no core file was written after SIGSEGV (core_pattern '$pattern')"
fi

# 7. The sweep: every artifact, by name, for the secret, the wrong secret and both tokens.
tap_ok '[ "$(find "$art" -type f -size +0 | wc -l)" -ge 30 ]' \
    "the sweep covers $(find "$art" -type f -size +0 | wc -l) non-empty outputs, logs and captures"
tap_ok 'grep -qF 123456789012 "$art/1-whoami.out" && grep -qF "Canonical String" "$art"/*-bad-signature.err && grep -qF 123456789012 "$art"/screen-services.txt' \
    "the sweep sees real content: the account in output and on screen, the canonical request in the error"
for s in SECRET TOKEN WRONG PSECRET PTOKEN; do
    hits=$(grep -rlF -- "${!s}" "$art" 2>/dev/null | sed "s|$art/||" | tr '\n' ' ')
    tap_is "$hits" "" "no output, log, audit line or screen holds the $s value"
done
# The secret also never appears in a form that is easy to miss: URL-encoded or escaped.
enc=$("$PYTHON3" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SECRET")
tap_ok '! grep -rqF -- "$enc" "$art"' "nor the secret URL-encoded"
tap_done
