/* The unified error envelope: every protocol's error response -> one struct od_error.
 *
 * Order of evidence, following botocore:
 *   awsJson   x-amzn-query-error (query-compatible CloudWatch) > body __type > header
 *             X-Amzn-ErrorType; message from "message" or "Message".
 *   restJson  header x-amzn-ErrorType > body "code" > body "__type".
 *   awsQuery / restXml  <ErrorResponse><Error><Code>, S3-style root <Error><Code>, EC2-style
 *             <Response><Errors><Error><Code>; message from <Message>.
 * The body's first non-blank byte picks the parser ('{' JSON, '<' XML), so an XML body on a
 * JSON service (a proxy, a gateway) still yields its code. Anything else -- empty, HTML,
 * truncated, garbage, oversized -- gives OD_E_HTTP, code "HTTP <status>" and an inert excerpt.
 */
#include "aws/proto.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/proto_json.h"
#include "aws/proto_xml.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

/* AWS error documents are a few hundred bytes; a bigger body is not one worth parsing. */
#define ERROR_PARSE_MAX ((size_t)1 << 20)
/* Bytes of body text kept in a fallback message. */
#define EXCERPT_MAX 200
/* Longest error code we believe; longer "codes" are junk. */
#define CODE_MAX 256

struct found {
    char *code;
    char *message;
    char *request_id;
};

