#!/usr/bin/env bash
# quickstart.sh - set up, build and run ondeck from a fresh clone.
#
#   ./quickstart.sh test            install what is missing, build in build/, run `make check`;
#                                   with ONDECK_ASAN=1 or CI set, a second pass with
#                                   --enable-sanitizers in build-asan/ (ASan + UBSan).
#                                   Last line: "N passed, N failed"; exit status 1 on failure.
#   ./quickstart.sh demo [--size small|N] [--proxy] [-- ONDECK-ARGS...]
#                                   build, start moto on a free 127.0.0.1 port, seed a world,
#                                   run build/ondeck against it; moto stops when ondeck exits.
#   ./quickstart.sh demo --headless [--size N] [--proxy]
#                                   start and seed the world, print the endpoint and the
#                                   environment to use, wait for Ctrl-C.
#
# --proxy puts tests/lib/awsproxy.py (SigV4 verification; extra flags from
# ONDECK_DEMO_PROXY_ARGS, e.g. "--throttle 0.1") between ondeck and moto.
# Environment: PYTHON3 (default python3), JOBS (default nproc), ONDECK_ASAN, CI,
# ONDECK_SKIP_DEPS=1 (do not check apt/pip packages).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
: "${PYTHON3:=python3}"
export PYTHON3
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

APT_PACKAGES=(build-essential autoconf automake pkg-config libncurses-dev libcurl4-openssl-dev
    libssl-dev libcjson-dev libxml2-dev tmux valgrind python3 python3-pip)

