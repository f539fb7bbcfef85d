"""FilterLogEvents refuses a nextToken it did not issue, or one that has expired."""

import time

from awsemu import AwsError, Behaviour


class LogTokens(Behaviour):
    """CloudWatch Logs' FilterLogEvents nextToken "expires after 24 hours"; a token that
    has expired, or that the service never issued, is refused with 400
    InvalidParameterException (the only parameter error FilterLogEvents has: there is no
    InvalidNextToken in the Logs model, that is CloudWatch metrics' code). moto answers any
    token it cannot read with an empty page and no token, so a client that lost its place
    silently reads nothing. The layer records every nextToken FilterLogEvents answers with
    (and when), and refuses a request whose token it did not issue or that is older than
    `max_age_s` (24 h; a test sets it short); POST /__proxy/reset forgets the tokens."""

    name = "log-tokens"
    order = 80
    cite = ("botocore logs-2014-03-28 FilterLogEventsResponse.nextToken: \"The token expires "
            "after 24 hours.\"; FilterLogEvents errors: InvalidParameterException, "
            "ResourceNotFoundException, ServiceUnavailableException")
    settings = {"max_age_s": 86400.0}

    def __init__(self, layer):
        super().__init__(layer)
        self.issued = {}

    def reset(self):
        with self.lock:
            self.issued = {}

    def before(self, call):
        if call.service != "logs" or call.op != "FilterLogEvents":
            return None
        token = call.params.get("nextToken")
        if token is None:
            return None
        with self.lock:
            at = self.issued.get(token)
            max_age = float(self.cfg["max_age_s"])
        if at is None or time.monotonic() - at > max_age:
            self.count("refused")
            raise AwsError(400, "InvalidParameterException",
                           "The specified nextToken is invalid or has expired.")
        return None

    def after(self, call, reply):
        if call.service == "logs" and call.op == "FilterLogEvents" and reply.ok:
            token = reply.data.get("nextToken")
            if token:
                with self.lock:
                    self.issued[token] = time.monotonic()
                    if len(self.issued) > 100000:  # bounded: forget the oldest half
                        for k in sorted(self.issued, key=self.issued.get)[:50000]:
                            del self.issued[k]
        return reply


BEHAVIOURS = [LogTokens]
