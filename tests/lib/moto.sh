# tests/lib/moto.sh - one private moto server (and optionally the SigV4/fault proxy) per test.
# Sourced by bash tests and by quickstart.sh. Functions:
#
#   moto_start            start `python3 -m moto.server` on a free 127.0.0.1 port, wait until
#                         /moto-api/ answers (30 s), export MOTO_PORT MOTO_URL MOTO_PID
#                         and an isolated fake AWS environment (below), then start the proxy
#                         with its AWS-behaviour layer (proxy_start; AWS_ENDPOINT_URL points
#                         at it) unless OD_PROXY=0
#   moto_stop             stop it (also registered on EXIT: nothing is left behind)
#   proxy_start [FLAG..]  start tests/lib/awsproxy.py in front of moto (signature checking is on;
#                         extra flags such as --throttle 0.3 --seed 7 are passed through), export
#                         PROXY_PORT PROXY_URL PROXY_PID and point AWS_ENDPOINT_URL at the proxy
#   proxy_stop            stop it (also on EXIT)
#   proxy_stats           print the proxy's JSON counters (GET /__proxy/stats)
#   proxy_reset           zero the counters (POST /__proxy/reset)
#   proxy_config JSON     change fault settings at run time (POST /__proxy/config)
#   proxy_temp_creds [SESSION [AKID SECRET]]  print "AKID SECRET TOKEN": temporary
#                         credentials from moto's STS AssumeRole, asked through the proxy (which
#                         learns them with their token and accepts them only with it), signed
#                         with the long-term test key unless AKID SECRET are given
#   seed_world [ARGS..]   run tests/lib/seed_world.py against moto (not the proxy), JSON on stdout
#
# The environment after moto_start: AWS_ACCESS_KEY_ID=AKIDONDECKTEST, a fixed secret,
# AWS_REGION=AWS_DEFAULT_REGION=us-east-1, AWS_EC2_METADATA_DISABLED=true, and HOME,
# AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, XDG_CONFIG_HOME inside the test's temp dir, so a
# developer's real ~/.aws (profiles, SSO caches, endpoint overrides) can never leak in.
#
# Call moto_start from the test's main shell, never inside $( ): the server is tied to the
# shell that started it (it gets SIGTERM if that shell dies, even by SIGKILL).

if [ -z "${BASH_VERSION:-}" ]; then
    echo "tests/lib/moto.sh needs bash" >&2
    # shellcheck disable=SC2317 # exit when executed instead of sourced
    return 1 2>/dev/null || exit 1
fi

OD_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PYTHON3:=python3}"

