/* CloudFront jobs of a refresh: ListDistributions pages, then each distribution's latest
 * invalidations (one ListInvalidations each). */
#include <stdlib.h>
#include <string.h>

#include "poller/refresh.h"
#include "aws/cloudfront.h"
#include "util/xalloc.h"

/* ---- CloudFront ---------------------------------------------------------------------- */

static void
list_invalidations_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                        const struct od_error *err)
{
    struct od_invalidation *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};
    struct od_distribution *d = &r->dists[j->index];

    if (err != NULL) {
        refresh_fail(r, OD_PART_DISTRIBUTIONS, err);
        return;
    }
    if (cf_decode_invalidations(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_DISTRIBUTIONS, &perr);
        return;
    }
    /* Only the latest page: the console shows recent invalidations. */
    OD_FREE_ARRAY(d->invalidations, d->ninvalidations, invalidation_clear);
    d->invalidations = arr;
    d->ninvalidations = n;
    free(next);
}

/* moto's summaries lack the configuration; AWS's carry it, so this costs nothing there. */
static void
get_distribution_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                      const struct od_error *err)
{
    struct od_distribution full, *d = &r->dists[j->index];
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_DISTRIBUTIONS, err);
        return;
    }
    if (cf_decode_distribution(resp->body, resp->body_len, &full, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_DISTRIBUTIONS, &perr);
        return;
    }
    /* Keep the summary's identity; take the configuration. */
    free(d->comment);
    d->comment = full.comment;
    full.comment = NULL;
    d->enabled = full.enabled;
    for (size_t i = 0; i < d->naliases; i++)
        free(d->aliases[i]);
    free(d->aliases);
    d->aliases = full.aliases;
    d->naliases = full.naliases;
    full.aliases = NULL;
    full.naliases = 0;
    OD_FREE_ARRAY(d->origins, d->norigins, origin_clear);
    d->origins = full.origins;
    d->norigins = full.norigins;
    full.origins = NULL;
    full.norigins = 0;
    d->config_known = true;
    distribution_clear(&full);
}

static void
list_distributions_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                        const struct od_error *err)
{
    struct od_distribution *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};

    r->dist_lists--;
    if (err != NULL) {
        refresh_fail(r, OD_PART_DISTRIBUTIONS, err);
    } else if (cf_decode_distributions(resp->body, resp->body_len, &arr, &n, &next, &perr) !=
               OD_OK) {
        refresh_fail_parse(r, OD_PART_DISTRIBUTIONS, &perr);
    } else {
        refresh_add_minimum(r, "ListDistributions", 1);
        for (size_t i = 0; i < n; i++) {
            struct job *inv;

            GROW(r->dists, r->ndists, r->cdists);
            r->dists[r->ndists] = arr[i];
            inv = refresh_job_new(r, OD_SVC_CLOUDFRONT, "ListInvalidations", OD_PART_DISTRIBUTIONS,
                          j->depth + 1, list_invalidations_done);
            inv->index = r->ndists;
            inv->xml_root = "InvalidationList";
            inv->path = cf_path_invalidations(arr[i].id);
            inv->query[0].key = xstrdup("MaxItems");
            inv->query[0].value = xstrdup("10");
            inv->nquery = 1;
            refresh_add_minimum(r, "ListInvalidations", 1);
            refresh_enqueue(r, inv);
            if (!arr[i].config_known) {
                struct job *get = refresh_job_new(r, OD_SVC_CLOUDFRONT, "GetDistribution",
                                                  OD_PART_DISTRIBUTIONS, j->depth + 1,
                                                  get_distribution_done);

                get->index = r->ndists;
                get->xml_root = "Distribution";
                get->path = cf_path_distribution(arr[i].id);
                refresh_add_minimum(r, "GetDistribution", 1);
                refresh_enqueue(r, get);
            }
            r->ndists++;
        }
        free(arr);
        if (next != NULL)
            refresh_cf_list_distributions(r, next, j->depth);
        free(next);
    }
    if (r->dist_lists == 0 && !r->dist_phase_done) {
        r->dist_phase_done = true;
        refresh_cw_start_cf_metrics(r, j->depth);
    }
}

void
refresh_cf_list_distributions(struct refresh *r, const char *marker, int depth)
{
    struct job *j = refresh_job_new(r, OD_SVC_CLOUDFRONT, "ListDistributions", OD_PART_DISTRIBUTIONS,
                            depth + 1, list_distributions_done);

    j->path = cf_path_distributions();
    j->xml_root = "DistributionList";
    if (marker != NULL) {
        j->query[j->nquery].key = xstrdup("Marker");
        j->query[j->nquery++].value = xstrdup(marker);
    }
    r->dist_lists++;
    refresh_enqueue(r, j);
}
