/* The ECS service deployment of a service in the console (see present_deployment.h). */
#include "ui/present_deployment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/str.h"

static const char *
revision_id(const char *arn)
{
    const char *slash = arn != NULL ? strrchr(arn, '/') : NULL;

    return slash != NULL ? slash + 1 : (arn != NULL ? arn : "-");
}

static void
revision_line(struct ui_doc *d, const char *role, const struct od_sd_revision *r)
{
    doc_line(d, 0, NULL);
    doc_addf(d, EL_LABEL, 0, "  %-7s", role);
    doc_add(d, EL_ROW, 22, revision_id(r->arn));
    doc_addf(d, r->running >= r->requested ? EL_ROW : EL_STATE_PROGRESS, 0,
             " %ld/%ld running, %ld pending", r->running, r->requested, r->pending);
    if (r->has_weights)
        doc_addf(d, EL_ROW, 0, " · production %g%% · test %g%%", r->prod_weight,
                 r->test_weight);
}

enum ui_el
present_service_deployment_el(const struct od_service_deployment *sd)
{
    if (sd == NULL || !service_deployment_in_flight(sd))
        return EL_ROW;
    if (service_deployment_waiting_hook(sd) != NULL)
        return EL_STATE_WARN;
    if (str_has_prefix(sd->status, "ROLLBACK"))
        return EL_STATE_FAILED;
    return EL_STATE_PROGRESS;
}

void
present_service_deployment(struct ui_doc *d, const struct od_service_deployment *sd,
                           int64_t now_ms)
{
    const struct od_sd_hook *wait;
    int64_t left;
    char *row;

    if (sd == NULL)
        return;
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Service deployment");
    doc_line(d, 0, NULL);
    doc_add(d, EL_ROW, 0, "  ");
    doc_add(d, EL_TITLE, 0, sd->strategy != NULL ? sd->strategy : "ROLLING");
    doc_add(d, EL_ROW, 0, " ");
    doc_add(d, present_service_deployment_el(sd) == EL_ROW
                   ? (str_eq(sd->status, "SUCCESSFUL") ? EL_STATE_OK : EL_STATE_FAILED)
                   : present_service_deployment_el(sd),
            0, sd->status);
    if (sd->stage != NULL) {
        row = service_deployment_stage_row(sd);
        doc_line(d, 0, NULL);
        doc_add(d, EL_LABEL, 0, "  stages ");
        doc_add(d, EL_ROW, 0, row);
        free(row);
    }
    if ((left = service_deployment_bake_left_ms(sd, now_ms)) >= 0) {
        doc_line(d, 0, NULL);
        doc_addf(d, EL_STATE_PROGRESS, 0, "  BAKE_TIME: %ldm%02lds left of %ldm",
                 (long)(left / 60000), (long)(left / 1000 % 60), sd->bake_minutes);
    }
    if ((wait = service_deployment_waiting_hook(sd)) != NULL) {
        char when[32] = "-";

        if (wait->expires_ms > 0) {
            time_t t = (time_t)(wait->expires_ms / 1000);
            struct tm tm;

            gmtime_r(&t, &tm);
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%SZ", &tm);
        }
        doc_line(d, 0, NULL);
        doc_add(d, EL_BANNER_FAILED, 0, " HOOK AWAITING ACTION ");
        doc_add(d, EL_STATE_WARN, 0, " ");
        doc_add(d, EL_STATE_WARN, 0, wait->hook_id);
        doc_addf(d, EL_STATE_WARN, 0, " · expires %s", when);
        if (wait->expires_ms > now_ms)
            doc_addf(d, EL_STATE_WARN, 0, " (in %ldm)",
                     (long)((wait->expires_ms - now_ms + 59999) / 60000));
        doc_add(d, EL_STATE_WARN, 0, " · then ");
        doc_add(d, EL_STATE_WARN, 0, wait->timeout_action);
    }
    revision_line(d, "target", &sd->target);
    for (size_t i = 0; i < sd->nsources; i++)
        revision_line(d, "source", &sd->sources[i]);
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 0, "  circuit breaker ");
    doc_add(d, str_eq(sd->breaker_status, "TRIGGERED") ? EL_STATE_FAILED : EL_ROW, 0,
            sd->breaker_status);
    if (sd->breaker_threshold > 0)
        doc_addf(d, EL_DIM, 0, " %ld/%ld failed", sd->breaker_failures, sd->breaker_threshold);
    doc_add(d, EL_LABEL, 0, " · alarms ");
    doc_add(d, str_eq(sd->alarms_status, "TRIGGERED") ? EL_STATE_FAILED : EL_ROW, 0,
            sd->alarms_status);
    for (size_t i = 0; i < sd->nalarms_triggered; i++) {
        doc_add(d, EL_STATE_FAILED, 0, i == 0 ? " " : ", ");
        doc_add(d, EL_STATE_FAILED, 0, sd->alarms_triggered[i]);
    }
    if (sd->rollback_reason != NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_LABEL, 0, "  rollback ");
        doc_add(d, EL_STATE_FAILED, 0, sd->rollback_reason);
    }
}
