"""DescribeScalingActivities, which moto does not implement."""

import uuid
from datetime import datetime, timezone

from awsemu import Behaviour, Reply


class ScalingActivities(Behaviour):
    """Application Auto Scaling keeps the scaling activities of each scalable target for six
    weeks and DescribeScalingActivities lists them, newest first, filtered by
    ServiceNamespace, ResourceId and ScalableDimension (an empty list for a resource with
    none). moto 5.2 implements scalable targets and policies but not this operation. The
    layer answers it in moto's place from the activities a test sets in the setting
    `activities` (a list of ScalingActivity dicts, times as epoch seconds, as the scaling
    history a real account would have), newest StartTime first."""
    name = "scaling-activities"
    order = 50
    cite = ("Application Auto Scaling API Reference, DescribeScalingActivities: 'Provides "
            "descriptive information about the scaling activities in the specified namespace "
            "from the previous six weeks.'; botocore application-autoscaling-2016-02-06 "
            "ScalingActivity shape")
    settings = {"activities": []}

    def before(self, call):
        if call.service != "application-autoscaling" or call.op != "DescribeScalingActivities":
            return None
        p = call.params
        out = []
        for a in map(self._activity, self.cfg.get("activities") or []):
            if a["ServiceNamespace"] != p.get("ServiceNamespace"):
                continue
            if p.get("ResourceId") and a["ResourceId"] != p["ResourceId"]:
                continue
            if p.get("ScalableDimension") and a["ScalableDimension"] != p["ScalableDimension"]:
                continue
            out.append(a)
        out.sort(key=lambda a: a["StartTime"], reverse=True)
        limit = p.get("MaxResults") or 50
        self.count("answered")
        return Reply(call, 200, [("x-amzn-RequestId", str(uuid.uuid4()))], b"",
                     data={"ScalingActivities": out[:limit]})

    @staticmethod
    def _activity(a):
        d = {"ActivityId": a.get("ActivityId", str(uuid.uuid4())),
             "ServiceNamespace": a.get("ServiceNamespace", "ecs"),
             "ResourceId": a["ResourceId"],
             "ScalableDimension": a.get("ScalableDimension", "ecs:service:DesiredCount"),
             "Description": a["Description"], "Cause": a["Cause"],
             "StatusCode": a.get("StatusCode", "Successful")}
        for k in ("StartTime", "EndTime"):
            if k in a:
                d[k] = datetime.fromtimestamp(a[k], tz=timezone.utc)
        if "StatusMessage" in a:
            d["StatusMessage"] = a["StatusMessage"]
        d.setdefault("StartTime", datetime.now(tz=timezone.utc))
        return d


BEHAVIOURS = [ScalingActivities]
