#!/usr/bin/env python3
"""botocore as the oracle of ondeck's decoders: what botocore parses from each decoder fixture.

For every body in tests/unit/data/decoders, botocore's own parser for the service's protocol
(botocore.parsers, through tests/lib/awsemu/wire.py parse_answer) reads the same bytes
ondeck's decoder reads, and this tool writes the values of the fields ondeck decodes, one
line each, to tests/unit/data/decoders/oracle.tsv:

    FIXTURE <TAB> PATH <TAB> VALUE

PATH is botocore's (the model's member names, list items as [i], `#` for a list's length);
VALUE is a string with \\ \\t \\n \\r and other control bytes escaped (\\xNN), an integer, true
or false, a double as %.17g, or a timestamp as epoch seconds (%.3f, or whole seconds for the
formats ondeck keeps as time_t). tests/unit/test_oracle.c decodes each fixture with ondeck and
checks every line against ondeck's result; tests/unit/oracle_fresh.sh re-runs this tool and
fails when the committed file is stale (a fixture or a field list changed).

Only fields ondeck keeps unchanged are listed; what ondeck derives (a task's id, a private IP
picked from the attachments) is checked by test_decoders.c. ondeck's own shapes follow AWS's
semantics where they differ from a plain copy, and the lines say so: metric points are sorted
oldest first (`points`), a service keeps its first 20 events, a NextMarker counts only when
the page is truncated and an empty token is none.

Usage: tests/tools/botocore_oracle.py [OUTFILE]   (default: the committed oracle.tsv)
Needs: botocore (installed with moto).
"""

import datetime
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from awsemu import wire  # noqa: E402

DATA = os.path.join(HERE, "..", "unit", "data", "decoders")

# Fixture name prefix -> (service, operation); the longest prefix wins.
OPS = {
    "ecs_list_clusters": ("ecs", "ListClusters"),
    "ecs_list_services": ("ecs", "ListServices"),
    "ecs_list_tasks": ("ecs", "ListTasks"),
    "ecs_list_container_instances": ("ecs", "ListContainerInstances"),
    "ecs_list_task_definitions": ("ecs", "ListTaskDefinitions"),
    "ecs_describe_clusters": ("ecs", "DescribeClusters"),
    "ecs_describe_services": ("ecs", "DescribeServices"),
    "ecs_describe_tasks": ("ecs", "DescribeTasks"),
    "ecs_describe_container_instances": ("ecs", "DescribeContainerInstances"),
    "ecs_describe_task_definition": ("ecs", "DescribeTaskDefinition"),
    "ecs_list_service_deployments": ("ecs", "ListServiceDeployments"),
    "ecs_describe_service_deployments": ("ecs", "DescribeServiceDeployments"),
    "ecs_describe_service_revisions": ("ecs", "DescribeServiceRevisions"),
    "cw_get_metric_data": ("cloudwatch", "GetMetricData"),
    "cw_describe_alarms": ("cloudwatch", "DescribeAlarms"),
    "elbv2_describe_target_groups": ("elbv2", "DescribeTargetGroups"),
    "elbv2_describe_target_health": ("elbv2", "DescribeTargetHealth"),
    "elbv2_describe_load_balancers": ("elbv2", "DescribeLoadBalancers"),
    "cf_list_distributions": ("cloudfront", "ListDistributions"),
    "cf_get_distribution": ("cloudfront", "GetDistribution"),
    "cf_list_invalidations": ("cloudfront", "ListInvalidations"),
    "cf_get_invalidation": ("cloudfront", "GetInvalidation"),
    "cf_create_invalidation": ("cloudfront", "CreateInvalidation"),
    "aas_describe_scalable_targets": ("application-autoscaling", "DescribeScalableTargets"),
    "aas_describe_scaling_policies": ("application-autoscaling", "DescribeScalingPolicies"),
    "aas_describe_scaling_activities": ("application-autoscaling", "DescribeScalingActivities"),
}

FAILURES = ["failures[].arn", "failures[].reason", "failures[].detail"]
DEPLOYMENT = ["id", "status", "rolloutState", "rolloutStateReason", "taskDefinition",
              "launchType", "desiredCount", "runningCount", "pendingCount", "failedTasks",
              "createdAt", "updatedAt"]
CONTAINER = ["name", "image", "imageDigest", "lastStatus", "healthStatus", "reason", "exitCode"]
BINDING = ["bindIP", "containerPort", "hostPort", "protocol", "containerPortRange",
           "hostPortRange"]
SUMMARY_CONFIG = ["Enabled", "Comment", "Aliases.Items[]", "Origins.Items[].Id",
                  "Origins.Items[].DomainName"]


def under(prefix, names):
    return [f"{prefix}{n}" for n in names]


