/* Why a service's tasks stopped, grouped: "4 × CannotPullContainerError: …" with the exit
 * codes of their containers, so a crash loop reads at a glance (the service view, `ondeck
 * status --service`). Built from the world's recently stopped tasks (ListTasks
 * desiredStatus=STOPPED; ECS keeps them about an hour). */
#ifndef OD_STOP_GROUPS_H
#define OD_STOP_GROUPS_H

#include <stddef.h>

#include "model/world.h"

/* One container name with one exit code, and in how many of the group's tasks. */
struct od_stop_exit {
    const char *container; /* points into the world */
    long code;
    size_t count;
};

struct od_stop_group {
    const char *stop_code;      /* TaskFailedToStart, EssentialContainerExited..., or NULL */
    const char *reason;         /* stoppedReason, or NULL */
    size_t count;               /* tasks stopped this way */
    double last_stopped_at;     /* the newest of them (stoppedAt, else stoppingAt) */
    const char *newest_task_id; /* that task */
    struct od_stop_exit *exits; /* distinct (container, exit code), most frequent first */
    size_t nexits;
};

/* The stopped tasks of the service (by name) in groups of the same stop code and reason,
 * the largest group first (then the most recent). *out is malloc'd; the strings point into
 * w and are valid until w changes. Returns the number of groups. */
size_t stop_groups_of_service(const struct od_world *w, const char *service,
                              struct od_stop_group **out);
void stop_groups_free(struct od_stop_group *groups, size_t n);

/* "app 1, redis 137 (×2)" : the group's exit codes (malloc'd); "no exit code" when none of
 * its containers sent one (a task that never started). A count is shown only when it is
 * not the group's. */
char *stop_group_exits_text(const struct od_stop_group *g);

#endif
