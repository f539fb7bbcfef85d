#!/usr/bin/env bash
# tests/lib/valgrind-ondeck.sh - run ondeck under valgrind memcheck; use it as $ONDECK.
#
#   ONDECK=$ONDECK_SRCDIR/tests/lib/valgrind-ondeck.sh bash tests/cli/whoami.sh
#
# The real binary is $ONDECK_REAL, else $ONDECK_BUILDDIR/ondeck. Any memcheck error or any
# definitely/indirectly lost block makes ondeck exit 97 (so the calling test fails on the exit
# status it checks), and the report is kept in $VALGRIND_LOGDIR (default
# $TAP_TMPDIR/valgrind or /tmp), one file per run: vg-PID.log. tests/hardening/valgrind.sh
# runs a subset of the CLI tests this way and then checks every report.
# Memcheck makes ondeck ~20x slower: tests that time ondeck should allow for it
# (VALGRIND_ONDECK=1 is exported so they can tell).
real=${ONDECK_REAL:-${ONDECK_BUILDDIR:-.}/ondeck}
if [ ! -x "$real" ]; then
    echo "valgrind-ondeck.sh: $real is not an executable (set ONDECK_REAL)" >&2
    exit 2
fi
logdir=${VALGRIND_LOGDIR:-${TAP_TMPDIR:-/tmp}/valgrind}
mkdir -p "$logdir" || exit 2
export VALGRIND_ONDECK=1
# Debuginfod lookups would reach for the network.
unset DEBUGINFOD_URLS
exec valgrind --quiet --tool=memcheck --error-exitcode=97 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    --track-fds=no --child-silent-after-fork=yes --log-file="$logdir/vg-%p.log" \
    "$real" "$@"
