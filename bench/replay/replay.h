/* replay.h - the benchmark's replay server (bench/replay/, built for `make bench` and the
 * tests only, never installed): a generated world of N services answered in the AWS wire
 * protocols ondeck speaks, at a fixed per-request latency, behind AWS's token buckets.
 * Signatures are not checked (the tests check ondeck's signing; the bench measures time). */
#ifndef OD_REPLAY_H
#define OD_REPLAY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RP_ACCOUNT "123456789012"
#define RP_REGION "us-east-1"
#define RP_CLUSTER "prod"
#define RP_SMALL_CLUSTER "staging" /* a second, small cluster: list and picker have two */
#define RP_SMALL_SERVICES 3

/* -- growable text ------------------------------------------------------------------------ */
struct rp_buf {
    char *s;
    size_t len, cap;
};
void buf_add(struct rp_buf *b, const char *s, size_t n);
void buf_puts(struct rp_buf *b, const char *s);
void buf_printf(struct rp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_xml(struct rp_buf *b, const char *tag, const char *text); /* <tag>escaped</tag> */
void buf_xmlf(struct rp_buf *b, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *buf_take(struct rp_buf *b, size_t *len);

/* -- the world: everything is derived from an index, nothing is stored per service -------- */
struct rp_world {
    long services;     /* in RP_CLUSTER */
    int tasks_per_svc; /* 2 */
    int tgs_per_lb;    /* 50 target groups per ALB, as tests/lib/seed_world.py */
    int unhealthy_every; /* every Nth target group has one unhealthy target */
    long started;      /* epoch seconds the world was made: createdAt, startedAt */
};
extern struct rp_world world;

long world_cluster_services(const char *cluster); /* -1: no such cluster */
const char *world_cluster_name(const char *name_or_arn); /* NULL: unknown */
void world_service_name(const char *cluster, long i, char *out, size_t n);
long world_service_index(const char *cluster, const char *name_or_arn); /* -1: unknown */
bool world_service_has_lb(const char *cluster, long i);
long world_target_groups(void); /* services of RP_CLUSTER with a load balancer */
long world_tg_service(long tg);  /* the service index behind target group tg */
long world_service_tg(long i);   /* -1: none */
void world_tg_arn(long tg, char *out, size_t n);
void world_tg_name(long tg, char *out, size_t n);
long world_tg_index(const char *arn); /* -1: unknown */
long world_load_balancers(void);
void world_lb_arn(long lb, char *out, size_t n);
void world_lb_name(long lb, char *out, size_t n);
long world_lb_index(const char *arn);
void world_task_id(const char *cluster, long svc, int k, char *out, size_t n);
bool world_task_parse(const char *cluster, const char *id_or_arn, long *svc, int *k);
void world_task_ip(long svc, int k, char *out, size_t n);
uint32_t world_hash(const char *s, uint32_t salt);
void world_iso8601(long epoch, char *out, size_t n);

/* -- a request and its answer ------------------------------------------------------------- */
struct rp_request {
    const char *service; /* "ecs", "elasticloadbalancing", "monitoring", "cloudfront", ... */
    const char *op;
    const char *method, *url;
    const char *body;
    size_t body_len;
};
struct rp_answer {
    int status;
    char *body;
    size_t len;
    const char *ctype;
    char header_name[32], header_value[96]; /* one extra header (ETag, x-amzn-query-error) */
};
void answer_json(struct rp_answer *a, int status, char *body);
void answer_xml(struct rp_answer *a, int status, char *body, size_t len);

/* Each service answers a request it owns; an unknown operation is answered as AWS does. */
void ecs_answer(const struct rp_request *rq, struct rp_answer *a);
void elbv2_answer(const struct rp_request *rq, struct rp_answer *a);
void cloudwatch_answer(const struct rp_request *rq, struct rp_answer *a);
void cloudfront_answer(const struct rp_request *rq, struct rp_answer *a);
const char *cloudfront_op(const char *method, const char *url); /* NULL: not one */
void misc_answer(const struct rp_request *rq, struct rp_answer *a); /* logs, autoscaling */
/* The throttling answer of rq's protocol, worded as AWS words it. */
void throttle_answer(const struct rp_request *rq, struct rp_answer *a);
void json_error(struct rp_answer *a, int status, const char *type, const char *message);
void query_error(struct rp_answer *a, int status, const char *ns, const char *code,
                 const char *message);

/* Opaque paging tokens: "<op>:<offset>" in hex, like AWS's in being meaningless to clients. */
void token_make(char *out, size_t n, const char *op, long offset);
long token_parse(const char *token, const char *op); /* -1: invalid */

/* x-www-form-urlencoded: the value of key (decoded, malloc'd) or NULL. */
char *form_get(const char *body, size_t len, const char *key);

/* -- token buckets ------------------------------------------------------------------------ */
bool bucket_configure(const char *spec); /* "name=burst/rate" */
void buckets_enable(bool on);
bool buckets_enabled(void);
/* Take one token for service:op; false: throttled. Unbucketed operations always pass. */
bool bucket_take(const char *service, const char *op, double now_s);
void buckets_describe(struct rp_buf *b); /* JSON object */
void buckets_refill_all(void);

#endif
