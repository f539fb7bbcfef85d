/* ELBv2 (awsQuery 2015-12-01): query parameters and XML decoders.
 *
 * Responses look like <OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>;
 * lists are <member> elements. A body without <OpResult> (an ErrorResponse, HTML, another
 * operation's answer) is OD_E_PARSE. Inside the result every field is optional. */
#include "aws/elbv2.h"

#include <stdlib.h>
#include <string.h>

#include "aws/proto_xml.h"
#include "util/xalloc.h"

/* Page size for DescribeTargetGroups / DescribeLoadBalancers: the model's maximum. */
#define PAGE_SIZE "400"

void
load_balancer_clear(struct od_load_balancer *lb)
{
    free(lb->arn);
    free(lb->name);
    free(lb->dns_name);
    free(lb->type);
    free(lb->state);
    memset(lb, 0, sizeof *lb);
}

void
kv_array_free(struct od_kv *kv, size_t n)
{
    if (kv == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free((char *)kv[i].key);
        free((char *)kv[i].value);
    }
    free(kv);
}

/* ---- parameters ------------------------------------------------------------------------ */

struct kv_list {
    struct od_kv *kv;
    size_t n, cap;
};

static void
kv_push(struct kv_list *l, char *key, char *value)
{
    if (l->n == l->cap) {
        l->cap = l->cap != 0 ? l->cap * 2 : 8;
        l->kv = xreallocarray(l->kv, l->cap, sizeof *l->kv);
    }
    l->kv[l->n].key = key;
    l->kv[l->n].value = value;
    l->n++;
}

static struct od_kv *
paged_params(const char *list_name, const char *const *arns, size_t n, const char *marker,
             size_t *nparams)
{
    struct kv_list l = {0};

    for (size_t i = 0; i < n; i++)
        kv_push(&l, xasprintf("%s.member.%zu", list_name, i + 1), xstrdup(arns[i]));
    if (marker != NULL)
        kv_push(&l, xstrdup("Marker"), xstrdup(marker));
    kv_push(&l, xstrdup("PageSize"), xstrdup(PAGE_SIZE));
    *nparams = l.n;
    return l.kv;
}

struct od_kv *
elbv2_params_describe_target_groups(const char *const *arns, size_t n, const char *marker,
                                    size_t *nparams)
{
    return paged_params("TargetGroupArns", arns, n, marker, nparams);
}

struct od_kv *
elbv2_params_describe_load_balancers(const char *const *arns, size_t n, const char *marker,
                                     size_t *nparams)
{
    return paged_params("LoadBalancerArns", arns, n, marker, nparams);
}

struct od_kv *
elbv2_params_describe_target_health(const char *target_group_arn, size_t *nparams)
{
    struct kv_list l = {0};

    kv_push(&l, xstrdup("TargetGroupArn"), xstrdup(target_group_arn));
    *nparams = l.n;
    return l.kv;
}

/* ---- decoding helpers ------------------------------------------------------------------ */

/* Parse body and return <result> under the root, or NULL with OD_E_PARSE in err. The list in
 * it may be absent (botocore reads that as none; it needs only the result wrapper). */
static const struct od_xml_node *
open_result(const char *body, size_t len, const char *result, const char *list,
            struct od_xml **doc, struct od_error *err)
{
    const struct od_xml_node *res;

    *doc = NULL;
    if (xml_parse(body, len, doc, err) != OD_OK)
        return NULL;
    res = xml_child(xml_root(*doc), result);
    if (res == NULL) {
        od_error_set(err, OD_E_PARSE, "response has no %s (for its %s)", result, list);
        xml_free(doc);
        return NULL;
    }
    return res;
}

/* Text at path, NULL when absent or empty (NextMarker is sent empty by some servers). */
static char *
text_nonempty(const struct od_xml_node *n, const char *path)
{
    char *t = xml_text_at(n, path);

    if (t != NULL && *t == '\0')
        xfree(&t);
    return t;
}

static long
get_long(const struct od_xml_node *n, const char *path)
{
    long v;

    return xml_long(n, path, &v) ? v : 0;
}

/* ---- DescribeTargetGroups -------------------------------------------------------------- */

static void
decode_target_group(const struct od_xml_node *m, struct od_target_group *tg)
{
    const struct od_xml_node *lbs = xml_child(m, "LoadBalancerArns"), *a;
    size_t cap;

    tg->arn = xml_text_at(m, "TargetGroupArn");
    tg->name = xml_text_at(m, "TargetGroupName");
    tg->target_type = xml_text_at(m, "TargetType");
    tg->protocol = xml_text_at(m, "Protocol");
    tg->port = get_long(m, "Port");
    tg->health_check_path = xml_text_at(m, "HealthCheckPath");
    if ((cap = xml_count(lbs, "member")) == 0)
        return;
    tg->load_balancer_arns = xcalloc(cap, sizeof *tg->load_balancer_arns);
    XML_FOREACH(a, lbs, "member")
        tg->load_balancer_arns[tg->nload_balancers++] = xml_text(a);
}

