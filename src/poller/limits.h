/* What the poller and the fleet's members share about pacing: the budgets of a client (a
 * share of AWS's published buckets, unlimited at a custom endpoint, [limits] overrides), the
 * throttles noted as they come, and the count of calls started over the last minute. */
#ifndef OD_POLLER_LIMITS_H
#define OD_POLLER_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "aws/request.h"
#include "poller/budget.h"
#include "settings.h"

struct od_rate_default {
    enum od_svc svc;
    double per_second;
    double burst; /* 0: twice per_second */
};

/* Every family unlimited, then each family of `defaults` at its rate and burst: unlimited when
 * aws's endpoint for it is custom (an emulator); `[limits] <family> = N` sets the rate (then
 * the burst is 2N) and `[limits] <family>_burst = N` the burst. throttles_seen starts at aws's
 * throttle counts, so only throttling after this call slows a budget down. */
void limits_init_budgets(struct od_budget budgets[OD_SVC__COUNT],
                         uint64_t throttles_seen[OD_SVC__COUNT], const struct od_aws *aws,
                         const struct od_settings *settings,
                         const struct od_rate_default *defaults, size_t ndefaults);

/* Halve, at once, the budget of every family AWS throttled since throttles_seen (that family
 * only; the others keep their pace), and bring throttles_seen up to date. */
void limits_note_throttles(struct od_budget budgets[OD_SVC__COUNT],
                           uint64_t throttles_seen[OD_SVC__COUNT], const struct od_aws *aws,
                           uint64_t now_ms);

/* Calls started per second over the last minute. */
struct od_call_window {
    uint64_t sec[60];
    unsigned calls[60];
};

void call_window_count(struct od_call_window *w);
unsigned call_window_per_minute(const struct od_call_window *w);

#endif
