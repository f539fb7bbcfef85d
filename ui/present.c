#include "ui/present.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/xalloc.h"

const struct od_deployment *
present_primary(const struct od_service *s)
{
    for (size_t i = 0; i < s->ndeployments; i++)
        if (str_eq(s->deployments[i].status, "PRIMARY"))
            return &s->deployments[i];
    return s->ndeployments > 0 ? &s->deployments[0] : NULL;
}

enum ui_el
present_rollout_el(const char *state)
{
    if (str_eq(state, "FAILED"))
        return EL_STATE_FAILED;
    if (str_eq(state, "IN_PROGRESS"))
        return EL_STATE_PROGRESS;
    if (str_eq(state, "COMPLETED"))
        return EL_STATE_OK;
    return EL_ROW;
}

enum ui_el
present_target_el(const char *state)
{
    if (str_eq(state, "healthy"))
        return EL_TARGET_HEALTHY;
    if (str_eq(state, "unhealthy") || str_eq(state, "unhealthy.draining"))
        return EL_TARGET_UNHEALTHY;
    return EL_TARGET_OTHER;
}

enum ui_el
present_alarm_el(const char *state)
{
    if (str_eq(state, "ALARM"))
        return EL_ALARM_FIRING;
    if (str_eq(state, "OK"))
        return EL_ALARM_OK;
    return EL_ALARM_UNKNOWN;
}

enum ui_el
present_task_el(const char *last_status)
{
    if (str_eq(last_status, "RUNNING"))
        return EL_STATE_OK;
    if (str_eq(last_status, "STOPPED") || str_eq(last_status, "DEPROVISIONING") ||
        str_eq(last_status, "STOPPING"))
        return EL_STATE_FAILED;
    return EL_STATE_PROGRESS;
}

const struct od_series *
present_series(const struct od_world *w, const char *owner, const char *metric)
{
    const struct od_metric_set *m = owner != NULL ? world_metrics(w, owner) : NULL;

    return m != NULL ? metric_set_series(m, metric) : NULL;
}

size_t
present_tg_series_sum(const struct od_world *w, const struct od_service *s, const char *metric,
                      double **out)
{
    size_t n = 0;
    double *sum = NULL;

    *out = NULL;
    for (size_t k = 0; k < s->nlbs; k++) {
        const struct od_series *ser = present_series(w, s->lbs[k].target_group_arn, metric);

        if (ser == NULL || ser->n == 0)
            continue;
        if (sum == NULL) {
            n = ser->n;
            sum = xcalloc(n, sizeof *sum);
        }
        /* Align on the newest point. */
        for (size_t i = 0; i < n && i < ser->n; i++)
            sum[n - 1 - i] += ser->values[ser->n - 1 - i];
    }
    *out = sum;
    return n;
}

void
present_age_short(long age, char *out, size_t len)
{
    if (age < 0)
        age = 0;
    if (age < 120)
        snprintf(out, len, "%lds", age);
    else if (age < 7200)
        snprintf(out, len, "%ldm", age / 60);
    else if (age < 172800)
        snprintf(out, len, "%ldh", age / 3600);
    else
        snprintf(out, len, "%ldd", age / 86400);
}

void
present_ago(double epoch, char *out, size_t len)
{
    long age;

    if (epoch <= 0) {
        snprintf(out, len, "-");
        return;
    }
    age = (long)(time(NULL) - (time_t)epoch);
    present_age_short(age, out, len);
    if (strlen(out) + 4 < len)
        strcat(out, " ago");
}

void
present_time(double epoch, char *out, size_t len)
{
    time_t t = (time_t)epoch;
    struct tm tm;

    if (epoch <= 0 || gmtime_r(&t, &tm) == NULL) {
        snprintf(out, len, "-");
        return;
    }
    strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm);
}

double
present_latest(const double *v, size_t n)
{
    return n > 0 ? v[n - 1] : NAN;
}