enum od_err
elbv2_decode_target_groups(const char *body, size_t len, struct od_target_group **out,
                           size_t *n, char **next_marker, struct od_error *err)
{
    struct od_xml *doc;
    const struct od_xml_node *res, *list, *m;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (next_marker != NULL)
        *next_marker = NULL;
    res = open_result(body, len, "DescribeTargetGroupsResult", "TargetGroups", &doc, err);
    if (res == NULL)
        return OD_E_PARSE;
    list = xml_child(res, "TargetGroups");
    if ((cap = xml_count(list, "member")) > 0) {
        *out = xcalloc(cap, sizeof **out);
        XML_FOREACH(m, list, "member")
            decode_target_group(m, &(*out)[(*n)++]);
    }
    if (next_marker != NULL)
        *next_marker = text_nonempty(res, "NextMarker");
    xml_free(&doc);
    return OD_OK;
}

/* ---- DescribeTargetHealth -------------------------------------------------------------- */

enum od_err
elbv2_decode_target_health(const char *body, size_t len, struct od_target **out, size_t *n,
                           struct od_error *err)
{
    struct od_xml *doc;
    const struct od_xml_node *res, *list, *m;
    size_t cap;

    *out = NULL;
    *n = 0;
    res = open_result(body, len, "DescribeTargetHealthResult", "TargetHealthDescriptions", &doc,
                      err);
    if (res == NULL)
        return OD_E_PARSE;
    list = xml_child(res, "TargetHealthDescriptions");
    if ((cap = xml_count(list, "member")) > 0) {
        *out = xcalloc(cap, sizeof **out);
        XML_FOREACH(m, list, "member") {
            struct od_target *t = &(*out)[(*n)++];

            t->id = xml_text_at(m, "Target/Id");
            t->port = get_long(m, "Target/Port");
            t->az = xml_text_at(m, "Target/AvailabilityZone");
            t->state = xml_text_at(m, "TargetHealth/State");
            t->reason = xml_text_at(m, "TargetHealth/Reason");
            t->description = xml_text_at(m, "TargetHealth/Description");
        }
    }
    xml_free(&doc);
    return OD_OK;
}

/* ---- DescribeLoadBalancers ------------------------------------------------------------- */

enum od_err
elbv2_decode_load_balancers(const char *body, size_t len, struct od_load_balancer **out,
                            size_t *n, char **next_marker, struct od_error *err)
{
    struct od_xml *doc;
    const struct od_xml_node *res, *list, *m;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (next_marker != NULL)
        *next_marker = NULL;
    res = open_result(body, len, "DescribeLoadBalancersResult", "LoadBalancers", &doc, err);
    if (res == NULL)
        return OD_E_PARSE;
    list = xml_child(res, "LoadBalancers");
    if ((cap = xml_count(list, "member")) > 0) {
        *out = xcalloc(cap, sizeof **out);
        XML_FOREACH(m, list, "member") {
            struct od_load_balancer *lb = &(*out)[(*n)++];

            lb->arn = xml_text_at(m, "LoadBalancerArn");
            lb->name = xml_text_at(m, "LoadBalancerName");
            lb->dns_name = xml_text_at(m, "DNSName");
            lb->type = xml_text_at(m, "Type");
            lb->state = xml_text_at(m, "State/Code");
        }
    }
    if (next_marker != NULL)
        *next_marker = text_nonempty(res, "NextMarker");
    xml_free(&doc);
    return OD_OK;
}

/* ---- CloudWatch dimensions ------------------------------------------------------------- */

/* The resource part after ":<kind>/" of an ELBv2 ARN; keep_kind keeps "<kind>/" in front. */
static char *
arn_resource(const char *arn, const char *kind, bool keep_kind)
{
    const char *p;
    size_t klen = strlen(kind);

    if (arn == NULL)
        return NULL;
    for (p = strchr(arn, ':'); p != NULL; p = strchr(p + 1, ':'))
        if (strncmp(p + 1, kind, klen) == 0 && p[1 + klen] == '/' && p[2 + klen] != '\0')
            return xstrdup(keep_kind ? p + 1 : p + 2 + klen);
    return NULL;
}

char *
elbv2_tg_dimension(const char *target_group_arn)
{
    return arn_resource(target_group_arn, "targetgroup", true);
}

char *
elbv2_lb_dimension(const char *load_balancer_arn)
{
    return arn_resource(load_balancer_arn, "loadbalancer", false);
}
