#!/usr/bin/env bash
# bench/cli_gather.sh CLUSTER OUTDIR - what `ondeck status --json` shows, gathered the way an
# operator scripts it with the AWS CLI: one `aws` command after another, each output saved.
#
#   aws ecs list-services                          (the CLI follows nextToken itself)
#   aws ecs describe-services     10 services per invocation
#   aws ecs list-tasks
#   aws ecs describe-tasks        100 tasks per invocation
#   aws elbv2 describe-target-groups               (load balancer ARNs for the ALB metrics)
#   aws elbv2 describe-target-health               one invocation per target group
#   aws cloudwatch get-metric-data                 500 queries per invocation: CPU and memory
#                                                  per service; requests, latency, 5xx per
#                                                  target group (what ondeck asks for)
#   aws cloudwatch describe-alarms
#
# Every invocation is timed into OUTDIR/timings.tsv (class, seconds) and the number each class
# needs for the whole cluster goes to OUTDIR/needed.tsv (class, count). With
# BENCH_CLI_SAMPLE=N (N > 0) at most N invocations of each batched class are run; the caller
# extrapolates from the mean (bench/report.py labels the figure "extrapolated").
# Uses the environment's AWS settings (AWS_ENDPOINT_URL points at the delay proxy).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

cluster=$1
out=$2
sample=${BENCH_CLI_SAMPLE:-0}
: "${PYTHON3:=python3}"
mkdir -p "$out/data"
: >"$out/timings.tsv"
: >"$out/needed.tsv"

now() { printf '%s' "${EPOCHREALTIME/./}"; } # microseconds

# run CLASS OUTFILE aws-args...: one timed invocation, output kept like a script would.
run()
{
    local class=$1 file=$2 t0 t1 rc
    shift 2
    t0=$(now)
    aws "$@" --output json >"$file" 2>>"$out/errors.log"
    rc=$?
    t1=$(now)
    printf '%s\t%s\n' "$class" "$(((t1 - t0)))" >>"$out/timings.tsv"
    [ "$rc" = 0 ] || echo "aws $* failed ($rc)" >>"$out/errors.log"
    return "$rc"
}

needed() { printf '%s\t%s\n' "$1" "$2" >>"$out/needed.tsv"; }

# Take at most $sample items of an array name (all when sample is 0).
limit() { if [ "$sample" -gt 0 ] && [ "$1" -gt "$sample" ]; then echo "$sample"; else echo "$1"; fi; }

json() { "$PYTHON3" -c "$1" "${@:2}"; }

