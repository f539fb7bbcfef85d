#!/usr/bin/env bash
# quickstart.sh - set up, build and run ondeck from a fresh clone.
#
#   ./quickstart.sh test            install what is missing, build in build/, run `make check`;
#                                   with ONDECK_ASAN=1 or CI set, a second pass with
#                                   --enable-sanitizers in build-asan/ (ASan + UBSan).
#                                   Last line: "N passed, N failed, N skipped"; exit status 1
#                                   on failure (in CI also on a skip not in CI_SKIP_ALLOW).
#   ./quickstart.sh demo [--size demo|small|N] [--fast] [--no-scenario] [--static]
#                        [--proxy|--no-proxy] [-- ONDECK-ARGS...]
#                                   start the demo world (moto + animator in one process,
#                                   tests/lib/demo_server.py, doc/demo.md) on a free 127.0.0.1
#                                   port while ondeck builds, then run build/ondeck against it;
#                                   the world stops when ondeck exits.
#   ./quickstart.sh demo --headless [--size ...] [--fast] [--proxy|--no-proxy]
#                                   start the world only, print the endpoint and the environment
#                                   to use, wait for Ctrl-C.
#
# --fast: the animator's test timing (seconds, not tens of seconds); --no-scenario: no broken
# deploy of `checkout` and no rollout of `web` at start; --static: no animator at all.
# tests/lib/awsproxy.py (SigV4 verification and the AWS-behaviour layer, which answers the
# ECS service-deployment API the demo's blue/green and canary services need; extra flags from
# ONDECK_DEMO_PROXY_ARGS, e.g. "--throttle 0.1") sits between ondeck and moto; --no-proxy
# talks to moto directly (--proxy, the default, is still accepted).
# Environment: PYTHON3 (default python3), JOBS (default nproc), ONDECK_ASAN, CI,
# ONDECK_SKIP_DEPS=1 (do not check apt/pip packages).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
: "${PYTHON3:=python3}"
export PYTHON3
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

APT_PACKAGES=(build-essential autoconf automake pkg-config libncurses-dev libcurl4-openssl-dev
    libssl-dev libcjson-dev libxml2-dev libmicrohttpd-dev tmux valgrind python3 python3-pip openssl
    debhelper dpkg-dev fakeroot man-db zsh clang libclang-rt-14-dev binutils lintian)

