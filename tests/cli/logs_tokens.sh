#!/usr/bin/env bash
# A nextToken refused in the middle of a chain (CloudWatch Logs answers InvalidParameterException
# for a token that expired, after 24 h, or that it did not issue: the log-tokens behaviour,
# here with a 1 s age) restarts the chain from the newest time seen less the overlap: the
# read goes on, exits 0, and every event comes exactly once.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

TOTAL=100000
SEED="$PYTHON3 $ONDECK_SRCDIR/tests/cli/logs_seed.py"
moto_start || tap_bail "moto did not start"
world=$(seed_world --size 3 --tasks-per-service 3 --no-cloudfront) || tap_bail "seed_world failed"
mapfile -t WEB < <("$PYTHON3" -c 'import json,sys; w=json.load(sys.stdin)
print("\n".join(next(s for s in w["services"] if s["name"]=="web")["task_ids"]))' <<<"$world")
STREAMS=("web/app/${WEB[0]}" "web/app/${WEB[1]}" "web/app/${WEB[2]}")
stat_of() # KEY: a counter of the proxy ("emu:NAME" for the layer's)
{
    proxy_stats | "$PYTHON3" -c 'import json,sys
d, k = json.load(sys.stdin), sys.argv[1]
print(d["emu"].get(k[4:], 0) if k.startswith("emu:") else d["by_operation"].get(k, 0))' "$1"
}

# 100,000 events 1 ms apart over three streams: ten pages of 10,000, nine tokens per chain.
T0=$(( $(date +%s) * 1000 - 240000 ))
$SEED --endpoint "$MOTO_URL" put /ecs/web "${STREAMS[@]}" --tag tok --count "$TOTAL" \
    --start-ms "$T0" --step-ms 1 >/dev/null || tap_bail "put failed"
proxy_config '{"emu": {"log-tokens": {"max_age_s": 1.0}}}' >/dev/null || tap_bail "proxy_config failed"

OUT=$TAP_TMPDIR/tok.json ERR=$TAP_TMPDIR/tok.err
"$ONDECK" logs --cluster prod --service web --container app --since 10m --json --overlap 2s \
    --stats >"$OUT" 2>"$ERR" &
PID=$!
od_atexit "kill -CONT $PID 2>/dev/null; kill $PID 2>/dev/null"
# Once the chain is under way (a page after the first asked for), hold ondeck still for
# longer than a token lives: the token it holds is then older than the service accepts.
for ((i = 0; i < 600; i++)); do
    [ "$(stat_of logs:FilterLogEvents)" -ge 3 ] && break
    sleep 0.05
done
kill -STOP "$PID"
sleep 1.5 # the stimulus: a token's age must pass 1 s
kill -CONT "$PID"
wait "$PID"
tap_is "$?" 0 "the read exits 0 although a token was refused mid-chain"
tap_ok '[ "$(stat_of emu:log-tokens:refused)" -ge 1 ]' \
    "the layer did refuse a token ($(stat_of emu:log-tokens:refused) times)"
tap_like "$(cat "$ERR")" "token restarts [1-9]" "the chain was restarted (stats)"
check=$("$PYTHON3" - "$OUT" "$TOTAL" <<'PY'
import collections, json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
total = int(sys.argv[2])
tok = [r for r in rows if r["message"].startswith("tok seq=")]
ids = collections.Counter((r["stream"], r["eventId"]) for r in tok)
seqs = collections.Counter(int(re.match(r"tok seq=(\d+)", r["message"]).group(1)) for r in tok)
print(f"count={len(tok)} dup_ids={sum(1 for c in ids.values() if c > 1)} "
      f"missing={sum(1 for i in range(total) if seqs[i] == 0)} "
      f"repeated={sum(1 for c in seqs.values() if c > 1)}")
print("sorted", "ok" if [r["timestamp"] for r in rows] == sorted(r["timestamp"] for r in rows)
      else "no")
PY
)
tap_like "$check" "count=$TOTAL dup_ids=0 missing=0 repeated=0" "every event exactly once ($check)"
tap_like "$check" "sorted ok" "in timestamp order"
tap_ok '! grep -qi "exception\|error" "$ERR"' "no error on stderr"
tap_done
