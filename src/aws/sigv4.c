/* SigV4 signing as a pure function. The rules are botocore's SigV4Auth (the non-S3 signer),
 * matched byte for byte; tests/tools/sigv4_vectors.py checks that against botocore itself.
 * Where botocore's behaviour is surprising, the comment next to the code says what it does. */
#include "aws/sigv4.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* botocore's SIGNED_HEADERS_BLACKLIST: present on the request but never signed. */
static const char *const unsigned_headers[] = {
    "connection", "expect",  "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te",         "trailer", "transfer-encoding", "upgrade",      "user-agent",
    "x-amzn-trace-id",
};

/* Headers the signer sets itself; a caller passing them is a bug. */
static const char *const reserved_headers[] = {
    "authorization", "host", "x-amz-date", "x-amz-security-token",
};

struct hdr {
    char *name;  /* lower case */
    char *value; /* trimmed, white space squeezed */
    size_t order; /* position in the input, so duplicates keep their order */
};

struct qparam {
    char *key;   /* encoded */
    char *value; /* encoded */
};

static bool
in_list(const char *name, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

static char
ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char
ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* RFC 9110 token characters: anything else in a header name is a caller bug. */
static bool
is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Length in bytes of the white-space character at p, or 0. botocore squeezes header values
 * with Python's str.split(), whose notion of white space is str.isspace(): besides the ASCII
 * controls it includes 0x1c-0x1f and the Unicode spaces, which arrive here as UTF-8. */
static size_t
space_len(const unsigned char *p, size_t left)
{
    if (*p == ' ' || (*p >= 0x09 && *p <= 0x0d) || (*p >= 0x1c && *p <= 0x1f))
        return 1;
    if (left >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
        return 2; /* U+0085, U+00A0 */
    if (left < 3)
        return 0;
    if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
        return 3; /* U+1680 */
    if (p[0] == 0xe2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
        return 3; /* U+2000-U+200A, U+2028, U+2029, U+202F */
    if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
        return 3; /* U+205F */
    if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
        return 3; /* U+3000 */
    return 0;
}

/* ' '.join(value.split()): trim, and turn every run of white space into one space. */
static char *
squeeze(const char *value)
{
    const unsigned char *p = (const unsigned char *)(value != NULL ? value : "");
    size_t left = strlen((const char *)p), n = 0, w;
    char *out = xmalloc(left + 1);
    bool gap = false;

    while (left > 0) {
        if ((w = space_len(p, left)) > 0) {
            gap = n > 0;
        } else {
            if (gap)
                out[n++] = ' ';
            gap = false;
            out[n++] = (char)*p;
            w = 1;
        }
        p += w;
        left -= w;
    }
    out[n] = '\0';
    return out;
}

static char *
lower_dup(const char *s)
{
    char *out = xstrdup(s);
    char *p;

    for (p = out; *p != '\0'; p++)
        *p = ascii_lower(*p);
    return out;
}

/* botocore utils.remove_dot_segments, then quote(path, safe='/~'): split on '/', drop empty
 * and "." segments, let ".." pop one, keep the leading '/' and a trailing '/' (the latter only
 * when a segment survives), then percent-encode the survivors again. */
static enum od_err
put_canonical_uri(struct od_buf *out, const char *path)
{
    struct seg {
        const char *p;
        size_t n;
    } *segs;
    size_t len = path != NULL ? strlen(path) : 0;
    size_t nsegs = 0, start = 0, i, cnt = 1;
    enum od_err err = OD_OK;

    if (len == 0)
        return buf_putc(out, '/');
    for (i = 0; i < len; i++)
        cnt += path[i] == '/';
    segs = xreallocarray(NULL, cnt, sizeof *segs);
    for (i = 0; i <= len; i++) {
        size_t n;

        if (i < len && path[i] != '/')
            continue;
        n = i - start;
        if (n == 2 && path[start] == '.' && path[start + 1] == '.') {
            if (nsegs > 0)
                nsegs--;
        } else if (n > 0 && !(n == 1 && path[start] == '.')) {
            segs[nsegs].p = path + start;
            segs[nsegs].n = n;
            nsegs++;
        }
        start = i + 1;
    }
    if (path[0] == '/')
        err = buf_putc(out, '/');
    for (i = 0; i < nsegs && err == OD_OK; i++) {
        if (i > 0)
            err = buf_putc(out, '/');
        if (err == OD_OK)
            err = str_uri_encode(out, segs[i].p, segs[i].n, false);
    }
    if (err == OD_OK && path[len - 1] == '/' && nsegs > 0)
        err = buf_putc(out, '/');
    free(segs);
    return err;
}

static char *
encode_dup(const char *s)
{
    struct od_buf b;

    buf_init(&b, 0);
    (void)str_uri_encode(&b, s, strlen(s), false); /* unbounded: cannot fail */
    return buf_steal(&b);
}

/* botocore sorts the (encoded key, encoded value) tuples: key first, then value. The
 * encoded strings are ASCII, so strcmp orders them the way Python does. */
static int
qparam_cmp(const void *a, const void *b)
{
    const struct qparam *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c != 0 ? c : strcmp(x->value, y->value);
}

static enum od_err
make_query(const struct od_sigv4_input *in, char **out)
{
    struct qparam *qp;
    struct od_buf b;
    enum od_err err = OD_OK;
    size_t i;

    *out = NULL;
    if (in->nquery == 0) {
        *out = xstrdup("");
        return OD_OK;
    }
    if (in->query == NULL)
        return OD_E_USAGE;
    qp = xreallocarray(NULL, in->nquery, sizeof *qp);
    for (i = 0; i < in->nquery; i++) {
        qp[i].key = encode_dup(in->query[i].key != NULL ? in->query[i].key : "");
        qp[i].value = encode_dup(in->query[i].value != NULL ? in->query[i].value : "");
    }
    qsort(qp, in->nquery, sizeof *qp, qparam_cmp);
    buf_init(&b, OD_BUF_MAX_DEFAULT);
    for (i = 0; i < in->nquery && err == OD_OK; i++)
        err = buf_printf(&b, "%s%s=%s", i > 0 ? "&" : "", qp[i].key, qp[i].value);
    for (i = 0; i < in->nquery; i++) {
        free(qp[i].key);
        free(qp[i].value);
    }
    free(qp);
    if (err != OD_OK) {
        buf_free(&b);
        return err;
    }
    *out = buf_steal(&b);
    return OD_OK;
}

static int
hdr_cmp(const void *a, const void *b)
{
    const struct hdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void
hdrs_free(struct hdr *h, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(h[i].name);
        secure_free_str(&h[i].value); /* the session token is among them */
    }
    free(h);
}

/* Collect the headers to sign: the caller's minus botocore's unsigned set, plus host,
 * x-amz-date and the session token. Also finds a caller-supplied x-amz-content-sha256, whose
 * raw value (the first one) botocore puts in the canonical request instead of the body hash. */
static enum od_err
collect_headers(const struct od_sigv4_input *in, const char *amz_date, struct hdr **out,
                size_t *nout, const char **content_sha)
{
    struct hdr *h;
    size_t i, n = 0;
    bool token = !str_empty(in->session_token);

    *out = NULL;
    *nout = 0;
    *content_sha = NULL;
    if (in->nheaders > 0 && in->headers == NULL)
        return OD_E_USAGE;
    for (i = 0; i < in->nheaders; i++) {
        const unsigned char *p = (const unsigned char *)in->headers[i].key;

        if (str_empty(in->headers[i].key))
            return OD_E_USAGE;
        for (; *p != '\0'; p++)
            if (!is_tchar(*p))
                return OD_E_USAGE;
    }
    h = xreallocarray(NULL, in->nheaders + 3, sizeof *h);
    for (i = 0; i < in->nheaders; i++) {
        char *name = lower_dup(in->headers[i].key);

        if (in_list(name, reserved_headers, sizeof reserved_headers / sizeof *reserved_headers)) {
            free(name);
            hdrs_free(h, n);
            return OD_E_USAGE;
        }
        if (in_list(name, unsigned_headers, sizeof unsigned_headers / sizeof *unsigned_headers)) {
            free(name);
            continue;
        }
        if (*content_sha == NULL && strcmp(name, "x-amz-content-sha256") == 0)
            *content_sha = in->headers[i].value != NULL ? in->headers[i].value : "";
        h[n].name = name;
        h[n].value = squeeze(in->headers[i].value);
        h[n].order = n;
        n++;
    }
    h[n].name = xstrdup("host");
    h[n].value = lower_dup(in->host); /* urlsplit().hostname is lower case */
    h[n].order = n;
    n++;
    h[n].name = xstrdup("x-amz-date");
    h[n].value = xstrdup(amz_date);
    h[n].order = n;
    n++;
    if (token) {
        h[n].name = xstrdup("x-amz-security-token");
        h[n].value = squeeze(in->session_token);
        h[n].order = n;
        n++;
    }
    qsort(h, n, sizeof *h, hdr_cmp);
    *out = h;
    *nout = n;
    return OD_OK;
}

/* Canonical headers block ("name:v1,v2\n" per distinct name) and the signed-headers list. */
static enum od_err
put_headers(struct od_buf *cr, struct od_buf *signed_names, const struct hdr *h, size_t n)
{
    enum od_err err = OD_OK;
    size_t i;

    for (i = 0; i < n && err == OD_OK; i++) {
        bool first = i == 0 || strcmp(h[i - 1].name, h[i].name) != 0;
        bool last = i + 1 == n || strcmp(h[i + 1].name, h[i].name) != 0;

        if (first) {
            err = buf_printf(cr, "%s:", h[i].name);
            if (err == OD_OK)
                err = buf_printf(signed_names, "%s%s", i > 0 ? ";" : "", h[i].name);
        } else {
            err = buf_putc(cr, ',');
        }
        if (err == OD_OK)
            err = buf_puts(cr, h[i].value);
        if (err == OD_OK && last)
            err = buf_putc(cr, '\n');
    }
    return err;
}

static bool
valid_path(const char *path)
{
    const unsigned char *p = (const unsigned char *)path;

    if (str_empty(path))
        return true;
    if (*p != '/')
        return false;
    /* '?' and '#' would end the path of the URL; controls do not go on the wire. */
    for (; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '?' || *p == '#')
            return false;
    return true;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
static void
derive_signing_key(const struct od_sigv4_input *in, const char *date8,
                   unsigned char key[OD_SHA256_LEN])
{
    size_t slen = strlen(in->secret_access_key);
    char *secret = xmalloc(slen + 4);
    unsigned char k1[OD_SHA256_LEN], k2[OD_SHA256_LEN];

    memcpy(secret, "AWS4", 4);
    memcpy(secret + 4, in->secret_access_key, slen);
    hash_hmac_sha256(secret, slen + 4, date8, 8, k1);
    hash_hmac_sha256(k1, sizeof k1, in->region, strlen(in->region), k2);
    hash_hmac_sha256(k2, sizeof k2, in->service, strlen(in->service), k1);
    hash_hmac_sha256(k1, sizeof k1, "aws4_request", 12, key);
    secure_zero(secret, slen + 4);
    secure_zero(k1, sizeof k1);
    secure_zero(k2, sizeof k2);
    free(secret);
}

static void
wipe_buf(struct od_buf *b)
{
    secure_zero(b->data, b->len);
    buf_free(b);
}

enum od_err
sigv4_sign(const struct od_sigv4_input *in, struct od_sigv4_output *out)
{
    struct od_buf cr, names, sts;
    struct hdr *hdrs = NULL;
    size_t nhdrs = 0, i;
    const char *content_sha = NULL;
    char date8[9], cr_hash[OD_SHA256_HEX_LEN];
    unsigned char key[OD_SHA256_LEN], sig[OD_SHA256_LEN];
    struct tm tm;
    enum od_err err;

    memset(out, 0, sizeof *out);
    buf_init(&cr, OD_BUF_MAX_DEFAULT);
    buf_init(&names, OD_BUF_MAX_DEFAULT);
    buf_init(&sts, OD_BUF_MAX_DEFAULT);

    err = OD_E_USAGE;
    if (str_empty(in->method) || str_empty(in->host) || str_empty(in->region) ||
        str_empty(in->service) || str_empty(in->access_key_id) ||
        in->secret_access_key == NULL || !valid_path(in->path) ||
        (in->body == NULL && in->body_len > 0))
        goto out;
    if (gmtime_r(&in->when, &tm) == NULL ||
        strftime(out->amz_date, sizeof out->amz_date, "%Y%m%dT%H%M%SZ", &tm) != 16)
        goto out;
    memcpy(date8, out->amz_date, 8);
    date8[8] = '\0';

    if ((err = collect_headers(in, out->amz_date, &hdrs, &nhdrs, &content_sha)) != OD_OK)
        goto out;
    if (content_sha != NULL) {
        if (strlen(content_sha) >= sizeof out->payload_hash) {
            err = OD_E_USAGE;
            goto out;
        }
        memcpy(out->payload_hash, content_sha, strlen(content_sha) + 1);
    } else if (in->body_len == 0) {
        memcpy(out->payload_hash, EMPTY_SHA256, sizeof out->payload_hash);
    } else {
        hash_sha256_hex(in->body, in->body_len, out->payload_hash);
    }
    if ((err = make_query(in, &out->query_string)) != OD_OK)
        goto out;

    /* METHOD \n URI \n query \n headers-block \n signed-headers \n payload-hash */
    for (i = 0; in->method[i] != '\0' && err == OD_OK; i++)
        err = buf_putc(&cr, ascii_upper(in->method[i]));
    if (err == OD_OK)
        err = buf_putc(&cr, '\n');
    if (err == OD_OK)
        err = put_canonical_uri(&cr, in->path);
    if (err == OD_OK)
        err = buf_printf(&cr, "\n%s\n", out->query_string);
    if (err == OD_OK)
        err = put_headers(&cr, &names, hdrs, nhdrs);
    if (err == OD_OK)
        err = buf_printf(&cr, "\n%s\n%s", buf_cstr(&names), out->payload_hash);
    if (err != OD_OK)
        goto out;
    hash_sha256_hex(cr.data, cr.len, cr_hash);

    err = buf_printf(&sts, ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date, date8,
                     in->region, in->service, cr_hash);
    if (err != OD_OK)
        goto out;

    derive_signing_key(in, date8, key);
    hash_hmac_sha256(key, sizeof key, sts.data, sts.len, sig);
    secure_zero(key, sizeof key);
    out->signature = xmalloc(OD_SHA256_HEX_LEN);
    hash_hex(sig, sizeof sig, out->signature);

    out->canonical_request = buf_steal(&cr);
    out->string_to_sign = buf_steal(&sts);
    out->signed_headers = buf_steal(&names);
    out->authorization =
        xasprintf(ALGORITHM " Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
                  in->access_key_id, date8, in->region, in->service, out->signed_headers,
                  out->signature);
    err = OD_OK;
out:
    hdrs_free(hdrs, nhdrs);
    wipe_buf(&cr);
    buf_free(&names);
    buf_free(&sts);
    if (err != OD_OK)
        sigv4_output_free(out);
    return err;
}

void
sigv4_output_free(struct od_sigv4_output *out)
{
    /* The canonical request carries the session token. */
    secure_free_str(&out->canonical_request);
    free(out->string_to_sign);
    free(out->signature);
    free(out->authorization);
    free(out->signed_headers);
    free(out->query_string);
    memset(out, 0, sizeof *out);
}