say() { printf 'quickstart: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage()
{
    sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
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

MOTO_VERSION=5.2.1
moto_ok()
{
    "$PYTHON3" -c 'import sys, boto3, moto.server, moto
sys.exit(moto.__version__ != sys.argv[1])' "$MOTO_VERSION" 2>/dev/null
}

ensure_python()
{
    local out
    [ "${ONDECK_SKIP_DEPS:-0}" = 1 ] && return 0
    command -v "$PYTHON3" >/dev/null 2>&1 || die "$PYTHON3 not found"
    # The harness needs this exact moto (tests/lib/animator.py reaches into its backends;
    # SUPPORTED_MOTO_VERSIONS there), not any moto.
    # The AWS CLI is the tests' second client (demo.sh, harness.sh, bench): pip's awscli
    # resolves to a botocore that boto3 and moto accept.
    moto_ok && command -v aws >/dev/null 2>&1 && return 0
    say "installing moto $MOTO_VERSION, boto3 and awscli with pip for $(command -v "$PYTHON3")"
    if ! out=$("$PYTHON3" -m pip install -q "moto[server]==$MOTO_VERSION" boto3 awscli 2>&1); then
        if grep -q externally-managed <<<"$out"; then
            # Debian's python3 refuses pip without this; the machine is a build box.
            out=$("$PYTHON3" -m pip install -q --break-system-packages \
                "moto[server]==$MOTO_VERSION" boto3 awscli 2>&1) || true
        fi
    fi
    if ! moto_ok; then
        printf '%s\n' "$out" | tail -n 5 >&2
        die "could not install moto $MOTO_VERSION/boto3 with pip (no package index reachable?).
    Install them by hand, e.g.: $PYTHON3 -m pip install 'moto[server]==$MOTO_VERSION' boto3
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
SKIPPED=0
SKIP_LINES=() # "DIR: the SKIP line", for the CI check at the end

# The skips CI accepts (EREs matched against "DIR: SKIP: test N - desc # SKIP reason"); any
# other skip fails a CI run. Each entry says why the check cannot run there:
CI_SKIP_ALLOW=(
    # memcheck cannot run a sanitizer build; the ASan pass has ASan's own checks, and the
    # plain pass runs valgrind.sh.
    '^build-asan: SKIP: tests/hardening/valgrind\.sh( |$)'
)

# skip_counted DIR LINE: one more skip, remembered for the CI check.
skip_counted()
{
    SKIPPED=$((SKIPPED + 1))
    SKIP_LINES+=("$1: $2")
}

# step_missing TOOL WHAT: a whole step cannot run because TOOL is missing: a failure in CI
# (quickstart installs TOOL), a skip elsewhere.
step_missing()
{
    if [ -n "${CI:-}" ]; then
        say "$1 not installed: $2 cannot run (a failure in CI)"
        FAILED=$((FAILED + 1))
    else
        say "$1 not installed: skipping $2"
        skip_counted quickstart "SKIP: $2 # SKIP $1 not installed"
    fi
}

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
    local line skips=0
    while IFS= read -r line; do
        skip_counted "$dir" "$line"
        skips=$((skips + 1))
    done < <(grep -a '^SKIP:' "$dir/check.out" || true)
    # A test that skipped as a whole (plan 1..0) has a SKIP: line too; the summary is the
    # authority on the number.
    local total
    total=$(awk '/^# SKIP:/ { print $3; exit }' "$dir/test-suite.log")
    while [ "$skips" -lt "${total:-0}" ]; do
        skip_counted "$dir" "SKIP: (not named in $dir/check.out)"
        skips=$((skips + 1))
    done
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
    command -v valgrind >/dev/null 2>&1 || { step_missing valgrind "the unit tests under valgrind"; return 0; }
    tests=$(cd "$dir" && find tests/unit tests/fuzz -maxdepth 1 -type f -perm -u+x \
        \( -name 'test_*' -o -name replay \) | sort | tr '\n' ' ')
    say "valgrind: $tests"
    ONDECK_VALGRIND=1 run_check "$dir" TESTS="$tests" \
        LOG_COMPILER="valgrind --quiet --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite --track-fds=no"
}

# run_clang: the whole tree with clang -Werror too (compile only: the tests ran with gcc).
# A whole-build step counts as one check (1 passed or 1 failed), as does the fuzz run.
run_clang()
{
    if ! command -v clang >/dev/null 2>&1; then
        step_missing clang "the clang -Werror build"
        return 0
    fi
    if (CC=clang build build-clang); then
        PASSED=$((PASSED + 1))
        say "clang -Werror build: ok"
    else
        FAILED=$((FAILED + 1))
        say "clang -Werror build failed (build-clang/make.out)"
    fi
}

# run_fuzz: a short libFuzzer run of every parser target (tests/fuzz/run.sh; clang).
run_fuzz()
{
    local out=build/fuzz.out
    if ! command -v clang >/dev/null 2>&1; then
        step_missing clang "the fuzz run"
        return 0
    fi
    say "fuzzing every parser briefly (tests/fuzz/run.sh 2)"
    if tests/fuzz/run.sh 2 >"$out" 2>&1; then
        PASSED=$((PASSED + 1))
    else
        tail -n 30 "$out" >&2
        FAILED=$((FAILED + 1))
        say "the fuzz run found a problem ($out)"
    fi
}

# run_dist: make distcheck and the Debian package on a copy of the tree (tests/dist/dist.sh);
# not part of make check, since distcheck itself runs make check.
run_dist()
{
    local out=build/dist.out rc=0 ok bad line
    say "running tests/dist/dist.sh (make distcheck + Debian package)"
    tests/dist/dist.sh >"$out" 2>&1 || rc=$?
    grep -E '^(not ok|Bail out)|# SKIP' "$out" >&2 || true
    # Its TAP points count one by one, like make check's; "ok ... # SKIP" is a skip.
    ok=$(grep -E '^ok' "$out" | grep -Evc '# SKIP' || true)
    bad=$(grep -c '^not ok' "$out" || true)
    PASSED=$((PASSED + ok))
    FAILED=$((FAILED + bad))
    while IFS= read -r line; do
        skip_counted dist "SKIP: tests/dist/dist.sh ${line#ok }"
    done < <(grep -E '^ok .*# SKIP' "$out" || true)
    if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then
        FAILED=$((FAILED + 1)) # a bail-out or a crash: one failed check
    fi
}

# ci_check_skips: in CI a skip hides a check that should have run (quickstart installs every
# tool the tests use), so each one not in CI_SKIP_ALLOW also counts as a failure.
ci_check_skips()
{
    local line re allowed bad=0
    for line in ${SKIP_LINES[@]+"${SKIP_LINES[@]}"}; do
        allowed=0
        for re in ${CI_SKIP_ALLOW[@]+"${CI_SKIP_ALLOW[@]}"}; do
            if [[ $line =~ $re ]]; then
                allowed=1
                break
            fi
        done
        [ "$allowed" = 1 ] && continue
        say "skipped in CI (not in CI_SKIP_ALLOW): $line"
        bad=$((bad + 1))
    done
    FAILED=$((FAILED + bad))
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
        run_clang
        run_fuzz
        run_dist
    fi
    [ -z "${CI:-}" ] || ci_check_skips
    say "done in $((SECONDS - t0)) s"
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
    [ "$FAILED" = 0 ]
}

# demo_start SIZE TIMING [DEMO-SERVER-ARGS...]: start tests/lib/demo_server.py (moto + seeder
# + animator in one process) in the background, tied to this shell (moto.sh's od_spawn:
# PR_SET_PDEATHSIG, and moto_stop from the EXIT trap). Sets MOTO_* as moto_start does, and
# DEMO_READY, the world summary that appears once the world is seeded and animated.
demo_start()
{
    local size=$1 timing=$2 portfile i
    shift 2
    od_workdir
    od_fake_aws_env
    portfile="$OD_WORKDIR/demo.port"
    DEMO_READY="$OD_WORKDIR/world.json"
    rm -f "$portfile" "$DEMO_READY"
    OD_BG_LOG="$OD_WORKDIR/moto.log"
    od_spawn "$PYTHON3" "$ROOT/tests/lib/demo_server.py" --port-file "$portfile" \
        --ready-file "$DEMO_READY" --log "$OD_WORKDIR/animator.log" --size "$size" \
        --timing "$timing" "$@"
    MOTO_PID=$OD_BG_PID
    od_atexit moto_stop
    for ((i = 0; i < 600; i++)); do
        [ -s "$portfile" ] && break
        kill -0 "$MOTO_PID" 2>/dev/null || break
        sleep 0.05
    done
    if [ ! -s "$portfile" ]; then
        tail -n 20 "$OD_BG_LOG" >&2
        return 1
    fi
    MOTO_PORT=$(cat "$portfile")
    export MOTO_PORT MOTO_PID MOTO_URL="http://127.0.0.1:$MOTO_PORT" MOTO_LOG="$OD_BG_LOG"
    export AWS_ENDPOINT_URL=$MOTO_URL
}

# demo_wait_ready SECONDS: wait for the seeded, animated world.
demo_wait_ready()
{
    local i
    for ((i = 0; i < $1 * 10; i++)); do
        [ -s "$DEMO_READY" ] && return 0
        kill -0 "$MOTO_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

cmd_demo()
{
    local headless=0 proxy=1 size=demo timing=demo scenario=--scenario t0=$SECONDS
    local extra=()
    while [ $# -gt 0 ]; do
        case $1 in
        --headless) headless=1 ;;
        --proxy) proxy=1 ;;
        --no-proxy) proxy=0 ;;
        --size) size=${2:?--size needs a value}; shift ;;
        --size=*) size=${1#--size=} ;;
        --fast) timing=fast ;;
        --no-scenario) scenario= ;;
        --static) extra+=(--no-animate); scenario= ;;
        --) shift; break ;;
        -h | --help) usage ;;
        *) break ;;
        esac
        shift
    done
    ensure_apt
    ensure_python
    "$PYTHON3" "$ROOT/tests/lib/animator.py" --check >/dev/null || die "unsupported moto version"

    export OD_WORKDIR="$ROOT/.quickstart/demo"
    rm -rf "$OD_WORKDIR"
    mkdir -p "$OD_WORKDIR"
    # shellcheck source=tests/lib/moto.sh
    . "$ROOT/tests/lib/moto.sh" # sets the EXIT/INT/TERM traps that stop the demo server
    # The world seeds itself while ondeck builds.
    demo_start "$size" "$timing" ${scenario:+"$scenario"} ${extra[@]+"${extra[@]}"} ||
        die "the demo server did not start (log: $OD_WORKDIR/moto.log)"
    say "demo server (moto + animator) on $MOTO_URL; seeding a '$size' world"
    [ "$headless" = 1 ] || build build
    demo_wait_ready 300 ||
        die "the demo world did not come up (logs: $OD_WORKDIR/moto.log, $OD_WORKDIR/animator.log)"
    if [ "$proxy" = 1 ]; then
        # shellcheck disable=SC2086
        proxy_start ${ONDECK_DEMO_PROXY_ARGS:-} || die "awsproxy did not start"
        # Service deployments at a watchable pace: 4 s a lifecycle stage, 6 s a minute of bake
        # time or hook timeout (payments' hook waits 3 minutes, then rolls back).
        proxy_config '{"emu": {"ecs-deployments": {"stage_s": 4, "minute_s": 6}}}' >/dev/null ||
            die "awsproxy did not take the demo's settings"
        say "awsproxy on $PROXY_URL (log: $PROXY_LOG)"
    fi
    "$PYTHON3" -c 'import json, sys