# The fields ondeck decodes, as botocore paths ("[]" walks a list). TIME0: whole seconds.
FIELDS = {
    "ListClusters": ["clusterArns[]", "nextToken"],
    "ListServices": ["serviceArns[]", "nextToken"],
    "ListTasks": ["taskArns[]", "nextToken"],
    "ListContainerInstances": ["containerInstanceArns[]", "nextToken"],
    "ListTaskDefinitions": ["taskDefinitionArns[]", "nextToken"],
    "DescribeClusters": under("clusters[].", [
        "clusterArn", "clusterName", "status", "runningTasksCount", "pendingTasksCount",
        "activeServicesCount", "registeredContainerInstancesCount"]),
    "DescribeServices": under("services[].", [
        "serviceArn", "serviceName", "clusterArn", "status", "launchType", "taskDefinition",
        "schedulingStrategy", "desiredCount", "runningCount", "pendingCount", "createdAt",
        "deploymentConfiguration.deploymentCircuitBreaker.enable",
        "deploymentConfiguration.deploymentCircuitBreaker.rollback",
        "deploymentConfiguration.maximumPercent",
        "deploymentConfiguration.minimumHealthyPercent"] +
        under("deployments[].", DEPLOYMENT) +
        ["events[].id", "events[].createdAt", "events[].message",
         "loadBalancers[].targetGroupArn", "loadBalancers[].loadBalancerName",
         "loadBalancers[].containerName", "loadBalancers[].containerPort"]) + FAILURES,
    "DescribeTasks": under("tasks[].", [
        "taskArn", "clusterArn", "lastStatus", "desiredStatus", "healthStatus",
        "taskDefinitionArn", "group", "startedBy", "launchType", "containerInstanceArn",
        "availabilityZone", "stopCode", "stoppedReason", "createdAt", "startedAt",
        "stoppingAt", "stoppedAt"] + under("containers[].", CONTAINER) +
        under("containers[].networkBindings[].", BINDING)) + FAILURES,
    "DescribeContainerInstances": under("containerInstances[].", [
        "containerInstanceArn", "ec2InstanceId", "status", "agentConnected"]),
    "DescribeTaskDefinition": under("taskDefinition.", [
        "taskDefinitionArn", "family", "revision", "status", "networkMode", "cpu", "memory",
        "registeredAt"] + under("containerDefinitions[].", [
            "name", "image", "essential", "logConfiguration.logDriver",
            "logConfiguration.options.awslogs-group", "logConfiguration.options.awslogs-region",
            "logConfiguration.options.awslogs-stream-prefix"])),
    "GetMetricData": ["MetricDataResults[].Id", "MetricDataResults[].Label",
                      "MetricDataResults[].StatusCode", "MetricDataResults[].points",
                      "NextToken"],
    "DescribeAlarms": under("MetricAlarms[].", [
        "AlarmName", "AlarmArn", "StateValue", "StateReason", "StateUpdatedTimestamp",
        "Namespace", "MetricName", "Statistic", "Threshold", "ComparisonOperator",
        "Dimensions[].Name", "Dimensions[].Value", "Metrics[].Id",
        "Metrics[].MetricStat.Metric.Dimensions[].Name",
        "Metrics[].MetricStat.Metric.Dimensions[].Value"]) + ["NextToken"],
    "DescribeTargetGroups": under("TargetGroups[].", [
        "TargetGroupArn", "TargetGroupName", "TargetType", "Protocol", "Port",
        "HealthCheckPath", "LoadBalancerArns[]"]) + ["NextMarker"],
    "DescribeTargetHealth": under("TargetHealthDescriptions[].", [
        "Target.Id", "Target.Port", "Target.AvailabilityZone", "TargetHealth.State",
        "TargetHealth.Reason", "TargetHealth.Description"]),
    "DescribeLoadBalancers": under("LoadBalancers[].", [
        "LoadBalancerArn", "LoadBalancerName", "DNSName", "Type", "State.Code"]) +
        ["NextMarker"],
    "ListDistributions": under("DistributionList.Items[].", [
        "Id", "ARN", "DomainName", "Status"] + SUMMARY_CONFIG) + ["DistributionList.NextMarker"],
    "GetDistribution": under("Distribution.", ["Id", "ARN", "DomainName", "Status"] +
                             under("DistributionConfig.", SUMMARY_CONFIG)),
    "ListInvalidations": under("InvalidationList.Items[].", ["Id", "Status", "CreateTime"]) +
        ["InvalidationList.NextMarker"],
    "GetInvalidation": under("Invalidation.", [
        "Id", "Status", "CreateTime", "InvalidationBatch.Paths.Items[]",
        "InvalidationBatch.CallerReference"]),
    "DescribeScalableTargets": under("ScalableTargets[].", [
        "ResourceId", "MinCapacity", "MaxCapacity", "CreationTime",
        "SuspendedState.DynamicScalingInSuspended", "SuspendedState.DynamicScalingOutSuspended",
        "SuspendedState.ScheduledScalingSuspended"]) + ["NextToken"],
    "DescribeScalingPolicies": under("ScalingPolicies[].", [
        "PolicyName", "PolicyType", "TargetTrackingScalingPolicyConfiguration.TargetValue",
        "TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification."
        "PredefinedMetricType"]) + ["NextToken"],
    "DescribeScalingActivities": under("ScalingActivities[].", [
        "Description", "Cause", "StatusCode", "StatusMessage", "StartTime", "EndTime"]) +
        ["NextToken"],
}
FIELDS["CreateInvalidation"] = FIELDS["GetInvalidation"]
SD_REVISION = ["arn", "requestedTaskCount", "runningTaskCount", "pendingTaskCount",
               "requestedProductionTrafficWeight", "requestedTestTrafficWeight"]
