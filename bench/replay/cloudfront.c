/* cloudfront.c - CloudFront (rest-xml, 2020-05-31): two distributions in front of the first
 * two ALBs, one completed invalidation each. Lists fit one page (MaxItems 100). */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS "http://cloudfront.amazonaws.com/doc/2020-05-31/"
#define PREFIX "/2020-05-31/distribution"
#define NDIST 2

static void
dist_id(int d, char *out, size_t n)
{
    snprintf(out, n, "E%06X%06XQ", world_hash("dist", (uint32_t)d) & 0xffffff,
             world_hash("dist2", (uint32_t)d) & 0xffffff);
}

static int
dist_index(const char *id, size_t len)
{
    char want[32];

    for (int d = 0; d < NDIST; d++) {
        dist_id(d, want, sizeof want);
        if (strlen(want) == len && memcmp(want, id, len) == 0)
            return d;
    }
    return -1;
}

static void
finish(struct rp_answer *a, struct rp_buf *b)
{
    size_t len;
    char *body = buf_take(b, &len);

    answer_xml(a, 200, body, len);
}

/* The members DistributionSummary and DistributionConfig share, in the model's order. */
static void
origins_and_behaviour(struct rp_buf *b, int d)
{
    char lb[32], origin[128];

    world_lb_name(d % (world_load_balancers() ? world_load_balancers() : 1), lb, sizeof lb);
    snprintf(origin, sizeof origin, "%s-%u." RP_REGION ".elb.amazonaws.com", lb,
             world_hash(lb, 5) % 1000000000u);
    buf_puts(b, "<Origins><Quantity>1</Quantity><Items><Origin><Id>alb</Id>");
    buf_xml(b, "DomainName", origin);
    buf_puts(b, "<OriginPath></OriginPath><CustomHeaders><Quantity>0</Quantity></CustomHeaders>"
                "<CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort>"
                "<OriginProtocolPolicy>https-only</OriginProtocolPolicy></CustomOriginConfig>"
                "<ConnectionAttempts>3</ConnectionAttempts><ConnectionTimeout>10</ConnectionTimeout>"
                "</Origin></Items></Origins>"
                "<DefaultCacheBehavior><TargetOriginId>alb</TargetOriginId>"
                "<ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>"
                "<Compress>true</Compress></DefaultCacheBehavior>"
                "<CacheBehaviors><Quantity>0</Quantity></CacheBehaviors>"
                "<CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses>");
}

static void
list_distributions(struct rp_answer *a)
{
    struct rp_buf b = {0};
    char id[32], when[40];

    world_iso8601(world.started - 7200, when, sizeof when);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DistributionList xmlns=\"" NS "\">"
                 "<Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated>");
    buf_printf(&b, "<Quantity>%d</Quantity><Items>", NDIST);
    for (int d = 0; d < NDIST; d++) {
        dist_id(d, id, sizeof id);
        buf_puts(&b, "<DistributionSummary>");
        buf_xml(&b, "Id", id);
        buf_printf(&b, "<ARN>arn:aws:cloudfront::" RP_ACCOUNT ":distribution/%s</ARN>", id);
        buf_puts(&b, "<Status>Deployed</Status>");
        buf_xml(&b, "LastModifiedTime", when);
        buf_printf(&b, "<DomainName>d%08x.cloudfront.net</DomainName>", world_hash(id, 1));
        buf_puts(&b, "<Aliases><Quantity>0</Quantity></Aliases>");
        origins_and_behaviour(&b, d);
        buf_printf(&b, "<Comment>site %d</Comment><PriceClass>PriceClass_100</PriceClass>"
                       "<Enabled>true</Enabled><ViewerCertificate>"
                       "<CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate>"
                       "</ViewerCertificate><Restrictions><GeoRestriction>"
                       "<RestrictionType>none</RestrictionType><Quantity>0</Quantity>"
                       "</GeoRestriction></Restrictions><WebACLId></WebACLId>"
                       "<HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled>"
                       "<Staging>false</Staging></DistributionSummary>", d);
    }
    buf_puts(&b, "</Items></DistributionList>");
    finish(a, &b);
}

static void
get_distribution(int d, struct rp_answer *a)
{
    struct rp_buf b = {0};
    char id[32], when[40];

    dist_id(d, id, sizeof id);
    world_iso8601(world.started - 7200, when, sizeof when);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Distribution xmlns=\"" NS "\">");
    buf_xml(&b, "Id", id);
    buf_printf(&b, "<ARN>arn:aws:cloudfront::" RP_ACCOUNT ":distribution/%s</ARN>", id);
    buf_puts(&b, "<Status>Deployed</Status>");
    buf_xml(&b, "LastModifiedTime", when);
    buf_puts(&b, "<InProgressInvalidationBatches>0</InProgressInvalidationBatches>");
    buf_printf(&b, "<DomainName>d%08x.cloudfront.net</DomainName>", world_hash(id, 1));
    buf_printf(&b, "<DistributionConfig><CallerReference>replay-%d</CallerReference>"
                   "<Aliases><Quantity>0</Quantity></Aliases>"
                   "<DefaultRootObject></DefaultRootObject>", d);
    origins_and_behaviour(&b, d);
    buf_printf(&b, "<Comment>site %d</Comment><PriceClass>PriceClass_100</PriceClass>"
                   "<Enabled>true</Enabled></DistributionConfig></Distribution>", d);
    finish(a, &b);
    snprintf(a->header_name, sizeof a->header_name, "ETag");
    snprintf(a->header_value, sizeof a->header_value, "E%08XREPLAY", world_hash(id, 3));
}

static void
list_invalidations(int d, struct rp_answer *a)
{
    struct rp_buf b = {0};
    char id[32], when[40];

    dist_id(d, id, sizeof id);
    world_iso8601(world.started - 1800, when, sizeof when);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InvalidationList xmlns=\"" NS "\">"
                 "<Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated>"
                 "<Quantity>1</Quantity><Items><InvalidationSummary>");
    buf_printf(&b, "<Id>I%08X%06X</Id>", world_hash(id, 4), world_hash(id, 5) & 0xffffff);
    buf_xml(&b, "CreateTime", when);
    buf_puts(&b, "<Status>Completed</Status></InvalidationSummary></Items></InvalidationList>");
    finish(a, &b);
}

/* The operation a CloudFront path names (for counters and buckets), or NULL. */
const char *
cloudfront_op(const char *method, const char *url)
{
    const char *rest;

    if (strncmp(url, PREFIX, strlen(PREFIX)) != 0 || strcmp(method, "GET") != 0)
        return NULL;
    rest = url + strlen(PREFIX);
    if (*rest == '\0' || strcmp(rest, "/") == 0)
        return "ListDistributions";
    if (*rest != '/')
        return NULL;
    rest = strchr(rest + 1, '/');
    if (rest == NULL)
        return "GetDistribution";
    if (strcmp(rest, "/invalidation") == 0)
        return "ListInvalidations";
    return NULL;
}

void
cloudfront_answer(const struct rp_request *rq, struct rp_answer *a)
{
    const char *id = rq->url + strlen(PREFIX) + 1, *slash;
    int d;

    if (strcmp(rq->op, "ListDistributions") == 0) {
        list_distributions(a);
        return;
    }
    slash = strchr(id, '/');
    d = dist_index(id, slash != NULL ? (size_t)(slash - id) : strlen(id));
    if (d < 0)
        query_error(a, 404, NS, "NoSuchDistribution", "The specified distribution does not exist.");
    else if (strcmp(rq->op, "GetDistribution") == 0)
        get_distribution(d, a);
    else
        list_invalidations(d, a);
}