w = json.load(open(sys.argv[1]))
for c in w["clusters"]:
    names = [s["name"] for s in w["services"] if s["cluster"] == c["name"]]
    more = " ..." if len(names) > 8 else ""
    print("quickstart:   cluster %-7s %3d services: %s%s" % (c["name"], len(names), " ".join(names[:8]), more))
print("quickstart:   distributions: " + " ".join(d["id"] for d in w["distributions"]))
if w.get("bad_image"):
    print("quickstart:   the image %s fails to start (service %s)" % (w["bad_image"]["image"],
          w["bad_image"]["service"]))
print("quickstart:   world summary: " + sys.argv[1])' "$DEMO_READY" >&2
    say "world seeded and animated ($timing timing) $((SECONDS - t0)) s after start; animator log: $OD_WORKDIR/animator.log"

    if [ "$headless" = 1 ]; then
        cat <<EOF
endpoint: $AWS_ENDPOINT_URL
# paste into another shell:
export AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_REGION=$AWS_REGION AWS_DEFAULT_REGION=$AWS_REGION
export AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY='$AWS_SECRET_ACCESS_KEY'
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=$AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE=$AWS_SHARED_CREDENTIALS_FILE
export ONDECK_THEMEDIR=$ROOT/themes
unset AWS_PROFILE AWS_SESSION_TOKEN
# then: aws ecs list-services --cluster prod    or: $ROOT/build/ondeck (./quickstart.sh demo builds it)
# Ctrl-C stops the world.
EOF
        while kill -0 "$MOTO_PID" 2>/dev/null; do
            sleep 1 & wait $! || true
        done
        die "the demo server exited (log: $MOTO_LOG)"
    fi
    # The first minute: open on prod, where the scripted incident is, with a hint of what to
    # try ([console] start_message, shown until the first key). --cluster in ONDECK-ARGS wins.
    local open=(--cluster prod) a
    for a in "$@"; do
        case $a in --cluster | --cluster=*) open=() ;; esac
    done
    mkdir -p "$XDG_CONFIG_HOME/ondeck"
    if [ -n "$scenario" ]; then
        "$PYTHON3" -c 'import json, sys
w = json.load(open(sys.argv[1]))
bad = (w.get("bad_image") or {}).get("service", "checkout")
print("[console]\nstart_message = demo: %s is failing to deploy. Enter on %s opens it, R rolls it "
      "back, l shows its logs, ? lists every key" % (bad, bad))' "$DEMO_READY" \
            >"$XDG_CONFIG_HOME/ondeck/config"
    fi
    # Not exec: this shell stays to run the EXIT trap that stops the demo server (which is
    # also tied to this shell with PR_SET_PDEATHSIG, should the shell itself be killed).
    local rc=0
    # Run from the build tree: the console finds the source tree's themes here.
    export ONDECK_THEMEDIR="$ROOT/themes"
    "$ROOT/build/ondeck" ${open[@]+"${open[@]}"} "$@" || rc=$?
    exit "$rc"
}

case ${1:-} in
test) shift; [ $# = 0 ] || usage; cmd_test ;;
demo) shift; cmd_demo "$@" ;;
*) usage ;;
esac
