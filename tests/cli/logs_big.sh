#!/usr/bin/env bash
# A 100,000-event follow loses and repeats nothing: ten batches of 10,000 events (over three
# task streams) are put while `ondeck logs --follow --json` runs; afterwards the count, the
# event ids and a checksum of the messages must match exactly what was put.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

TOTAL=${ONDECK_LOGS_BIG:-100000}
BATCH=10000
SEED="$PYTHON3 $ONDECK_SRCDIR/tests/cli/logs_seed.py"
moto_start || tap_bail "moto did not start"
world=$(seed_world --size 3 --tasks-per-service 3 --no-cloudfront) || tap_bail "seed_world failed"
mapfile -t WEB < <("$PYTHON3" -c 'import json,sys; w=json.load(sys.stdin)
print("\n".join(next(s for s in w["services"] if s["name"]=="web")["task_ids"]))' <<<"$world")
STREAMS=("web/app/${WEB[0]}" "web/app/${WEB[1]}" "web/app/${WEB[2]}")
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
count() { local n; n=$(grep -c "big seq=" "$1" 2>/dev/null); echo "${n:-0}"; }
fle_calls()
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
print(json.load(sys.stdin)["by_operation"].get("logs:FilterLogEvents", 0))'
}

OUT=$TAP_TMPDIR/big.json ERR=$TAP_TMPDIR/big.err
"$ONDECK" logs --cluster prod --service web --container app --follow --json --since 1m \
    --poll-interval 1s --overlap 10s --stats >"$OUT" 2>"$ERR" &
FPID=$!
od_atexit "kill $FPID 2>/dev/null"

t0=$(date +%s)
for ((b = 0; b < TOTAL; b += BATCH)); do
    # Stamped 1 ms apart from when each PutLogEvents is sent, as a busy service would be.
    $SEED --endpoint "$MOTO_URL" put /ecs/web "${STREAMS[@]}" --tag big --seq-base "$b" \
        --count "$BATCH" --start-ms "$(now_ms)" --stamp-at-put >/dev/null || tap_bail "put failed"
    tap_diag "batch $((b / BATCH + 1)) put at +$(( $(date +%s) - t0 ))s, followed so far: $(count "$OUT")"
done
for ((i = 0; i < 1800; i++)); do
    [ "$(count "$OUT")" -ge "$TOTAL" ] && break
    sleep 0.1
done
caught=$(( $(date +%s) - t0 ))
# Three more passes (one call each when caught up) over the overlap window: nothing may be
# repeated.
base=$(fle_calls)
for ((i = 0; i < 600; i++)); do
    [ "$(fle_calls)" -ge $((base + 3)) ] && break
    sleep 0.1
done
tap_ok '[ "$(fle_calls)" -ge $((base + 3)) ]' "three more passes over the overlap window"
kill -INT "$FPID"
wait "$FPID"
tap_is "$?" 0 "the follow ends with status 0 on SIGINT"
tap_diag "all $TOTAL events followed ${caught}s after the first put" "$(cat "$ERR")"

check=$("$PYTHON3" - "$OUT" "$TOTAL" "${STREAMS[@]}" <<'EOF'
import collections, hashlib, json, re, sys
path, total, streams = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rows = [json.loads(l) for l in open(path, encoding="utf-8")]
big = [r for r in rows if r["message"].startswith("big seq=")]
ids = collections.Counter((r["stream"], r["eventId"]) for r in big)
got = hashlib.sha256("\n".join(sorted(r["message"] for r in big)).encode()).hexdigest()
want = hashlib.sha256("\n".join(sorted(f"big seq={i} stream={streams[i % 3]}"
                                       for i in range(total))).encode()).hexdigest()
seqs = collections.Counter(int(re.match(r"big seq=(\d+)", r["message"]).group(1)) for r in big)
print(f"count={len(big)}")
print(f"dup_ids={sum(1 for c in ids.values() if c > 1)}")
print(f"missing={sum(1 for i in range(total) if seqs[i] == 0)}")
print(f"repeated={sum(1 for c in seqs.values() if c > 1)}")
print("checksum", "ok" if got == want else "differs")
print("tagged", "ok" if all(r["task"] == r["stream"].rsplit("/", 1)[1] and r["container"] == "app"
                            for r in big) else "bad")
EOF
)
tap_is "$(grep '^count=' <<<"$check")" "count=$TOTAL" "exactly $TOTAL events delivered"
tap_is "$(grep '^dup_ids=' <<<"$check")" "dup_ids=0" "no event id twice"
tap_is "$(grep '^missing=' <<<"$check")" "missing=0" "no event lost"
tap_is "$(grep '^repeated=' <<<"$check")" "repeated=0" "no event repeated"
tap_like "$check" "checksum ok" "checksum of the messages matches what was put"
tap_like "$check" "tagged ok" "every event tagged with its task and container"
tap_like "$(cat "$ERR")" "delivered $((TOTAL + 18)), duplicates dropped" \
    "stats: delivered = $TOTAL + the 18 seeded lines"
tap_done
