#!/usr/bin/env bash
# CloudFront against an independent reader: `ondeck distributions` (text and --json, with
# their latest invalidations and their metrics) compared with what boto3 reads with
# ListDistributions, ListInvalidations and GetMetricStatistics (AWS/CloudFront lives in
# us-east-1, dimensions DistributionId + Region=Global).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

moto_start || tap_bail "moto did not start"
world=$TAP_TMPDIR/world.json
seed_world --size small --no-logs >"$world" || tap_bail "seeding failed"

# Twelve invalidations on the first distribution (ondeck asks for 10 and, through the layer,
# gets 10 as from AWS), one on the second; CloudFront metrics for the first.
"$PYTHON3" - "$world" <<'PY' || tap_bail "setting up CloudFront failed"
import boto3, datetime, json, os, sys, time
w = json.load(open(sys.argv[1]))
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
cf, cw = boto3.client("cloudfront", **kw), boto3.client("cloudwatch", **kw)
d0, d1 = w["distributions"][0]["id"], w["distributions"][1]["id"]
for i in range(12):
    cf.create_invalidation(DistributionId=d0, InvalidationBatch={
        "Paths": {"Quantity": 1, "Items": [f"/p{i}"]}, "CallerReference": f"ref-{i}"})
cf.create_invalidation(DistributionId=d1, InvalidationBatch={
    "Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": "ref-d1"})
now = time.time()
dims = [{"Name": "DistributionId", "Value": d0}, {"Name": "Region", "Value": "Global"}]
data = []
for m in range(10):
    ts = datetime.datetime.fromtimestamp(now - (10 - m) * 60, datetime.timezone.utc)
    data.append({"MetricName": "Requests", "Dimensions": dims, "Timestamp": ts,
                 "Value": float(1000 + 37 * m), "Unit": "None"})
    data.append({"MetricName": "5xxErrorRate", "Dimensions": dims, "Timestamp": ts,
                 "Value": 0.5 * (m % 3), "Unit": "Percent"})
# A second report in the newest minute: Sum and Average (and Maximum) now differ.
ts = datetime.datetime.fromtimestamp(now - 60, datetime.timezone.utc)
data.append({"MetricName": "Requests", "Dimensions": dims, "Timestamp": ts, "Value": 5.0,
             "Unit": "None"})
data.append({"MetricName": "5xxErrorRate", "Dimensions": dims, "Timestamp": ts, "Value": 4.0,
             "Unit": "Percent"})
cw.put_metric_data(Namespace="AWS/CloudFront", MetricData=data)
PY

"$ONDECK" distributions --json >"$TAP_TMPDIR/d.json" 2>"$TAP_TMPDIR/d.err"
tap_is "$?" 0 "distributions --json exits 0" || tap_diag "$(cat "$TAP_TMPDIR/d.err")"
"$ONDECK" distributions >"$TAP_TMPDIR/d.txt" 2>&1
tap_is "$?" 0 "distributions (text) exits 0"

cmp=$("$PYTHON3" - "$TAP_TMPDIR" <<'PY'
import boto3, datetime, json, os, sys
tmp = sys.argv[1]
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
cf, cw = boto3.client("cloudfront", **kw), boto3.client("cloudwatch", **kw)
mine = {d["id"]: d for d in json.load(open(f"{tmp}/d.json"))["distributions"]}
text = open(f"{tmp}/d.txt").read()
items = cf.list_distributions()["DistributionList"]["Items"]
n = 0
def check(ok, desc, got=None, want=None):
    global n
    n += 1
    print(("ok" if ok else "not ok") + " - " + desc)
    if not ok:
        print(f"# got:  {got}\n# want: {want}")

check(sorted(mine) == sorted(d["Id"] for d in items), "the same distributions as ListDistributions",
      sorted(mine), sorted(d["Id"] for d in items))
for d in items:
    m = mine.get(d["Id"], {})
    i = d["Id"]
    conf = cf.get_distribution(Id=i)["Distribution"]["DistributionConfig"]
    # moto's summary leaves out some required fields; the distribution's config has them.
    for k in ("Enabled", "Comment", "Aliases", "Origins"):
        d.setdefault(k, conf[k])
    for key, want in (("arn", d["ARN"]), ("domainName", d["DomainName"]), ("status", d["Status"]),
                      ("enabled", d["Enabled"]), ("comment", d["Comment"]),
                      ("aliases", d["Aliases"].get("Items", [])),
                      ("origins", [{"id": o["Id"], "domainName": o["DomainName"]} for o in d["Origins"]["Items"]])):
        check(m.get(key) == want, f"{i} {key} = ListDistributions", m.get(key), want)
    line = [l for l in text.splitlines() if l.startswith(i + " ")]
    check(bool(line) and d["DomainName"] in line[0] and d["Status"] in line[0]
          and all(a in line[0] for a in d["Aliases"].get("Items", [])),
          f"{i}: the text row shows its domain, status and aliases", line)
    # moto ignores MaxItems; AWS (and the layer ondeck talks to) answers at most that many.
    inv = cf.list_invalidations(DistributionId=i, MaxItems="10")["InvalidationList"].get("Items", [])[:10]
    want = [{"id": x["Id"], "status": x["Status"],
             "createTime": int(x["CreateTime"].timestamp())} for x in inv]
    got = [{"id": x["id"], "status": x["status"], "createTime": int(x["createTime"])} for x in m.get("invalidations", [])]
    check(got == want, f"{i}: the latest invalidations = ListInvalidations (MaxItems 10), in its order", got, want)
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    end = (int(now) // 60 + 1) * 60
    for metric, stat in (("Requests", "Sum"), ("5xxErrorRate", "Average")):
        r = cw.get_metric_statistics(Namespace="AWS/CloudFront", MetricName=metric,
                                     Dimensions=[{"Name": "DistributionId", "Value": i},
                                                 {"Name": "Region", "Value": "Global"}],
                                     Period=60, StartTime=end - 3600, EndTime=end, Statistics=[stat])
        wantm = [round(p[stat], 6) for p in sorted(r["Datapoints"], key=lambda p: p["Timestamp"])]
        gotm = [round(v, 6) for v in m.get("metrics", {}).get(metric, [])]
        check(gotm == wantm, f"{i} {metric}: = GetMetricStatistics {stat} ({len(wantm)} points)", gotm, wantm)
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
tap_like "$cmp" 'COUNT (2[2-9]|[3-9][0-9])' "and made every comparison"
tap_ok '[ "$("$PYTHON3" -c "import json,sys; print(max(len(d[\"metrics\"][\"Requests\"]) for d in json.load(open(sys.argv[1]))[\"distributions\"]))" "$TAP_TMPDIR/d.json")" -ge 10 ]' \
    "a distribution's request series holds the points put (at least ten: the world has its own)"

tap_done
