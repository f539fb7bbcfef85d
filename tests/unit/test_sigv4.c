/* sigv4: the fixed vectors of aws-wire-notes.md, edge cases, and a stage-by-stage
 * conformance run against botocore's signer (tests/tools/sigv4_vectors.py, run at test time). */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

#define AKID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define NOTES_TIME ((time_t)1704164645) /* 20240102T030405Z */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* A conformance run that cannot start: a skip on a developer's machine, a failure in CI (CI
 * set), where quickstart.sh installs python3 and botocore and a skip would hide 900 cases. */
static void
skip(const char *why)
{
    const char *ci = getenv("CI");

    check_count++;
    if (ci != NULL && *ci != '\0') {
        check_failed++;
        printf("not ok %d - %s (CI is set: this must run)\n", check_count, why);
    } else {
        printf("ok %d # SKIP %s\n", check_count, why);
    }
    fflush(stdout);
}

/* Print s as one TAP comment line, with control and non-ASCII bytes escaped. */
static void
print_escaped(const char *label, const char *s, size_t n)
{
    size_t i;

    printf("#   %s [", label);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '\\')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    printf("]\n");
}

/* Compare multi-line text; on a mismatch show the first differing line of each side. */
static void
check_text(const char *got, const char *want, const char *what)
{
    size_t off = 0, start, gend, wend;
    int line = 1;

    if (check_report(got != NULL && strcmp(got, want) == 0, __FILE__, __LINE__, what))
        return;
    if (got == NULL) {
        printf("#   got NULL\n");
        return;
    }
    while (got[off] != '\0' && got[off] == want[off])
        off++;
    start = off;
    while (start > 0 && got[start - 1] != '\n')
        start--;
    for (gend = start; gend < off || (got[gend] != '\0' && got[gend] != '\n'); gend++)
        ;
    for (wend = start; wend < off || (want[wend] != '\0' && want[wend] != '\n'); wend++)
        ;
    for (size_t i = 0; i < start; i++)
        line += got[i] == '\n';
    printf("#   first difference at byte %zu, line %d:\n", off, line);
    print_escaped("got: ", got + start, gend - start);
    print_escaped("want:", want + start, wend - start);
}

/* The n-th line (0-based) of s; caller frees. */
static char *
line_of(const char *s, int n)
{
    const char *e;

    for (; n > 0 && s != NULL; n--)
        s = (s = strchr(s, '\n')) != NULL ? s + 1 : NULL;
    if (s == NULL)
        return xstrdup("(no such line)");
    e = strchr(s, '\n');
    return e != NULL ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
}

static struct od_sigv4_input
notes_input(void)
{
    struct od_sigv4_input in = {
        .method = "GET",
        .host = "ecs.us-east-1.amazonaws.com",
        .path = "/",
        .region = "us-east-1",
        .service = "ecs",
        .when = NOTES_TIME,
        .access_key_id = AKID,
        .secret_access_key = SECRET,
    };
    return in;
}

