"""CloudFront refuses invalidation paths that are not URL-encoded."""

import re

from awsemu import AwsError, Behaviour

# RFC 1738 section 2.2 "unsafe": space < > " # % { } | \ ^ ~ [ ] `, plus controls and every
# byte past US-ASCII; a '%' is fine when it starts an escape (%XX).
_BAD = re.compile(r'[\x00-\x20\x7f-\U0010ffff<>"#{}|\\^~\[\]`]|%(?![0-9A-Fa-f]{2})')


class CloudFrontPaths(Behaviour):
    """CloudFront wants each invalidation path URL-encoded: a path holding a non-ASCII
    character or one RFC 1738 calls unsafe (space, `"`, `<`, `>`, `#`, a `%` that starts no
    escape, `{`, `}`, `|`, `\\`, `^`, `~`, `[`, `]`, backquote) is refused with 400
    InvalidArgument "Your request contains one or more invalid invalidation paths.", and
    nothing is invalidated. moto stores whatever it is sent. The layer answers
    CreateInvalidation with that error, in moto's place, when any path is not encoded."""
    name = "cloudfront-paths"
    order = 20
    cite = ("CloudFront API Reference, InvalidationBatch / Paths: 'If the path includes "
            "non-ASCII characters or unsafe characters as defined in RFC 1738, URL-encode "
            "those characters'; CreateInvalidation error InvalidArgument (botocore "
            "cloudfront-2020-05-31, httpStatusCode 400)")

    def before(self, call):
        if call.service != "cloudfront" or call.op != "CreateInvalidation":
            return None
        batch = call.params.get("InvalidationBatch") or {}
        items = (batch.get("Paths") or {}).get("Items") or []
        if any(_BAD.search(p) for p in items):
            self.count("refused")
            raise AwsError(400, "InvalidArgument",
                           "Your request contains one or more invalid invalidation paths.")
        return None


BEHAVIOURS = [CloudFrontPaths]