say() { printf 'quickstart: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage()
{
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

as_root()
{
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $*"
    fi
}

ensure_apt()
{
    local p missing=()
    [ "${ONDECK_SKIP_DEPS:-0}" = 1 ] && return 0
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "not a Debian system: make sure these are installed: ${APT_PACKAGES[*]}"
        return 0
    fi
    for p in "${APT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} = 0 ] && return 0
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" || die "apt-get install ${missing[*]} failed"
}

ensure_python()
{
    local out
    [ "${ONDECK_SKIP_DEPS:-0}" = 1 ] && return 0
    command -v "$PYTHON3" >/dev/null 2>&1 || die "$PYTHON3 not found"
    "$PYTHON3" -c 'import moto, boto3, moto.server' 2>/dev/null && return 0
    say "installing moto 5.2.1 and boto3 with pip for $(command -v "$PYTHON3")"
    if ! out=$("$PYTHON3" -m pip install -q 'moto[server]==5.2.1' boto3 2>&1); then
        if grep -q externally-managed <<<"$out"; then
            # Debian's python3 refuses pip without this; the machine is a build box.
            out=$("$PYTHON3" -m pip install -q --break-system-packages \
                'moto[server]==5.2.1' boto3 2>&1) || true
        fi
    fi
    if ! "$PYTHON3" -c 'import moto, boto3, moto.server' 2>/dev/null; then
        printf '%s\n' "$out" | tail -n 5 >&2
        die "could not install moto/boto3 with pip (no package index reachable?).
    Install them by hand, e.g.: $PYTHON3 -m pip install 'moto[server]==5.2.1' boto3
    or point PYTHON3 at an interpreter that has them."
    fi
}

# configure is stale when any input to autoreconf is newer.
need_autogen()
{
    local f
    [ -x configure ] || return 0
    [ -f Makefile.in ] || return 0
    [ -f build-aux/tap-driver.sh ] || return 0
    for f in configure.ac Makefile.am mk/*.am m4/*.m4; do
        [ -e "$f" ] || continue
        [ "$f" -nt configure ] && return 0
    done
    return 1
}

# build DIR [CONFIGURE-ARGS...]: out-of-tree build, configured once.
build()
{
    local dir=$1
    shift
    if need_autogen; then
        say "running ./autogen.sh"
        ./autogen.sh >/dev/null 2>&1 || ./autogen.sh || die "autogen.sh failed"
    fi
    if [ -f config.status ]; then
        die "the source tree is configured in place; run 'make distclean' in $ROOT first"
    fi
    mkdir -p "$dir"
    if [ ! -f "$dir/config.status" ]; then
        say "configuring $dir: ../configure --enable-werror $*"
        (cd "$dir" && ../configure --enable-werror "$@" >configure.out 2>&1) || {
            tail -n 30 "$dir/configure.out" >&2
            die "configure failed (full output: $dir/configure.out, $dir/config.log)"
        }
    fi
    say "building $dir (make -j$JOBS)"
    make -C "$dir" -j"$JOBS" >"$dir/make.out" 2>&1 || {
        grep -E -B2 -A6 'error|Error' "$dir/make.out" | tail -n 60 >&2 || tail -n 40 "$dir/make.out" >&2
        die "build failed in $dir (full output: $dir/make.out)"
    }
}

PASSED=0
FAILED=0

# run_check DIR: make check, print failing tests' logs, add the automake summary to the totals.
run_check()
{
    local dir=$1 rc=0 trs log n
    shift
    say "running the test suite in $dir $*"
    rm -f "$dir/test-suite.log"
    make -C "$dir" -j2 check "$@" >"$dir/check.out" 2>&1 || rc=$?
    grep -aE '^(PASS|FAIL|ERROR|XPASS|XFAIL|SKIP):' "$dir/check.out" | grep -v '^PASS' >&2 || true
    if [ ! -f "$dir/test-suite.log" ]; then
        tail -n 40 "$dir/check.out" >&2
        say "make check in $dir did not run the tests (exit $rc)"
        FAILED=$((FAILED + 1))
        return 0
    fi
    if [ "$rc" != 0 ]; then
        # What VERBOSE=1 would print: the logs of the failing tests only.
        while IFS= read -r trs; do
            if grep -Eq '^:global-test-result: (FAIL|ERROR|XPASS)' "$trs"; then
                log=${trs%.trs}.log
                printf '\n===== %s =====\n' "$log" >&2
                cat "$log" >&2
            fi
        done < <(find "$dir" -name '*.trs' | sort)
    fi
    n=$(awk '/^# PASS:/ { print $3; exit }' "$dir/test-suite.log")
    PASSED=$((PASSED + ${n:-0}))
    n=$(awk '/^# (FAIL|ERROR|XPASS):/ { s += $3 } END { print s + 0 }' "$dir/test-suite.log")
    FAILED=$((FAILED + n))
    if [ "$rc" != 0 ] && [ "$n" = 0 ]; then
        FAILED=$((FAILED + 1)) # make failed without a failing test (e.g. a check program)
    fi
    sed -n '/^# TOTAL:/,/^# ERROR:/p' "$dir/test-suite.log" | sed "s|^|quickstart: $dir |" >&2
}

# run_valgrind DIR: the C unit tests again under valgrind memcheck (errors or definite
# leaks fail the test).
run_valgrind()
{
    local dir=$1 tests
    command -v valgrind >/dev/null 2>&1 || { say "valgrind not installed"; FAILED=$((FAILED + 1)); return 0; }
    tests=$(cd "$dir" && find tests/unit -maxdepth 1 -type f -perm -u+x -name 'test_*' | sort | tr '\n' ' ')
    say "valgrind: $tests"
    ONDECK_VALGRIND=1 run_check "$dir" TESTS="$tests" \
        LOG_COMPILER="valgrind --quiet --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite --track-fds=no"
}

cmd_test()
{
    local t0=$SECONDS
    ensure_apt
    ensure_python
    build build
    run_check build
    if [ "${ONDECK_ASAN:-0}" != 0 ] || [ -n "${CI:-}" ]; then
        build build-asan --enable-sanitizers
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1} \
            UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
            run_check build-asan
        run_valgrind build
    fi
    say "done in $((SECONDS - t0)) s"
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}

cmd_demo()
{
    local headless=0 proxy=0 size=small
    while [ $# -gt 0 ]; do
        case $1 in
        --headless) headless=1 ;;
        --proxy) proxy=1 ;;
        --size) size=${2:?--size needs a value}; shift ;;
        --size=*) size=${1#--size=} ;;
        --) shift; break ;;
        -h | --help) usage ;;
        *) break ;;
        esac
        shift
    done
    ensure_apt
    ensure_python
    build build

    export OD_WORKDIR="$ROOT/.quickstart/demo"
    rm -rf "$OD_WORKDIR"
    mkdir -p "$OD_WORKDIR"
    # shellcheck source=tests/lib/moto.sh
    . "$ROOT/tests/lib/moto.sh" # sets the EXIT/INT/TERM traps that stop moto
    moto_start || die "moto did not start (log: $OD_WORKDIR/moto.log)"
    say "moto on $MOTO_URL (log: $MOTO_LOG); seeding a '$size' world"
    seed_world --size "$size" --pretty >"$OD_WORKDIR/world.json" ||
        die "seeding failed (moto log: $MOTO_LOG)"
    if [ "$proxy" = 1 ]; then
        # shellcheck disable=SC2086
        proxy_start ${ONDECK_DEMO_PROXY_ARGS:-} || die "awsproxy did not start"
        say "awsproxy on $PROXY_URL (log: $PROXY_LOG)"
    fi
    "$PYTHON3" -c 'import json, sys
w = json.load(open(sys.argv[1]))
for c in w["clusters"]:
    names = [s["name"] for s in w["services"] if s["cluster"] == c["name"]]
    more = " ..." if len(names) > 8 else ""
    print("quickstart:   cluster %-7s %3d services: %s%s" % (c["name"], len(names), " ".join(names[:8]), more))
print("quickstart:   distributions: " + " ".join(d["id"] for d in w["distributions"]))
print("quickstart:   world summary: " + sys.argv[1])' "$OD_WORKDIR/world.json" >&2

    if [ "$headless" = 1 ]; then
        cat <<EOF
endpoint: $AWS_ENDPOINT_URL
# paste into another shell:
export AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_REGION=$AWS_REGION AWS_DEFAULT_REGION=$AWS_REGION
export AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY='$AWS_SECRET_ACCESS_KEY'
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=$AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE=$AWS_SHARED_CREDENTIALS_FILE
unset AWS_PROFILE AWS_SESSION_TOKEN
# then: $ROOT/build/ondeck
# Ctrl-C stops the world.
EOF
        while kill -0 "$MOTO_PID" 2>/dev/null; do
            sleep 1 & wait $! || true
        done
        die "moto exited (log: $MOTO_LOG)"
    fi
    # Not exec: this shell stays to run the EXIT trap that stops moto (which is also tied
    # to this shell with PR_SET_PDEATHSIG, should the shell itself be killed).
    local rc=0
    "$ROOT/build/ondeck" "$@" || rc=$?
    exit "$rc"
}

case ${1:-} in
test) shift; [ $# = 0 ] || usage; cmd_test ;;
demo) shift; cmd_demo "$@" ;;
*) usage ;;
esac
