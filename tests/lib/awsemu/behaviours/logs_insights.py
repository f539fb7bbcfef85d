"""A Logs Insights query takes a while, ends in one of several statuses, reports what it
scanned, and can be stopped only while it runs."""

import datetime
import math
import secrets
import time

import awsemu
from awsemu import AwsError, Behaviour


class LogsInsights(Behaviour):
    """CloudWatch Logs runs a Logs Insights query in the background: GetQueryResults says
    Scheduled, then Running (with partial results: "If the value of the Status field in the
    output is Running, this operation returns only partial results"), then where it ended:
    Complete, Failed, Cancelled (StopQuery), Timeout (60 minutes) or Unknown. Every answer
    carries QueryStatistics (recordsMatched, recordsScanned, bytesScanned...), and @timestamp
    is a "YYYY-MM-DD HH:MM:SS.mmm" UTC string. StopQuery stops a query that is in progress;
    "if the query has already ended, the operation returns an error indicating that the
    specified query is not running" (InvalidParameterException, the error the model lists
    for a parameter AWS refuses); an id it never issued is ResourceNotFoundException.

    moto runs the query at StartQuery (fields, sort and limit; filter and stats are ignored),
    answers Complete at once with no statistics and epoch-millisecond @timestamp, has no
    StopQuery, and fails with a 500 on an unknown id. The layer counts the GetQueryResults
    calls of each query: the first `scheduled_polls` say Scheduled (no rows), the next
    `running_polls` say Running with a growing share of moto's rows, then the query ends
    with `outcome` (a test sets Failed, Timeout, Cancelled or Unknown). Statistics are
    computed from moto's events in the queried groups and range: recordsScanned = events in
    range, bytesScanned = their message bytes, recordsMatched = rows found so far.

    Pages: "You can retrieve up to 100,000 log event results from a query, if available, by
    using pagination. Use the nextToken returned in the response to request additional pages
    of results, with each page returning up to 10,000 log events"; maxItems is "the maximum
    number of log events to return in the response. The maximum is 10,000"; the token
    "expires after 1 hour". An answer holds at most min(maxItems, `page_size`) rows (10,000
    as AWS; a test sets 3) and a nextToken (opaque, random) when rows remain. AWS documents
    paging for the results of the query, not the partial ones while Running, so a Scheduled
    or Running answer is cut to one page and carries no token (a guess, never kinder). A
    token it never issued, or one older than `token_ttl_s`, is refused with
    InvalidParameterException (the model lists it, ResourceNotFoundException and
    ServiceUnavailableException for GetQueryResults; which one AWS sends for a bad token is
    not documented: a guess). maxItems 0 is taken as not given (also undocumented)."""

    name = "logs-insights"
    order = 50
    cite = ("CloudWatch Logs API Reference, GetQueryResults (status, partial results while "
            "Running, statistics, nextToken/maxItems pagination: 10,000 per page, 100,000 "
            "in all, token expires after 1 hour), StartQuery, StopQuery (error when the "
            "query is not running); botocore logs-2014-03-28 QueryStatus, QueryStatistics, "
            "GetQueryResults and StopQuery errors")
    settings = {"scheduled_polls": 1, "running_polls": 2, "outcome": "Complete",
                "page_size": 10000, "token_ttl_s": 3600}

    MAX_RESULTS = 100000  # "up to 100,000 log event results from a query"

    OUTCOMES = ("Complete", "Failed", "Cancelled", "Timeout", "Unknown")

    def __init__(self, layer):
        super().__init__(layer)
        self.queries = {}
        self.tokens = {}  # token -> (queryId, offset, issued at)

    def reset(self):
        with self.lock:
            self.queries = {}
            self.tokens = {}

    # -- StartQuery: note what the query scans ------------------------------------------------

    def _scanned(self, call):
        p = call.params
        groups = p.get("logGroupNames") or p.get("logGroupIdentifiers") or []
        if p.get("logGroupName"):
            groups = [p["logGroupName"]]
        logs = awsemu.moto_client(self.layer, "logs", call.region)
        records = nbytes = 0
        for g in groups:
            name = g.split(":log-group:", 1)[1] if ":log-group:" in g else g
            kw = {"logGroupName": name, "startTime": int(p["startTime"]) * 1000,
                  "endTime": int(p["endTime"]) * 1000 + 999}
            try:
                for page in logs.get_paginator("filter_log_events").paginate(**kw):
                    for e in page.get("events", []):
                        records += 1
                        nbytes += len(e.get("message", "").encode("utf-8", "surrogatepass"))
            except logs.exceptions.ResourceNotFoundException:
                pass
        return records, nbytes, len(groups)

    def before(self, call):
        if call.service != "logs":
            return None
        if call.op == "StopQuery":
            return self._stop(call)
        if call.op == "GetQueryResults":
            with self.lock:
                known = call.params.get("queryId") in self.queries
            if not known:
                raise AwsError(400, "ResourceNotFoundException", "Query does not exist.")
            if call.params.get("nextToken") is not None:
                return self._next_page(call)
        if call.op == "StartQuery" and "logGroupIdentifiers" in call.params:
            # moto reads only logGroupName(s); AWS takes names or ARNs here.
            params = dict(call.params)
            params["logGroupNames"] = [g.split(":log-group:", 1)[1] if ":log-group:" in g
                                       else g for g in params.pop("logGroupIdentifiers")]
            call.set_params(params)
        return None

    def after(self, call, reply):
        if call.service != "logs" or not reply.ok:
            return reply
        if call.op == "StartQuery":
            qid = reply.data.get("queryId")
            if qid:
                records, nbytes, ngroups = self._scanned(call)
                with self.lock:
                    self.queries[qid] = {"polls": 0, "stopped_at": None, "records": records,
                                         "bytes": nbytes, "groups": ngroups, "ended": False}
                self.count("started")
            return reply
        if call.op == "GetQueryResults":
            if call.params.get("nextToken") is not None:
                return reply  # a page this behaviour wrote in before(): not a poll
            return self._results(call, reply)
        return reply

    # -- GetQueryResults: the lifecycle ------------------------------------------------------

    @staticmethod
    def _aws_time(row):
        for f in row:
            if f.get("field") == "@timestamp":
                try:
                    ms = int(f["value"])
                except (KeyError, ValueError):
                    continue
                t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
                f["value"] = t.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"
        return row

    def _results(self, call, reply):
        qid = call.params.get("queryId")
        d = reply.data
        rows = [self._aws_time(r) for r in d.get("results") or []]
        with self.lock:
            q = self.queries.get(qid)
            if q is None:
                return reply
            q["polls"] += 1
            n = q["polls"]
            sched, run = int(self.cfg["scheduled_polls"]), int(self.cfg["running_polls"])
            outcome = self.cfg["outcome"]
            if outcome not in self.OUTCOMES:
                raise AwsError(500, "ServiceUnavailableException",
                               f"emulation: unknown outcome {outcome!r}", "Receiver")
            if q["stopped_at"] is not None:
                status, share = "Cancelled", q["stopped_at"]
            elif n <= sched:
                status, share = "Scheduled", 0.0
            elif n <= sched + run:
                status, share = "Running", (n - sched) / (run + 1)
            else:
                status, share = outcome, 1.0
                if outcome in ("Timeout", "Unknown"):
                    share = run / (run + 1) if run else 0.0
                if outcome == "Failed":
                    share = 0.0
            if status not in ("Scheduled", "Running"):
                q["ended"] = True
            stats = {"recordsMatched": 0.0, "recordsScanned": 0.0, "bytesScanned": 0.0,
                     "estimatedRecordsSkipped": 0.0, "estimatedBytesSkipped": 0.0,
                     "logGroupsScanned": float(q["groups"])}
            scan = share if status != "Failed" else min(1.0, (n - sched) / (run + 1))
            stats["recordsScanned"] = float(math.floor(q["records"] * scan))
            stats["bytesScanned"] = float(math.floor(q["bytes"] * scan))
        keep = rows[:math.floor(len(rows) * share)] if status != "Unknown" else []
        stats["recordsMatched"] = float(len(keep))
        self.count(f"status:{status}")
        data = {"results": keep, "statistics": stats, "status": status}
        if status in ("Scheduled", "Running"):
            data["results"] = keep[:self._page_size(call)]
        else:
            with self.lock:
                q["final"] = {"results": keep[:self.MAX_RESULTS], "statistics": stats,
                              "status": status}
            data = self._page(call, qid, 0)
        reply.set_data(data)
        return reply

    # -- GetQueryResults pages ---------------------------------------------------------------

    def _page_size(self, call):
        n = call.params.get("maxItems") or 10000
        return max(1, min(int(n), 10000, int(self.cfg["page_size"])))

    def _page(self, call, qid, offset):
        """The page of the query's final results from offset, with a token for the rest."""
        size = self._page_size(call)
        with self.lock:
            final = self.queries[qid]["final"]
            rows = final["results"]
            data = {"results": rows[offset:offset + size], "statistics": final["statistics"],
                    "status": final["status"]}
            if offset + size < len(rows):
                token = secrets.token_urlsafe(48)
                self.tokens[token] = (qid, offset + size, time.monotonic())
                data["nextToken"] = token
        self.count("pages")
        return data

    def _next_page(self, call):
        qid, token = call.params.get("queryId"), call.params.get("nextToken")
        with self.lock:
            held = self.tokens.get(token)
            expired = (held is not None and
                       time.monotonic() - held[2] >= float(self.cfg["token_ttl_s"]))
        if held is None or held[0] != qid or "final" not in self.queries.get(qid, {}):
            self.count("bad_token")
            raise AwsError(400, "InvalidParameterException", "The nextToken is not valid.")
        if expired:
            self.count("expired_token")
            raise AwsError(400, "InvalidParameterException", "The nextToken has expired.")
        data = self._page(call, qid, held[1])
        return awsemu.Reply(call, 200, [("x-amzn-RequestId", "emu-query-page"),
                                        ("Content-Type", "application/x-amz-json-1.1")],
                            b"", data=data)

    # -- StopQuery ---------------------------------------------------------------------------

    def _stop(self, call):
        qid = call.params.get("queryId")
        with self.lock:
            q = self.queries.get(qid)
            if q is None:
                raise AwsError(400, "ResourceNotFoundException", "Query does not exist.")
            if q["ended"] or q["stopped_at"] is not None:
                self.count("stop_refused")
                raise AwsError(400, "InvalidParameterException",
                               f"Query {qid} is not running.")
            sched, run = int(self.cfg["scheduled_polls"]), int(self.cfg["running_polls"])
            n = q["polls"]
            q["stopped_at"] = 0.0 if n <= sched else min(1.0, (n - sched) / (run + 1))
        self.count("stopped")
        reply = awsemu.Reply(call, 200, [("x-amzn-RequestId", "emu-stop-query"),
                                         ("Content-Type", "application/x-amz-json-1.1")],
                             b"", data={"success": True})
        return reply


BEHAVIOURS = [LogsInsights]
