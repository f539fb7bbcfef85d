#!/bin/bash
# Priority, not order of discovery: on a 300-service cluster the console describes the rows
# on screen first (their names come from ListServices, sorted like the table), and after a
# scroll to the bottom the next DescribeServices and DescribeTargetHealth calls are for the
# rows now on screen, not the ones far up. Budgets of a few calls a second ([limits]) keep
# the calls in the order they were started; nothing here is timed.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
seed_world --size 300 --metric-services 0 --no-logs >"$TAP_TMPDIR/world.json" ||
    tap_bail "seeding failed"
proxy_start || tap_bail "proxy did not start"
# moto lists services sorted by ARN, i.e. by name, which would make any client look as if it
# described the top rows first; AWS promises no order, and the layer hands them out in one of
# its own (paging's `unordered`), so list order and screen order differ.
proxy_config '{"emu": {"paging": {"unordered": ["ecs:ListServices"]}}}' >/dev/null ||
    tap_bail "proxy_config failed"
# Every prod service by name, one a line (the table's default order).
"$PYTHON3" -c 'import json, sys
print("\n".join(sorted(s["name"] for s in json.load(open(sys.argv[1]))["services"]
                      if s["cluster"] == "prod")))' "$TAP_TMPDIR/world.json" >"$TAP_TMPDIR/names"
total=$(grep -c . "$TAP_TMPDIR/names")
tap_ok '[ "$total" -ge 290 ]' "a cluster of $total services"
printf '[limits]\necs = 2\nelbv2 = 10\n' >"$TAP_TMPDIR/limits.conf"

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8 ONDECK_TRACE="$TAP_TMPDIR/trace"
unset NO_COLOR

# describes OP [FIRST [COUNT]]: the names (one a line) of COUNT OP requests from the FIRST
# (0-based) since the last reset; services by name, target groups by their service.
describes()
{
    proxy_stats | "$PYTHON3" -c 'import json, sys
op, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
reqs = [names for o, names in json.load(sys.stdin).get("describe_requests", []) if o == op]
out = []
for names in reqs[first:first + count]:
    for n in names:
        out.append(n.split("targetgroup/", 1)[1].split("/")[0][:-3] if "targetgroup/" in n else n)
print("\n".join(out))' "$1" "${2:-0}" "${3:-1000}"
}
# requests OP: how many OP requests since the last reset; names OP: how many names they hold.
requests() { proxy_stats | "$PYTHON3" -c 'import json, sys
print(sum(1 for o, _ in json.load(sys.stdin).get("describe_requests", []) if o == sys.argv[1]))' "$1"; }
names() { describes "$1" | grep -c .; }
wait_count() # COUNTER OP N SECONDS
{
    local deadline=$((SECONDS + $4))
    while [ "$SECONDS" -lt "$deadline" ]; do
        [ "$("$1" "$2")" -ge "$3" ] && return 0
        sleep 0.5
    done
    return 1
}
# The position of a service in the name order (1-based).
position() { grep -nx -- "$1" "$TAP_TMPDIR/names" | cut -d: -f1; }
# Whether every name on stdin is within positions [LO, HI].
within()
{
    local lo=$1 hi=$2 n p
    while read -r n; do
        [ -z "$n" ] && continue
        p=$(position "$n")
        [ -n "$p" ] && [ "$p" -ge "$lo" ] && [ "$p" -le "$hi" ] || { echo "outside: $n ($p)" >&2; return 1; }
    done
    return 0
}
shown_rows() { tmux_capture | grep -oE '^(svc-[0-9]+|api|web|worker) ' | tr -d ' '; }

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 30 "$TAP_TMPDIR/run.sh" "$ONDECK" --config "$TAP_TMPDIR/limits.conf" \
    --cluster prod || tap_bail "tmux did not start"

tmux_wait_for '^api ' 60
tap_ok $? "the top rows appear"
# Shown before the rest is described: the status bar says how much is known meanwhile.
tmux_wait_for "services [0-9]+/$total" 30
tap_ok $? "while the first load fills, the status bar counts the services described"
wait_count requests DescribeServices 8 60
rows=$(shown_rows)
page=$(grep -c . <<<"$rows")
tap_ok '[ "$page" -ge 20 ]' "a page of the table is on screen ($page rows)"
first=$(describes DescribeServices 0 6)
tap_ok 'within 1 $((2 * page + 10)) <<<"$first"' \
    "the first six DescribeServices name only the top two pages, not services far down"
missing=$(comm -23 <(sort <<<"$rows") <(sort <<<"$first"))
tap_is "$missing" "" "and every row on screen is among them"

# Let the first refresh end: every service and target group asked once.
wait_count names DescribeServices "$total" 120
tap_ok $? "the first refresh describes every service"
for _ in $(seq 240); do
    n=$(grep -c . < <(describes DescribeTargetHealth))
    [ "$n" -ge $((total - 2)) ] && break
    sleep 0.5
done
for _ in $(seq 120); do grep -q ' world-complete$' "$TAP_TMPDIR/trace" 2>/dev/null && break; sleep 0.5; done
tap_ok 'grep -qE "^[0-9]+ world-complete$" "$TAP_TMPDIR/trace"' "ONDECK_TRACE records world-complete"
tap_ok 'grep -qE "^[0-9]+ screen-complete$" "$TAP_TMPDIR/trace"' "and screen-complete"

# Scroll to the bottom: the next calls are for the bottom rows.
proxy_reset
tmux_send G
tmux_wait_for '^worker ' 10
tap_ok $? "G shows the bottom rows"
wait_count requests DescribeServices 4 90
tap_ok $? "a refresh follows"
next=$(describes DescribeServices 0 4)
lo=$((total - 3 * page - 10))
tap_ok 'within "$lo" "$total" <<<"$next"' \
    "the next DescribeServices name the bottom pages, not the top ones"
tap_ok 'grep -qx worker <<<"$next" && grep -qx web <<<"$next"' "among them the last rows, web and worker" ||
    tap_diag "$(tr '\n' ' ' <<<"$next")"
wait_count requests DescribeTargetHealth "$page" 90
tap_ok 'describes DescribeTargetHealth 0 10 | within "$lo" "$total"' \
    "the next DescribeTargetHealth calls are the bottom rows' target groups"

tmux_send q
tap_is "$(tmux_wait_exit 10)" 0 "q quits with status 0"
tap_done
