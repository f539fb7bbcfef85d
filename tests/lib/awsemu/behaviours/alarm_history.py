"""DescribeAlarmHistory, which moto 5.2.1 does not answer."""

import json
import uuid
from datetime import datetime, timezone

from awsemu import Behaviour, Reply, moto_client


def _epoch(v):
    """A timestamp parameter as epoch seconds: a number (JSON), an ISO string (query) or a
    datetime."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.timestamp()
    if isinstance(v, (int, float)):
        return float(v)
    return datetime.fromisoformat(str(v).replace("Z", "+00:00")).timestamp()


class AlarmHistory(Behaviour):
    """CloudWatch keeps 30 days of history per alarm: a ConfigurationUpdate item when an alarm
    is created or changed, a StateUpdate item each time its state changes, with HistoryData a
    JSON document {"version": "1.0", "oldState": {"stateValue", "stateReason"}, "newState":
    {...}} and a HistorySummary "Alarm updated from OK to ALARM". DescribeAlarmHistory lists
    them filtered by AlarmName, AlarmTypes, HistoryItemType, StartDate and EndDate, newest first
    (ScanBy TimestampDescending, the default), MaxRecords 1-100 (default 100) with NextToken.
    moto 5.2.1 records state changes internally but has no DescribeAlarmHistory (and does not
    evaluate alarms: states change only by SetAlarmState). The layer keeps the history of what
    passes through it: PutMetricAlarm (ConfigurationUpdate) and every SetAlarmState that
    changes the state (StateUpdate, the old state read from moto first), and answers
    DescribeAlarmHistory from it. A change made straight to moto (the seeded `api-5xx-high`)
    is not seen, so the history is never longer than AWS's."""
    name = "alarm-history"
    order = 50
    cite = ("Amazon CloudWatch API Reference, DescribeAlarmHistory ('CloudWatch retains the "
            "history of an alarm even if you delete the alarm'; 30 days) and AlarmHistoryItem: "
            "HistoryItemType ConfigurationUpdate | StateUpdate | Action, HistoryData; botocore "
            "monitoring-2010-08-01 DescribeAlarmHistoryInput/Output")

    def __init__(self, layer):
        super().__init__(layer)
        self.items = {}  # region -> [item], oldest first

    def reset(self):
        with self.lock:
            self.items = {}

    def _record(self, region, item):
        with self.lock:
            self.items.setdefault(region, []).append(item)
        self.count(item["HistoryItemType"])

    def before(self, call):
        if call.service != "cloudwatch":
            return None
        if call.op == "SetAlarmState":
            name = call.params.get("AlarmName")
            try:
                found = moto_client(self.layer, "cloudwatch", call.region).describe_alarms(
                    AlarmNames=[name])["MetricAlarms"]
            except Exception:  # noqa: BLE001 - moto answers the call itself below
                found = []
            if found:
                call.ctx["alarm_old"] = (found[0].get("StateValue"), found[0].get("StateReason"))
            return None
        if call.op == "DescribeAlarmHistory":
            return self._answer(call)
        return None

    def after(self, call, reply):
        if call.service != "cloudwatch" or not reply.ok:
            return reply
        p, now = call.params, datetime.now(tz=timezone.utc)
        if call.op == "PutMetricAlarm":
            self._record(call.region, {
                "AlarmName": p.get("AlarmName"), "AlarmType": "MetricAlarm", "Timestamp": now,
                "HistoryItemType": "ConfigurationUpdate",
                "HistorySummary": f"Alarm \"{p.get('AlarmName')}\" updated",
                "HistoryData": json.dumps({"version": "1.0", "type": "Update"})})
        elif call.op == "SetAlarmState" and "alarm_old" in call.ctx:
            old, old_reason = call.ctx["alarm_old"]
            new = p.get("StateValue")
            if new != old:
                self._record(call.region, {
                    "AlarmName": p.get("AlarmName"), "AlarmType": "MetricAlarm",
                    "Timestamp": now, "HistoryItemType": "StateUpdate",
                    "HistorySummary": f"Alarm updated from {old} to {new}",
                    "HistoryData": json.dumps({
                        "version": "1.0",
                        "oldState": {"stateValue": old, "stateReason": old_reason},
                        "newState": {"stateValue": new,
                                     "stateReason": p.get("StateReason", "")}})})
        return reply

    def _answer(self, call):
        p = call.params
        start, end = _epoch(p.get("StartDate")), _epoch(p.get("EndDate"))
        types = p.get("AlarmTypes") or ["MetricAlarm"]  # AWS: metric alarms when not given
        with self.lock:
            items = list(self.items.get(call.region, []))
        out = [i for i in items
               if (not p.get("AlarmName") or i["AlarmName"] == p["AlarmName"])
               and i["AlarmType"] in types
               and (not p.get("HistoryItemType") or i["HistoryItemType"] == p["HistoryItemType"])
               and (start is None or i["Timestamp"].timestamp() >= start)
               and (end is None or i["Timestamp"].timestamp() <= end)]
        if p.get("ScanBy", "TimestampDescending") == "TimestampDescending":
            out.reverse()
        first = int(p.get("NextToken") or 0)
        limit = int(p.get("MaxRecords") or 100)
        page = out[first:first + limit]
        data = {"AlarmHistoryItems": page}
        if first + limit < len(out):
            data["NextToken"] = str(first + limit)
        self.count("answered")
        return Reply(call, 200, [("x-amzn-RequestId", str(uuid.uuid4()))], b"", data=data)


BEHAVIOURS = [AlarmHistory]
