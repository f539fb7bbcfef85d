#!/usr/bin/env bash
# tests/fuzz/run.sh - build the libFuzzer targets and run each one for a while.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS (default 2) is the time per target; with no TARGET every target runs, JOBS (default
# 2) at a time. CI runs `tests/fuzz/run.sh 2`: about 70 s on 2 cores from an empty build
# directory (20 s build, 50 s fuzzing for 27 targets). A long local run is e.g.
# `JOBS=1 tests/fuzz/run.sh 90`. The figures go to doc/reliability.md.
#
# It configures its own build directory ($FUZZ_BUILD_DIR, default build-fuzz/ next to this
# tree) with CC=clang --enable-fuzzing --enable-sanitizers (libFuzzer + ASan + UBSan) and
# builds only the fuzz programs. Each target starts from tests/fuzz/corpus/NAME (read only)
# and keeps what it finds in $FUZZ_BUILD_DIR/fuzz-corpus/NAME, so later runs go on from
# there. Crashes, leaks, timeouts and property failures are written to
# $FUZZ_BUILD_DIR/fuzz-artifacts/ and make the script fail; to keep one as a regression seed,
# copy it into tests/fuzz/corpus/NAME/ (tests/fuzz/replay then runs it in every make check).
#
# Environment: FUZZ_BUILD_DIR, CC (default clang), JOBS (default 2), FUZZ_ARGS (extra
# libFuzzer flags), FUZZ_NO_BUILD=1 (reuse the build as it is).
# Last line: "fuzz: N targets, E executions, C crashes"; exit status 1 on any finding.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
seconds=${1:-2}
shift || true
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}
jobs=${JOBS:-2}

say() { printf 'fuzz: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

case $seconds in
''|*[!0-9]*) die "SECONDS must be a whole number (got '$seconds')" ;;
esac

# Every target, from the fragment that builds them.
all=$(sed -n 's|^check_PROGRAMS += tests/fuzz/fuzz_\([a-z0-9_]*\)$|\1|p' "$src/mk/hardening.am")
[ -n "$all" ] || die "no fuzz targets found in mk/hardening.am"
if [ $# -gt 0 ]; then
    targets="$*"
    for t in $targets; do
        grep -qx "$t" <<<"$all" || die "unknown target '$t' (known: $(echo $all))"
    done
else
    targets=$all
fi

t0=$(date +%s)
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
    command -v "${CC:-clang}" >/dev/null 2>&1 ||
        die "${CC:-clang} not found: apt-get install clang libclang-rt-14-dev"
    if [ ! -x "$src/configure" ]; then
        (cd "$src" && autoreconf -fi) || die "autoreconf failed"
    fi
    mkdir -p "$build" || die "cannot create $build"
    if [ ! -f "$build/Makefile" ] || [ "$src/configure" -nt "$build/Makefile" ]; then
        say "configuring $build (CC=${CC:-clang} --enable-fuzzing --enable-sanitizers)"
        (cd "$build" && CC=${CC:-clang} "$src/configure" -q --enable-fuzzing \
            --enable-sanitizers >configure.out 2>&1) ||
            { tail -n 20 "$build/configure.out" >&2; die "configure failed (see $build/config.log)"; }
    fi
    progs=$(for t in $targets; do printf 'tests/fuzz/fuzz_%s ' "$t"; done)
    say "building $(wc -w <<<"$progs") targets"
    # shellcheck disable=SC2086
    make -C "$build" -s -j"$jobs" $progs >"$build/fuzz-build.log" 2>&1 ||
        { tail -n 30 "$build/fuzz-build.log" >&2; die "build failed (see $build/fuzz-build.log)"; }
fi
t1=$(date +%s)

dict_for()
{
    case $1 in
    ecs_*|cw_*|creds_*|logs_*|ecr_*|sanitize) echo "$here/json.dict" ;;
    elbv2_*|cf_*|sts_*|proto_error) echo "$here/xml.dict" ;;
    ini|profiles|settings) echo "$here/ini.dict" ;;
    *) echo "" ;;
    esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/fuzz-corpus" "$build/fuzz-artifacts" "$build/fuzz-logs"

fuzz_one()
{
    local t=$1 bin=$build/tests/fuzz/fuzz_$1 work=$build/fuzz-corpus/$1 dict
    dict=$(dict_for "$t")
    find "$work" -type f | wc -l >"$build/fuzz-logs/$t.before"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/fuzz-artifacts/$t-" ${dict:+-dict="$dict"} ${FUZZ_ARGS:-} \
        "$work" "$here/corpus/$t" >"$build/fuzz-logs/$t.log" 2>&1
    echo $? >"$build/fuzz-logs/$t.rc"
}

# $jobs targets at a time (each libFuzzer process is single-threaded).
running=0
for t in $targets; do
    [ -x "$build/tests/fuzz/fuzz_$t" ] || die "$build/tests/fuzz/fuzz_$t was not built"
    mkdir -p "$build/fuzz-corpus/$t"
    rm -f "$build/fuzz-logs/$t.rc"
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    fuzz_one "$t" &
    running=$((running + 1))
done
wait

total_execs=0
crashes=0
printf '%-26s %12s %10s %8s %8s  %s\n' target executions exec/s corpus new result
for t in $targets; do
    log=$build/fuzz-logs/$t.log
    rc=$(cat "$build/fuzz-logs/$t.rc" 2>/dev/null || echo 99)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    before=$(cat "$build/fuzz-logs/$t.before")
    after=$(find "$build/fuzz-corpus/$t" -type f | wc -l)
    result=ok
    if [ "$rc" -ne 0 ]; then
        result="FAILED (rc $rc): $(grep -m1 -E 'ERROR:|runtime error|property failed|Test unit written' "$log" | cut -c1-100)"
        crashes=$((crashes + 1))
    fi
    total_execs=$((total_execs + ${execs:-0}))
    printf '%-26s %12s %10s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
        "$((after + $(find "$here/corpus/$t" -type f | wc -l)))" "$((after - before))" "$result"
done
t2=$(date +%s)
say "build $((t1 - t0)) s, fuzzing $((t2 - t1)) s; logs in $build/fuzz-logs, findings in $build/fuzz-artifacts"
printf 'fuzz: %d targets, %d executions, %d crashes\n' "$(wc -w <<<"$targets")" "$total_execs" "$crashes"
[ "$crashes" -eq 0 ]
