/* CloudFront (restXml 2020-05-31): wire paths, the InvalidationBatch body and decoders.
 *
 * Responses have the payload shape as root element (DistributionList, InvalidationList,
 * Invalidation); a body with any other root (ErrorResponse, HTML) is OD_E_PARSE. Lists are
 * <Items> next to a <Quantity>; Items may be missing when Quantity is 0. */
#include "aws/cloudfront.h"

#include <stdlib.h>
#include <string.h>

#include "aws/proto_xml.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define CF_API "/2020-05-31"
#define CF_XMLNS "http://cloudfront.amazonaws.com/doc/2020-05-31/"

/* ---- paths ----------------------------------------------------------------------------- */

static char *
encode_id(const char *id)
{
    struct od_buf b;

    buf_init(&b, 0);
    if (id != NULL)
        (void)str_uri_encode(&b, id, strlen(id), false);
    return buf_steal(&b);
}

char *
cf_path_distributions(void)
{
    return xstrdup(CF_API "/distribution");
}

char *
cf_path_distribution(const char *dist_id)
{
    char *id = encode_id(dist_id), *p = xasprintf("/2020-05-31/distribution/%s", id);

    free(id);
    return p;
}

char *
cf_path_invalidations(const char *dist_id)
{
    char *d = encode_id(dist_id);
    char *p = xasprintf(CF_API "/distribution/%s/invalidation", d);

    free(d);
    return p;
}

char *
cf_path_invalidation(const char *dist_id, const char *inv_id)
{
    char *d = encode_id(dist_id), *i = encode_id(inv_id);
    char *p = xasprintf(CF_API "/distribution/%s/invalidation/%s", d, i);

    free(d);
    free(i);
    return p;
}

/* ---- InvalidationBatch body ------------------------------------------------------------ */

/* RFC 1738 "unsafe" characters, which CloudFront wants URL-encoded in an invalidation path
 * (InvalidationBatch: "If the path includes non-ASCII characters or unsafe characters as
 * defined in RFC 1738, URL-encode those characters"); '%' is handled on its own. */
static bool
url_unsafe(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || strchr("\"<>#{}|\\^~[]`", c) != NULL;
}

static bool
is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* One path as CloudFront takes it: non-ASCII, control and unsafe bytes percent-encoded, a '%'
 * that starts an escape kept (so an encoded path is not encoded twice). '*' (the wildcard) and
 * the query-string characters '?', '&', '=' are kept. */
static void
put_path(struct od_buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '%' ? !(is_hex(s[1]) && is_hex(s[2])) : url_unsafe(c))
            buf_printf(b, "%%%02X", c);
        else
            buf_putc(b, (char)c);
    }
}

char *
cf_path_encode(const char *path)
{
    struct od_buf b;

    buf_init(&b, 0);
    if (path != NULL)
        put_path(&b, path);
    return buf_steal(&b);
}

/* Character data safe in an element: the five XML specials become entities; control bytes
 * (not allowed in XML 1.0 text) are percent-encoded, which is what they mean in a URL path. */
static void
put_escaped(struct od_buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        switch (c) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&apos;");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                buf_printf(b, "%%%02X", c);
            else
                buf_putc(b, (char)c);
        }
    }
}

char *
cf_body_invalidation_batch(const char *const *paths, size_t n, const char *caller_ref)
{
    struct od_buf b;

    if (n == 0 || str_empty(caller_ref))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (paths[i] == NULL || paths[i][0] != '/')
            return NULL;
    buf_init(&b, 0);
    buf_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<InvalidationBatch xmlns=\"" CF_XMLNS "\">"
               "<Paths><Quantity>%zu</Quantity><Items>",
               n);
    for (size_t i = 0; i < n; i++) {
        char *enc = cf_path_encode(paths[i]);

        buf_puts(&b, "<Path>");
        put_escaped(&b, enc);
        free(enc);
        buf_puts(&b, "</Path>");
    }
    buf_puts(&b, "</Items></Paths><CallerReference>");
    put_escaped(&b, caller_ref);
    buf_puts(&b, "</CallerReference></InvalidationBatch>\n");
    return buf_steal(&b);
}

/* ---- decoding helpers ------------------------------------------------------------------ */

static const struct od_xml_node *
open_root(const char *body, size_t len, const char *root_name, struct od_xml **doc,
          struct od_error *err)
{
    const struct od_xml_node *root;

    *doc = NULL;
    if (xml_parse(body, len, doc, err) != OD_OK)
        return NULL;
    root = xml_root(*doc);
    if (!xml_is(root, root_name)) {
        od_error_set(err, OD_E_PARSE, "expected a <%s> document, got <%s>", root_name,
                     xml_name(root) != NULL ? xml_name(root) : "?");
        xml_free(doc);
        return NULL;
    }
    return root;
}

/* NextMarker when IsTruncated is true; NULL otherwise or when empty. */
static char *
next_marker(const struct od_xml_node *root)
{
    bool truncated = false;
    char *m;

    if (!xml_bool(root, "IsTruncated", &truncated) || !truncated)
        return NULL;
    m = xml_text_at(root, "NextMarker");
    if (m != NULL && *m == '\0')
        xfree(&m);
    return m;
}

/* Every <name> under items, as strings. */
static char **
strings_of(const struct od_xml_node *items, const char *name, size_t *n)
{
    const struct od_xml_node *it;
    size_t cap = xml_count(items, name);
    char **v;

    *n = 0;
    if (cap == 0)
        return NULL;
    v = xcalloc(cap, sizeof *v);
    XML_FOREACH(it, items, name)
        v[(*n)++] = xml_text(it);
    return v;
}

