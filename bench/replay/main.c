/* main.c - od-replay: the benchmark backend. One thread, one libmicrohttpd daemon driven from
 * our own poll loop (MHD's epoll fd), so a request's latency is a timer, not a thread: a
 * request is answered at once into memory, its connection suspended, and resumed when the
 * timer heap says its latency has passed. Control endpoints under /__proxy/ (the names the
 * bench's Python proxy uses): GET stats, POST reset, POST config {"delay_ms", "buckets"}.
 *
 *   od-replay --services N [--port P] [--port-file F] [--latency-ms MS] [--buckets]
 *             [--bucket NAME=BURST/RATE]...
 *
 * Requests are not authenticated: SigV4 is checked by the tests (moto and the proxy), not
 * here, where only time is measured. */
#include "replay.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct conn {
    struct MHD_Connection *mc;
    struct rp_buf body;
    bool answered; /* the answer is built; the next call of the handler queues it */
    struct rp_answer ans;
};

/* -- timers: a binary heap of suspended connections by due time ------------------------- */
struct timer {
    double due;
    struct conn *c;
};
static struct timer *heap;
static size_t nheap, capheap;

static void
heap_push(double due, struct conn *c)
{
    size_t i;

    if (nheap == capheap) {
        capheap = capheap ? capheap * 2 : 256;
        heap = realloc(heap, capheap * sizeof *heap);
        if (heap == NULL)
            abort();
    }
    i = nheap++;
    while (i > 0 && heap[(i - 1) / 2].due > due) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = (struct timer){due, c};
}

static struct conn *
heap_pop(void)
{
    struct conn *top = heap[0].c;
    struct timer last = heap[--nheap];
    size_t i = 0;

    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= nheap)
            break;
        if (k + 1 < nheap && heap[k + 1].due < heap[k].due)
            k++;
        if (heap[k].due >= last.due)
            break;
        heap[i] = heap[k];
        i = k;
    }
    if (nheap > 0)
        heap[i] = last;
    return top;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* -- counters ------------------------------------------------------------------------------ */
struct op_count {
    char key[96];
    long n, throttled;
};
static struct op_count ops[64];
static size_t nops;
static long requests, throttled, connections;
static unsigned long long bytes_in, bytes_out; /* as the client sees them: sent, received */
static double delay_ms;

static void
count_op(const char *service, const char *op, bool was_throttled)
{
    char key[96];
    size_t i;

    snprintf(key, sizeof key, "%s:%s", service, op);
    for (i = 0; i < nops && strcmp(ops[i].key, key) != 0; i++)
        ;
    if (i == nops) {
        if (nops == sizeof ops / sizeof ops[0])
            return;
        ops[nops] = (struct op_count){0};
        snprintf(ops[nops++].key, sizeof ops[0].key, "%s", key);
    }
    ops[i].n++;
    ops[i].throttled += was_throttled;
}

static void
stats_answer(struct rp_answer *a)
{
    struct rp_buf b = {0};

    buf_printf(&b, "{\"requests\":%ld,\"throttled\":%ld,\"connections\":%ld,"
                   "\"bytes_sent\":%llu,\"bytes_received\":%llu,\"delay_ms\":%g,"
                   "\"by_operation\":{",
               requests, throttled, connections, bytes_in, bytes_out, delay_ms);
    for (size_t i = 0; i < nops; i++)
        buf_printf(&b, "%s\"%s\":%ld", i ? "," : "", ops[i].key, ops[i].n);
    buf_puts(&b, "},\"throttled_by_operation\":{");
    for (size_t i = 0, first = 1; i < nops; i++) {
        if (ops[i].throttled) {
            buf_printf(&b, "%s\"%s\":%ld", first ? "" : ",", ops[i].key, ops[i].throttled);
            first = 0;
        }
    }
    buf_puts(&b, "},\"services\":");
    buf_printf(&b, "%ld,\"target_groups\":%ld,\"load_balancers\":%ld,\"buckets\":",
               world.services, world_target_groups(), world_load_balancers());
    buckets_describe(&b);
    buf_puts(&b, "}");
    answer_json(a, 200, buf_take(&b, NULL));
    a->ctype = "application/json";
}