static void
test_notes_vectors(void)
{
    static const struct od_kv ecs_h[] = {
        {"Content-Type", "application/x-amz-json-1.1"},
        {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"},
    };
    static const struct od_kv elb_h[] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
    };
    static const struct od_kv cf_q[] = {{"MaxItems", "10"}, {"Marker", "a b/c"}};
    static const char elb_body[] = "Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=400";
    struct od_sigv4_input in = notes_input();
    struct od_sigv4_output out;
    char hex[OD_SHA256_HEX_LEN];

    in.method = "POST";
    in.headers = ecs_h;
    in.nheaders = 2;
    in.body = "{}";
    in.body_len = 2;
    CHECK(sigv4_sign(&in, &out) == OD_OK, "notes ECS: signs");
    CHECK_STR(out.amz_date, "20240102T030405Z", "notes ECS: x-amz-date");
    CHECK_STR(out.payload_hash, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
              "notes ECS: payload hash");
    hash_sha256_hex(out.canonical_request, strlen(out.canonical_request), hex);
    CHECK_STR(hex, "a2c97677a26e2dc7afe36f4e3b85214e01f523667c376f1122c8b10ef1b17e97",
              "notes ECS: canonical request hash");
    CHECK_STR(out.signed_headers, "content-type;host;x-amz-date;x-amz-target",
              "notes ECS: signed headers");
    CHECK_STR(out.signature, "07cf80aa1c9fa93a8faa8c5191d4f9c0ec189e6598226f9dee2d295daf625aea",
              "notes ECS: signature");
    CHECK_STR(out.authorization,
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/us-east-1/ecs/"
              "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
              "Signature=07cf80aa1c9fa93a8faa8c5191d4f9c0ec189e6598226f9dee2d295daf625aea",
              "notes ECS: authorization header");
    CHECK_STR(out.query_string, "", "notes ECS: no query");
    sigv4_output_free(&out);

    in = notes_input();
    in.method = "POST";
    in.host = "elasticloadbalancing.eu-west-1.amazonaws.com";
    in.region = "eu-west-1";
    in.service = "elasticloadbalancing";
    in.headers = elb_h;
    in.nheaders = 1;
    in.body = elb_body;
    in.body_len = strlen(elb_body);
    in.session_token = "TOKEN123";
    CHECK(sigv4_sign(&in, &out) == OD_OK, "notes ELBv2: signs");
    CHECK_STR(out.signed_headers, "content-type;host;x-amz-date;x-amz-security-token",
              "notes ELBv2: signed headers include the token");
    CHECK_STR(out.signature, "50671f52a3a5736ae7c3607deed674dbcbe50d2ce92f591f16b315434427bccd",
              "notes ELBv2: signature");
    sigv4_output_free(&out);

    in = notes_input();
    in.host = "cloudfront.amazonaws.com";
    in.service = "cloudfront";
    in.path = "/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation";
    in.query = cf_q;
    in.nquery = 2;
    CHECK(sigv4_sign(&in, &out) == OD_OK, "notes CloudFront: signs");
    CHECK_STR(out.query_string, "Marker=a%20b%2Fc&MaxItems=10", "notes CloudFront: URL query");
    check_text(out.canonical_request,
               "GET\n/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation\n"
               "Marker=a%20b%2Fc&MaxItems=10\nhost:cloudfront.amazonaws.com\n"
               "x-amz-date:20240102T030405Z\n\nhost;x-amz-date\n" EMPTY_SHA256,
               "notes CloudFront: canonical request");
    check_text(out.string_to_sign,
               "AWS4-HMAC-SHA256\n20240102T030405Z\n20240102/us-east-1/cloudfront/aws4_request\n"
               "2f42ecdc8bce57a4b922d1a6753d2916b1ca58eca4a35f4da4f6317f094dbc6f",
               "notes CloudFront: string to sign (scope)");
    CHECK_STR(out.signature, "9f639d9bbe8fc11a8175e1f5cead1a6bdac63849f4bca1c88ec650f34cdb13d6",
              "notes CloudFront: signature");
    sigv4_output_free(&out);
}

static void
check_path(const char *path, const char *want)
{
    struct od_sigv4_input in = notes_input();
    struct od_sigv4_output out;
    char what[160], *line;

    in.path = path;
    snprintf(what, sizeof what, "canonical URI of \"%s\" is \"%s\"", path ? path : "(null)", want);
    if (sigv4_sign(&in, &out) != OD_OK) {
        CHECK(0, what);
        return;
    }
    line = line_of(out.canonical_request, 1);
    CHECK_STR(line, want, what);
    free(line);
    sigv4_output_free(&out);
}

