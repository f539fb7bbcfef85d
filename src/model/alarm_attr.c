/* Alarm attribution: one place that says which services an alarm belongs to (the service
 * view, the services table's ALARMS column, :alarms, `ondeck status` and the timeline use it). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/alarm_attr.h"
#include "util/buf.h"
#include "util/str.h"

static const char *
dim_value(const struct od_dimension *dims, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(dims[i].name, name))
            return dims[i].value;
    return NULL;
}

/* "arn:...:targetgroup/web/abc" carries the dimension "targetgroup/web/abc", whole after ':'. */
static bool
arn_has_resource(const char *arn, const char *resource, const char *kind)
{
    size_t la, lr;

    if (arn == NULL || resource == NULL || !str_has_prefix(resource, kind))
        return false;
    la = strlen(arn);
    lr = strlen(resource);
    return la > lr && strcmp(arn + la - lr, resource) == 0 &&
           (arn[la - lr - 1] == ':' || arn[la - lr - 1] == '/');
}

static bool
service_on_target_group(const struct od_service *s, const char *tg_dim)
{
    for (size_t k = 0; k < s->nlbs; k++)
        if (arn_has_resource(s->lbs[k].target_group_arn, tg_dim, "targetgroup/"))
            return true;
    return false;
}

/* The LoadBalancer dimension is "app/NAME/ID" (or net/, gwy/): the ARN's part after
 * ":loadbalancer/". Known only through the target groups ELBv2 described. */
static bool
service_behind_load_balancer(const struct od_world *w, const struct od_service *s,
                             const char *lb_dim)
{
    for (size_t k = 0; k < s->nlbs; k++) {
        const struct od_target_group *tg = world_target_group(w, s->lbs[k].target_group_arn);

        for (size_t i = 0; tg != NULL && i < tg->nload_balancers; i++) {
            const char *arn = tg->load_balancer_arns[i];
            const char *at = arn != NULL ? strstr(arn, ":loadbalancer/") : NULL;

            if (at != NULL && lb_dim != NULL && strcmp(at + strlen(":loadbalancer/"), lb_dim) == 0)
                return true;
        }
    }
    return false;
}

static bool
dims_belong(const struct od_world *w, const struct od_dimension *d, size_t n,
            const struct od_service *s)
{
    const char *svc = dim_value(d, n, "ServiceName"), *cluster = dim_value(d, n, "ClusterName");
    const char *tg = dim_value(d, n, "TargetGroup"), *lb = dim_value(d, n, "LoadBalancer");

    if (svc != NULL)
        /* AWS/ECS and ECS/ContainerInsights publish both: a ServiceName alone could be
         * any cluster's (or another namespace's). ClusterName is the name, never the ARN. */
        return cluster != NULL && w->cluster != NULL && str_eq(svc, s->name) &&
               str_eq(cluster, cluster_short_name(w->cluster));
    if (tg != NULL) /* the target group is the finer name: never widened to its LB */
        return service_on_target_group(s, tg);
    if (lb != NULL)
        return service_behind_load_balancer(w, s, lb);
    return false;
}

bool
alarm_of_service(const struct od_world *w, const struct od_alarm *a, const struct od_service *s)
{
    if (dims_belong(w, a->dimensions, a->ndimensions, s))
        return true;
    for (size_t i = 0; i < a->nmetrics; i++)
        if (dims_belong(w, a->metrics[i].dimensions, a->metrics[i].ndimensions, s))
            return true;
    return false;
}

size_t
alarm_services(const struct od_world *w, const struct od_alarm *a, const char **names, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < w->nservices; i++) {
        if (!alarm_of_service(w, a, &w->services[i]))
            continue;
        if (n < max)
            names[n] = w->services[i].name;
        n++;
    }
    return n;
}

char *
alarm_services_text(const struct od_world *w, const struct od_alarm *a)
{
    struct od_buf b;
    bool any = false;

    buf_init(&b, 0);
    for (size_t i = 0; i < w->nservices; i++) {
        if (!alarm_of_service(w, a, &w->services[i]))
            continue;
        if (any)
            (void)buf_puts(&b, ", ");
        (void)buf_puts(&b, w->services[i].name);
        any = true;
    }
    if (!any) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

void
service_alarm_counts(const struct od_world *w, const struct od_service *s,
                     struct od_alarm_count *c)
{
    c->total = c->firing = 0;
    for (size_t i = 0; i < w->nalarms; i++) {
        if (!alarm_of_service(w, &w->alarms[i], s))
            continue;
        c->total++;
        if (str_eq(w->alarms[i].state, "ALARM"))
            c->firing++;
    }
}

/* The one service a ServiceName set can name (names are unique in a cluster), as an index;
 * SIZE_MAX when it names none. */
static size_t
named_service(const struct od_world *w, const struct od_dimension *d, size_t n)
{
    const char *svc = dim_value(d, n, "ServiceName"), *cluster = dim_value(d, n, "ClusterName");
    const struct od_service *s;

    if (cluster == NULL || w->cluster == NULL || !str_eq(cluster, cluster_short_name(w->cluster)))
        return SIZE_MAX;
    s = world_service(w, svc);
    return s != NULL ? (size_t)(s - w->services) : SIZE_MAX;
}

/* Does every dimension set of the alarm name a service by ServiceName, or nothing at all? Then
 * its services are found by name, not by trying each service. */
static bool
by_name_only(const struct od_alarm *a)
{
    const struct od_dimension *d = a->dimensions;
    size_t n = a->ndimensions;

    for (size_t i = 0;; i++) {
        if (dim_value(d, n, "ServiceName") == NULL &&
            (dim_value(d, n, "TargetGroup") != NULL || dim_value(d, n, "LoadBalancer") != NULL))
            return false;
        if (i == a->nmetrics)
            return true;
        d = a->metrics[i].dimensions;
        n = a->metrics[i].ndimensions;
    }
}

static void
count_one(struct od_alarm_count *c, const struct od_alarm *a)
{
    c->total++;
    if (str_eq(a->state, "ALARM"))
        c->firing++;
}

void
world_alarm_counts(const struct od_world *w, struct od_alarm_count *out)
{
    memset(out, 0, w->nservices * sizeof *out);
    for (size_t k = 0; k < w->nalarms; k++) {
        const struct od_alarm *a = &w->alarms[k];

        if (!by_name_only(a)) {
            for (size_t i = 0; i < w->nservices; i++)
                if (alarm_of_service(w, a, &w->services[i]))
                    count_one(&out[i], a);
            continue;
        }
        /* Each service once, however many of the alarm's sets name it. */
        size_t own = dim_value(a->dimensions, a->ndimensions, "ServiceName") != NULL
                         ? named_service(w, a->dimensions, a->ndimensions)
                         : SIZE_MAX;

        if (own != SIZE_MAX)
            count_one(&out[own], a);
        for (size_t m = 0; m < a->nmetrics; m++) {
            const struct od_dimension *d = a->metrics[m].dimensions;
            size_t n = a->metrics[m].ndimensions, i, seen = 0;

            if (dim_value(d, n, "ServiceName") == NULL ||
                (i = named_service(w, d, n)) == SIZE_MAX || i == own)
                continue;
            for (size_t p = 0; p < m && !seen; p++)
                seen = dim_value(a->metrics[p].dimensions, a->metrics[p].ndimensions,
                                 "ServiceName") != NULL &&
                       named_service(w, a->metrics[p].dimensions,
                                     a->metrics[p].ndimensions) == i;
            if (!seen)
                count_one(&out[i], a);
        }
    }
}
