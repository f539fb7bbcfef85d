#include "poller/limits.h"

#include <stdio.h>

#include "aws/endpoint.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

void
limits_init_budgets(struct od_budget budgets[OD_SVC__COUNT],
                    uint64_t throttles_seen[OD_SVC__COUNT], const struct od_aws *aws,
                    const struct od_settings *settings, const struct od_rate_default *defaults,
                    size_t ndefaults)
{
    uint64_t now = clock_mono_ms();

    for (int svc = 0; svc < OD_SVC__COUNT; svc++) {
        budget_init(&budgets[svc], 0, 0, now);
        throttles_seen[svc] = aws->throttles_by_svc[svc];
    }
    for (size_t i = 0; i < ndefaults; i++) {
        enum od_svc svc = defaults[i].svc;
        struct od_endpoint ep;
        struct od_error err = {0};
        double rate = defaults[i].per_second, burst = defaults[i].burst;
        long configured;
        char key[32];

        if (endpoint_resolve(&aws->endpoints, svc, aws->region, &ep, &err) == OD_OK) {
            if (ep.custom)
                rate = 0;
            endpoint_free(&ep);
        }
        od_error_clear(&err);
        configured = settings_get_long(settings, "limits", svc_info(svc)->id, -1);
        if (configured >= 0) {
            rate = (double)configured;
            burst = 0;
        }
        snprintf(key, sizeof key, "%s_burst", svc_info(svc)->id);
        configured = settings_get_long(settings, "limits", key, -1);
        if (configured > 0)
            burst = (double)configured;
        budget_init(&budgets[svc], rate, burst, now);
    }
}

void
limits_note_throttles(struct od_budget budgets[OD_SVC__COUNT],
                      uint64_t throttles_seen[OD_SVC__COUNT], const struct od_aws *aws,
                      uint64_t now_ms)
{
    for (int svc = 0; svc < OD_SVC__COUNT; svc++) {
        if (aws->throttles_by_svc[svc] > throttles_seen[svc] &&
            budget_throttled_at(&budgets[svc], now_ms))
            log_debug("budget: %s throttled, now %.2f calls a second, burst %.1f",
                      svc_info((enum od_svc)svc)->id, budgets[svc].rate, budgets[svc].burst);
        throttles_seen[svc] = aws->throttles_by_svc[svc];
    }
}

void
call_window_count(struct od_call_window *w)
{
    uint64_t sec = clock_mono_ms() / 1000;
    unsigned slot = (unsigned)(sec % 60);

    if (w->sec[slot] != sec) {
        w->sec[slot] = sec;
        w->calls[slot] = 0;
    }
    w->calls[slot]++;
}

unsigned
call_window_per_minute(const struct od_call_window *w)
{
    uint64_t now = clock_mono_ms() / 1000;
    unsigned n = 0;

    for (int i = 0; i < 60; i++)
        if (w->sec[i] + 60 > now && w->sec[i] <= now)
            n += w->calls[i];
    return n;
}
