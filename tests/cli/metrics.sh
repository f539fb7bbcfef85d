#!/usr/bin/env bash
# Metrics against an independent reader: what `ondeck metrics` (text and --json) and
# `status --json` show for each service's CPU, memory, requests, 5XX and latency is compared
# with what boto3 reads from CloudWatch with GetMetricStatistics (a different API from the
# GetMetricData ondeck uses), over the same window, period (60 s) and statistic (Average for
# CPU, memory and latency, Sum for requests and 5XX). Two extra points in one minute make
# Average and Sum differ, so the wrong statistic cannot pass.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small --no-logs --no-cloudfront >"$world" || tap_bail "seeding failed"

# Two points in the newest minute for api's memory and its 5XX, as a second reporter would.
"$PYTHON3" - "$world" <<'PY' || tap_bail "adding points failed"
import boto3, datetime, json, os, sys
w = json.load(open(sys.argv[1]))
cw = boto3.client("cloudwatch", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
end = w["metrics"]["end"]
ts = datetime.datetime.fromtimestamp(end - 60, datetime.timezone.utc)
dims = [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": "api"}]
cw.put_metric_data(Namespace="AWS/ECS", MetricData=[
    {"MetricName": "MemoryUtilization", "Dimensions": dims, "Timestamp": ts, "Value": 90.0,
     "Unit": "Percent"}])
api = [s for s in w["services"] if s["name"] == "api"][0]
tg = [t for t in w["target_groups"] if t["arn"] == api["target_group_arn"]][0]
tdims = [{"Name": "LoadBalancer", "Value": tg["lb_dimension"]},
         {"Name": "TargetGroup", "Value": tg["arn"].split(":", 5)[5]}]
cw.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[
    {"MetricName": "HTTPCode_Target_5XX_Count", "Dimensions": tdims, "Timestamp": ts,
     "Value": 5.0, "Unit": "Count"},
    {"MetricName": "TargetResponseTime", "Dimensions": tdims, "Timestamp": ts,
     "Value": 0.5, "Unit": "Seconds"}])
PY

for s in web api worker; do
    "$ONDECK" metrics --cluster prod --service "$s" --json >"$TAP_TMPDIR/m-$s.json" 2>"$TAP_TMPDIR/m-$s.err"
    tap_is "$?" 0 "metrics --json for $s exits 0" || tap_diag "$(cat "$TAP_TMPDIR/m-$s.err")"
    "$ONDECK" metrics --cluster prod --service "$s" >"$TAP_TMPDIR/m-$s.txt" 2>&1
    tap_is "$?" 0 "metrics (text) for $s exits 0"
done
"$ONDECK" status --cluster prod --json >"$TAP_TMPDIR/status.json" 2>"$TAP_TMPDIR/status.err"
tap_is "$?" 0 "status --json exits 0" || tap_diag "$(cat "$TAP_TMPDIR/status.err")"

# The comparison prints TAP lines itself; its exit status and its count are checked too.
cmp=$("$PYTHON3" - "$world" "$TAP_TMPDIR" <<'PY'
import boto3, datetime, json, os, sys
w, tmp = json.load(open(sys.argv[1])), sys.argv[2]
cw = boto3.client("cloudwatch", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
now = datetime.datetime.now(datetime.timezone.utc).timestamp()
end = (int(now) // 60 + 1) * 60
start = end - 3600
STAT = {"CPUUtilization": "Average", "MemoryUtilization": "Average", "RequestCount": "Sum",
        "HTTPCode_Target_5XX_Count": "Sum", "TargetResponseTime": "Average"}

def boto_series(ns, name, dims):
    r = cw.get_metric_statistics(Namespace=ns, MetricName=name, Dimensions=dims, Period=60,
                                 StartTime=start, EndTime=end, Statistics=[STAT[name]])
    pts = sorted(r["Datapoints"], key=lambda p: p["Timestamp"])
    return [round(p[STAT[name]], 6) for p in pts]

def expected(svc):
    s = [x for x in w["services"] if x["name"] == svc][0]
    out = {}
    dims = [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": svc}]
    for m in ("CPUUtilization", "MemoryUtilization"):
        out[m] = boto_series("AWS/ECS", m, dims)
    for m in ("RequestCount", "HTTPCode_Target_5XX_Count", "TargetResponseTime"):
        out[m] = []
    if s.get("target_group_arn"):
        tg = [t for t in w["target_groups"] if t["arn"] == s["target_group_arn"]][0]
        tdims = [{"Name": "LoadBalancer", "Value": tg["lb_dimension"]},
                 {"Name": "TargetGroup", "Value": tg["arn"].split(":", 5)[5]}]
        for m in ("RequestCount", "HTTPCode_Target_5XX_Count", "TargetResponseTime"):
            out[m] = boto_series("AWS/ApplicationELB", m, tdims)
    return out

n = 0
def check(ok, desc, got=None, want=None):
    global n
    n += 1
    print(("ok" if ok else "not ok") + " - " + desc)
    if not ok:
        print(f"# got:  {got}\n# want: {want}")

status = {s["serviceName"]: s for s in json.load(open(f"{tmp}/status.json"))["services"]}
for svc in ("web", "api", "worker"):
    want = expected(svc)
    mj = json.load(open(f"{tmp}/m-{svc}.json"))["metrics"]
    text = open(f"{tmp}/m-{svc}.txt").read().splitlines()
    for m, wv in want.items():
        got = [round(v, 6) for v in mj.get(m, [])]
        check(got == wv, f"{svc} {m}: metrics --json = boto3 GetMetricStatistics {STAT[m]}", got, wv)
        sg = [round(v, 6) for v in status[svc]["metrics"].get(m, [])]
        check(sg == wv, f"{svc} {m}: status --json = boto3", sg, wv)
        row = [l.split() for l in text if l.split()[:1] == [m]]
        if wv:
            ok = bool(row) and [float(x) for x in row[0][1:4]] == [round(wv[-1], 2), round(min(wv), 2), round(max(wv), 2)] \
                and int(row[0][4]) == len(wv)
            check(ok, f"{svc} {m}: metrics text LATEST/MIN/MAX/POINTS = boto3", row[0] if row else None,
                  [round(wv[-1], 2), round(min(wv), 2), round(max(wv), 2), len(wv)])
print(f"# {n} comparisons")
print(f"COUNT {n}")
PY
)
cmp_rc=$?
while IFS= read -r line; do
    case $line in
        "ok - "*) tap_ok 0 "${line#ok - }" ;;
        "not ok - "*) tap_ok 1 "${line#not ok - }" ;;
        "# "*) tap_diag "${line#\# }" ;;
    esac
done <<<"$cmp"
tap_is "$cmp_rc" 0 "the comparison ran to its end"
tap_like "$cmp" 'COUNT (4[0-9]|[5-9][0-9])' "and compared every series (at least 40 comparisons)"

tap_done
