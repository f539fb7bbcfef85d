#!/usr/bin/env bash
# Integration tests under valgrind memcheck: whoami, status and transport run with
# ONDECK=tests/lib/valgrind-ondeck.sh, so every ondeck they start is checked. Their TAP lines
# are repeated here ("whoami: ..."); then every valgrind report must be free of errors and of
# definitely or indirectly lost memory (a failure there also shows as exit 97 in the test).
# VALGRIND_TESTS overrides the list (names under tests/cli/, without .sh).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"

tap_require valgrind
real=${ONDECK_REAL:-$ONDECK}
[ -x "$real" ] || tap_bail "no ondeck binary at '$real'"
case $real in *valgrind-ondeck.sh) tap_bail "ONDECK is already the valgrind wrapper" ;; esac
# memcheck cannot run a sanitizer build (the ASan pass of CI): that pass has ASan's own checks.
if grep -qa '__asan_init' "$real"; then
    tap_skip_all "ondeck is built with AddressSanitizer"
fi

logs=$TAP_TMPDIR/valgrind
mkdir -p "$logs"
for t in ${VALGRIND_TESTS:-whoami status transport}; do
    script=$ONDECK_SRCDIR/tests/cli/$t.sh
    [ -f "$script" ] || { tap_ok 1 "$t under valgrind (no $script)"; continue; }
    sub=$TAP_TMPDIR/$t.tap
    ONDECK_REAL=$real ONDECK="$ONDECK_SRCDIR/tests/lib/valgrind-ondeck.sh" \
        VALGRIND_LOGDIR="$logs" bash "$script" >"$sub" 2>"$TAP_TMPDIR/$t.stderr" </dev/null
    rc=$?
    tap_relay "$t" "$sub" "$rc" "$t under valgrind ran to its plan" ||
        tap_diag "$t stderr:" "$(tail -n 20 "$TAP_TMPDIR/$t.stderr")"
done

n=$(find "$logs" -name 'vg-*.log' | wc -l | tr -d ' ')
tap_ok '[ "$n" -ge 10 ]' "valgrind checked $n ondeck runs"
bad=""
for f in "$logs"/vg-*.log; do
    [ -s "$f" ] || continue
    if grep -qE 'are (definitely|indirectly) lost|Invalid (read|write|free)|Conditional jump|uninitialised|Mismatched|overlap|Syscall param|ERROR SUMMARY: [1-9]' "$f"; then
        bad="$bad $(basename "$f")"
        tap_diag "$(head -n 40 "$f")"
    fi
done
tap_is "$bad" "" "no memcheck error and no leak in any run"
tap_done
