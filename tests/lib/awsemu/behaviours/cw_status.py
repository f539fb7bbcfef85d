"""GetMetricData results that AWS answers with StatusCode Forbidden or InternalError."""

from awsemu import Behaviour


class MetricStatus(Behaviour):
    """CloudWatch GetMetricData answers HTTP 200 even when it could not read a metric: each
    MetricDataResult has a StatusCode (Complete, PartialData, Forbidden, InternalError) and
    Messages ({Code, Value}); a Forbidden or InternalError result carries no values, and a
    client that reads only Values shows an error as 'no data'. moto always answers Complete.
    With this behaviour on, the results whose metric name is a key of the `metrics` setting
    get that StatusCode, no values and a message saying why. Off by default (AWS does this
    only for some accounts and metrics); the tests that need it switch it on."""
    name = "cw-status"
    order = 60
    default_on = False
    cite = ("botocore monitoring-2010-08-01 MetricDataResult: StatusCode enum Complete | "
            "InternalError | PartialData | Forbidden, Messages MessageDataList; CloudWatch API "
            "Reference, GetMetricData")
    settings = {"metrics": {"CPUUtilization": "Forbidden"}}

    MESSAGES = {"Forbidden": "You are not authorized to access this metric",
                "InternalError": "An internal error occurred reading this metric"}

    def after(self, call, reply):
        if call.service != "cloudwatch" or call.op != "GetMetricData" or not reply.ok:
            return reply
        with self.lock:
            chosen = dict(self.cfg["metrics"])
        names = {}
        for q in call.params.get("MetricDataQueries", []):
            m = (q.get("MetricStat") or {}).get("Metric") or {}
            names[q.get("Id")] = m.get("MetricName")
        data = reply.data
        changed = False
        for res in data.get("MetricDataResults", []):
            code = chosen.get(names.get(res.get("Id")))
            if code is None:
                continue
            res["StatusCode"] = code
            res["Timestamps"], res["Values"] = [], []
            res["Messages"] = [{"Code": code, "Value": self.MESSAGES.get(code, code)}]
            self.count(code)
            changed = True
        if changed:
            reply.set_data(data)
        return reply


BEHAVIOURS = [MetricStatus]
