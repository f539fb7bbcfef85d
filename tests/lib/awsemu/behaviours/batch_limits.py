"""Batch limits: a request naming more resources than AWS allows in one call is refused."""

from awsemu import AwsError, Behaviour

# (service, operation, parameter, most, status, code, message). Limits the botocore model
# already states as a list's "max" (FilterLogEvents logStreamNames 100, DescribeAlarms
# AlarmNames 100, ECR imageIds 100) are checked by the layer's validation, not here.
LIMITS = [
    ("ecs", "DescribeServices", "services", 10, 400, "InvalidParameterException",
     "service names can have at most 10 items."),
    ("ecs", "DescribeTasks", "tasks", 100, 400, "InvalidParameterException",
     "tasks can have at most 100 items."),
    ("ecs", "DescribeClusters", "clusters", 100, 400, "InvalidParameterException",
     "clusters can have at most 100 items."),
    ("ecs", "DescribeContainerInstances", "containerInstances", 100, 400,
     "InvalidParameterException", "containerInstances can have at most 100 items."),
    # The message in the form of ECS's other list limits (the API Reference gives the limit,
    # "You can specify a maximum of 20 ARNs", not the error text).
    ("ecs", "DescribeServiceDeployments", "serviceDeploymentArns", 20, 400,
     "InvalidParameterException", "serviceDeploymentArns can have at most 20 items."),
    ("ecs", "DescribeServiceRevisions", "serviceRevisionArns", 20, 400,
     "InvalidParameterException", "serviceRevisionArns can have at most 20 items."),
    ("cloudwatch", "GetMetricData", "MetricDataQueries", 500, 400, "ValidationError",
     "The collection MetricDataQueries must not have a size greater than 500."),
    ("elbv2", "DescribeTargetGroups", "TargetGroupArns", 20, 400, "ValidationError",
     "You cannot describe more than '20' target groups at a time"),
    ("elbv2", "DescribeLoadBalancers", "LoadBalancerArns", 20, 400, "ValidationError",
     "You cannot describe more than '20' load balancers at a time"),
]


class BatchLimits(Behaviour):
    """AWS refuses a Describe call that names more resources than the operation takes at
    once: ECS DescribeServices 10 services, DescribeTasks, DescribeClusters and
    DescribeContainerInstances 100, DescribeServiceDeployments and DescribeServiceRevisions 20
    ARNs, CloudWatch GetMetricData 500 queries, ELBv2
    DescribeTargetGroups and DescribeLoadBalancers 20 ARNs; the limits are in the API
    references' text, not in the botocore model's constraints, so botocore sends such a
    request. moto answers every one of them. The layer answers AWS's error (ECS
    InvalidParameterException "service names can have at most 10 items.", ELBv2
    ValidationError "You cannot describe more than '20' target groups at a time") and counts
    the request as one that did not fit, so the test that sent it fails at its end."""
    name = "batch-limits"
    order = 20
    cite = ("ECS API Reference DescribeServices 'You may specify up to 10 services', "
            "DescribeTasks/DescribeContainerInstances 'A list of up to 100', DescribeClusters "
            "'up to 100 cluster names', DescribeServiceDeployments and DescribeServiceRevisions 'You "
            "can specify a maximum of 20 ARNs'; CloudWatch API Reference GetMetricData 'A single "
            "GetMetricData call can include as many as 500 MetricDataQuery structures'; ELBv2 "
            "DescribeLoadBalancers 'You can specify up to 20 load balancers in a single call' "
            "(target groups likewise, ValidationError); botocore ecs-2014-11-13 and "
            "monitoring-2010-08-01 documentation strings")

    def before(self, call):
        for service, op, param, most, status, code, message in LIMITS:
            if call.service == service and call.op == op:
                n = len(call.params.get(param) or [])
                if n > most:
                    self.count(op)
                    self.layer._invalid(call, f"{op}: {n} {param}, AWS takes at most {most}")
                    raise AwsError(status, code, message)
        return None


BEHAVIOURS = [BatchLimits]