/* Case-insensitive lookup over the raw header list (no dependency on net/http.c). */
static const char *
header(const struct od_http_response *resp, const char *name)
{
    size_t i;

    if (resp == NULL || resp->headers == NULL)
        return NULL;
    for (i = 0; i < resp->nheaders; i++)
        if (resp->headers[i].name != NULL && resp->headers[i].value != NULL &&
            strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* Trimmed copy of s (first n bytes), NULL when empty. */
static char *
trimmed(const char *s, size_t n)
{
    char *copy, *t;

    if (s == NULL)
        return NULL;
    copy = xstrndup(s, n);
    t = str_trim(copy);
    if (*t == '\0') {
        free(copy);
        return NULL;
    }
    if (t != copy)
        memmove(copy, t, strlen(t) + 1);
    return copy;
}

/* botocore's rule for __type and x-amzn-ErrorType: cut at the first ':' (some services
 * append ":http://internal.amazon.com/..."), then keep what follows the last '#'. */
static char *
normalise_code(const char *raw)
{
    const char *end, *hash, *start;
    char *code;

    if (raw == NULL)
        return NULL;
    end = strchr(raw, ':');
    if (end == NULL)
        end = raw + strlen(raw);
    start = raw;
    for (hash = raw; hash < end; hash++)
        if (*hash == '#')
            start = hash + 1;
    code = trimmed(start, (size_t)(end - start));
    if (code != NULL && strlen(code) > CODE_MAX)
        xfree(&code);
    return code;
}

/* x-amzn-query-error: "<Code>;<Sender|Receiver>". */
static char *
query_error_code(const char *h)
{
    const char *semi;
    char *code;

    if (h == NULL)
        return NULL;
    semi = strchr(h, ';');
    code = trimmed(h, semi != NULL ? (size_t)(semi - h) : strlen(h));
    if (code != NULL && strlen(code) > CODE_MAX)
        xfree(&code);
    return code;
}

static void
take(char **dst, char *src)
{
    if (*dst == NULL)
        *dst = src;
    else
        free(src);
}

static void
from_json(enum od_proto proto, const char *body, size_t len, struct found *f)
{
    cJSON *j = json_parse(body, len, NULL);
    const char *msg;

    if (j == NULL)
        return;
    if (proto == OD_PROTO_RESTJSON) {
        take(&f->code, normalise_code(json_str(j, "code")));
        take(&f->code, normalise_code(json_str(j, "Code")));
    }
    take(&f->code, normalise_code(json_str(j, "__type")));
    msg = json_str(j, "message");
    if (msg == NULL)
        msg = json_str(j, "Message");
    if (msg == NULL)
        msg = json_str(j, "errorMessage");
    if (msg != NULL)
        take(&f->message, xstrdup(msg));
    cJSON_Delete(j);
}

static void
from_xml(const char *body, size_t len, struct found *f)
{
    struct od_xml *doc = NULL;
    const struct od_xml_node *root, *e = NULL;
    char *s;

    if (xml_parse(body, len, &doc, NULL) != OD_OK)
        return;
    root = xml_root(doc);
    if (xml_is(root, "ErrorResponse"))
        e = xml_child(root, "Error"); /* awsQuery, CloudFront */
    else if (xml_is(root, "Error"))
        e = root; /* S3 style */
    else if (xml_is(root, "Response"))
        e = xml_path(root, "Errors/Error"); /* EC2 style */
    if (e != NULL) {
        s = xml_text_at(e, "Code");
        take(&f->code, trimmed(s, s != NULL ? strlen(s) : 0));
        free(s);
        if (f->code != NULL && strlen(f->code) > CODE_MAX)
            xfree(&f->code);
        take(&f->message, xml_text_at(e, "Message"));
    }
    /* Request id: ErrorResponse/RequestId, Error/RequestId, Response/RequestID,
     * success documents' ResponseMetadata/RequestId. */
    s = xml_text_at(root, "RequestId");
    if (s == NULL)
        s = xml_text_at(root, "RequestID");
    if (s == NULL)
        s = xml_text_at(root, "ResponseMetadata/RequestId");
    if (s != NULL) {
        take(&f->request_id, trimmed(s, strlen(s)));
        free(s);
    }
    xml_free(&doc);
}

/* First non-blank byte of the body, or 0. */
static char
sniff(const char *body, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' && body[i] != '\n')
            return body[i];
    return 0;
}

static void
from_body(enum od_proto proto, const char *body, size_t len, struct found *f)
{
    char c;

    if (body == NULL || len == 0 || len > ERROR_PARSE_MAX)
        return;
    c = sniff(body, len);
    if (c == '{')
        from_json(proto, body, len, f);
    else if (c == '<')
        from_xml(body, len, f);
}

static const char *
reason_phrase(long status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return NULL;
    }
}

static bool
looks_html(const char *body, size_t len, const struct od_http_response *resp)
{
    const char *ct = header(resp, "Content-Type");
    size_t i = 0;

    if (ct != NULL && strncasecmp(ct, "text/html", 9) == 0)
        return true;
    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
        i++;
    return (len - i >= 9 && strncasecmp(body + i, "<!doctype", 9) == 0) ||
           (len - i >= 5 && strncasecmp(body + i, "<html", 5) == 0);
}

/* A short, inert, one-line excerpt: tags dropped for HTML, white space runs folded to one
 * space, cut at EXCERPT_MAX bytes on a UTF-8 boundary, then sanitised. NULL when blank. */
static char *
excerpt(const char *body, size_t len, const struct od_http_response *resp)
{
    struct od_buf raw, out;
    bool html = looks_html(body, len, resp);
    bool in_tag = false, space = false;
    size_t i, n;

    buf_init(&raw, 0);
    for (i = 0; i < len && raw.len < EXCERPT_MAX; i++) {
        char c = body[i];

        if (html && c == '<') {
            in_tag = true;
            space = true;
            continue;
        }
        if (in_tag) {
            in_tag = c != '>';
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = true;
            continue;
        }
        if (space && raw.len > 0)
            buf_putc(&raw, ' ');
        space = false;
        buf_putc(&raw, c);
    }
    n = raw.len;
    if (i < len && n > 0) {
        /* cut, so do not leave half a character behind */
        size_t lead = n;

        while (lead > 0 && n - lead < 4 && ((unsigned char)raw.data[lead - 1] & 0xc0) == 0x80)
            lead--;
        if (lead > 0 && ((unsigned char)raw.data[lead - 1] & 0xc0) == 0xc0) {
            unsigned char c = (unsigned char)raw.data[lead - 1];
            size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

            if (n - (lead - 1) < need)
                n = lead - 1;
        }
    }
    if (n == 0) {
        buf_free(&raw);
        return NULL;
    }
    buf_init(&out, 0);
    sanitize_append(&out, raw.data, n);
    if (i < len)
        buf_puts(&out, "...");
    buf_free(&raw);
    return buf_steal(&out);
}

/* Signature errors quote the canonical request AWS expected, and a temporary credential's
 * session token is one of its signed headers ("x-amz-security-token:TOKEN", or
 * "X-Amz-Security-Token=TOKEN" in a query): keep the text, which helps debugging a signature
 * mismatch, but never the token. Works on raw and on sanitised text ("\x0a" ends a value
 * too, since '\\' is not a token character). */
static bool
token_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("+/=%-_", c) != NULL);
}