static void
test_edges(void)
{
    static const struct od_kv q[] = {{"b", NULL}, {"a", "1"}, {"a", "0"}};
    static const struct od_kv dup[] = {
        {"X-Foo", "a"}, {"X-Bar", "z"}, {"x-foo", "  b \t  c "}, {"User-Agent", "ondeck/1"},
        {"Expect", "100-continue"}, {"X-Ws", "\x1c" "a\xc2\xa0" "b\xe3\x80\x80"},
    };
    static const struct od_kv reserved[] = {{"Host", "evil.example"}};
    static const struct od_kv badname[] = {{"X Foo", "v"}};
    static const struct od_kv unsigned_payload[] = {{"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}};
    struct od_sigv4_input in = notes_input();
    struct od_sigv4_output out;
    char *line;

    in.body = NULL;
    in.body_len = 0;
    CHECK(sigv4_sign(&in, &out) == OD_OK, "empty body: signs");
    CHECK_STR(out.payload_hash, EMPTY_SHA256, "empty body: payload hash");
    line = line_of(out.canonical_request, 7);
    CHECK_STR(line, EMPTY_SHA256, "empty body: last canonical line");
    free(line);
    sigv4_output_free(&out);

    in.body = "\0\x01\xff";
    in.body_len = 3;
    CHECK(sigv4_sign(&in, &out) == OD_OK, "binary body: signs");
    CHECK_STR(out.payload_hash, "26a66b061e8f48f39927c312f25293959729eee95978e2892d49d3512a5cc092",
              "binary body: hash covers the NUL byte");
    sigv4_output_free(&out);

    in = notes_input();
    in.session_token = "FwoGZXIvYXdzE+/=";
    CHECK(sigv4_sign(&in, &out) == OD_OK, "token: signs");
    CHECK_STR(out.signed_headers, "host;x-amz-date;x-amz-security-token", "token: signed");
    CHECK(strstr(out.canonical_request, "\nx-amz-security-token:FwoGZXIvYXdzE+/=\n") != NULL,
          "token: in canonical headers");
    sigv4_output_free(&out);
    in.session_token = "";
    CHECK(sigv4_sign(&in, &out) == OD_OK, "empty token: signs");
    CHECK_STR(out.signed_headers, "host;x-amz-date", "empty token means none");
    sigv4_output_free(&out);

    in = notes_input();
    in.host = "LocalHost:5055";
    in.headers = dup;
    in.nheaders = sizeof dup / sizeof *dup;
    CHECK(sigv4_sign(&in, &out) == OD_OK, "duplicate headers: signs");
    check_text(out.canonical_request,
               "GET\n/\n\nhost:localhost:5055\nx-amz-date:20240102T030405Z\nx-bar:z\n"
               "x-foo:a,b c\nx-ws:a b\n\nhost;x-amz-date;x-bar;x-foo;x-ws\n" EMPTY_SHA256,
               "duplicates joined with ',', values squeezed, unsigned set skipped, host lowered");
    sigv4_output_free(&out);

    check_path("/a/./b/../c", "/a/c");
    check_path(NULL, "/");
    check_path("", "/");
    check_path("/", "/");
    check_path("//a//b/", "/a/b/");
    check_path("/a/b/..", "/a");
    check_path("/a/b/../", "/a/");
    check_path("/../..", "/");
    check_path("/./", "/");
    check_path("/a%20b/c%2Fd", "/a%2520b/c%252Fd");
    check_path("/caf\xc3\xa9 x/~u", "/caf%C3%A9%20x/~u");
    check_path("/%2E%2E/x", "/%252E%252E/x");

    in = notes_input();
    in.query = q;
    in.nquery = 3;
    CHECK(sigv4_sign(&in, &out) == OD_OK, "query: signs");
    line = line_of(out.canonical_request, 2);
    CHECK_STR(line, "a=0&a=1&b=", "query: sorted by key then value, valueless is k=");
    free(line);
    CHECK_STR(out.query_string, "a=0&a=1&b=", "query: URL query is the canonical one");
    sigv4_output_free(&out);

    in = notes_input();
    in.headers = unsigned_payload;
    in.nheaders = 1;
    CHECK(sigv4_sign(&in, &out) == OD_OK, "x-amz-content-sha256: signs");
    CHECK_STR(out.payload_hash, "UNSIGNED-PAYLOAD", "x-amz-content-sha256 replaces the hash");
    CHECK_STR(out.signed_headers, "host;x-amz-content-sha256;x-amz-date", "and is signed");
    sigv4_output_free(&out);

    in = notes_input();
    in.headers = reserved;
    in.nheaders = 1;
    CHECK(sigv4_sign(&in, &out) == OD_E_USAGE, "caller-supplied Host is refused");
    CHECK(out.canonical_request == NULL && out.signature == NULL, "refusal leaves no output");
    in.headers = badname;
    CHECK(sigv4_sign(&in, &out) == OD_E_USAGE, "header name with a space is refused");
    in = notes_input();
    in.path = "a/b";
    CHECK(sigv4_sign(&in, &out) == OD_E_USAGE, "relative path is refused");
    in.path = "/a?b=c";
    CHECK(sigv4_sign(&in, &out) == OD_E_USAGE, "path with '?' is refused");
    in = notes_input();
    in.secret_access_key = NULL;
    CHECK(sigv4_sign(&in, &out) == OD_E_USAGE, "missing secret is refused");
}

/* ---- conformance against botocore ---- */

static int
to_int(const char *s)
{
    long v;

    return str_to_long(s, &v) && v >= 0 && v <= 1000000 ? (int)v : -1;
}

struct vcase {
    int n;
    char *desc, *method, *host, *path, *region, *service, *akid, *secret, *token;
    unsigned char *body;
    size_t body_len;
    time_t when;
    struct od_kv *q, *h;
    size_t nq, nh;
    char *x_cr, *x_sts, *x_sig, *x_sh, *x_auth;
};

static void
vcase_free(struct vcase *c)
{
    size_t i;

    free(c->desc);
    free(c->method);
    free(c->host);
    free(c->path);
    free(c->region);
    free(c->service);
    free(c->akid);
    free(c->secret);
    free(c->token);
    free(c->body);
    for (i = 0; i < c->nq; i++) {
        free((char *)c->q[i].key);
        free((char *)c->q[i].value);
    }
    for (i = 0; i < c->nh; i++) {
        free((char *)c->h[i].key);
        free((char *)c->h[i].value);
    }
    free(c->q);
    free(c->h);
    free(c->x_cr);
    free(c->x_sts);
    free(c->x_sig);
    free(c->x_sh);
    free(c->x_auth);
    memset(c, 0, sizeof *c);
}

static int
unhex1(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode one hex token ("-" = empty); NUL-terminated, *len without the NUL. */
static char *
unhex(const char *s, size_t n, size_t *len)
{
    char *out;
    size_t i;

    if (n == 1 && s[0] == '-')
        n = 0;
    if (n % 2 != 0)
        return NULL;
    out = xmalloc(n / 2 + 1);
    for (i = 0; i < n; i += 2) {
        int hi = unhex1(s[i]), lo = unhex1(s[i + 1]);

        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i / 2] = (char)(hi << 4 | lo);
    }
    out[n / 2] = '\0';
    if (len != NULL)
        *len = n / 2;
    return out;
}

static void
add_kv(struct od_kv **v, size_t *n, char *k, char *val)
{
    *v = xreallocarray(*v, *n + 1, sizeof **v);
    (*v)[*n].key = k;
    (*v)[*n].value = val;
    (*n)++;
}

/* Parse one "tag hex [hex]" line into c; false on a malformed line. */
static bool
parse_line(struct vcase *c, const char *tag, size_t taglen, const char *a, size_t alen,
           const char *b, size_t blen)
{
    static const struct {
        const char *tag;
        size_t off;
    } fields[] = {
        {"desc", offsetof(struct vcase, desc)},     {"method", offsetof(struct vcase, method)},
        {"host", offsetof(struct vcase, host)},     {"path", offsetof(struct vcase, path)},
        {"region", offsetof(struct vcase, region)}, {"service", offsetof(struct vcase, service)},
        {"akid", offsetof(struct vcase, akid)},     {"secret", offsetof(struct vcase, secret)},
        {"token", offsetof(struct vcase, token)},   {"x-cr", offsetof(struct vcase, x_cr)},
        {"x-sts", offsetof(struct vcase, x_sts)},   {"x-sig", offsetof(struct vcase, x_sig)},
        {"x-sh", offsetof(struct vcase, x_sh)},     {"x-auth", offsetof(struct vcase, x_auth)},
    };
    size_t i;

#define TAG_IS(s) (taglen == strlen(s) && memcmp(tag, (s), taglen) == 0)
    if (TAG_IS("time")) {
        char num[32];

        if (alen == 0 || alen >= sizeof num)
            return false;
        memcpy(num, a, alen);
        num[alen] = '\0';
        c->when = (time_t)strtoll(num, NULL, 10);
        return true;
    }
    if (TAG_IS("body")) {
        free(c->body);
        c->body = (unsigned char *)unhex(a, alen, &c->body_len);
        return c->body != NULL;
    }
    if (TAG_IS("q") || TAG_IS("h")) {
        char *k = unhex(a, alen, NULL), *v = b != NULL ? unhex(b, blen, NULL) : NULL;

        if (k == NULL || v == NULL) {
            free(k);
            free(v);
            return false;
        }
        /* Odd cases pass a valueless query key as NULL, even ones as "": both mean "k=". */
        if (TAG_IS("q") && *v == '\0' && c->n % 2 == 1)
            xfree(&v);
        if (TAG_IS("q"))
            add_kv(&c->q, &c->nq, k, v);
        else
            add_kv(&c->h, &c->nh, k, v);
        return true;
    }
    for (i = 0; i < sizeof fields / sizeof *fields; i++) {
        if (TAG_IS(fields[i].tag)) {
            char **slot = (char **)(void *)((char *)c + fields[i].off);

            free(*slot);
            *slot = unhex(a, alen, NULL);
            return *slot != NULL;
        }
    }
#undef TAG_IS
    return false;
}

static void
run_case(const struct vcase *c)
{
    struct od_sigv4_input in = {
        .method = c->method,
        .host = c->host,
        .path = c->path,
        .query = c->q,
        .nquery = c->nq,
        .headers = c->h,
        .nheaders = c->nh,
        .body = c->body,
        .body_len = c->body_len,
        .region = c->region,
        .service = c->service,
        .when = c->when,
        .access_key_id = c->akid,
        .secret_access_key = c->secret,
        .session_token = c->token,
    };
    struct od_sigv4_output out;
    enum od_err err = sigv4_sign(&in, &out);
    char what[200], *query;

    snprintf(what, sizeof what, "botocore case %d (%s): canonical request", c->n, c->desc);
    if (err != OD_OK) {
        CHECK(0, what);
        printf("#   sigv4_sign: %s\n", od_strerror(err));
        return;
    }
    check_text(out.canonical_request, c->x_cr, what);
    snprintf(what, sizeof what, "botocore case %d: string to sign", c->n);
    check_text(out.string_to_sign, c->x_sts, what);
    /* The signature stage also covers what goes on the wire: Authorization, the signed
     * header list, and the URL query (botocore's canonical query line). */
    snprintf(what, sizeof what, "botocore case %d: signature, authorization, URL query", c->n);
    query = line_of(c->x_cr, 2);
    if (strcmp(out.signature, c->x_sig) != 0)
        check_text(out.signature, c->x_sig, what);
    else if (strcmp(out.authorization, c->x_auth) != 0)
        check_text(out.authorization, c->x_auth, what);
    else if (strcmp(out.signed_headers, c->x_sh) != 0)
        check_text(out.signed_headers, c->x_sh, what);
    else
        check_text(out.query_string, query, what);
    free(query);
    sigv4_output_free(&out);
}

static char *
generator_output(int *status)
{
    const char *py = getenv("PYTHON3"), *src = getenv("ONDECK_SRCDIR");
    char *srcdir = NULL, *script;
    struct od_buf b;
    char chunk[65536];
    size_t n;
    FILE *fp;

    if (str_empty(py))
        py = "python3";
    if (str_empty(src)) {
        /* Fall back to the source tree this file was compiled from. */
        const char *me = __FILE__, *cut = strstr(me, "tests/unit/test_sigv4.c");

        srcdir = cut != NULL && cut > me ? xstrndup(me, (size_t)(cut - me - 1)) : xstrdup(".");
        src = srcdir;
    }
    script = xasprintf("%s/tests/tools/sigv4_vectors.py", src);
    /* Pass the paths through the environment so the shell never re-parses them. */
    setenv("OD_SIGV4_PY", py, 1);
    setenv("OD_SIGV4_GEN", script, 1);
    free(script);
    free(srcdir);
    fp = popen("exec \"$OD_SIGV4_PY\" \"$OD_SIGV4_GEN\"", "r");
    if (fp == NULL) {
        *status = -1;
        return NULL;
    }
    buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(&b, chunk, n);
    *status = pclose(fp);
    return buf_steal(&b);
}

static void
test_botocore(void)
{
    struct vcase c;
    char *text, *line, *next;
    int status, ncases = 0, declared = -1, lineno = 0;
    bool in_case = false, bad = false;

    text = generator_output(&status);
    if (text == NULL) {
        skip("botocore conformance: cannot run the generator");
        return;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        skip("botocore conformance: python3 not found");
        free(text);
        return;
    }
    if (strncmp(text, "skip ", 5) == 0) {
        char *nl = strchr(text, '\n');

        if (nl != NULL)
            *nl = '\0';
        printf("# %s\n", text);
        skip("botocore conformance: botocore not installed");
        free(text);
        return;
    }
    if (!CHECK(status == 0 && strncmp(text, "vectors ", 8) == 0, "botocore generator runs")) {
        line = line_of(text, 0);
        printf("#   exit status %d, first line: %.200s\n", status, line);
        free(line);
        free(text);
        return;
    }
    memset(&c, 0, sizeof c);
    for (line = text; line != NULL && *line != '\0' && !bad; line = next) {
        char *sp1, *sp2 = NULL;
        size_t len;

        lineno++;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        len = strlen(line);
        sp1 = strchr(line, ' ');
        if (sp1 != NULL)
            sp2 = strchr(sp1 + 1, ' ');
        if (strncmp(line, "vectors ", 8) == 0) {
            printf("# expectations from botocore %s\n", line + 8);
        } else if (strncmp(line, "begin ", 6) == 0) {
            bad = in_case;
            memset(&c, 0, sizeof c);
            c.n = to_int(line + 6);
            in_case = true;
        } else if (strcmp(line, "end") == 0) {
            bad = !in_case || c.method == NULL || c.x_cr == NULL || c.x_sts == NULL ||
                  c.x_sig == NULL || c.x_sh == NULL || c.x_auth == NULL;
            if (!bad) {
                run_case(&c);
                ncases++;
            }
            vcase_free(&c);
            in_case = false;
        } else if (strncmp(line, "count ", 6) == 0) {
            declared = to_int(line + 6);
        } else if (!in_case || sp1 == NULL) {
            bad = true;
        } else {
            const char *a = sp1 + 1, *b = sp2 != NULL ? sp2 + 1 : NULL;
            size_t alen = (sp2 != NULL ? (size_t)(sp2 - a) : len - (size_t)(a - line));
            size_t blen = b != NULL ? len - (size_t)(b - line) : 0;

            bad = !parse_line(&c, line, (size_t)(sp1 - line), a, alen, b, blen);
        }
        if (bad)
            printf("#   malformed generator output at line %d: %.80s\n", lineno, line);
    }
    vcase_free(&c);
    CHECK(!bad && !in_case && declared == ncases && ncases >= 200,
          "botocore generator output complete: every case compared, at least 200");
    printf("# %d botocore cases compared (generator declared %d)\n", ncases, declared);
    free(text);
}

int
main(void)
{
    test_notes_vectors();
    test_edges();
    test_botocore();
    return check_done();
}