/* ---- ListDistributions ----------------------------------------------------------------- */

static void
decode_summary(const struct od_xml_node *s, struct od_distribution *d)
{
    const struct od_xml_node *origins = xml_path(s, "Origins/Items"), *o;
    size_t cap;

    d->id = xml_text_at(s, "Id");
    d->arn = xml_text_at(s, "ARN");
    d->status = xml_text_at(s, "Status");
    d->domain_name = xml_text_at(s, "DomainName");
    d->comment = xml_text_at(s, "Comment");
    if (!xml_bool(s, "Enabled", &d->enabled))
        d->enabled = false;
    d->config_known = xml_path(s, "Origins") != NULL;
    d->aliases = strings_of(xml_path(s, "Aliases/Items"), "CNAME", &d->naliases);
    if ((cap = xml_count(origins, "Origin")) == 0)
        return;
    d->origins = xcalloc(cap, sizeof *d->origins);
    XML_FOREACH(o, origins, "Origin") {
        struct od_origin *og = &d->origins[d->norigins++];

        og->id = xml_text_at(o, "Id");
        og->domain_name = xml_text_at(o, "DomainName");
    }
}

enum od_err
cf_decode_distributions(const char *body, size_t len, struct od_distribution **out, size_t *n,
                        char **next_marker_out, struct od_error *err)
{
    struct od_xml *doc;
    const struct od_xml_node *root, *items, *s;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (next_marker_out != NULL)
        *next_marker_out = NULL;
    if ((root = open_root(body, len, "DistributionList", &doc, err)) == NULL)
        return OD_E_PARSE;
    items = xml_child(root, "Items");
    if ((cap = xml_count(items, "DistributionSummary")) > 0) {
        *out = xcalloc(cap, sizeof **out);
        XML_FOREACH(s, items, "DistributionSummary")
            decode_summary(s, &(*out)[(*n)++]);
    }
    if (next_marker_out != NULL)
        *next_marker_out = next_marker(root);
    xml_free(&doc);
    return OD_OK;
}

/* ---- ListInvalidations ----------------------------------------------------------------- */

enum od_err
cf_decode_distribution(const char *body, size_t len, struct od_distribution *out,
                       struct od_error *err)
{
    struct od_xml *doc = NULL;
    const struct od_xml_node *root, *cfg;

    memset(out, 0, sizeof *out);
    if ((root = open_root(body, len, "Distribution", &doc, err)) == NULL)
        return OD_E_PARSE;
    cfg = xml_path(root, "DistributionConfig");
    /* The configuration carries the same fields a summary does. */
    decode_summary(cfg, out);
    free(out->id);
    free(out->arn);
    free(out->status);
    free(out->domain_name);
    out->id = xml_text_at(root, "Id");
    out->arn = xml_text_at(root, "ARN");
    out->status = xml_text_at(root, "Status");
    out->domain_name = xml_text_at(root, "DomainName");
    out->config_known = cfg != NULL;
    xml_free(&doc);
    if (out->id == NULL) {
        distribution_clear(out);
        od_error_set(err, OD_E_PARSE, "GetDistribution response has no Id");
        return OD_E_PARSE;
    }
    return OD_OK;
}

enum od_err
cf_decode_invalidations(const char *body, size_t len, struct od_invalidation **out, size_t *n,
                        char **next_marker_out, struct od_error *err)
{
    struct od_xml *doc;
    const struct od_xml_node *root, *items, *s;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (next_marker_out != NULL)
        *next_marker_out = NULL;
    if ((root = open_root(body, len, "InvalidationList", &doc, err)) == NULL)
        return OD_E_PARSE;
    items = xml_child(root, "Items");
    if ((cap = xml_count(items, "InvalidationSummary")) > 0) {
        *out = xcalloc(cap, sizeof **out);
        XML_FOREACH(s, items, "InvalidationSummary") {
            struct od_invalidation *inv = &(*out)[(*n)++];

            inv->id = xml_text_at(s, "Id");
            inv->status = xml_text_at(s, "Status");
            if (!xml_time(s, "CreateTime", &inv->create_time))
                inv->create_time = 0;
        }
    }
    if (next_marker_out != NULL)
        *next_marker_out = next_marker(root);
    xml_free(&doc);
    return OD_OK;
}

/* ---- Create/GetInvalidation ------------------------------------------------------------ */

enum od_err
cf_decode_invalidation(const char *body, size_t len, struct od_invalidation *out,
                       struct od_error *err)
{
    struct od_xml *doc;
    const struct od_xml_node *root, *batch;

    memset(out, 0, sizeof *out);
    if ((root = open_root(body, len, "Invalidation", &doc, err)) == NULL)
        return OD_E_PARSE;
    out->id = xml_text_at(root, "Id");
    if (out->id == NULL || *out->id == '\0') {
        od_error_set(err, OD_E_PARSE, "Invalidation response has no Id");
        invalidation_clear(out);
        xml_free(&doc);
        return OD_E_PARSE;
    }
    out->status = xml_text_at(root, "Status");
    if (!xml_time(root, "CreateTime", &out->create_time))
        out->create_time = 0;
    batch = xml_child(root, "InvalidationBatch");
    out->paths = strings_of(xml_path(batch, "Paths/Items"), "Path", &out->npaths);
    out->caller_reference = xml_text_at(batch, "CallerReference");
    xml_free(&doc);
    return OD_OK;
}

bool
cf_invalidation_done(const char *status)
{
    return str_case_eq(status, "Completed");
}