# -- services ---------------------------------------------------------------------------------
run list-services "$out/data/services.json" ecs list-services --cluster "$cluster"
needed list-services 1
mapfile -t services < <(json 'import json,sys
for a in json.load(open(sys.argv[1]))["serviceArns"]: print(a)' "$out/data/services.json")
nsvc=${#services[@]}
nbatch=$(((nsvc + 9) / 10))
needed describe-services "$nbatch"
for ((b = 0; b < $(limit "$nbatch"); b++)); do
    run describe-services "$out/data/describe-services-$b.json" ecs describe-services \
        --cluster "$cluster" --services "${services[@]:b*10:10}"
done

# -- tasks ------------------------------------------------------------------------------------
run list-tasks "$out/data/tasks.json" ecs list-tasks --cluster "$cluster"
needed list-tasks 1
mapfile -t tasks < <(json 'import json,sys
for a in json.load(open(sys.argv[1]))["taskArns"]: print(a)' "$out/data/tasks.json")
ntask=${#tasks[@]}
nbatch=$(((ntask + 99) / 100))
needed describe-tasks "$nbatch"
for ((b = 0; b < $(limit "$nbatch"); b++)); do
    run describe-tasks "$out/data/describe-tasks-$b.json" ecs describe-tasks \
        --cluster "$cluster" --tasks "${tasks[@]:b*100:100}"
done

# -- target groups ----------------------------------------------------------------------------
run describe-target-groups "$out/data/target-groups.json" elbv2 describe-target-groups
needed describe-target-groups 1
# The target groups of the services described (all of them unless sampling), and how many the
# whole cluster has (scaled by the share of services described when sampling).
mapfile -t tgs < <(json 'import glob,json,sys
seen = []
for f in sorted(glob.glob(sys.argv[1] + "/describe-services-*.json")):
    for s in json.load(open(f))["services"]:
        for lb in s.get("loadBalancers", []):
            if lb.get("targetGroupArn") and lb["targetGroupArn"] not in seen:
                seen.append(lb["targetGroupArn"])
for a in seen: print(a)' "$out/data")
described=$(json 'import glob,json,sys
print(sum(len(json.load(open(f))["services"]) for f in glob.glob(sys.argv[1] + "/describe-services-*.json")))' "$out/data")
[ "$described" -gt 0 ] || described=1
ntg_all=$(((${#tgs[@]} * nsvc + described / 2) / described))
needed describe-target-health "$ntg_all"
for ((i = 0; i < $(limit "${#tgs[@]}"); i++)); do
    run describe-target-health "$out/data/target-health-$i.json" elbv2 describe-target-health \
        --target-group-arn "${tgs[i]}"
done

# -- metrics: the same queries ondeck makes, 500 per call -------------------------------------
nq=$(json 'import glob,json,sys,time
d, cluster, nsvc = sys.argv[1], sys.argv[2], int(sys.argv[3])
svcs = []
for f in sorted(glob.glob(d + "/describe-services-*.json")):
    svcs += [s["serviceName"] for s in json.load(open(f))["services"]]
lbs = {tg["TargetGroupArn"]: tg.get("LoadBalancerArns", [])
       for tg in json.load(open(d + "/target-groups.json"))["TargetGroups"]}
q = []
def add(ns, name, stat, dims):
    q.append({"Id": "m%d" % len(q), "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": ns, "MetricName": name,
                   "Dimensions": [{"Name": k, "Value": v} for k, v in dims]},
        "Period": 60, "Stat": stat}})
for s in svcs:
    for m in ("CPUUtilization", "MemoryUtilization"):
        add("AWS/ECS", m, "Average", [("ClusterName", cluster), ("ServiceName", s)])
tgs = set()
for f in sorted(glob.glob(d + "/describe-services-*.json")):
    for s in json.load(open(f))["services"]:
        for lb in s.get("loadBalancers", []):
            tgs.add(lb.get("targetGroupArn"))
for tg in sorted(t for t in tgs if t):
    tgdim = tg.split(":")[-1]
    for lb in lbs.get(tg, [])[:1]:
        lbdim = lb.split(":loadbalancer/")[-1]
        for m, st in (("RequestCount", "Sum"), ("TargetResponseTime", "Average"),
                      ("HTTPCode_Target_5XX_Count", "Sum")):
            add("AWS/ApplicationELB", m, st, [("TargetGroup", tgdim), ("LoadBalancer", lbdim)])
for i in range(0, len(q), 500):
    json.dump(q[i:i + 500], open(d + "/queries-%d.json" % (i // 500), "w"))
# the whole cluster: scale by the share of services described
print(round(len(q) * nsvc / max(len(svcs), 1)))' "$out/data" "$cluster" "$nsvc")
nbatch=$(((nq + 499) / 500))
needed get-metric-data "$nbatch"
printf '%s\n' "$nq" >"$out/metric-queries"
end=$(date -u +%Y-%m-%dT%H:%M:00Z)
start=$(date -u -d '-30 min' +%Y-%m-%dT%H:%M:00Z)
b=0
for f in "$out"/data/queries-*.json; do
    [ -e "$f" ] || break
    [ "$sample" -gt 0 ] && [ "$b" -ge "$sample" ] && break
    run get-metric-data "$out/data/metric-data-$b.json" cloudwatch get-metric-data \
        --metric-data-queries "file://$f" --start-time "$start" --end-time "$end"
    b=$((b + 1))
done

# -- alarms -----------------------------------------------------------------------------------
run describe-alarms "$out/data/alarms.json" cloudwatch describe-alarms
needed describe-alarms 1
exit 0
