/* util.c - text buffers, form decoding, paging tokens and the error answers of each protocol. */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_add(struct rp_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (p == NULL)
            abort(); /* a benchmark tool: no memory is not a state to recover from */
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void
buf_puts(struct rp_buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_vprintf(struct rp_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
buf_vprintf(struct rp_buf *b, const char *fmt, va_list ap)
{
    char small[512];
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        buf_add(b, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big == NULL)
            abort();
        vsnprintf(big, (size_t)n + 1, fmt, ap2);
        buf_add(b, big, (size_t)n);
        free(big);
    }
    va_end(ap2);
}

void
buf_printf(struct rp_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

static void
buf_escaped(struct rp_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: buf_add(b, s, 1);
        }
    }
}

void
buf_xml(struct rp_buf *b, const char *tag, const char *text)
{
    buf_printf(b, "<%s>", tag);
    buf_escaped(b, text);
    buf_printf(b, "</%s>", tag);
}

void
buf_xmlf(struct rp_buf *b, const char *tag, const char *fmt, ...)
{
    struct rp_buf t = {0};
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&t, fmt, ap);
    va_end(ap);
    buf_xml(b, tag, t.s != NULL ? t.s : "");
    free(t.s);
}

char *
buf_take(struct rp_buf *b, size_t *len)
{
    char *s = b->s;

    if (s == NULL) {
        s = calloc(1, 1);
        if (s == NULL)
            abort();
    }
    if (len != NULL)
        *len = b->len;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void
answer_json(struct rp_answer *a, int status, char *body)
{
    a->status = status;
    a->body = body;
    a->len = strlen(body);
    a->ctype = "application/x-amz-json-1.1";
}

void
answer_xml(struct rp_answer *a, int status, char *body, size_t len)
{
    a->status = status;
    a->body = body;
    a->len = len;
    a->ctype = "text/xml";
}

void
json_error(struct rp_answer *a, int status, const char *type, const char *message)
{
    struct rp_buf b = {0};

    buf_printf(&b, "{\"__type\":\"%s\",\"message\":\"%s\"}", type, message);
    answer_json(a, status, buf_take(&b, NULL));
}

void
query_error(struct rp_answer *a, int status, const char *ns, const char *code,
            const char *message)
{
    struct rp_buf b = {0};

    buf_printf(&b, "<ErrorResponse xmlns=\"%s\"><Error><Type>Sender</Type>", ns);
    buf_xml(&b, "Code", code);
    buf_xml(&b, "Message", message);
    buf_puts(&b, "</Error><RequestId>00000000-0000-4000-8000-000000000000</RequestId>"
                 "</ErrorResponse>");
    a->status = status;
    a->ctype = "text/xml";
    a->body = buf_take(&b, &a->len);
}

/* Worded as each service words it: ECS "ThrottlingException" / "Rate exceeded" (JSON 1.1);
 * ELBv2 <Code>Throttling</Code> with HTTP 400 (awsquery); CloudWatch over JSON 1.0 is
 * awsQueryCompatible, so its query code rides in x-amzn-query-error; CloudFront (rest-xml)
 * "Throttling". */
void
throttle_answer(const struct rp_request *rq, struct rp_answer *a)
{
    if (strcmp(rq->service, "elasticloadbalancing") == 0) {
        query_error(a, 400, "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
                    "Throttling", "Rate exceeded");
    } else if (strcmp(rq->service, "monitoring") == 0) {
        json_error(a, 400, "com.amazonaws.coral.availability#ThrottlingException",
                   "Rate exceeded");
        a->ctype = "application/x-amz-json-1.0";
        snprintf(a->header_name, sizeof a->header_name, "x-amzn-query-error");
        snprintf(a->header_value, sizeof a->header_value, "Throttling;Sender");
    } else if (strcmp(rq->service, "cloudfront") == 0) {
        query_error(a, 400, "http://cloudfront.amazonaws.com/doc/2020-05-31/", "Throttling",
                    "Rate exceeded");
    } else {
        json_error(a, 400, "ThrottlingException", "Rate exceeded");
    }
}

void
token_make(char *out, size_t n, const char *op, long offset)
{
    /* Long and opaque like AWS's; the offset is in the middle so clients cannot guess it. */
    snprintf(out, n, "rp1%08x%08lx%s", world_hash(op, (uint32_t)offset), (unsigned long)offset,
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");
}

long
token_parse(const char *token, const char *op)
{
    unsigned long off;
    unsigned h;

    if (token == NULL || strncmp(token, "rp1", 3) != 0 || strlen(token) < 19)
        return -1;
    if (sscanf(token + 3, "%8x%8lx", &h, &off) != 2)
        return -1;
    if (h != world_hash(op, (uint32_t)off))
        return -1;
    return (long)off;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *
url_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;

    if (out == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
                   hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

char *
form_get(const char *body, size_t len, const char *key)
{
    size_t klen = strlen(key), i = 0;

    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        const char *eq = memchr(body + i, '=', end - i);
        if (eq != NULL) {
            char *k = url_decode(body + i, (size_t)(eq - (body + i)));
            bool hit = strlen(k) == klen && memcmp(k, key, klen) == 0;
            free(k);
            if (hit)
                return url_decode(eq + 1, (size_t)(body + end - eq - 1));
        }
        i = end + 1;
    }
    return NULL;
}
