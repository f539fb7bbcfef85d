#include "model/entities.h"

#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/xalloc.h"

static void
free_strv(char ***v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

void
cluster_clear(struct od_cluster *c)
{
    free(c->arn);
    free(c->name);
    free(c->status);
    memset(c, 0, sizeof *c);
}

void
deployment_clear(struct od_deployment *d)
{
    free(d->id);
    free(d->status);
    free(d->rollout_state);
    free(d->rollout_state_reason);
    free(d->task_definition);
    free(d->launch_type);
    memset(d, 0, sizeof *d);
}

void
event_clear(struct od_event *e)
{
    free(e->id);
    free(e->message);
    memset(e, 0, sizeof *e);
}

static void
lb_ref_clear(struct od_lb_ref *lb)
{
    free(lb->target_group_arn);
    free(lb->load_balancer_name);
    free(lb->container_name);
    memset(lb, 0, sizeof *lb);
}

void
task_set_clear(struct od_task_set *ts)
{
    free(ts->id);
    free(ts->arn);
    free(ts->status);
    free(ts->task_definition);
    free(ts->launch_type);
    free(ts->stability_status);
    free(ts->external_id);
    free(ts->scale_unit);
    memset(ts, 0, sizeof *ts);
}

void
service_clear(struct od_service *s)
{
    free(s->arn);
    free(s->name);
    free(s->cluster_arn);
    free(s->status);
    free(s->launch_type);
    free(s->task_definition);
    free(s->scheduling_strategy);
    OD_FREE_ARRAY(s->deployments, s->ndeployments, deployment_clear);
    OD_FREE_ARRAY(s->events, s->nevents, event_clear);
    OD_FREE_ARRAY(s->lbs, s->nlbs, lb_ref_clear);
    free(s->deployment_controller);
    free(s->deployment_strategy);
    OD_FREE_ARRAY(s->task_sets, s->ntask_sets, task_set_clear);
    memset(s, 0, sizeof *s);
}

static void
binding_clear(struct od_binding *b)
{
    free(b->bind_ip);
    free(b->container_port_range);
    free(b->host_port_range);
    free(b->protocol);
    memset(b, 0, sizeof *b);
}

void
container_clear(struct od_container *c)
{
    free(c->name);
    free(c->image);
    free(c->image_digest);
    free(c->last_status);
    free(c->health_status);
    free(c->reason);
    OD_FREE_ARRAY(c->bindings, c->nbindings, binding_clear);
    memset(c, 0, sizeof *c);
}

void
task_clear(struct od_task *t)
{
    free(t->arn);
    free(t->id);
    free(t->cluster_arn);
    free(t->last_status);
    free(t->desired_status);
    free(t->health_status);
    free(t->task_definition);
    free(t->group);
    free(t->started_by);
    free(t->launch_type);
    free(t->private_ip);
    free(t->container_instance_arn);
    free(t->availability_zone);
    free(t->stop_code);
    free(t->stopped_reason);
    OD_FREE_ARRAY(t->containers, t->ncontainers, container_clear);
    memset(t, 0, sizeof *t);
}

void
container_instance_clear(struct od_container_instance *ci)
{
    free(ci->arn);
    free(ci->ec2_instance_id);
    free(ci->status);
    memset(ci, 0, sizeof *ci);
}

static void
container_def_clear(struct od_container_def *cd)
{
    free(cd->name);
    free(cd->image);
    free(cd->log_driver);
    free(cd->log_group);
    free(cd->log_region);
    free(cd->log_stream_prefix);
    memset(cd, 0, sizeof *cd);
}

void
task_def_clear(struct od_task_def *td)
{
    free(td->arn);
    free(td->family);
    free(td->status);
    free(td->network_mode);
    free(td->cpu);
    free(td->memory);
    free(td->raw_json);
    OD_FREE_ARRAY(td->containers, td->ncontainers, container_def_clear);
    memset(td, 0, sizeof *td);
}

void
target_clear(struct od_target *t)
{
    free(t->id);
    free(t->az);
    free(t->state);
    free(t->reason);
    free(t->description);
    free(t->task_id);
    memset(t, 0, sizeof *t);
}

void
target_group_clear(struct od_target_group *tg)
{
    free(tg->arn);
    free(tg->name);
    free(tg->target_type);
    free(tg->protocol);
    free(tg->health_check_path);
    free_strv(&tg->load_balancer_arns, &tg->nload_balancers);
    OD_FREE_ARRAY(tg->targets, tg->ntargets, target_clear);
    memset(tg, 0, sizeof *tg);
}

static void
dimension_clear(struct od_dimension *d)
{
    free(d->name);
    free(d->value);
    memset(d, 0, sizeof *d);
}

void
alarm_clear(struct od_alarm *a)
{
    free(a->name);
    free(a->arn);
    free(a->state);
    free(a->reason);
    free(a->namespace_);
    free(a->metric_name);
    free(a->statistic);
    free(a->comparison);
    OD_FREE_ARRAY(a->dimensions, a->ndimensions, dimension_clear);
    for (size_t i = 0; i < a->nmetrics; i++) {
        free(a->metrics[i].id);
        OD_FREE_ARRAY(a->metrics[i].dimensions, a->metrics[i].ndimensions, dimension_clear);
    }
    free(a->metrics);
    memset(a, 0, sizeof *a);
}

void
series_clear(struct od_series *s)
{
    free(s->id);
    free(s->label);
    free(s->values);
    free(s->timestamps);
    free(s->status_code);
    free(s->message);
    memset(s, 0, sizeof *s);
}

bool
series_failed(const struct od_series *s)
{
    return s->status_code != NULL && (strcmp(s->status_code, "Forbidden") == 0 ||
                                      strcmp(s->status_code, "InternalError") == 0);
}

void
invalidation_clear(struct od_invalidation *inv)
{
    free(inv->id);
    free(inv->status);
    free(inv->caller_reference);
    free_strv(&inv->paths, &inv->npaths);
    memset(inv, 0, sizeof *inv);
}

void
origin_clear(struct od_origin *o)
{
    free(o->id);
    free(o->domain_name);
    memset(o, 0, sizeof *o);
}

void
distribution_clear(struct od_distribution *d)
{
    free(d->id);
    free(d->arn);
    free(d->domain_name);
    free(d->status);
    free(d->comment);
    free_strv(&d->aliases, &d->naliases);
    OD_FREE_ARRAY(d->origins, d->norigins, origin_clear);
    OD_FREE_ARRAY(d->invalidations, d->ninvalidations, invalidation_clear);
    memset(d, 0, sizeof *d);
}

long
task_def_revision(const char *arn)
{
    const char *colon;
    long rev;

    if (arn == NULL || (colon = strrchr(arn, ':')) == NULL)
        return 0;
    if (!str_to_long(colon + 1, &rev) || rev < 0)
        return 0;
    return rev;
}

char *
task_def_short_name(const char *arn)
{
    const char *s;

    if (arn == NULL)
        return NULL;
    s = strstr(arn, "task-definition/");
    return xstrdup(s != NULL ? s + strlen("task-definition/") : arn);
}

const char *
cluster_short_name(const char *cluster)
{
    const char *s;

    if (cluster == NULL || !str_has_prefix(cluster, "arn:"))
        return cluster;
    s = strstr(cluster, ":cluster/");
    return s != NULL ? s + strlen(":cluster/") : cluster;
}

char *
binding_port_text(long port, const char *range)
{
    return port == 0 && range != NULL ? xstrdup(range) : xasprintf("%ld", port);
}
