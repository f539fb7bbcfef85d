#!/usr/bin/env bash
# tests/bench/smoke.sh - `make bench` works: the harness runs on the 10-service world with a
# short delay (--quick: one cold run, one AWS CLI invocation per kind, a small log group, a
# short console phase) and produces its table and report. The figures are not checked: only
# that each phase ran and measured something (a harness that counts zero calls is broken).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"

tap_require_moto

res=$TAP_TMPDIR/results
md=$TAP_TMPDIR/performance.md
skip=console
# The console phase needs tmux and at least 60 s of idling to mean anything; the smoke test
# only checks that the phase starts and reports (it is short in --quick mode).
tap_require tmux # quickstart installs it: the console phase must then report a figure
skip=""
out=$(bash "$ONDECK_SRCDIR/bench/run.sh" --quick --sizes 10 --delay-ms 5 --runs 1 \
    --idle 2 --presses 3 --log-events 500 --log-live 50 --log-multi 400 --cli-sample 1 ${skip:+--skip "$skip"} \
    --results "$res" --out "$md" 2>"$TAP_TMPDIR/bench.err")
rc=$?
tap_is "$rc" 0 "bench/run.sh exits 0" || tap_diag "$(tail -n 20 "$TAP_TMPDIR/bench.err")"
tap_like "$out" $'services +ondeck +calls +bytes in +depth +bound +vs bound' "the table has its header"
tap_like "$out" $'\n10 +[0-9.]+ m?s +[1-9][0-9]* +[0-9.]+ kB +[1-9] +' \
    "the 10-service row has a time, calls, bytes and a depth"
tap_like "$out" 'logs: ondeck [0-9,]+ lines/s \(500/500 printed' "the log phase printed every event"
tap_like "$out" 'console \(10 services\): idle CPU' "the console phase reports a figure"
tap_like "$out" 'logs, 1 source: [0-9,]+ lines/s, CPU [0-9.]+ s \(400/400 printed, 0 lost, 0 repeated, in order\)' \
    "several sources: the one-source row"
tap_like "$out" 'logs, 4 sources: [0-9,]+ lines/s, CPU [0-9.]+ s \(400/400 printed, 0 lost, 0 repeated, in order\)' \
    "several sources: the four-source row, every event once and in order"
tap_ok '[ -s "$md" ]' "the report was written"
doc=$(cat "$md" 2>/dev/null)
tap_like "$doc" $'# Performance\n' "the report has its title"
tap_like "$doc" '\*\*Machine:\*\* .+ cores, .+ memory; Linux ' "the report describes the machine"
tap_like "$doc" $'## Reproduce\n' "the report says how to reproduce it"
tap_like "$doc" '\| cold status ≤ 1\.5× the critical-path bound \| 10 \|' "the targets table covers the bound"
if command -v aws >/dev/null; then
    tap_like "$doc" '\| 10 \| [0-9.]+ (ms|s) \*\*extrapolated\*\* from [0-9]+ of [0-9]+ invocations' \
        "the AWS CLI figure is measured on a sample and labelled extrapolated"
else
    tap_skip "the AWS CLI figure" "aws not installed"
fi
tap_like "$doc" 'quick mode \(smoke test\)' "a quick run says its figures are not meaningful"
tap_done
