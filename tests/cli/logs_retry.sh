#!/usr/bin/env bash
# While following, a query that failed for good (here: its log group does not exist yet, so
# FilterLogEvents and DescribeLogStreams both answer ResourceNotFoundException) is tried again
# on a later pass: the service's other group is read meanwhile, and once the group is created
# its lines are followed too.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

SEED="$PYTHON3 $ONDECK_SRCDIR/tests/cli/logs_seed.py"
moto_start || tap_bail "moto did not start"
seed_world --size 3 --tasks-per-service 1 --no-cloudfront >/dev/null || tap_bail "seed_world failed"
T=$($SEED --endpoint "$MOTO_URL" two-groups --cluster prod --service lost --group /ecs/lost \
    --other /ecs/web) || tap_bail "two-groups failed"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_grep() # FILE PATTERN COUNT SECONDS
{
    local i n
    for ((i = 0; i < $4 * 10; i++)); do
        n=$(grep -c "$2" "$1" 2>/dev/null)
        [ "${n:-0}" -ge "$3" ] && return 0
        sleep 0.1
    done
    return 1
}
$SEED --endpoint "$MOTO_URL" put /ecs/web "lost/side/$T" --tag side --count 5 \
    --start-ms "$(now_ms)" >/dev/null || tap_bail "put failed"

OUT=$TAP_TMPDIR/retry.out ERR=$TAP_TMPDIR/retry.err
"$ONDECK" logs --cluster prod --service lost --follow --since 5m --poll-interval 300ms \
    >"$OUT" 2>"$ERR" &
FPID=$!
od_atexit "kill $FPID 2>/dev/null"
wait_grep "$OUT" "side seq=" 5 30
tap_ok $? "the group that exists is read"
wait_grep "$ERR" "/ecs/lost: ResourceNotFoundException" 1 30
tap_ok $? "the missing group is reported"
$SEED --endpoint "$MOTO_URL" put /ecs/lost "lost/app/$T" --tag app --count 5 \
    --start-ms "$(now_ms)" >/dev/null || tap_bail "put failed"
wait_grep "$OUT" "app seq=" 5 75
tap_ok $? "once the group exists, the failed query is tried again and its lines come"
$SEED --endpoint "$MOTO_URL" put /ecs/web "lost/side/$T" --tag more --count 5 \
    --start-ms "$(now_ms)" >/dev/null || tap_bail "put failed"
wait_grep "$OUT" "more seq=" 5 30
tap_ok $? "and the other group is still followed"
kill -INT "$FPID"
wait "$FPID"
tap_is "$(grep -c "seq=" "$OUT")" 15 "every line once"
tap_done
