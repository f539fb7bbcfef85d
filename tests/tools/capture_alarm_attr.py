#!/usr/bin/env python3
"""Write tests/unit/data/incident/cw_describe_alarms_attr.json, moto 5.2.1's DescribeAlarms
body for the alarms tests/unit/test_alarm_attr.c attributes to services.

The world the test builds around it: cluster `prod`, services `web` (target group
targetgroup/web-tg/ab5f8108d462a1b4) and `api` (targetgroup/api-tg/9c3d4e5f6a7b8c9d), both
behind the application load balancer app/shared-alb/50dc6c495c0c9188. The alarms:

  * web-cpu-high      ClusterName=prod, ServiceName=web                 -> web
  * staging-web-cpu   ClusterName=staging, ServiceName=web              -> none (other cluster)
  * web-tg-5xx        TargetGroup=web-tg + LoadBalancer=shared-alb      -> web (not api)
  * alb-elb-5xx       LoadBalancer=shared-alb only (HTTPCode_ELB_5XX)   -> web and api
  * api-latency-math  metric math on api-tg's TargetResponseTime        -> api
  * both-cpu-math     metric math over web's and api's CPUUtilization   -> web and api
  * queue-depth       a custom metric with no dimensions                -> none
  * db-cpu            AWS/RDS DBInstanceIdentifier=db1                  -> none

Usage: tests/tools/capture_alarm_attr.py [OUTFILE]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture_decoders as cd  # noqa: E402 - start_moto, Recorder, credentials

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

WEB_TG = "targetgroup/web-tg/ab5f8108d462a1b4"
API_TG = "targetgroup/api-tg/9c3d4e5f6a7b8c9d"
ALB = "app/shared-alb/50dc6c495c0c9188"


def ecs(cluster, service):
    return [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": service}]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "unit", "data", "incident", "cw_describe_alarms_attr.json")
    port = cd.free_port()
    proc = cd.start_moto(port)
    rec = cd.Recorder()
    try:
        session = boto3.session.Session(aws_access_key_id=cd.AKID,
                                        aws_secret_access_key=cd.SECRET,
                                        region_name=cd.REGION)
        session.events.register("before-parse", rec)
        cw = session.client("cloudwatch", endpoint_url="http://127.0.0.1:%d" % port,
                            config=Config(retries={"max_attempts": 1}))
        common = dict(Period=60, EvaluationPeriods=3, ComparisonOperator="GreaterThanThreshold")

        def simple(name, ns, metric, stat, dims, threshold):
            cw.put_metric_alarm(AlarmName=name, Namespace=ns, MetricName=metric, Statistic=stat,
                                Dimensions=dims, Threshold=threshold, **common)

        def math(name, metrics, expr, threshold):
            q = [{"Id": "m%d" % i, "ReturnData": False,
                  "MetricStat": {"Metric": {"Namespace": ns, "MetricName": m, "Dimensions": d},
                                 "Period": 60, "Stat": "Average"}}
                 for i, (ns, m, d) in enumerate(metrics, 1)]
            q.append({"Id": "e1", "Expression": expr, "Label": name, "ReturnData": True})
            cw.put_metric_alarm(AlarmName=name, EvaluationPeriods=3, Threshold=threshold,
                                ComparisonOperator="GreaterThanThreshold", Metrics=q)

        simple("web-cpu-high", "AWS/ECS", "CPUUtilization", "Average", ecs("prod", "web"), 80)
        simple("staging-web-cpu", "AWS/ECS", "CPUUtilization", "Average",
               ecs("staging", "web"), 80)
        simple("web-tg-5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum",
               [{"Name": "TargetGroup", "Value": WEB_TG}, {"Name": "LoadBalancer", "Value": ALB}],
               5)
        simple("alb-elb-5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum",
               [{"Name": "LoadBalancer", "Value": ALB}], 5)
        math("api-latency-math",
             [("AWS/ApplicationELB", "TargetResponseTime",
               [{"Name": "TargetGroup", "Value": API_TG}, {"Name": "LoadBalancer", "Value": ALB}])],
             "m1 * 1000", 500)
        math("both-cpu-math",
             [("AWS/ECS", "CPUUtilization", ecs("prod", "web")),
              ("AWS/ECS", "CPUUtilization", ecs("prod", "api"))], "MAX([m1, m2])", 90)
        simple("queue-depth", "Custom/App", "QueueDepth", "Maximum", [], 1000)
        simple("db-cpu", "AWS/RDS", "CPUUtilization", "Average",
               [{"Name": "DBInstanceIdentifier", "Value": "db1"}], 90)
        cw.set_alarm_state(AlarmName="web-tg-5xx", StateValue="ALARM",
                           StateReason="Threshold Crossed: 1 datapoint [12.0] > 5.0")
        cw.set_alarm_state(AlarmName="both-cpu-math", StateValue="ALARM",
                           StateReason="Threshold Crossed: 3 datapoints > 90.0")
        cw.describe_alarms(MaxRecords=100)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            f.write(rec.last["DescribeAlarms"])
        print("%s %d bytes" % (out, len(rec.last["DescribeAlarms"])))
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
