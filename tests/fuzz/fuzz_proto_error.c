/* Error envelopes of every protocol: proto_parse_error and proto_request_id. Properties: the
 * error is OD_E_AWS or OD_E_HTTP with a non-empty code, and a session token quoted in a
 * signature error (the canonical request) is redacted.
 *
 * Input: an HTTP head then the body, as the fixtures in tests/unit/data/proto/ store them:
 *     status 400 BAD REQUEST\n
 *     Name: value\n ...
 *     \n
 *     BODY
 * The head is optional (no "status " prefix: the whole input is the body, status 400). Each
 * input is decoded as JSON, query, restXml and restJson, with and without the headers. */
#include "aws/proto.h"
#include "tests/fuzz/fuzz.h"

#define MAX_HEADERS 32

static const char *
line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));

    return nl != NULL ? nl : end;
}

/* Split the head into resp (strings malloc'd) and return where the body starts. */
static const char *
parse_head(const char *p, const char *end, struct od_http_response *resp)
{
    const char *eol;
    char *st;

    resp->status = 400;
    if ((size_t)(end - p) < 7 || memcmp(p, "status ", 7) != 0)
        return p;
    eol = line_end(p, end);
    st = fuzz_cstr((const uint8_t *)p + 7, (size_t)(eol - p - 7));
    resp->status = strtol(st, NULL, 10);
    free(st);
    resp->headers = calloc(MAX_HEADERS, sizeof *resp->headers);
    if (resp->headers == NULL)
        abort();
    p = eol < end ? eol + 1 : end;
    while (p < end) {
        const char *colon;

        eol = line_end(p, end);
        if (eol == p || (eol == p + 1 && *p == '\r')) /* blank line: the body follows */
            return eol < end ? eol + 1 : end;
        colon = memchr(p, ':', (size_t)(eol - p));
        if (colon != NULL && resp->nheaders < MAX_HEADERS) {
            const char *v = colon + 1;

            while (v < eol && *v == ' ')
                v++;
            resp->headers[resp->nheaders].name =
                fuzz_cstr((const uint8_t *)p, (size_t)(colon - p));
            resp->headers[resp->nheaders].value =
                fuzz_cstr((const uint8_t *)v, (size_t)(eol - v));
            resp->nheaders++;
        }
        p = eol < end ? eol + 1 : end;
    }
    return end;
}

static void
check_error(const struct od_error *e)
{
    FUZZ_ASSERT(e->err == OD_E_AWS || e->err == OD_E_HTTP);
    /* A code, when there is one, is a single non-empty token an operator can read. */
    if (e->code != NULL)
        FUZZ_ASSERT(e->code[0] != '\0');
    /* A session token quoted in a signature error's canonical request is redacted. */
    for (const char *m = e->message; m != NULL && (m = strcasestr(m, "x-amz-security-token")) != NULL;) {
        m += strlen("x-amz-security-token");
        if (*m == ':' || *m == '=') {
            m++;
            FUZZ_ASSERT(strncmp(m, "<redacted>", 10) == 0);
            m += 10;
            FUZZ_ASSERT(!((*m >= 'A' && *m <= 'Z') || (*m >= 'a' && *m <= 'z') ||
                          (*m >= '0' && *m <= '9') || (*m != '\0' && strchr("+/=%-_", *m))));
        }
    }
}

FUZZ_ENTRY(proto_error)
{
    static const enum od_proto protos[] = { OD_PROTO_JSON, OD_PROTO_QUERY, OD_PROTO_RESTXML,
                                            OD_PROTO_RESTJSON };
    struct od_http_response resp = { 0 };
    const char *start = (const char *)data, *end = start + size;
    const char *body = parse_head(start, end, &resp);
    size_t blen = (size_t)(end - body);
    long status = resp.status >= 300 && resp.status < 1000 ? resp.status : 400;

    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++) {
        for (int with_head = 0; with_head < 2; with_head++) {
            struct od_error e = { 0 };
            char *rid, *line;

            proto_parse_error(protos[i], status, body, blen, with_head ? &resp : NULL, &e);
            check_error(&e);
            line = od_error_format(&e);
            FUZZ_ASSERT(line != NULL);
            free(line);
            od_error_clear(&e);
            rid = proto_request_id(protos[i], body, blen, with_head ? &resp : NULL);
            free(rid);
        }
    }
    for (size_t i = 0; i < resp.nheaders; i++) {
        free(resp.headers[i].name);
        free(resp.headers[i].value);
    }
    free(resp.headers);
    return 0;
}
