/* CloudFront (restXml 2020-05-31): paths, bodies and decoders. Pure functions. */
#ifndef OD_CLOUDFRONT_H
#define OD_CLOUDFRONT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/entities.h"
#include "util/err.h"

/* Wire paths (percent-encoded ids), malloc'd. */
char *cf_path_distributions(void);                 /* /2020-05-31/distribution */
char *cf_path_distribution(const char *dist_id);  /* .../distribution/ID */
char *cf_path_invalidations(const char *dist_id); /* .../distribution/ID/invalidation */
char *cf_path_invalidation(const char *dist_id, const char *inv_id);

/* An invalidation path URL-encoded as CloudFront requires (malloc'd): non-ASCII, control and
 * RFC 1738 unsafe bytes (space " < > # { } | \ ^ ~ [ ] `, and a '%' not followed by two hex
 * digits) become %XX; '*', '?', '&' and '=' are kept; an encoded path is left as it is. */
char *cf_path_encode(const char *path);

/* CreateInvalidation body: paths must start with '/'; malloc'd XML. Paths are URL-encoded
 * (cf_path_encode), then XML-escaped; Quantity is n. NULL when n is 0, a path does not start with
 * '/' or caller_ref is empty. */
char *cf_body_invalidation_batch(const char *const *paths, size_t n, const char *caller_ref);

/* ListDistributions page: distributions (without invalidations), next marker when
 * IsTruncated (NULL otherwise). */
enum od_err cf_decode_distributions(const char *body, size_t len, struct od_distribution **out,
                                    size_t *n, char **next_marker, struct od_error *err);
/* GetDistribution: the distribution with its configuration (aliases, origins, enabled). */
enum od_err cf_decode_distribution(const char *body, size_t len, struct od_distribution *out,
                                   struct od_error *err);
/* ListInvalidations page: summaries newest first (id, status, create_time). */
enum od_err cf_decode_invalidations(const char *body, size_t len,
                                    struct od_invalidation **out, size_t *n,
                                    char **next_marker, struct od_error *err);
/* CreateInvalidation / GetInvalidation: one invalidation with its paths. */
enum od_err cf_decode_invalidation(const char *body, size_t len, struct od_invalidation *out,
                                   struct od_error *err);
/* Completed, whatever the case ("Completed", moto's "COMPLETED"). */
bool cf_invalidation_done(const char *status);

#endif
