#!/usr/bin/env bash
# Proxies from the environment (configuration.md, security.md): HTTPS_PROXY is used for an
# https endpoint (a CONNECT to the endpoint's host and port), NO_PROXY exempts a host, and the
# instance metadata and container credential endpoints never go through a proxy even when
# http_proxy/HTTP_PROXY/HTTPS_PROXY name one and NO_PROXY does not cover them. The proxy here
# is a tiny loopback recorder that writes each request line it gets and refuses it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
# The credential stub's keys, so the verifying proxy can check what they sign.
proxy_start --key IMDSAKID:IMDS-secret --key CONTAKID:CONT-secret || tap_bail "proxy did not start"
rec=$TAP_TMPDIR/recorded
: >"$rec"

"$PYTHON3" - "$TAP_TMPDIR/rec.port" "$rec" <<'PY' &
import socketserver, sys
portf, log = sys.argv[1], sys.argv[2]
class H(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode("latin-1").strip()
        with open(log, "a") as f:
            f.write(line + "\n")
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
open(portf, "w").write(str(s.server_address[1]))
s.serve_forever()
PY
rec_pid=$!
od_atexit "kill $rec_pid"
for _ in $(seq 100); do [ -s "$TAP_TMPDIR/rec.port" ] && break; sleep 0.05; done
[ -s "$TAP_TMPDIR/rec.port" ] || tap_bail "the recording proxy did not start"
RECURL=http://127.0.0.1:$(cat "$TAP_TMPDIR/rec.port")

read -r CRED_PORT CRED_PID < <("$PYTHON3" -u "$OD_LIBDIR/credstub.py" 2>/dev/null)
[ -n "$CRED_PORT" ] || tap_bail "credstub did not start"
od_atexit "kill $CRED_PID"
stub_count() { "$PYTHON3" -c 'import sys,urllib.request; print(urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1]).read().decode().strip())' "http://127.0.0.1:$CRED_PORT/_count?name=$1"; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY ALL_PROXY all_proxy

# 1. HTTPS_PROXY: an https endpoint is reached through a CONNECT to its host and port.
out=$(HTTPS_PROXY=$RECURL AWS_ENDPOINT_URL=https://localhost:9/ AWS_MAX_ATTEMPTS=1 \
    "$ONDECK" whoami 2>&1)
px_rc=$?
tap_ok '[ "$px_rc" != 0 ]' "through a proxy that refuses, whoami fails"
tap_grep "$(cat "$rec")" '^CONNECT localhost:9 ' "HTTPS_PROXY got a CONNECT to the endpoint's host and port"
: >"$rec"
out=$(https_proxy=$RECURL AWS_ENDPOINT_URL=https://localhost:9/ AWS_MAX_ATTEMPTS=1 \
    "$ONDECK" whoami 2>&1)
tap_grep "$(cat "$rec")" '^CONNECT localhost:9 ' "https_proxy (lower case) too"
: >"$rec"

# 2. NO_PROXY exempts the endpoint's host: no CONNECT, a direct (refused) connection instead.
out=$(HTTPS_PROXY=$RECURL NO_PROXY=localhost AWS_ENDPOINT_URL=https://localhost:9/ \
    AWS_MAX_ATTEMPTS=1 "$ONDECK" whoami 2>&1)
tap_ok '[ ! -s "$rec" ]' "with NO_PROXY=localhost the proxy is not used"
tap_like "$out" '[Cc]onnect|refused' "the endpoint was tried directly" || tap_diag "$out"

# 3. Instance metadata and the container endpoint never go through a proxy: every proxy
#    variable names the recorder and NO_PROXY covers only the AWS endpoint (localhost).
ep=http://localhost:$PROXY_PORT
px=(http_proxy=$RECURL HTTP_PROXY=$RECURL HTTPS_PROXY=$RECURL NO_PROXY=localhost)
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_EC2_METADATA_DISABLED "${px[@]}" \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$CRED_PORT AWS_ENDPOINT_URL=$ep \
    "$ONDECK" whoami --json 2>&1)
tap_is "$?" 0 "whoami with instance-metadata credentials exits 0" || tap_diag "$out"
tap_ok '[ "$(stub_count imds_creds)" -ge 1 ]' "the metadata endpoint was asked directly"
tap_ok '[ ! -s "$rec" ]' "and the proxy saw no request"
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "${px[@]}" \
    AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:$CRED_PORT/container/creds AWS_ENDPOINT_URL=$ep \
    "$ONDECK" whoami --json 2>&1)
tap_is "$?" 0 "whoami with container credentials exits 0" || tap_diag "$out"
tap_ok '[ "$(stub_count container)" -ge 1 ]' "the container endpoint was asked directly"
tap_ok '[ ! -s "$rec" ]' "and the proxy saw no request" || tap_diag "$(cat "$rec")"
#    ... while an ordinary http endpoint outside NO_PROXY does use http_proxy (so the
#    recorder would have seen a proxied request).
out=$(env "${px[@]}" AWS_ENDPOINT_URL=http://127.0.0.1:$PROXY_PORT AWS_MAX_ATTEMPTS=1 "$ONDECK" whoami 2>&1)
tap_grep "$(cat "$rec")" "^(GET|POST) http://127\.0\.0\.1:$PROXY_PORT/" "an http endpoint not in NO_PROXY goes through http_proxy"

tap_done
