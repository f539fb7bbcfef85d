/* proto: error envelopes on real moto bodies (tests/unit/data/proto, captured by
 * tests/tools/capture_moto.py) and hostile bodies; JSON/XML helpers; query encoding. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/proto.h"
#include "aws/proto_json.h"
#include "aws/proto_query.h"
#include "aws/proto_xml.h"
#include "check.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

/* ---- fixtures ------------------------------------------------------------------------- */

struct fixture {
    char *body;
    size_t len;
    struct od_http_response resp;
};

static char *
data_dir(void)
{
    const char *src = getenv("ONDECK_SRCDIR");
    const char *file = __FILE__;
    const char *slash;

    if (src != NULL && *src != '\0')
        return xasprintf("%s/tests/unit/data/proto", src);
    slash = strrchr(file, '/');
    if (slash == NULL)
        return xstrdup("data/proto");
    return xasprintf("%.*s/data/proto", (int)(slash - file), file);
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct od_buf b;
    char chunk[4096];
    size_t n;

    if (f == NULL) {
        printf("# cannot open %s\n", path);
        *len = 0;
        return NULL;
    }
    buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

static void
add_header(struct od_http_response *r, const char *name, const char *value)
{
    r->headers = xreallocarray(r->headers, r->nheaders + 1, sizeof *r->headers);
    r->headers[r->nheaders].name = xstrdup(name);
    r->headers[r->nheaders].value = xstrdup(value);
    r->nheaders++;
}

/* <name>.headers: "status <code> <reason>" then "Name: value" lines. */
static bool
load(const char *name, struct fixture *fx)
{
    char *dir = data_dir();
    char *path = xasprintf("%s/%s.body", dir, name);
    char *hdrs, *line, *save = NULL;
    size_t hlen;

    memset(fx, 0, sizeof *fx);
    fx->body = slurp(path, &fx->len);
    free(path);
    path = xasprintf("%s/%s.headers", dir, name);
    hdrs = slurp(path, &hlen);
    free(path);
    free(dir);
    if (fx->body == NULL || hdrs == NULL) {
        free(hdrs);
        return false;
    }
    for (line = strtok_r(hdrs, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *colon;

        if (strncmp(line, "status ", 7) == 0) {
            fx->resp.status = strtol(line + 7, NULL, 10);
            continue;
        }
        colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        *colon = '\0';
        add_header(&fx->resp, line, colon + 1 + (colon[1] == ' '));
    }
    free(hdrs);
    fx->resp.body.data = fx->body;
    fx->resp.body.len = fx->len;
    return true;
}

static void
resp_free_headers(struct od_http_response *r)
{
    size_t i;

    for (i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    xfree(&r->headers);
    r->nheaders = 0;
}

static void
unload(struct fixture *fx)
{
    resp_free_headers(&fx->resp);
    xfree(&fx->body);
}

static const char *
hdr(const struct od_http_response *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nheaders; i++)
        if (str_case_eq(r->headers[i].name, name))
            return r->headers[i].value;
    return NULL;
}

/* Run proto_parse_error on a fixture and check the normalised result. */
static void
check_fixture_error(const char *name, enum od_proto proto, long status, const char *code,
                    const char *message)
{
    struct fixture fx;
    struct od_error e = { 0 };
    char what[160];

    snprintf(what, sizeof what, "%s: fixture loads", name);
    if (!CHECK(load(name, &fx), what))
        return;
    CHECK_INT(fx.resp.status, status, "fixture status");
    proto_parse_error(proto, fx.resp.status, fx.body, fx.len, &fx.resp, &e);
    snprintf(what, sizeof what, "%s: AWS error", name);
    CHECK_INT(e.err, OD_E_AWS, what);
    snprintf(what, sizeof what, "%s: code", name);
    CHECK_STR(e.code, code, what);
    snprintf(what, sizeof what, "%s: message", name);
    CHECK_STR(e.message, message, what);
    snprintf(what, sizeof what, "%s: http status", name);
    CHECK_INT(e.http_status, status, what);
    snprintf(what, sizeof what, "%s: request id from x-amzn-RequestId", name);
    CHECK_STR(e.request_id, hdr(&fx.resp, "x-amzn-requestid"), what);
    od_error_clear(&e);
    unload(&fx);
}

static void
test_fixture_errors(void)
{
    struct fixture fx;
    struct od_error e = { 0 };
    char *id;

    check_fixture_error("ecs_cluster_not_found", OD_PROTO_JSON, 400, "ClusterNotFoundException",
                        "Cluster not found.");
    check_fixture_error("logs_resource_not_found", OD_PROTO_JSON, 400, "ResourceNotFoundException",
                        "The specified log group does not exist.");
    check_fixture_error("cw_json_validation", OD_PROTO_JSON, 400, "ValidationError",
                        "The parameter MetricDataQueries.member.1.MetricStat is required.\n");
    check_fixture_error("cw_query_validation", OD_PROTO_QUERY, 400, "ValidationError",
                        "The parameter MetricDataQueries.member.1.MetricStat is required.\n");
    check_fixture_error("elbv2_tg_not_found", OD_PROTO_QUERY, 400, "TargetGroupNotFound",
                        "One or more target groups not found");
    check_fixture_error("cloudfront_no_such_distribution", OD_PROTO_RESTXML, 404,
                        "NoSuchDistribution", "The specified distribution does not exist.");

    /* Without headers the query error still has its code and the body's RequestId. */
    if (load("elbv2_tg_not_found", &fx)) {
        proto_parse_error(OD_PROTO_QUERY, 400, fx.body, fx.len, NULL, &e);
        CHECK_STR(e.code, "TargetGroupNotFound", "query error without headers");
        CHECK_STR(e.request_id, hdr(&fx.resp, "x-amzn-requestid"), "RequestId from the XML body");
        id = proto_request_id(OD_PROTO_QUERY, fx.body, fx.len, NULL);
        CHECK_STR(id, e.request_id, "proto_request_id from ErrorResponse/RequestId");
        free(id);
        od_error_clear(&e);
        unload(&fx);
    }
    /* CloudWatch JSON without x-amzn-query-error: __type with a namespace is normalised. */
    if (load("cw_json_validation", &fx)) {
        proto_parse_error(OD_PROTO_JSON, 400, fx.body, fx.len, NULL, &e);
        CHECK_STR(e.code, "ValidationError", "__type namespace#Code normalised");
        CHECK(e.request_id == NULL, "no request id without headers (JSON)");
        od_error_clear(&e);
        unload(&fx);
    }
    /* moto's HTML 500 page. */
    if (CHECK(load("moto_html_500", &fx), "moto_html_500: fixture loads")) {
        proto_parse_error(OD_PROTO_JSON, fx.resp.status, fx.body, fx.len, &fx.resp, &e);
        CHECK_INT(e.err, OD_E_HTTP, "HTML 500: OD_E_HTTP");
        CHECK_STR(e.code, "HTTP 500", "HTML 500: code HTTP 500");
        CHECK(e.message != NULL && str_has_prefix(e.message, "500 Internal Server Error "),
              "HTML 500: tags stripped, text kept");
        CHECK(e.message != NULL && strchr(e.message, '<') == NULL &&
                  strchr(e.message, '\n') == NULL && strlen(e.message) <= 210,
              "HTML 500: one short line");
        CHECK(e.request_id == NULL, "HTML 500: no request id");
        od_error_clear(&e);
        unload(&fx);
    }
}

/* ---- hostile bodies ------------------------------------------------------------------- */

static void
parse_str(enum od_proto proto, long status, const char *body, struct od_error *e)
{
    proto_parse_error(proto, status, body, body != NULL ? strlen(body) : 0, NULL, e);
}

static bool
is_http_fallback(const struct od_error *e, long status)
{
    char want[32];

    snprintf(want, sizeof want, "HTTP %ld", status);
    return e->err == OD_E_HTTP && e->code != NULL && strcmp(e->code, want) == 0 &&
           e->http_status == status;
}

static void
test_hostile(void)
{
    struct od_error e = { 0 };
    struct od_http_response r;
    struct fixture fx;
    char *big, *s;
    size_t i, n;
    clock_t t0;

    parse_str(OD_PROTO_JSON, 503, "", &e);
    CHECK(is_http_fallback(&e, 503), "empty body: HTTP 503");
    CHECK_STR(e.message, "Service Unavailable", "empty body: reason phrase");
    parse_str(OD_PROTO_QUERY, 418, NULL, &e);
    CHECK(is_http_fallback(&e, 418), "NULL body, odd status: HTTP 418");
    CHECK(e.message == NULL, "no reason phrase for 418");
    parse_str(OD_PROTO_RESTXML, 500, " \r\n\t ", &e);
    CHECK(is_http_fallback(&e, 500), "blank body: HTTP 500");
    CHECK_STR(e.message, "Internal Server Error", "blank body: reason phrase");

    /* Error-type header with an empty body (HEAD, some gateways). */
    memset(&r, 0, sizeof r);
    add_header(&r, "X-Amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/x");
    add_header(&r, "x-amz-request-id", "  req-42 ");
    proto_parse_error(OD_PROTO_QUERY, 400, "", 0, &r, &e);
    CHECK_STR(e.code, "ThrottlingException", "error type header alone gives the code");
    CHECK_STR(e.request_id, "req-42", "x-amz-request-id, trimmed");
    resp_free_headers(&r);

    /* Truncated real bodies. */
    if (load("ecs_cluster_not_found", &fx)) {
        proto_parse_error(OD_PROTO_JSON, 400, fx.body, fx.len / 2, NULL, &e);
        CHECK(is_http_fallback(&e, 400), "truncated JSON: HTTP 400");
        CHECK(e.message != NULL && str_has_prefix(e.message, "{\"__type\""),
              "truncated JSON: excerpt");
        unload(&fx);
    }
    if (load("elbv2_tg_not_found", &fx)) {
        proto_parse_error(OD_PROTO_QUERY, 400, fx.body, fx.len - 20, NULL, &e);
        CHECK(is_http_fallback(&e, 400), "truncated XML: HTTP 400");
        CHECK(e.message != NULL && strlen(e.message) <= 210, "truncated XML: short excerpt");
        unload(&fx);
    }

    /* 10 MB of garbage, including NULs and control bytes. */
    n = (size_t)10 << 20;
    big = xmalloc(n);
    srand(7);
    for (i = 0; i < n; i++)
        big[i] = (char)(rand() & 0xff);
    big[0] = 'x';
    t0 = clock();
    proto_parse_error(OD_PROTO_JSON, 502, big, n, NULL, &e);
    CHECK(is_http_fallback(&e, 502), "10 MB binary garbage: HTTP 502");
    CHECK(e.message != NULL && strlen(e.message) < 1024 &&
              sanitize_is_clean(e.message, strlen(e.message)),
          "10 MB garbage: short, inert excerpt");
    /* The same size in JSON clothing: too big to be an error document. */
    memset(big, ' ', n);
    memcpy(big, "{\"__type\":\"Big\",\"message\":\"", 27);
    big[n - 2] = '"';
    big[n - 1] = '}';
    proto_parse_error(OD_PROTO_JSON, 400, big, n, NULL, &e);
    CHECK(is_http_fallback(&e, 400), "10 MB JSON error body is not parsed");
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0, "huge bodies handled quickly");
    free(big);

    /* Binary garbage: the excerpt must be inert. */
    proto_parse_error(OD_PROTO_QUERY, 500, "\x1b]0;pwned\x07\x1b[2J\0\xff\xfe ok", 18, NULL, &e);
    CHECK(is_http_fallback(&e, 500), "binary garbage: HTTP 500");
    CHECK(e.message != NULL && sanitize_is_clean(e.message, strlen(e.message)) &&
              strstr(e.message, "\\x1b") != NULL,
          "binary garbage: escapes made visible");

    /* UTF-8 is not cut in half by the excerpt. */
    big = xmalloc(600);
    memset(big, 'a', 199);
    for (i = 199; i + 2 <= 600; i += 2) {
        big[i] = (char)0xc3;
        big[i + 1] = (char)0xa9;
    }
    proto_parse_error(OD_PROTO_JSON, 400, big, 599, NULL, &e);
    CHECK(e.message != NULL && strstr(e.message, "\\x") == NULL && str_has_suffix(e.message, "..."),
          "excerpt cut on a character boundary, marked with ...");
    free(big);

    /* __type with a namespace and a ":http://internal" suffix. */
    parse_str(OD_PROTO_JSON, 400,
              "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException:http://internal"
              ".amazon.com/coral/com.amazon.coral.service/\",\"message\":\"The security token "
              "included in the request is invalid.\"}",
              &e);
    CHECK_INT(e.err, OD_E_AWS, "coral __type: AWS error");
    CHECK_STR(e.code, "UnrecognizedClientException", "coral __type normalised");

    /* Escape sequences stay verbatim in the message: the display layer sanitises. */
    parse_str(OD_PROTO_JSON, 400,
              "{\"__type\":\"X\",\"message\":\"bad \\u001b[31mred\\u001b[0m\\r\\n\"}", &e);
    CHECK_STR(e.message, "bad \x1b[31mred\x1b[0m\r\n", "JSON message kept verbatim");
    /* XML cannot carry ESC at all: the document is malformed, the excerpt is inert. */
    parse_str(OD_PROTO_QUERY, 400,
              "<ErrorResponse><Error><Code>X</Code><Message>\x1b[31m</Message></Error>"
              "</ErrorResponse>",
              &e);
    CHECK(is_http_fallback(&e, 400), "raw ESC in XML: malformed, HTTP 400");
    CHECK(e.message != NULL && sanitize_is_clean(e.message, strlen(e.message)),
          "raw ESC in XML: inert excerpt");
    parse_str(OD_PROTO_QUERY, 400,
              "<ErrorResponse><Error><Code>A&amp;B</Code><Message>1 &lt; 2 &#233;</Message>"
              "</Error></ErrorResponse>",
              &e);
    CHECK_STR(e.code, "A&B", "predefined entities decoded");
    CHECK_STR(e.message, "1 < 2 \xc3\xa9", "character references decoded");

    /* Not-an-error JSON. */
    parse_str(OD_PROTO_JSON, 400, "[\"__type\"]", &e);
    CHECK(is_http_fallback(&e, 400), "JSON array: HTTP 400");
    parse_str(OD_PROTO_JSON, 400, "{\"__type\": 42, \"message\": \"m\"}", &e);
    CHECK(is_http_fallback(&e, 400), "numeric __type ignored");
    parse_str(OD_PROTO_JSON, 400, "{\"__type\": null}", &e);
    CHECK(is_http_fallback(&e, 400), "null __type ignored");
    parse_str(OD_PROTO_JSON, 400, "{\"__type\": \"  \"}", &e);
    CHECK(is_http_fallback(&e, 400), "blank __type ignored");
    parse_str(OD_PROTO_JSON, 400, "{\"__type\":\"A\"} trailing", &e);
    CHECK(is_http_fallback(&e, 400), "trailing data refused");
    s = xmalloc(400);
    memset(s, 'C', 399);
    s[399] = '\0';
    big = xasprintf("{\"__type\":\"%s\"}", s);
    parse_str(OD_PROTO_JSON, 400, big, &e);
    CHECK(is_http_fallback(&e, 400), "absurdly long code refused");
    free(big);
    free(s);
    parse_str(OD_PROTO_JSON, 400, "{\"__type\":\"Only\",\"Message\":\"capital M\"}", &e);
    CHECK_STR(e.message, "capital M", "Message with a capital M");
    parse_str(OD_PROTO_JSON, 400, "{\"__type\":\"NoMessage\"}", &e);
    CHECK(e.err == OD_E_AWS && e.message == NULL, "code without message");

    /* Deep nesting stops at the parsers' limits. */
    n = 200000;
    big = xmalloc(n + 1);
    memset(big, '[', n);
    big[n] = '\0';
    big[0] = '{';
    parse_str(OD_PROTO_JSON, 400, big, &e);
    CHECK(is_http_fallback(&e, 400), "deeply nested JSON");
    free(big);
    s = xmalloc(9 * 20000 + 1);
    for (i = 0; i < 20000; i++)
        memcpy(s + 3 * i, "<a>", 3);
    s[3 * 20000] = '\0';
    parse_str(OD_PROTO_QUERY, 400, s, &e);
    CHECK(is_http_fallback(&e, 400), "deeply nested XML");
    free(s);

    /* restJson (SSO portal): code from x-amzn-ErrorType, message from the body. */
    memset(&r, 0, sizeof r);
    add_header(&r, "x-amzn-ErrorType",
               "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard."
               "portal/");
    add_header(&r, "x-amzn-RequestId", "sso-1");
    s = xstrdup("{\"message\":\"Session token not found or invalid\"}");
    proto_parse_error(OD_PROTO_RESTJSON, 401, s, strlen(s), &r, &e);
    CHECK_STR(e.code, "UnauthorizedException", "restJson: code from header");
    CHECK_STR(e.message, "Session token not found or invalid", "restJson: body message");
    CHECK_STR(e.request_id, "sso-1", "restJson: request id");
    free(s);
    resp_free_headers(&r);
    parse_str(OD_PROTO_RESTJSON, 400, "{\"code\":\"InvalidRequestException\",\"message\":\"m\"}",
              &e);
    CHECK_STR(e.code, "InvalidRequestException", "restJson: body code");

    /* S3-style root <Error> (what moto answers for the unemulated SSO portal). */
    parse_str(OD_PROTO_RESTXML, 404,
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
              "<Message>The specified bucket does not exist</Message><BucketName>federation"
              "</BucketName><RequestId>s3-req</RequestId></Error>",
              &e);
    CHECK_STR(e.code, "NoSuchBucket", "S3 <Error>: code");
    CHECK_STR(e.request_id, "s3-req", "S3 <Error>: request id");
    /* XML on a JSON service, JSON on an XML service: sniffed. */
    parse_str(OD_PROTO_JSON, 403,
              "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>", &e);
    CHECK_STR(e.code, "AccessDenied", "XML body on a JSON service");
    parse_str(OD_PROTO_QUERY, 400, "{\"__type\":\"ExpiredToken\"}", &e);
    CHECK_STR(e.code, "ExpiredToken", "JSON body on a query service");
    /* Well-formed XML that is not an error document. */
    parse_str(OD_PROTO_QUERY, 500, "<Foo><Code>NotMe</Code></Foo>", &e);
    CHECK(is_http_fallback(&e, 500), "unknown XML root: HTTP 500");
    CHECK_STR(e.message, "<Foo><Code>NotMe</Code></Foo>", "unknown XML root: excerpt kept");
    od_error_clear(&e);
}

static void
test_xml_entities(void)
{
    struct od_error e = { 0 };
    struct od_xml *doc = NULL;
    clock_t t0;
    static const char xxe[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<ErrorResponse><Error><Code>&x;</Code><Message>&x;</Message></Error></ErrorResponse>";
    static const char ext_dtd[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/evil.dtd\">"
        "<ErrorResponse><Error><Code>C</Code></Error></ErrorResponse>";
    static const char lol[] =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
        "<ErrorResponse><Error><Code>&lol9;</Code></Error></ErrorResponse>";

    CHECK_INT(xml_parse(xxe, sizeof xxe - 1, &doc, &e), OD_E_PARSE, "external entity: refused");
    CHECK(doc == NULL, "external entity: no document");
    CHECK_STR(e.message, "malformed XML: DOCTYPE refused", "external entity: reason");
    parse_str(OD_PROTO_QUERY, 400, xxe, &e);
    CHECK(is_http_fallback(&e, 400), "external entity: error falls back to HTTP 400");
    CHECK(e.message != NULL && strstr(e.message, "root:") == NULL, "no file content leaks");
    CHECK_INT(xml_parse(ext_dtd, sizeof ext_dtd - 1, &doc, &e), OD_E_PARSE,
              "external DTD: refused, nothing fetched");
    t0 = clock();
    CHECK_INT(xml_parse(lol, sizeof lol - 1, &doc, &e), OD_E_PARSE, "billion laughs: refused");
    parse_str(OD_PROTO_QUERY, 400, lol, &e);
    CHECK(is_http_fallback(&e, 400), "billion laughs: HTTP 400");
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0, "billion laughs: no expansion time");
    CHECK_INT(xml_parse("<a>&undeclared;</a>", 19, &doc, &e), OD_E_PARSE,
              "undeclared entity: malformed");
    CHECK(e.message != NULL && str_has_prefix(e.message, "malformed XML (line 1)"),
          "parse error names the line");
    CHECK_INT(xml_parse("", 0, &doc, &e), OD_E_PARSE, "empty XML: refused");
    CHECK_INT(xml_parse("<a/>", (size_t)1 << 31, &doc, &e), OD_E_TOO_LARGE,
              "oversized length refused before reading");
    od_error_clear(&e);
}

/* ---- XML navigation on real success bodies ---------------------------------------------- */

static void
test_xml_nav(void)
{
    struct fixture fx;
    struct od_error e = { 0 };
    struct od_xml *doc = NULL;
    const struct od_xml_node *root, *res, *m, *v;
    char *s;
    time_t t;
    double d;
    long l;
    bool b;
    size_t count;

    if (load("sts_get_caller_identity", &fx)) {
        CHECK_INT(xml_parse(fx.body, fx.len, &doc, &e), OD_OK, "STS GetCallerIdentity parses");
        root = xml_root(doc);
        CHECK_STR(xml_name(root), "GetCallerIdentityResponse", "root local name, no namespace");
        s = xml_text_at(root, "GetCallerIdentityResult/Account");
        CHECK_STR(s, "123456789012", "xml_path Account");
        free(s);
        CHECK(xml_text_eq(root, "GetCallerIdentityResult/Arn",
                          "arn:aws:sts::123456789012:user/moto"),
              "xml_text_eq Arn");
        CHECK(xml_path(root, "GetCallerIdentityResult/Nope") == NULL, "missing path is NULL");
        CHECK(xml_text_at(root, "Nope/Deeper") == NULL, "missing text is NULL");
        xml_free(&doc);
        CHECK(doc == NULL, "xml_free NULLs the pointer");
        s = proto_request_id(OD_PROTO_QUERY, fx.body, fx.len, NULL);
        CHECK_STR(s, hdr(&fx.resp, "x-amzn-requestid"), "request id from ResponseMetadata");
        free(s);
        s = proto_request_id(OD_PROTO_QUERY, fx.body, fx.len, &fx.resp);
        CHECK_STR(s, hdr(&fx.resp, "x-amzn-requestid"), "request id from the header");
        free(s);
        unload(&fx);
    }
    if (load("sts_assume_role", &fx)) {
        CHECK_INT(xml_parse(fx.body, fx.len, &doc, &e), OD_OK, "STS AssumeRole parses");
        res = xml_path(xml_root(doc), "AssumeRoleResult/Credentials");
        CHECK(xml_time(res, "Expiration", &t), "Expiration is an ISO time");
        s = xml_text_at(res, "Expiration");
        CHECK(s != NULL && t > 1700000000, "Expiration value plausible");
        free(s);
        s = xml_text_at(res, "AccessKeyId");
        CHECK(s != NULL && str_has_prefix(s, "ASIA"), "AccessKeyId");
        free(s);
        CHECK(!xml_time(res, "AccessKeyId", &t), "xml_time refuses non-times");
        s = xml_text_at(xml_root(doc), "AssumeRoleResult/AssumedRoleUser/Arn");
        CHECK_STR(s, "arn:aws:sts::123456789012:assumed-role/ops-readonly/ops-console",
                  "AssumedRoleUser/Arn");
        free(s);
        xml_free(&doc);
        unload(&fx);
    }
    if (load("cw_query_get_metric_data", &fx)) {
        CHECK_INT(xml_parse(fx.body, fx.len, &doc, &e), OD_OK, "GetMetricData parses");
        res = xml_path(xml_root(doc), "GetMetricDataResult/MetricDataResults");
        CHECK_INT(xml_count(res, "member"), 2, "two MetricDataResults members");
        count = 0;
        XML_FOREACH(m, res, "member") {
            if (count == 0) {
                CHECK(xml_text_eq(m, "Id", "cpu"), "first member Id");
                CHECK_INT(xml_count(xml_child(m, "Values"), "member"), 1, "cpu has one value");
                v = xml_child(xml_child(m, "Values"), "member");
                CHECK(xml_double(v, NULL, &d) && d == 20.0, "value 20.0 (average of 10,20,30)");
                CHECK(xml_time(xml_path(m, "Timestamps/member"), NULL, &t), "timestamp parses");
            } else {
                CHECK(xml_text_eq(m, "Id", "mem"), "second member Id");
                CHECK(xml_child(xml_child(m, "Values"), "member") == NULL,
                      "empty <Values/> has no members");
                s = xml_text_at(m, "Timestamps");
                CHECK_STR(s, "", "empty element text is \"\"");
                free(s);
            }
            count++;
        }
        CHECK_INT(count, 2, "XML_FOREACH visits every member");
        s = proto_request_id(OD_PROTO_QUERY, fx.body, fx.len, NULL);
        CHECK(s != NULL && strlen(s) > 10, "request id of a query success body");
        free(s);
        xml_free(&doc);
        unload(&fx);
    }

    /* CloudFront lists: <Items> of model-named children next to <Quantity>. */
    {
        static const char list[] =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<InvalidationList xmlns=\"http://"
            "cloudfront.amazonaws.com/doc/2020-05-31/\"><MaxItems>100</MaxItems><IsTruncated>"
            "false</IsTruncated><Quantity>2</Quantity><Items><InvalidationSummary><Id>R1</Id>"
            "<CreateTime>2026-11-21T23:45:15.782620Z</CreateTime><Status>COMPLETED</Status>"
            "</InvalidationSummary><InvalidationSummary><Id>R2</Id><Status>InProgress</Status>"
            "</InvalidationSummary></Items></InvalidationList>";
        static const char empty[] =
            "<DistributionList><Marker></Marker><Quantity>0</Quantity></DistributionList>";

        CHECK_INT(xml_parse(list, sizeof list - 1, &doc, &e), OD_OK, "InvalidationList parses");
        root = xml_root(doc);
        CHECK(xml_long(root, "Quantity", &l) && l == 2, "Quantity");
        CHECK(xml_bool(root, "IsTruncated", &b) && !b, "IsTruncated false");
        CHECK(!xml_bool(root, "Quantity", &b), "xml_bool refuses non-booleans");
        CHECK(!xml_long(root, "IsTruncated", &l), "xml_long refuses words");
        count = 0;
        XML_FOREACH(m, xml_child(root, "Items"), "InvalidationSummary")
            count++;
        CHECK_INT(count, 2, "Items iteration");
        m = xml_path(root, "Items/InvalidationSummary");
        CHECK(xml_time(m, "CreateTime", &t) && t == 1795304715, "time with microseconds");
        m = xml_next(m, NULL);
        CHECK(xml_text_eq(m, "Id", "R2"), "xml_next(any)");
        CHECK(xml_next(m, NULL) == NULL, "end of list");
        xml_free(&doc);
        CHECK_INT(xml_parse(empty, sizeof empty - 1, &doc, &e), OD_OK, "empty list parses");
        count = 0;
        XML_FOREACH(m, xml_child(xml_root(doc), "Items"), "DistributionSummary")
            count++;
        CHECK_INT(count, 0, "missing <Items> iterates zero times");
        xml_free(&doc);
    }

    /* Prefixed namespaces, CDATA, mixed content, white space around scalars. */
    {
        static const char ns[] =
            "<p:Root xmlns:p=\"urn:a\" xmlns:q=\"urn:b\"><q:Val> 42 </q:Val><p:D>\n1.5e3\n</p:D>"
            "<p:T>x<![CDATA[<not a tag>]]>y<p:Sub>z</p:Sub></p:T><p:B>TRUE</p:B><p:N>"
            "99999999999999999999</p:N></p:Root>";

        CHECK_INT(xml_parse(ns, sizeof ns - 1, &doc, &e), OD_OK, "namespaced XML parses");
        root = xml_root(doc);
        CHECK(xml_is(root, "Root"), "prefix ignored in local name");
        CHECK(xml_long(root, "Val", &l) && l == 42, "xml_long trims white space");
        CHECK(xml_double(root, "D", &d) && d == 1500.0, "xml_double exponent");
        s = xml_text_at(root, "T");
        CHECK_STR(s, "x<not a tag>yz", "text gathers CDATA and descendants");
        free(s);
        CHECK(xml_bool(root, "B", &b) && b, "xml_bool case-insensitive");
        l = 7;
        CHECK(!xml_long(root, "N", &l) && l == 7, "overflow refused, out untouched");
        CHECK(xml_path(root, "") == root && xml_path(root, NULL) == root, "empty path is self");
        CHECK(xml_path(root, "/Val/") == xml_child(root, "Val"), "stray slashes tolerated");
        CHECK(xml_child(NULL, "x") == NULL && xml_text(NULL) == NULL && xml_name(NULL) == NULL &&
                  xml_count(NULL, NULL) == 0 && !xml_long(NULL, "x", &l),
              "NULL-safe navigation");
        /* strtod must not follow a comma-decimal LC_NUMERIC. */
        if (setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL ||
            setlocale(LC_NUMERIC, "fr_FR.UTF-8") != NULL) {
            CHECK(xml_double(root, "D", &d) && d == 1500.0, "xml_double under a comma locale");
            setlocale(LC_NUMERIC, "C");
        }
        xml_free(&doc);
    }
    od_error_clear(&e);
}

/* ---- JSON helpers --------------------------------------------------------------------- */

static void
test_json(void)
{
    struct fixture fx;
    struct od_error e = { 0 };
    cJSON *j, *o, *arr;
    const cJSON *c;
    double d;
    int64_t i64;
    time_t t;
    bool b;
    size_t n;
    char *s;
    static const char *const svcs[] = { "web", "api" };
    static const char doc[] =
        "{\"nextToken\": null, \"n\": 1.5, \"i\": 3, \"b\": true, \"s\": \"x\", \"arr\": [1, 2],"
        " \"o\": {\"k\": \"v\"}, \"createdAt\": 1795304678.894, \"timestamp\": 1795304700436,"
        " \"Key\": \"upper\", \"key\": \"lower\"}";

    if (load("ecs_describe_clusters", &fx)) {
        j = json_parse(fx.body, fx.len, &e);
        CHECK(j != NULL, "ECS DescribeClusters parses");
        CHECK_INT(json_arr_len(j, "clusters"), 1, "one cluster");
        n = 0;
        JSON_FOREACH(c, j, "clusters") {
            CHECK_STR(json_str(c, "clusterName"), "prod", "clusterName");
            CHECK(json_int(c, "runningTasksCount", &i64) && i64 == 0, "runningTasksCount");
            n++;
        }
        CHECK_INT(n, 1, "JSON_FOREACH");
        c = cJSON_GetArrayItem(json_arr(j, "failures"), 0);
        CHECK_STR(json_str(c, "reason"), "MISSING", "failures[0].reason");
        n = 0;
        JSON_FOREACH(c, j, "nope")
            n++;
        CHECK_INT(n, 0, "JSON_FOREACH over an absent member");
        json_free(&j);
        CHECK(j == NULL, "json_free NULLs the pointer");
        unload(&fx);
    }

    j = json_parse(doc, sizeof doc - 1, &e);
    CHECK(j != NULL, "hand-made document parses");
    CHECK(json_str(j, "nextToken") == NULL, "JSON null is absent");
    CHECK(json_str(j, "n") == NULL, "number is not a string");
    CHECK(json_num(j, "n", &d) && d == 1.5, "json_num");
    i64 = 9;
    CHECK(!json_int(j, "n", &i64) && i64 == 9, "json_int refuses a fraction");
    CHECK(json_int(j, "i", &i64) && i64 == 3, "json_int");
    CHECK(json_bool(j, "b", &b) && b, "json_bool");
    CHECK(!json_bool(j, "s", &b), "json_bool refuses a string");
    CHECK_INT(json_arr_len(j, "arr"), 2, "json_arr_len");
    CHECK(json_arr(j, "o") == NULL && json_obj(j, "arr") == NULL, "type-checked containers");
    CHECK_STR(json_str(json_obj(j, "o"), "k"), "v", "nested object");
    CHECK_STR(json_str(j, "Key"), "upper", "case-sensitive lookup (Key)");
    CHECK_STR(json_str(j, "key"), "lower", "case-sensitive lookup (key)");
    CHECK(json_str(j, "KEY") == NULL, "no case folding");
    CHECK(json_time(j, "createdAt", &t) && t == 1795304678, "epoch seconds floored");
    CHECK(json_time_ms(j, "createdAt", &i64) && i64 == 1795304678894LL, "epoch seconds to ms");
    CHECK(json_epoch_ms(j, "timestamp", &i64) && i64 == 1795304700436LL, "Logs epoch ms");
    CHECK(!json_time(j, "s", &t), "json_time refuses a string");
    s = json_strdup(j, "s");
    CHECK_STR(s, "x", "json_strdup");
    free(s);
    CHECK(json_strdup(j, "nextToken") == NULL, "json_strdup of null");
    CHECK(json_str(NULL, "x") == NULL && json_arr(NULL, "x") == NULL &&
              !json_num(NULL, "x", &d) && json_str(json_arr(j, "arr"), "x") == NULL,
          "NULL-safe getters");
    json_free(&j);

    CHECK(json_parse("{\"a\":1", 6, &e) == NULL, "truncated JSON refused");
    CHECK(e.err == OD_E_PARSE && str_has_prefix(e.message, "malformed JSON"), "parse error");
    CHECK(json_parse("{} {}", 5, &e) == NULL, "two documents refused");
    CHECK(json_parse("[]", 2, &e) == NULL, "array at top level refused");
    CHECK(json_parse("  ", 2, &e) == NULL, "blank refused");
    /* Explicit length: bytes after len are never read. */
    j = json_parse("{\"a\":1}garbage", 7, &e);
    CHECK(j != NULL, "length bounds the parse");
    json_free(&j);
    j = json_parse("{\"a\":1}\n", 8, NULL);
    CHECK(j != NULL, "trailing newline accepted (NULL err allowed)");
    json_free(&j);

    o = json_new_object();
    json_add_str(o, "cluster", "prod");
    json_add_str(o, "nextToken", NULL);
    json_add_strs(o, "services", svcs, 2);
    json_add_strs(o, "include", NULL, 0);
    json_add_num(o, "desiredCount", 3);
    json_add_bool(o, "forceNewDeployment", true);
    arr = json_add_array(o, "tags");
    c = json_push_object(arr);
    json_add_str((cJSON *)c, "key", "team");
    json_push_str(arr, NULL);
    json_add_object(o, "empty");
    s = json_print(o);
    CHECK_STR(s,
              "{\"cluster\":\"prod\",\"services\":[\"web\",\"api\"],\"include\":[],"
              "\"desiredCount\":3,\"forceNewDeployment\":true,\"tags\":[{\"key\":\"team\"},\"\"],"
              "\"empty\":{}}",
              "builder output");
    free(s);
    cJSON_Delete(o);
    od_error_clear(&e);
}

/* ---- query encoding ------------------------------------------------------------------- */

static void
test_query(void)
{
    struct od_buf b;
    static const char *const names[] = { "web-alb", "a b" };
    static const struct od_kv kv[] = {
        { "TargetGroupArn",
          "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc" },
        { "Marker", NULL },
        { "Odd", "~-_. +&=/\xc3\xa9" },
    };

    buf_init(&b, 0);
    CHECK_INT(proto_query_encode(&b, "DescribeTargetHealth", "2015-12-01", kv, 3), OD_OK,
              "proto_query_encode");
    CHECK_STR(buf_cstr(&b),
              "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelastic"
              "loadbalancing%3Aus-east-1%3A123456789012%3Atargetgroup%2Fweb%2Fabc&Marker="
              "&Odd=~-_.%20%2B%26%3D%2F%C3%A9",
              "form encoding: RFC 3986 unreserved kept, space %20");
    proto_query_begin(&b, "DescribeLoadBalancers", "2015-12-01");
    proto_query_add_list(&b, "Names", names, 2);
    proto_query_add_list(&b, "LoadBalancerArns", NULL, 0);
    proto_query_add_long(&b, "PageSize", 400);
    proto_query_add_bool(&b, "Flag", false);
    CHECK_STR(buf_cstr(&b),
              "Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=web-alb"
              "&Names.member.2=a%20b&LoadBalancerArns=&PageSize=400&Flag=false",
              "lists, empty list, long, bool; begin resets");
    proto_query_begin(&b, "RegisterTargets", "2015-12-01");
    proto_query_add_member(&b, "Targets", 1, "Id", "10.0.0.10");
    proto_query_add_member(&b, "Targets", 1, "Port", "80");
    proto_query_add_member(&b, "MetricDataQueries", 2, "MetricStat.Metric.Namespace", "AWS/ECS");
    CHECK_STR(buf_cstr(&b),
              "Action=RegisterTargets&Version=2015-12-01&Targets.member.1.Id=10.0.0.10"
              "&Targets.member.1.Port=80&MetricDataQueries.member.2.MetricStat.Metric.Namespace="
              "AWS%2FECS",
              "member fields and nested structs");
    buf_free(&b);
    buf_init(&b, 40);
    CHECK_INT(proto_query_encode(&b, "DescribeTargetHealth", "2015-12-01", kv, 3),
              OD_E_TOO_LARGE, "bounded buffer: clean error");
    buf_free(&b);
}

int
main(void)
{
    test_fixture_errors();
    test_hostile();
    test_xml_entities();
    test_xml_nav();
    test_json();
    test_query();
    xml_global_cleanup();
    return check_done();
}