static char *
redact_token(char *msg)
{
    static const char name[] = "x-amz-security-token";
    const size_t nlen = sizeof name - 1;
    struct od_buf out;
    const char *p, *start;

    if (msg == NULL || strcasestr(msg, name) == NULL)
        return msg;
    buf_init(&out, 0);
    for (p = start = msg; (p = strcasestr(p, name)) != NULL;) {
        const char *v = p + nlen;

        if (*v != ':' && *v != '=') {
            p = v;
            continue;
        }
        v++;
        buf_append(&out, start, (size_t)(v - start));
        buf_puts(&out, "<redacted>");
        /* Tokens are base64, maybe percent-encoded; anything else ends the value. */
        while (token_char(*v))
            v++;
        p = start = v;
    }
    buf_puts(&out, start);
    free(msg);
    return buf_steal(&out);
}

void
proto_parse_error(enum od_proto proto, long status, const char *body, size_t len,
                  const struct od_http_response *resp, struct od_error *err)
{
    struct found f = { NULL, NULL, NULL };

    if (body == NULL)
        len = 0;
    od_error_clear(err);
    err->http_status = status;

    f.request_id = proto_request_id(proto, NULL, 0, resp); /* headers only */
    if (proto == OD_PROTO_JSON)
        f.code = query_error_code(header(resp, "x-amzn-query-error"));
    else if (proto == OD_PROTO_RESTJSON)
        f.code = normalise_code(header(resp, "x-amzn-ErrorType"));
    from_body(proto, body, len, &f);
    /* Last resort for any protocol: the error-type header alone (empty body, HEAD). */
    take(&f.code, normalise_code(header(resp, "x-amzn-ErrorType")));

    err->request_id = f.request_id;
    if (f.code != NULL) {
        err->err = OD_E_AWS;
        err->code = f.code;
        err->message = redact_token(f.message);
        return;
    }
    free(f.message);
    err->err = OD_E_HTTP;
    err->code = xasprintf("HTTP %ld", status);
    err->message = len > 0 ? redact_token(excerpt(body, len, resp)) : NULL;
    if (err->message == NULL && reason_phrase(status) != NULL)
        err->message = xstrdup(reason_phrase(status));
}

char *
proto_request_id(enum od_proto proto, const char *body, size_t len,
                 const struct od_http_response *resp)
{
    static const char *const names[] = { "x-amzn-RequestId", "x-amz-request-id" };
    struct found f = { NULL, NULL, NULL };
    size_t i;
    char *id;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *h = header(resp, names[i]);

        if (h != NULL && (id = trimmed(h, strlen(h))) != NULL)
            return id;
    }
    (void)proto;
    if (body == NULL || len == 0 || len > ERROR_PARSE_MAX || sniff(body, len) != '<')
        return NULL;
    from_xml(body, len, &f);
    free(f.code);
    free(f.message);
    return f.request_id;
}
