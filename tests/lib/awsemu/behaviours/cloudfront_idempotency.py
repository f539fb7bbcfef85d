"""CreateInvalidation is idempotent per CallerReference."""

import uuid

import awsemu
from awsemu import AwsError, Behaviour, Reply


class CloudFrontIdempotency(Behaviour):
    """CloudFront keys an invalidation by its CallerReference. A second CreateInvalidation with
    a CallerReference already used on the distribution and the same paths creates nothing and
    answers the invalidation made the first time (its Id and status); the same reference with
    other paths is refused with 409 InvalidationBatchAlreadyExists. moto makes a new
    invalidation for every request. The layer finds the earlier invalidation in moto's state
    (ListInvalidations, GetInvalidation, asked of moto directly) and answers in moto's place:
    so a client that resends after a lost response is seen to get the first Id back."""
    name = "cloudfront-idempotency"
    order = 50
    cite = ("CloudFront API Reference, InvalidationBatch / CallerReference: 'If you make a "
            "second invalidation request with the same value for CallerReference, and if the "
            "rest of the request is the same, CloudFront doesn't create a new invalidation "
            "request. Instead, CloudFront returns information about the invalidation request "
            "that you previously created with the same CallerReference. If CallerReference is "
            "a value you already sent in a previous invalidation batch request but the content "
            "of any Path is different from the original request, CloudFront returns an "
            "InvalidationBatchAlreadyExists error.'")

    def before(self, call):
        if call.service != "cloudfront" or call.op != "CreateInvalidation":
            return None
        dist = call.params.get("DistributionId")
        batch = call.params.get("InvalidationBatch") or {}
        ref = batch.get("CallerReference")
        paths = sorted((batch.get("Paths") or {}).get("Items") or [])
        earlier = self._find(call, dist, ref)
        if earlier is None:
            return None
        inv = earlier["Invalidation"]
        if sorted(inv["InvalidationBatch"]["Paths"].get("Items") or []) != paths:
            self.count("conflict")
            raise AwsError(409, "InvalidationBatchAlreadyExists",
                           f"An invalidation batch with CallerReference {ref} already "
                           "exists with other paths.")
        self.count("replayed")
        location = (f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{dist}"
                    f"/invalidation/{inv['Id']}")
        return Reply(call, 201, [("x-amzn-RequestId", str(uuid.uuid4())),
                                 ("Location", location)], b"",
                     data={"Location": location, "Invalidation": inv})

    def _find(self, call, dist, ref):
        if not self.layer.upstream_url or not dist or not ref:
            return None  # no moto to ask (never ask a default endpoint)
        cf = awsemu.moto_client(self.layer, "cloudfront", call.region)
        try:
            items = cf.list_invalidations(DistributionId=dist, MaxItems="1000")[
                "InvalidationList"].get("Items") or []
        except Exception:  # no such distribution: moto's own answer follows
            return None
        for summary in items:
            got = cf.get_invalidation(DistributionId=dist, Id=summary["Id"])
            if got["Invalidation"]["InvalidationBatch"]["CallerReference"] == ref:
                return {"Invalidation": got["Invalidation"]}
        return None


BEHAVIOURS = [CloudFrontIdempotency]
