"""FilterLogEvents refuses a call that names a log stream that does not exist."""

import awsemu
from awsemu import AwsError, Behaviour


class MissingLogStreams(Behaviour):
    """CloudWatch Logs answers FilterLogEvents with 400 ResourceNotFoundException "The
    specified log stream does not exist." when any name in logStreamNames is not a stream of
    the group: the whole call fails, the streams that do exist included. An ECS task's
    stream appears only once its container starts logging (PROVISIONING and PENDING tasks,
    and tasks that never started, have none). moto keeps only the names that exist and
    answers as if nothing were wrong. The layer asks moto's DescribeLogStreams for the
    group's streams and refuses the call, as AWS does, when a named one is missing; a
    missing group is left to moto, which already refuses it."""

    name = "log-streams"
    order = 50
    cite = ("CloudWatch Logs API Reference, FilterLogEvents, Errors: ResourceNotFoundException; "
            "botocore logs-2014-03-28 FilterLogEvents errors")

    def before(self, call):
        if call.service != "logs" or call.op != "FilterLogEvents":
            return None
        names = call.params.get("logStreamNames") or []
        if not names:
            return None
        group = {k: call.params[k] for k in ("logGroupName", "logGroupIdentifier")
                 if k in call.params}
        logs = awsemu.moto_client(self.layer, "logs", call.region)
        have = set()
        try:
            for page in logs.get_paginator("describe_log_streams").paginate(**group):
                have.update(s["logStreamName"] for s in page.get("logStreams", []))
        except logs.exceptions.ResourceNotFoundException:
            return None  # no such group: moto says so itself
        if any(n not in have for n in names):
            self.count("refused")
            raise AwsError(400, "ResourceNotFoundException",
                           "The specified log stream does not exist.")
        return None


BEHAVIOURS = [MissingLogStreams]
