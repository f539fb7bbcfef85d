/* world.c - the generated world: N services in cluster "prod" (plus 3 in "staging"), every
 * attribute derived from the service's index, so a world of 10,000 costs two small arrays.
 * List order is creation order (the index); names sort differently (a word, then the index),
 * as on AWS, where ListServices' order is not the order an operator sorts by. */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rp_world world = {.services = 137, .tasks_per_svc = 2, .tgs_per_lb = 50,
                         .unhealthy_every = 17};

static const char *const words[] = {"api", "web", "worker", "billing", "search", "auth",
                                    "catalog", "checkout", "media", "notify", "orders",
                                    "payments", "profile", "reports", "gateway", "ledger"};
#define NWORDS (sizeof words / sizeof words[0])

static long *svc_tg; /* service index -> target group index, -1 for none */
static long *tg_svc; /* target group index -> service index */
static long ntgs;

uint32_t
world_hash(const char *s, uint32_t salt)
{
    uint32_t h = 2166136261u ^ salt;

    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    h ^= salt * 2654435761u;
    h ^= h >> 15;
    return h * 2246822519u;
}

static const char *
word_of(long i)
{
    char k[24];

    snprintf(k, sizeof k, "%ld", i);
    return words[world_hash(k, 7) % NWORDS];
}

bool
world_service_has_lb(const char *cluster, long i)
{
    return strcmp(cluster, RP_CLUSTER) == 0 && strcmp(word_of(i), "worker") != 0;
}

static void
index_target_groups(void)
{
    free(svc_tg);
    free(tg_svc);
    svc_tg = calloc((size_t)world.services + 1, sizeof *svc_tg);
    tg_svc = calloc((size_t)world.services + 1, sizeof *tg_svc);
    if (svc_tg == NULL || tg_svc == NULL)
        abort();
    ntgs = 0;
    for (long i = 0; i < world.services; i++) {
        if (strcmp(word_of(i), "worker") == 0) {
            svc_tg[i] = -1;
        } else {
            svc_tg[i] = ntgs;
            tg_svc[ntgs++] = i;
        }
    }
}

long
world_cluster_services(const char *cluster)
{
    if (svc_tg == NULL) {
        world.started = (long)time(NULL) - 3600;
        index_target_groups();
    }
    if (strcmp(cluster, RP_CLUSTER) == 0)
        return world.services;
    if (strcmp(cluster, RP_SMALL_CLUSTER) == 0)
        return RP_SMALL_SERVICES;
    return -1;
}

const char *
world_cluster_name(const char *s)
{
    const char *slash;

    if (s == NULL)
        return NULL; /* ECS would use "default", which this world does not have */
    slash = strrchr(s, '/');
    if (strncmp(s, "arn:", 4) == 0 && slash != NULL)
        s = slash + 1;
    if (strcmp(s, RP_CLUSTER) == 0)
        return RP_CLUSTER;
    if (strcmp(s, RP_SMALL_CLUSTER) == 0)
        return RP_SMALL_CLUSTER;
    return NULL;
}

void
world_service_name(const char *cluster, long i, char *out, size_t n)
{
    if (strcmp(cluster, RP_CLUSTER) == 0)
        snprintf(out, n, "%s-%05ld", word_of(i), i);
    else
        snprintf(out, n, "%s-web-%ld", cluster, i);
}

long
world_service_index(const char *cluster, const char *s)
{
    const char *name = strrchr(s, '/'), *dash;
    char want[64];
    long i;

    name = name != NULL ? name + 1 : s;
    if ((dash = strrchr(name, '-')) == NULL)
        return -1;
    i = strtol(dash + 1, NULL, 10);
    if (i < 0 || i >= world_cluster_services(cluster))
        return -1;
    world_service_name(cluster, i, want, sizeof want);
    return strcmp(want, name) == 0 ? i : -1;
}

long
world_target_groups(void)
{
    world_cluster_services(RP_CLUSTER);
    return ntgs;
}

long
world_tg_service(long tg)
{
    return tg >= 0 && tg < world_target_groups() ? tg_svc[tg] : -1;
}

long
world_service_tg(long i)
{
    world_target_groups();
    return i >= 0 && i < world.services ? svc_tg[i] : -1;
}

void
world_tg_name(long tg, char *out, size_t n)
{
    snprintf(out, n, "tg-%05ld", tg);
}

void
world_tg_arn(long tg, char *out, size_t n)
{
    char name[32];

    world_tg_name(tg, name, sizeof name);
    snprintf(out, n, "arn:aws:elasticloadbalancing:" RP_REGION ":" RP_ACCOUNT
                     ":targetgroup/%s/%08x%08x",
             name, world_hash(name, 1), world_hash(name, 2));
}

long
world_tg_index(const char *arn)
{
    const char *p = strstr(arn, ":targetgroup/tg-");
    char want[160];
    long tg;

    if (p == NULL)
        return -1;
    tg = strtol(p + 16, NULL, 10);
    if (tg < 0 || tg >= world_target_groups())
        return -1;
    world_tg_arn(tg, want, sizeof want);
    return strcmp(want, arn) == 0 ? tg : -1;
}

long
world_load_balancers(void)
{
    return (world_target_groups() + world.tgs_per_lb - 1) / world.tgs_per_lb;
}

void
world_lb_name(long lb, char *out, size_t n)
{
    snprintf(out, n, "alb-%03ld", lb);
}

void
world_lb_arn(long lb, char *out, size_t n)
{
    char name[32];

    world_lb_name(lb, name, sizeof name);
    snprintf(out, n, "arn:aws:elasticloadbalancing:" RP_REGION ":" RP_ACCOUNT
                     ":loadbalancer/app/%s/%08x%08x",
             name, world_hash(name, 3), world_hash(name, 4));
}

long
world_lb_index(const char *arn)
{
    const char *p = strstr(arn, ":loadbalancer/app/alb-");
    char want[160];
    long lb;

    if (p == NULL)
        return -1;
    lb = strtol(p + 22, NULL, 10);
    if (lb < 0 || lb >= world_load_balancers())
        return -1;
    world_lb_arn(lb, want, sizeof want);
    return strcmp(want, arn) == 0 ? lb : -1;
}

void
world_task_id(const char *cluster, long svc, int k, char *out, size_t n)
{
    long t = svc * world.tasks_per_svc + k;

    snprintf(out, n, "%08x%016x%08lx", world_hash(cluster, (uint32_t)t), 0u, (unsigned long)t);
}

bool
world_task_parse(const char *cluster, const char *s, long *svc, int *k)
{
    const char *id = strrchr(s, '/');
    char want[40];
    unsigned long t;

    id = id != NULL ? id + 1 : s;
    if (strlen(id) != 32 || sscanf(id + 24, "%8lx", &t) != 1)
        return false;
    *svc = (long)t / world.tasks_per_svc;
    *k = (int)((long)t % world.tasks_per_svc);
    if (*svc >= world_cluster_services(cluster))
        return false;
    world_task_id(cluster, *svc, *k, want, sizeof want);
    return strcmp(want, id) == 0;
}

void
world_task_ip(long svc, int k, char *out, size_t n)
{
    long t = svc * world.tasks_per_svc + k;

    t += 4097; /* from 10.0.16.1: no task is 10.0.0.0 */
    snprintf(out, n, "10.%ld.%ld.%ld", (t >> 16) & 255, (t >> 8) & 255, (t & 255));
}

void
world_iso8601(long epoch, char *out, size_t n)
{
    time_t t = (time_t)epoch;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}
