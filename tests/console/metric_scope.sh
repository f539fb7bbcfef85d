#!/bin/bash
# GetMetricData is billed per metric, so the console asks series only for the services it
# shows (a page either side of the screen). On a 100-service cluster in a 30-line terminal:
# scrolling to the bottom fetches the bottom rows' series within seconds, and not the top
# rows'; a sort by CPU needs every service's series and asks for all of them.
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"
. "$ONDECK_SRCDIR/tests/lib/tmux.sh"

tap_require tmux
moto_start || tap_bail "moto did not start"
# Series only for legacy-web, web, api and worker: by name, api and legacy-web sort first
# and web and worker last (moto's GetMetricData slows with every stored point).
seed_world --size 100 --metric-services 4 --no-logs >"$TAP_TMPDIR/world.json" ||
    tap_bail "seeding failed"
proxy_start || tap_bail "proxy did not start"
total=$("$PYTHON3" -c 'import json, sys
print(sum(s["cluster"] == "prod" for s in json.load(open(sys.argv[1]))["services"]))' \
    "$TAP_TMPDIR/world.json")

export ONDECK_THEMEDIR="$ONDECK_SRCDIR/themes" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR

# request_with NAME: the services (one a line) of the latest GetMetricData request since the
# last reset that named NAME; nothing when none did. Requests are judged one by one: a
# regular once-a-minute metrics refresh may land at any time with the scope of its moment.
request_with()
{
    proxy_stats | "$PYTHON3" -c 'import json, sys
reqs = [r for r in json.load(sys.stdin).get("metric_requests", []) if sys.argv[1] in r]
print("\n".join(reqs[-1]) if reqs else "")' "$1"
}
# wait_request NAME SECONDS [MIN]: until a request named NAME (and at least MIN services).
wait_request()
{
    local deadline=$((SECONDS + $2)) r
    while [ "$SECONDS" -lt "$deadline" ]; do
        r=$(request_with "$1")
        [ -n "$r" ] && [ "$(grep -c . <<<"$r")" -ge "${3:-1}" ] && return 0
        sleep 0.2
    done
    return 1
}

tmux_wrapper "$TAP_TMPDIR/run.sh"
tmux_start 120 30 "$TAP_TMPDIR/run.sh" "$ONDECK" --cluster prod || tap_bail "tmux did not start"

tmux_wait_for '^api .*[▁▂▃▄▅▆▇█]+ [0-9]+' 30
tap_ok $? "the top rows show their CPU series (the first refresh asks for every service)"
s=$(tmux_capture)
page=$(grep -cE '^(svc-[0-9]+|api|legacy-web|web|worker) ' <<<"$s")
tap_ok '[ "$page" -ge 20 ]' "a page of the table is on screen ($page rows)"

# Scroll to the bottom: those rows were outside the scope, so a refresh follows soon.
proxy_reset
tmux_send G
wait_request worker 20
tap_ok $? "scrolling past the scope fetches the bottom rows' metrics within seconds"
a=$(request_with worker)
n=$(grep -c . <<<"$a")
asked_for() { grep -qx -- "$1" <<<"$a"; }
tap_ok 'asked_for web' "that request names web too, on the bottom page"
tap_ok '! asked_for api' "but not the top row (api), pages away"
tap_ok '[ "$n" -ge "$page" ] && [ "$n" -le $((2 * page + 2)) ]' \
    "its scope is the bottom page and the page above it ($n of $total services, page $page)"
tmux_wait_for '^worker .*[▁▂▃▄▅▆▇█]+ [0-9]+' 20
tap_ok $? "worker shows its CPU series"

# A sort by a metric column needs every service's series.
proxy_reset
tmux_send ':'
tmux_type 'sort cpu% desc'
tmux_send Enter
tmux_wait_for 'CPU% ▼' 5
tap_ok $? ":sort cpu% marks the column"
# Every service, in one GetMetricData or several (500 queries a request).
asked_count() { proxy_stats | "$PYTHON3" -c 'import json, sys
print(len(json.load(sys.stdin).get("metric_services", {})))'; }
for _ in $(seq 100); do [ "$(asked_count)" -ge "$total" ] && break; sleep 0.2; done
tap_is "$(asked_count)" "$total" "sorting by CPU fetches every service's series"
# The cursor stayed on worker; g goes to the top, where web's climbing CPU sorts first.
tmux_send g
tmux_wait_for '^web .*[▁▂▃▄▅▆▇█]+ 97' 20
tap_ok $? "web, the busiest, shows its series"
tap_like "$(tmux_capture | sed -n 4p)" '^web ' "and sorts first"

tmux_send q
tap_is "$(tmux_wait_exit 10)" 0 "q quits with status 0"
tap_done
