#!/usr/bin/env bash
# tests/bench/replay.sh - the bench's replay server (bench/replay/od-replay) answers as AWS
# does: every answer it gives ondeck's operations parses with botocore against the output shape
# (tests/bench/replay_check.py: members, types, paging at the real page sizes, batch limits,
# throttling answers worded as AWS's), and `ondeck status --json` against it reports the world
# it serves: every service, task, target, alarm and distribution, with buckets off and with a
# bucket small enough to throttle. Not timed: speed is `make bench`'s.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

replay=${ONDECK_BUILDDIR:-.}/bench/replay/od-replay
[ -x "$replay" ] || tap_skip_all "od-replay not built (configure found no libmicrohttpd)"
"${PYTHON3:-python3}" -c 'import botocore' 2>/dev/null || tap_bail "python3 has no botocore"
tap_require curl

N=137
od_fake_aws_env
OD_BG_LOG=$TAP_TMPDIR/replay.log
od_spawn "$replay" --services "$N" --port-file "$TAP_TMPDIR/port"
RPID=$OD_BG_PID
od_atexit 'od_kill "$RPID"'
for _ in $(seq 100); do [ -s "$TAP_TMPDIR/port" ] && break; sleep 0.05; done
[ -s "$TAP_TMPDIR/port" ] || tap_bail "od-replay did not start: $(cat "$OD_BG_LOG")"
url=http://127.0.0.1:$(cat "$TAP_TMPDIR/port")
export AWS_ENDPOINT_URL=$url

"${PYTHON3:-python3}" "$ONDECK_SRCDIR/tests/bench/replay_check.py" "$url" "$N" \
    >"$TAP_TMPDIR/check.tap" 2>&1
tap_relay shapes "$TAP_TMPDIR/check.tap" $? "the answers fit botocore's output shapes"

# What the world holds, asked of the server itself (one page of 400 holds every group).
tgs=$(curl -s -d 'Action=DescribeTargetGroups&Version=2015-12-01' "$url/" |
    grep -o '<TargetGroupArn>' | wc -l)
tap_ok '[ "$tgs" -gt 100 ]' "the world has target groups ($tgs)"

# summary FILE: "services tasks with-targets unhealthy-targets with-cpu alarms distributions"
summary()
{
    "${PYTHON3:-python3}" - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d.get("services", [])
print(len(s), sum(len(x.get("tasks", [])) for x in s),
      sum(1 for x in s if x.get("targets")),
      sum(1 for x in s for t in x.get("targets", []) if t.get("state") == "unhealthy"),
      sum(1 for x in s if (x.get("metrics") or {}).get("CPUUtilization")),
      len(d.get("alarms", [])), len(d.get("distributions", [])))
PY
}
want="$N $((2 * N)) $tgs $(((tgs + 16) / 17)) $N $(((N + 24) / 25)) 2"

"$ONDECK" status --cluster prod --json >"$TAP_TMPDIR/status.json" 2>"$TAP_TMPDIR/status.err"
tap_is "$?" 0 "status --json against the replay world exits 0" ||
    tap_diag "$(tail -n 5 "$TAP_TMPDIR/status.err")"
tap_is "$(summary "$TAP_TMPDIR/status.json")" "$want" \
    "status counts every service, task, target group, unhealthy target, CPU series, alarm, distribution"

# A bucket that throttles: ondeck backs off and still reports the whole world.
od_proxy_call POST "$url/__proxy/config" \
    '{"buckets": true, "bucket": {"ecs-service-read": "3/20", "elbv2-describe": "20/200"}}' >/dev/null
od_proxy_call POST "$url/__proxy/reset" >/dev/null
"$ONDECK" status --cluster prod --json >"$TAP_TMPDIR/throttled.json" 2>"$TAP_TMPDIR/throttled.err"
tap_is "$?" 0 "status --json exits 0 when AWS throttles" ||
    tap_diag "$(tail -n 5 "$TAP_TMPDIR/throttled.err")"
throttled=$(od_proxy_call GET "$url/__proxy/stats" |
    "${PYTHON3:-python3}" -c 'import json, sys; print(json.load(sys.stdin)["throttled"])')
tap_ok '[ "${throttled:-0}" -gt 0 ]' "the server did throttle ($throttled answers)"
tap_is "$(summary "$TAP_TMPDIR/throttled.json")" "$want" "throttled, status still reports the whole world"
tap_done