static void
control(const char *url, const struct rp_buf *body, struct rp_answer *a)
{
    if (strcmp(url, "/__proxy/stats") == 0) {
        stats_answer(a);
        return;
    }
    if (strcmp(url, "/__proxy/reset") == 0) {
        requests = throttled = connections = 0;
        bytes_in = bytes_out = 0;
        nops = 0;
        buckets_refill_all();
    } else if (strcmp(url, "/__proxy/config") == 0) {
        cJSON *cfg = cJSON_ParseWithLength(body->s ? body->s : "", body->len);
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(cfg, "delay_ms");
        const cJSON *bk = cJSON_GetObjectItemCaseSensitive(cfg, "buckets");
        const cJSON *each = cJSON_GetObjectItemCaseSensitive(cfg, "bucket"), *it;
        if (cJSON_IsNumber(d))
            delay_ms = d->valuedouble;
        cJSON_ArrayForEach(it, each) {
            char spec[96];
            if (cJSON_IsString(it)) {
                snprintf(spec, sizeof spec, "%s=%s", it->string, it->valuestring);
                bucket_configure(spec);
            }
        }
        if (cJSON_IsBool(bk))
            buckets_enable(cJSON_IsTrue(bk));
        cJSON_Delete(cfg);
    } else {
        json_error(a, 404, "NotFound", "no such control endpoint");
        return;
    }
    stats_answer(a);
}

/* -- dispatch ------------------------------------------------------------------------------ */
static const struct {
    const char *prefix, *service;
    void (*answer)(const struct rp_request *, struct rp_answer *);
} targets[] = {
    {"AmazonEC2ContainerServiceV20141113", "ecs", ecs_answer},
    {"GraniteServiceVersion20100801", "monitoring", cloudwatch_answer},
    {"Logs_20140328", "logs", misc_answer},
    {"AnyScaleFrontendService", "application-autoscaling", misc_answer},
    {"AmazonEC2ContainerRegistry_V20150921", "ecr", misc_answer},
};

static void
dispatch(struct MHD_Connection *mc, const char *method, const char *url, struct conn *c)
{
    const char *target = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-Amz-Target");
    struct rp_request rq = {.method = method, .url = url, .body = c->body.s ? c->body.s : "",
                            .body_len = c->body.len};
    void (*answer)(const struct rp_request *, struct rp_answer *) = NULL;
    char op[64] = "", *action = NULL;

    if (target != NULL && strchr(target, '.') != NULL) {
        size_t plen = (size_t)(strchr(target, '.') - target);
        for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
            if (strlen(targets[i].prefix) == plen && strncmp(target, targets[i].prefix, plen) == 0) {
                rq.service = targets[i].service;
                answer = targets[i].answer;
            }
        }
        snprintf(op, sizeof op, "%s", strchr(target, '.') + 1);
    } else if ((rq.op = cloudfront_op(method, url)) != NULL) {
        rq.service = "cloudfront";
        answer = cloudfront_answer;
        snprintf(op, sizeof op, "%s", rq.op);
    } else if ((action = form_get(rq.body, rq.body_len, "Action")) != NULL) {
        char *version = form_get(rq.body, rq.body_len, "Version");
        if (version != NULL && strcmp(version, "2015-12-01") == 0) {
            rq.service = "elasticloadbalancing";
            answer = elbv2_answer;
        }
        snprintf(op, sizeof op, "%s", action);
        free(version);
        free(action);
    }
    rq.op = op;
    requests++;
    if (answer == NULL) {
        json_error(&c->ans, 400, "UnknownOperationException",
                   "this replay world does not answer that service");
        count_op("unknown", op[0] ? op : url, false);
        return;
    }
    if (!bucket_take(rq.service, rq.op, now_s())) {
        throttled++;
        count_op(rq.service, rq.op, true);
        throttle_answer(&rq, &c->ans);
        return;
    }
    count_op(rq.service, rq.op, false);
    answer(&rq, &c->ans);
}

static enum MHD_Result
add_header_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    *(unsigned long long *)cls += strlen(key) + strlen(value ? value : "") + 4;
    return MHD_YES;
}