FIELDS["ListServiceDeployments"] = ["serviceDeployments[].serviceDeploymentArn", "nextToken"]
FIELDS["DescribeServiceDeployments"] = under("serviceDeployments[].", [
    "serviceDeploymentArn", "serviceArn", "clusterArn", "status", "statusReason",
    "lifecycleStage", "deploymentConfiguration.strategy",
    "deploymentConfiguration.bakeTimeInMinutes", "createdAt", "startedAt", "updatedAt",
    "finishedAt", "deploymentCircuitBreaker.status", "deploymentCircuitBreaker.failureCount",
    "deploymentCircuitBreaker.threshold", "alarms.status", "alarms.triggeredAlarmNames[]",
    "rollback.reason", "rollback.serviceRevisionArn", "rollback.startedAt"] +
    under("targetServiceRevision.", SD_REVISION) + under("sourceServiceRevisions[].", SD_REVISION) +
    under("lifecycleHookDetails[].", ["hookId", "targetType", "status", "timeoutAction",
                                      "expiresAt"]))
FIELDS["DescribeServiceRevisions"] = under("serviceRevisions[].", [
    "serviceRevisionArn", "serviceArn", "taskDefinition", "launchType", "platformVersion",
    "createdAt"])

TIME0 = {"CreateTime"}      # restXml timestamps ondeck keeps as time_t
CAP = {"events": 20}        # ondeck keeps a service's first 20 events (newest first)
TOKENS = {"nextToken", "NextToken", "NextMarker"}


def escape(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7f:
            out.append("\\x%02X" % o)
        else:
            out.append(ch)
    return "".join(out)


def fmt(name, v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "%.17g" % v
    if isinstance(v, datetime.datetime):
        ts = v.timestamp()
        return str(int(ts // 1)) if name in TIME0 else "%.3f" % ts
    return escape(str(v))


def metric_points(result):
    pts = sorted(zip(result.get("Timestamps") or [], result.get("Values") or []),
                 key=lambda p: p[0])
    return ["%d %s" % (int(t.timestamp()), "%.17g" % v) for t, v in pts]


def walk(node, parts, path, out, seen_counts, op, root):
    if node is None:
        return
    head, rest = parts[0], parts[1:]
    is_list = head.endswith("[]")
    name = head[:-2] if is_list else head
    if op == "GetMetricData" and name == "points":
        for i, p in enumerate(metric_points(node)):
            out.add((f"{path}points[{i}]", p))
        out.add((f"{path}points#", str(len(metric_points(node)))))
        return
    if not isinstance(node, dict) or name not in node:
        return
    value = node[name]
    if name in TOKENS:
        truncated = root.get("IsTruncated", True) if isinstance(root, dict) else True
        if not value or not truncated:
            return
    if is_list:
        items = list(value or [])[:CAP.get(name, None)]
        key = f"{path}{name}#"
        if key not in seen_counts:
            seen_counts.add(key)
            out.add((key, str(len(items))))
        for i, item in enumerate(items):
            here = f"{path}{name}[{i}]"
            if rest:
                walk(item, rest, here + ".", out, seen_counts, op, root)
            elif item is not None:
                out.add((here, fmt(name, item)))
        return
    if rest:
        # A NextMarker counts only on a truncated page: IsTruncated sits next to it.
        if isinstance(value, dict) and "IsTruncated" in value:
            root = value
        walk(value, rest, f"{path}{name}.", out, seen_counts, op, root)
    elif value is not None:
        out.add((f"{path}{name}", fmt(name, value)))


def op_of(fixture):
    best = None
    for prefix, op in OPS.items():
        if fixture.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, op)
    return best[1] if best else None


def oracle_lines():
    lines = []
    for fixture in sorted(os.listdir(DATA)):
        found = op_of(fixture)
        if found is None:
            continue
        service, op = found
        with open(os.path.join(DATA, fixture), "rb") as f:
            body = f.read()
        protocol = "json" if service == "cloudwatch" else wire.model(service).protocol
        parsed = wire.parse_answer(service, op, protocol, 200, [], body)
        out, seen = set(), set()
        for spec in FIELDS[op]:
            walk(parsed, spec.split("."), "", out, seen, op, parsed)
        for path, value in sorted(out):
            lines.append(f"{fixture}\t{path}\t{value}")
    return lines


def main():
    dest = sys.argv[1] if len(sys.argv) > 1 else os.path.join(DATA, "oracle.tsv")
    lines = oracle_lines()
    with open(dest, "w", encoding="utf-8", newline="\n") as f:
        f.write("# botocore's parse of each fixture, written by tests/tools/botocore_oracle.py:"
                " do not edit\n")
        for line in lines:
            f.write(line + "\n")
    print(f"{dest}: {len(lines)} values")


if __name__ == "__main__":
    main()
