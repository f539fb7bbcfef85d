#include "net/http.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"

struct transfer {
    struct od_http *http;
    uint64_t id;
    CURL *easy;
    struct curl_slist *headers;
    char *body; /* our copy: curl does not copy POSTFIELDS */
    size_t max_body;
    bool too_large; /* the body went past max_body: the transfer was stopped */
    od_http_cb cb;
    void *ud;
    uint64_t started;
    struct od_http_response resp;
    struct transfer *prev, *next;
    char errbuf[CURL_ERROR_SIZE];
};

struct od_http {
    struct od_loop *loop;
    CURLM *multi;
    uint64_t timer_id;   /* loop timer standing in for curl's deadline */
    uint64_t next_id;
    struct transfer *head;
    size_t in_flight;
    char *ca_bundle;
    struct od_http_stats stats;
};

static void check_done(struct od_http *http);

static void
on_socket_ready(int fd, short revents, void *ud)
{
    struct od_http *http = ud;
    int running, mask = 0;

    if (revents & POLLIN)
        mask |= CURL_CSELECT_IN;
    if (revents & POLLOUT)
        mask |= CURL_CSELECT_OUT;
    if (revents & (POLLERR | POLLHUP | POLLNVAL))
        mask |= CURL_CSELECT_ERR;
    curl_multi_socket_action(http->multi, fd, mask, &running);
    check_done(http);
}

/* CURLMOPT_SOCKETFUNCTION: only edits the loop's fd table. */
static int
socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct od_http *http = userp;
    short events = 0;

    if (what == CURL_POLL_REMOVE) {
        loop_unwatch_fd(http->loop, s);
        return 0;
    }
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        events |= POLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        events |= POLLOUT;
    loop_watch_fd(http->loop, s, events, on_socket_ready, http);
    return 0;
}

static void
on_timer(void *ud)
{
    struct od_http *http = ud;
    int running;

    http->timer_id = 0;
    curl_multi_socket_action(http->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(http);
}

/* CURLMOPT_TIMERFUNCTION: never calls libcurl, just (re)arms a loop timer. */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    struct od_http *http = userp;

    if (http->timer_id != 0) {
        loop_timer_cancel(http->loop, http->timer_id);
        http->timer_id = 0;
    }
    if (timeout_ms >= 0)
        http->timer_id = loop_timer_add(http->loop, (uint64_t)timeout_ms, on_timer, http);
    return 0;
}

