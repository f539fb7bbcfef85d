#!/usr/bin/env bash
# HTTPS transport: TLS verification is always on (a self-signed endpoint is refused), an
# explicit AWS_CA_BUNDLE is the only way in, gzip bodies are accepted, and calls to one host
# share a connection.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

od_fake_aws_env
tap_require openssl
d=$TAP_TMPDIR
# A private CA and a server certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ondeck test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1 || tap_bail "openssl (the CA) failed"
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$d/srv.key" \
    -out "$d/srv.csr" >/dev/null 2>&1 || tap_bail "openssl (the server key) failed"
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$d/ext"
openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/ext" -out "$d/srv.pem" >/dev/null 2>&1 || tap_bail "openssl failed"

OD_BG_LOG="$d/stub.log"
od_spawn "$PYTHON3" "$ONDECK_SRCDIR/tests/lib/tlsstub.py" --cert "$d/srv.pem" --key "$d/srv.key" \
    --port-file "$d/port" --stats-file "$d/stats.json"
stub=$OD_BG_PID
od_atexit "od_kill $stub"
for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.05; done
# Without the stub, "unknown CA is refused" below would pass on "connection refused".
[ -s "$d/port" ] || { tap_diag "$(cat "$d/stub.log")"; tap_bail "tlsstub.py did not start"; }
url="https://127.0.0.1:$(cat "$d/port")"

"$ONDECK" --endpoint-url "$url" whoami >"$d/out" 2>"$d/err"
tap_is "$?" 1 "a certificate from an unknown CA is refused"
tap_like "$(cat "$d/err")" 'network error: .*(certificate|SSL)' "the error says why (TLS)"

AWS_CA_BUNDLE=$d/ca.pem "$ONDECK" --endpoint-url "$url" whoami >"$d/out" 2>"$d/err"
tap_is "$?" 0 "with AWS_CA_BUNDLE naming the CA the call succeeds"
tap_like "$(cat "$d/out")" 'Account +210987654321' "and the response (sent gzip-compressed) is read"
tap_like "$(cat "$d/stats.json")" '"gzip_sent": [1-9]' "the server did send a compressed body"

counts() { "$PYTHON3" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["connections"], s["requests"])' "$d/stats.json"; }
read -r conns0 reqs0 < <(counts)
AWS_CA_BUNDLE=$d/ca.pem "$ONDECK" --endpoint-url "$url" clusters --json >"$d/out" 2>"$d/err"
tap_is "$?" 0 "clusters over HTTPS"
tap_like "$(cat "$d/out")" '"clusterName":[[:space:]]*"tls-b"' "both clusters listed"
read -r conns reqs < <(counts)
tap_ok '[ $((reqs - reqs0)) -eq 2 ] && [ $((conns - conns0)) -eq 1 ]' \
    "ListClusters then DescribeClusters share one connection ($((reqs - reqs0)) requests, $((conns - conns0)) connection)"

AWS_CA_BUNDLE=$d/nonexistent.pem "$ONDECK" --endpoint-url "$url" whoami >"$d/out" 2>"$d/err"
tap_is "$?" 1 "a missing CA bundle fails closed"
tap_done
