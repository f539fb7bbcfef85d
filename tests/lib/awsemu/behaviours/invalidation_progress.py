from awsemu import Behaviour


class InvalidationProgress(Behaviour):
    """CloudFront works on an invalidation for a while: CreateInvalidation answers Status
    "InProgress", and GetInvalidation and ListInvalidations keep saying "InProgress" until it
    is done (typically minutes), then "Completed". moto answers "COMPLETED" at once, so a
    client's "still in progress" paths never run. This behaviour reports every invalidation
    as "InProgress" for `in_progress_s` seconds after the layer first saw it (then moto's own
    status passes through). Off by default: it makes every invalidation slower to follow, and
    the tests that need an invalidation in progress switch it on."""

    name = "invalidation-progress"
    order = 50
    default_on = False
    cite = ("Amazon CloudFront API Reference, CreateInvalidation and GetInvalidation: "
            "Invalidation.Status is InProgress while CloudFront works on it and Completed "
            "once done; botocore cloudfront-2020-05-31 Invalidation/InvalidationSummary Status")
    settings = {"in_progress_s": 60}

    OPS = ("CreateInvalidation", "CreateInvalidation2020_05_31", "GetInvalidation",
           "GetInvalidation2020_05_31", "ListInvalidations", "ListInvalidations2020_05_31")

    def __init__(self, layer):
        super().__init__(layer)
        self.first_seen = {}

    def reset(self):
        with self.lock:
            self.first_seen = {}

    def _status(self, inv_id, status):
        import time
        with self.lock:
            t0 = self.first_seen.setdefault(inv_id, time.monotonic())
            hold = float(self.cfg["in_progress_s"])
        if time.monotonic() - t0 < hold:
            self.count("in_progress")
            return "InProgress"
        return status

    def after(self, call, reply):
        if call.service != "cloudfront" or call.op not in self.OPS or not reply.ok:
            return reply
        d = reply.data
        inv = d.get("Invalidation")
        if isinstance(inv, dict) and inv.get("Id"):
            inv["Status"] = self._status(inv["Id"], inv.get("Status"))
        lst = d.get("InvalidationList")
        if isinstance(lst, dict):
            lst.setdefault("Marker", "")  # AWS always sends it (required); moto leaves it out
        for item in (lst or {}).get("Items") or []:
            if item.get("Id"):
                item["Status"] = self._status(item["Id"], item.get("Status"))
        reply.set_data(d)
        return reply


BEHAVIOURS = [InvalidationProgress]
