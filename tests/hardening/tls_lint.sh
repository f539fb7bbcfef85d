#!/usr/bin/env bash
# TLS verification cannot be turned off by accident: a lint over the C sources.
#   - the only CURLOPT_SSL_VERIFY* / CURLOPT_PROXY_SSL_VERIFY* settings are the two forced-on
#     lines in src/net/http.c (VERIFYPEER 1, VERIFYHOST 2), and they are there;
#   - the CA can only be replaced by an explicit bundle: CURLOPT_CAINFO is set from
#     AWS_CA_BUNDLE in src/net/http.c and nowhere else; no CAPATH, no pinned-key bypass, no
#     CURLOPT_SSL_OPTIONS that weaken checks (CURLSSLOPT_NO_REVOKE, ALLOW_BEAST, ...);
#   - no option or environment variable promises "insecure" or "no-verify".
# (tests/cli/transport.sh checks the same at run time against a TLS stub.)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"

cd "$ONDECK_SRCDIR" || tap_bail "no source dir"
dirs=(src)
[ -d ui ] && dirs+=(ui)
files=$(find "${dirs[@]}" -name '*.[ch]' | sort)
[ -n "$files" ] || tap_bail "no C sources found"
count=$(wc -l <<<"$files" | tr -d ' ')
tap_ok '[ "$count" -ge 20 ]' "the lint reads the C sources ($count files)"

# shellcheck disable=SC2086
verify=$(grep -nE 'SSL_VERIFY(PEER|HOST|STATUS)' $files)
tap_is "$verify" "src/net/http.c:$(grep -n 'CURLOPT_SSL_VERIFYPEER' src/net/http.c | cut -d: -f1):    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
src/net/http.c:$(grep -n 'CURLOPT_SSL_VERIFYHOST' src/net/http.c | cut -d: -f1):    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);" \
    "SSL_VERIFY* appears only as VERIFYPEER 1 and VERIFYHOST 2 in src/net/http.c"
tap_ok 'grep -q "CURLOPT_SSL_VERIFYPEER, 1L" src/net/http.c && grep -q "CURLOPT_SSL_VERIFYHOST, 2L" src/net/http.c' \
    "both forced-on settings are present"
# shellcheck disable=SC2086
tap_is "$(grep -lE 'CURLOPT_(PROXY_)?(CAINFO|CAPATH|CAINFO_BLOB|PINNEDPUBLICKEY|SSL_OPTIONS|PROXY_SSL_OPTIONS|SSL_CTX_FUNCTION|ISSUERCERT)' $files | tr '\n' ' ')" \
    "src/net/http.c " "CA and TLS options are set in src/net/http.c only"
# shellcheck disable=SC2086
tap_is "$(grep -nE 'CURLOPT_(PROXY_)?(CAPATH|PINNEDPUBLICKEY|SSL_OPTIONS|SSL_CTX_FUNCTION)|CURLSSLOPT_|SSL_VERIFY[A-Z]*, *0' $files)" "" \
    "no CAPATH, SSL_OPTIONS, SSL_CTX callback or verification set to 0"
tap_ok 'grep -q "getenv(\"AWS_CA_BUNDLE\")" src/net/http.c' "the CA bundle comes from AWS_CA_BUNDLE"
tap_is "$(grep -c 'CURLOPT_CAINFO' src/net/http.c)" 1 "CURLOPT_CAINFO is set in one place"
tap_like "$(grep -B1 'CURLOPT_CAINFO' src/net/http.c | head -n 1)" 'ca_bundle != NULL' \
    "and only when an explicit bundle was given"
# shellcheck disable=SC2086
tap_is "$(grep -niE '"--?(insecure|no-verify|no-verify-ssl|skip-tls)|INSECURE|NO_VERIFY|SKIP_TLS' $files)" "" \
    "no --insecure / --no-verify-ssl option and no *_INSECURE environment variable"
tap_done