struct od_http *
http_new(struct od_loop *loop)
{
    struct od_http *http = xcalloc(1, sizeof *http);
    const char *ca = getenv("AWS_CA_BUNDLE");

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        od_fatal("curl_global_init failed");
    http->loop = loop;
    http->next_id = 1;
    http->multi = curl_multi_init();
    if (http->multi == NULL)
        od_fatal("curl_multi_init failed");
    if (ca != NULL && *ca != '\0')
        http->ca_bundle = xstrdup(ca);
    curl_multi_setopt(http->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(http->multi, CURLMOPT_SOCKETDATA, http);
    curl_multi_setopt(http->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(http->multi, CURLMOPT_TIMERDATA, http);
    curl_multi_setopt(http->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16L);
    return http;
}

static void
free_headers(struct od_header *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

static void
transfer_free(struct transfer *t)
{
    struct od_http *http = t->http;

    if (t->prev != NULL)
        t->prev->next = t->next;
    else
        http->head = t->next;
    if (t->next != NULL)
        t->next->prev = t->prev;
    curl_multi_remove_handle(http->multi, t->easy);
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    free(t->body);
    buf_free(&t->resp.body);
    free_headers(t->resp.headers, t->resp.nheaders);
    free(t->resp.errmsg);
    http->in_flight--;
    free(t);
}

void
http_free(struct od_http **hp)
{
    struct od_http *http = *hp;

    if (http == NULL)
        return;
    while (http->head != NULL)
        transfer_free(http->head);
    if (http->timer_id != 0)
        loop_timer_cancel(http->loop, http->timer_id);
    curl_multi_cleanup(http->multi);
    free(http->ca_bundle);
    free(http);
    curl_global_cleanup();
    *hp = NULL;
}

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;

    if (buf_append(&t->resp.body, ptr, n) != OD_OK) {
        t->too_large = true;
        return 0; /* past the cap: curl aborts with CURLE_WRITE_ERROR */
    }
    return n;
}

static size_t
header_cb(char *ptr, size_t size, size_t nitems, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nitems, len = n;
    char *colon;
    struct od_header *h;

    while (len > 0 && (ptr[len - 1] == '\r' || ptr[len - 1] == '\n'))
        len--;
    if (len >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        /* A new status line (100 Continue, then the real one): keep only the last. */
        free_headers(t->resp.headers, t->resp.nheaders);
        t->resp.headers = NULL;
        t->resp.nheaders = 0;
        return n;
    }
    colon = memchr(ptr, ':', len);
    if (colon == NULL || t->resp.nheaders >= 256)
        return n;
    t->resp.headers = xreallocarray(t->resp.headers, t->resp.nheaders + 1, sizeof *h);
    h = &t->resp.headers[t->resp.nheaders++];
    h->name = xstrndup(ptr, (size_t)(colon - ptr));
    colon++;
    while (colon < ptr + len && (*colon == ' ' || *colon == '\t'))
        colon++;
    h->value = xstrndup(colon, (size_t)(ptr + len - colon));
    return n;
}

/* The whole-transfer timeout: the request's (default 30 s), capped by ONDECK_HTTP_TIMEOUT_MS
 * when set. The override exists for fault-injection tests (stalls past the timeout) and for
 * operators on a link where 30 s is too long to wait; it can only shorten the timeout. */
static long
transfer_timeout_ms(long want)
{
    const char *env = getenv("ONDECK_HTTP_TIMEOUT_MS");
    long cap;

    if (want <= 0)
        want = 30000L;
    if (env != NULL && str_to_long(env, &cap) && cap > 0 && cap < want)
        return cap;
    return want;
}

uint64_t
http_submit(struct od_http *http, const struct od_http_request *req, od_http_cb cb, void *ud)
{
    struct transfer *t = xcalloc(1, sizeof *t);
    CURL *e;

    t->http = http;
    t->id = http->next_id++;
    t->cb = cb;
    t->ud = ud;
    t->started = clock_mono_ms();
    t->max_body = req->max_body != 0 ? req->max_body : OD_BUF_MAX_DEFAULT;
    buf_init(&t->resp.body, t->max_body);
    e = t->easy = curl_easy_init();
    if (e == NULL)
        od_fatal("curl_easy_init failed");

    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    /* TLS verification is always on; there is deliberately no switch to turn it off. */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (http->ca_bundle != NULL)
        curl_easy_setopt(e, CURLOPT_CAINFO, http->ca_bundle);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, transfer_timeout_ms(req->timeout_ms));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 5000L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "ondeck/" PACKAGE_VERSION);
    if (req->fresh_connection)
        curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    if (req->no_proxy)
        curl_easy_setopt(e, CURLOPT_NOPROXY, "*");

    /* An empty Expect suppresses "Expect: 100-continue"; curl adds nothing we sign. */
    t->headers = curl_slist_append(t->headers, "Expect:");
    for (size_t i = 0; i < req->nheaders; i++) {
        char *line = xasprintf("%s: %s", req->headers[i].name, req->headers[i].value);

        t->headers = curl_slist_append(t->headers, line);
        free(line);
    }
    if (req->body != NULL || strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0) {
        /* Always set a Content-Type header ourselves; curl otherwise adds a form type. */
        t->body = xmalloc(req->body_len + 1);
        if (req->body_len > 0)
            memcpy(t->body, req->body, req->body_len);
        t->body[req->body_len] = '\0';
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body);
        if (strcmp(req->method, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    } else if (strcmp(req->method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);

    t->next = http->head;
    if (http->head != NULL)
        http->head->prev = t;
    http->head = t;
    http->in_flight++;
    http->stats.requests++;
    http->stats.bytes_out += req->body_len;
    if (curl_multi_add_handle(http->multi, e) != CURLM_OK)
        od_fatal("curl_multi_add_handle failed");
    return t->id;
}

void
http_cancel(struct od_http *http, uint64_t id)
{
    for (struct transfer *t = http->head; t != NULL; t = t->next) {
        if (t->id == id) {
            transfer_free(t);
            return;
        }
    }
}

size_t
http_in_flight(const struct od_http *http)
{
    return http->in_flight;
}

/* Connect-phase failures prove the request never left; anything later might have. */
static bool
never_sent(CURLcode rc)
{
    return rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
           rc == CURLE_COULDNT_CONNECT || rc == CURLE_URL_MALFORMAT ||
           rc == CURLE_UNSUPPORTED_PROTOCOL;
}

static void
finish(struct transfer *t, CURLcode rc)
{
    struct od_http *http = t->http;
    curl_off_t down = 0;

    t->resp.elapsed_ms = clock_mono_ms() - t->started;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->resp.status);
    if (curl_easy_getinfo(t->easy, CURLINFO_SIZE_DOWNLOAD_T, &down) == CURLE_OK)
        http->stats.bytes_in += (uint64_t)down;
    t->resp.maybe_sent = !never_sent(rc);
    if (rc == CURLE_OK) {
        t->resp.err = OD_OK;
    } else {
        if (rc == CURLE_WRITE_ERROR && t->too_large)
            t->resp.err = OD_E_TOO_LARGE;
        else if (rc == CURLE_OPERATION_TIMEDOUT)
            t->resp.err = OD_E_TIMEOUT;
        else
            t->resp.err = OD_E_NETWORK;
        if (t->resp.err == OD_E_TOO_LARGE)
            t->resp.errmsg = xasprintf("the answer is larger than %zu MiB", t->max_body >> 20);
        else
            t->resp.errmsg =
                xstrdup(t->errbuf[0] != '\0' ? t->errbuf : curl_easy_strerror(rc));
        t->resp.status = 0;
    }
    log_debug("http %s status=%ld err=%d %llums", t->resp.err == OD_OK ? "done" : "failed",
              t->resp.status, (int)t->resp.err, (unsigned long long)t->resp.elapsed_ms);
    /* Detach before the callback so it may submit or cancel freely. */
    curl_multi_remove_handle(http->multi, t->easy);
    t->cb(&t->resp, t->ud);
    transfer_free(t);
}

static void
check_done(struct od_http *http)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(http->multi, &left)) != NULL) {
        struct transfer *t = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        if (t != NULL)
            finish(t, msg->data.result);
    }
}

const char *
http_header(const struct od_http_response *resp, const char *name)
{
    if (resp == NULL)
        return NULL;
    for (size_t i = 0; i < resp->nheaders; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

void
http_stats(const struct od_http *http, struct od_http_stats *out)
{
    *out = http->stats;
}