static enum MHD_Result
send_answer(struct conn *c)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    char rid[64];

    r = MHD_create_response_from_buffer(c->ans.len, c->ans.body, MHD_RESPMEM_MUST_FREE);
    c->ans.body = NULL; /* the response owns it now */
    snprintf(rid, sizeof rid, "%08lx-4444-4000-8000-%012ld", (unsigned long)requests, requests);
    MHD_add_response_header(r, "Content-Type", c->ans.ctype ? c->ans.ctype : "text/plain");
    MHD_add_response_header(r, "x-amzn-RequestId", rid);
    if (c->ans.header_name[0])
        MHD_add_response_header(r, c->ans.header_name, c->ans.header_value);
    bytes_out += c->ans.len + 160; /* status line and the headers above, about */
    ret = MHD_queue_response(c->mc, (unsigned)c->ans.status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
           const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    struct conn *c = *con_cls;

    if (c == NULL) {
        if ((c = calloc(1, sizeof *c)) == NULL)
            return MHD_NO;
        c->mc = mc;
        *con_cls = c;
        return MHD_YES;
    }
    if (c->answered)
        return send_answer(c); /* resumed: its latency has passed */
    if (*upload_size > 0) {
        buf_add(&c->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    c->answered = true;
    if (strncmp(url, "/__proxy/", 9) == 0) {
        control(url, &c->body, &c->ans);
        return send_answer(c);
    }
    bytes_in += c->body.len + strlen(method) + strlen(url) + 12;
    MHD_get_connection_values(mc, MHD_HEADER_KIND, add_header_size, &bytes_in);
    dispatch(mc, method, url, c);
    if (delay_ms <= 0)
        return send_answer(c);
    heap_push(now_s() + delay_ms / 1000.0, c);
    MHD_suspend_connection(mc);
    return MHD_YES;
}

static void
on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct conn *c = *con_cls;

    if (c == NULL)
        return;
    free(c->body.s);
    free(c->ans.body);
    free(c);
    *con_cls = NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
              enum MHD_ConnectionNotificationCode code)
{
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        connections++;
}

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
    stopping = sig;
}

static void
usage(void)
{
    fprintf(stderr, "usage: od-replay [--services N] [--port P] [--port-file F] "
                    "[--latency-ms MS] [--buckets] [--bucket NAME=BURST/RATE]...\n");
}

int
main(int argc, char **argv)
{
    unsigned port = 0;
    const char *port_file = NULL;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    struct sigaction sa = {0};
    int efd;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--buckets") == 0) {
            buckets_enable(true);
            continue;
        }
        if (v == NULL) {
            usage();
            return 2;
        }
        i++;
        if (strcmp(a, "--services") == 0 && atol(v) > 0)
            world.services = atol(v);
        else if (strcmp(a, "--port") == 0)
            port = (unsigned)atoi(v);
        else if (strcmp(a, "--port-file") == 0)
            port_file = v;
        else if (strcmp(a, "--latency-ms") == 0)
            delay_ms = atof(v);
        else if (strcmp(a, "--bucket") == 0 && bucket_configure(v))
            ;
        else {
            fprintf(stderr, "od-replay: bad option %s %s\n", a, v);
            usage();
            return 2;
        }
    }
    world_cluster_services(RP_CLUSTER); /* build the index now, not on the first request */
    d = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
                         (uint16_t)port, NULL, NULL, on_request, NULL,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                         MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)8192,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                         MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
                         MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "od-replay: could not start the HTTP daemon on port %u\n", port);
        return 1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    port = info != NULL ? info->port : port;
    efd = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd;
    if (port_file != NULL) {
        char tmp[4096];
        FILE *f;
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        if ((f = fopen(tmp, "w")) == NULL || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 ||
            rename(tmp, port_file) != 0) {
            fprintf(stderr, "od-replay: cannot write %s: %s\n", port_file, strerror(errno));
            MHD_stop_daemon(d);
            return 1;
        }
    }
    fprintf(stderr, "od-replay: %ld services on 127.0.0.1:%u, latency %g ms, buckets %s\n",
            world.services, port, delay_ms, buckets_enabled() ? "on" : "off");
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    while (!stopping) {
        MHD_UNSIGNED_LONG_LONG to;
        int wait = 1000;
        struct pollfd p = {.fd = efd, .events = POLLIN};
        double t;

        if (MHD_get_timeout(d, &to) == MHD_YES)
            wait = to < 1000 ? (int)to : 1000;
        if (nheap > 0) {
            double ms = (heap[0].due - now_s()) * 1000.0;
            int tw = ms <= 0 ? 0 : (int)ms + 1;
            if (tw < wait)
                wait = tw;
        }
        if (poll(&p, 1, wait) < 0 && errno != EINTR)
            break;
        for (t = now_s(); nheap > 0 && heap[0].due <= t;)
            MHD_resume_connection(heap_pop()->mc);
        MHD_run(d);
    }
    /* MHD refuses to stop with connections suspended: answer them first. */
    while (nheap > 0)
        MHD_resume_connection(heap_pop()->mc);
    MHD_run(d);
    MHD_stop_daemon(d);
    free(heap);
    return 0;
}