if ! declare -F od_atexit >/dev/null; then
    OD_ATEXIT=()
    od_atexit() { OD_ATEXIT+=("$*"); }
    od_run_atexit()
    {
        local i
        for ((i = ${#OD_ATEXIT[@]} - 1; i >= 0; i--)); do
            eval "${OD_ATEXIT[i]}" || true
        done
        OD_ATEXIT=()
    }
    trap 'od_run_atexit' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
fi

ONDECK_TEST_AKID=AKIDONDECKTEST
ONDECK_TEST_SECRET=ondeck/test/SECRET+key0123456789abcdefghij

# Where logs and the fake home go (sets OD_WORKDIR; call it directly, not in $( ), so the
# choice and its cleanup stick): the TAP temp dir when there is one, else a private one.
od_workdir()
{
    if [ -z "${OD_WORKDIR:-}" ]; then
        if [ -n "${TAP_TMPDIR:-}" ]; then
            OD_WORKDIR=$TAP_TMPDIR
        else
            OD_WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/ondeck-moto.XXXXXX")
            od_atexit "rm -rf -- '$OD_WORKDIR'"
        fi
    fi
    mkdir -p "$OD_WORKDIR"
}

od_free_port()
{
    "$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Start "$@" in the background with PR_SET_PDEATHSIG=SIGTERM, so it dies with this shell even
# when no trap can run. Output goes to the file $OD_BG_LOG; sets OD_BG_PID.
od_spawn()
{
    local parent=$BASHPID # expanded here: after the fork below it names the child
    "$PYTHON3" -c 'import ctypes, os, signal, sys
ppid = int(sys.argv[1])
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != ppid:
    sys.exit(1)
os.execvp(sys.argv[2], sys.argv[2:])' "$parent" "$@" </dev/null >"$OD_BG_LOG" 2>&1 &
    OD_BG_PID=$!
}

# od_wait_http URL PID TIMEOUT: wait until URL answers any HTTP status; fail if PID exits.
od_wait_http()
{
    "$PYTHON3" - "$@" <<'PY'
import os, sys, time, urllib.request, urllib.error
url, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            sys.exit(2)
    except ChildProcessError:
        pass
    except ProcessLookupError:
        sys.exit(2)
    try:
        urllib.request.urlopen(url, timeout=2).read()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# od_kill PID: TERM, then KILL after 5 s.
od_kill()
{
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# The fake, isolated AWS environment shared by every test.
od_fake_aws_env()
{
    local dir
    od_workdir
    dir=$OD_WORKDIR
    mkdir -p "$dir/home/.aws" "$dir/home/.config"
    : >"$dir/home/.aws/config"
    : >"$dir/home/.aws/credentials"
    export HOME="$dir/home"
    export XDG_CONFIG_HOME="$HOME/.config"
    # The name cache, the audit journal and anything else ondeck writes stay in the test.
    export XDG_CACHE_HOME="$HOME/.cache"
    export XDG_STATE_HOME="$HOME/.local/state"
    export AWS_CONFIG_FILE="$HOME/.aws/config"
    export AWS_SHARED_CREDENTIALS_FILE="$HOME/.aws/credentials"
    export AWS_ACCESS_KEY_ID=$ONDECK_TEST_AKID
    export AWS_SECRET_ACCESS_KEY=$ONDECK_TEST_SECRET
    export AWS_REGION=us-east-1
    export AWS_DEFAULT_REGION=us-east-1
    export AWS_EC2_METADATA_DISABLED=true
    export AWS_PAGER=
    local v
    for v in AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
        AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_WEB_IDENTITY_TOKEN_FILE \
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
        AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
        AWS_CA_BUNDLE AWS_IGNORE_CONFIGURED_ENDPOINT_URLS AWS_STS_REGIONAL_ENDPOINTS \
        AWS_MAX_ATTEMPTS AWS_RETRY_MODE; do
        unset "$v"
    done
    # Service-specific endpoint overrides would bypass moto.
    for v in $(compgen -e | grep '^AWS_ENDPOINT_URL_' || true); do
        unset "$v"
    done
}

moto_start()
{
    local dir port _
    if [ -n "${MOTO_PID:-}" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
        return 0
    fi
    if ! "$PYTHON3" -c 'import moto.server, flask' 2>/dev/null; then
        echo "moto_start: '$PYTHON3' cannot import moto.server (pip install 'moto[server]==5.2.1' boto3)" >&2
        return 1
    fi
    od_workdir
    dir=$OD_WORKDIR
    od_fake_aws_env
    # The free port can be taken between the probe and the bind (parallel tests): retry.
    for _ in 1 2 3 4 5; do
        port=$(od_free_port)
        OD_BG_LOG="$dir/moto.log"
        od_spawn "$PYTHON3" -m moto.server -H 127.0.0.1 -p "$port"
        MOTO_PID=$OD_BG_PID
        if od_wait_http "http://127.0.0.1:$port/moto-api/" "$MOTO_PID" 30; then
            export MOTO_PORT=$port MOTO_URL="http://127.0.0.1:$port" MOTO_PID
            export MOTO_LOG="$dir/moto.log"
            export AWS_ENDPOINT_URL=$MOTO_URL
            od_atexit moto_stop
            # Every test talks to moto through the proxy and its AWS-behaviour layer
            # (tests/lib/awsemu); OD_PROXY=0 is for the harness's own checks of bare moto.
            if [ "${OD_PROXY:-1}" != 0 ]; then
                proxy_start || return 1
            fi
            return 0
        fi
        od_kill "$MOTO_PID"
        MOTO_PID=
        if ! grep -qi 'address already in use' "$dir/moto.log" 2>/dev/null; then
            break
        fi
    done
    echo "moto_start: moto did not come up; its log ($dir/moto.log):" >&2
    tail -n 30 "$dir/moto.log" >&2 2>/dev/null || true
    return 1
}

moto_stop()
{
    if [ -n "${MOTO_PID:-}" ]; then
        od_kill "$MOTO_PID"
        MOTO_PID=
    fi
}

proxy_start()
{
    local dir portfile
    if [ -z "${MOTO_URL:-}" ]; then
        echo "proxy_start: call moto_start first" >&2
        return 1
    fi
    proxy_stop
    od_workdir
    dir=$OD_WORKDIR
    portfile="$dir/proxy.port"
    rm -f "$portfile"
    OD_BG_LOG="$dir/proxy.out"
    od_spawn "$PYTHON3" "$OD_LIBDIR/awsproxy.py" --upstream "$MOTO_URL" \
        --port 0 --port-file "$portfile" --log "$dir/proxy.log" \
        --stats-file "$dir/proxy-stats.json" \
        --key "$ONDECK_TEST_AKID:$ONDECK_TEST_SECRET" "$@"
    PROXY_PID=$OD_BG_PID
    local i
    for ((i = 0; i < 300; i++)); do
        [ -s "$portfile" ] && break
        kill -0 "$PROXY_PID" 2>/dev/null || break
        sleep 0.05
    done
    if [ ! -s "$portfile" ] ||
        ! od_wait_http "http://127.0.0.1:$(cat "$portfile")/__proxy/stats" "$PROXY_PID" 10; then
        echo "proxy_start: awsproxy.py did not come up:" >&2
        cat "$dir/proxy.out" >&2 2>/dev/null || true
        od_kill "$PROXY_PID"
        PROXY_PID=
        return 1
    fi
    export PROXY_PORT PROXY_PID
    PROXY_PORT=$(cat "$portfile")
    export PROXY_URL="http://127.0.0.1:$PROXY_PORT"
    export PROXY_LOG="$dir/proxy.log"
    export AWS_ENDPOINT_URL=$PROXY_URL
    OD_PROXY_USED=1
    od_atexit proxy_stop
}

proxy_stop()
{
    if [ -n "${PROXY_PID:-}" ]; then
        od_proxy_invalid
        od_kill "$PROXY_PID"
        PROXY_PID=
        [ -z "${MOTO_URL:-}" ] || export AWS_ENDPOINT_URL=$MOTO_URL
    fi
}

od_proxy_call()
{
    "$PYTHON3" - "$@" <<'PY'
import sys, urllib.request
method, url = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else (b"" if method == "POST" else None)
req = urllib.request.Request(url, data=data, method=method,
                             headers={"Content-Type": "application/json"})
sys.stdout.write(urllib.request.urlopen(req, timeout=10).read().decode())
sys.stdout.write("\n")
PY
}

proxy_stats() { od_proxy_call GET "$PROXY_URL/__proxy/stats"; }

# At tap_done: every request the proxy read since it started fitted its operation's input
# shape in botocore's model (the layer answers a misfit as AWS would and counts it).
# Proxies stopped earlier in the test add what they saw to OD_PROXY_INVALID (proxy_stop).
OD_PROXY_INVALID=0
OD_PROXY_INVALID_DIAG=
od_proxy_invalid()
{
    [ -n "${PROXY_PID:-}" ] || return 0
    local out n
    out=$(proxy_stats 2>/dev/null | "$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin)
print(d.get("invalid_requests_total", 0))
for b in (d.get("invalid_requests") or [])[:5]:
    print(b["op"], b["problem"][:300])' 2>&1) || { out="1"$'\n'"proxy stats unreadable: $out"; }
    n=${out%%$'\n'*}
    [[ $n =~ ^[0-9]+$ ]] || n=1
    OD_PROXY_INVALID=$((OD_PROXY_INVALID + n))
    [ "$n" = 0 ] || OD_PROXY_INVALID_DIAG+="${out#*$'\n'}"$'\n'
}
od_check_requests_valid()
{
    [ -n "${PROXY_PID:-}" ] || [ "$OD_PROXY_INVALID" != 0 ] || [ -n "${OD_PROXY_USED:-}" ] ||
        return 0
    od_proxy_invalid
    tap_is "$OD_PROXY_INVALID" 0 "every request sent fitted botocore's input shapes" ||
        tap_diag "$OD_PROXY_INVALID_DIAG"
    OD_PROXY_INVALID=0
}
TAP_DONE_HOOKS+=(od_check_requests_valid)
proxy_reset() { od_proxy_call POST "$PROXY_URL/__proxy/reset" >/dev/null; }
proxy_config() { od_proxy_call POST "$PROXY_URL/__proxy/config" "$1"; }

proxy_temp_creds()
{
    "$PYTHON3" -c '
import boto3, sys
url, session, akid, secret = sys.argv[1:5]
c = boto3.client("sts", endpoint_url=url, region_name="us-east-1", aws_access_key_id=akid,
                 aws_secret_access_key=secret, aws_session_token=None).assume_role(
    RoleArn="arn:aws:iam::123456789012:role/ondeck-test",
    RoleSessionName=session)["Credentials"]
print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])' \
        "$PROXY_URL" "${1:-ondeck-test}" "${2:-$ONDECK_TEST_AKID}" "${3:-$ONDECK_TEST_SECRET}"
}

seed_world()
{
    "$PYTHON3" "$OD_LIBDIR/seed_world.py" --endpoint "$MOTO_URL" "$@"
}
