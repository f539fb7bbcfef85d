/* Where a service's or a task's logs live, read from its task definitions: for a container
 * with the awslogs driver the group is `awslogs-group` (in `awslogs-region`) and the stream
 * of each task is `PREFIX/CONTAINER/TASK_ID`. Containers with other drivers (or awslogs
 * without a stream prefix) get a note saying why and what to do; `--log-group` is the manual
 * fallback. Building the list is a pure function of the world (tasks, stopped tasks,
 * services and cached task definitions), so the console and the CLI share it; only the
 * task definitions missing from the world's cache are fetched (sources_fetch_task_defs). */
#ifndef OD_SOURCES_H
#define OD_SOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/request.h"
#include "model/world.h"
#include "util/err.h"

/* One thing to read logs from: a stream, or a whole group when stream is NULL. */
struct od_log_source {
    char *group;     /* log group name (or ARN) */
    char *region;    /* awslogs-region, or NULL for the client's region */
    char *stream;    /* exact stream name, or NULL = every stream of the group */
    char *task_id;   /* the task the stream belongs to, or NULL */
    char *container; /* the container, or NULL */
    char *label;     /* which of several sources asked for it ("api", a group), or NULL */
    int origin;      /* that source's index (its colour), 0 when only one */
};

struct od_log_sources {
    struct od_log_source *v;
    size_t n;
    char **notes; /* messages for the operator (raw text: sanitise before display) */
    size_t nnotes;
};

struct sources_query {
    const char *service;   /* all tasks of this service, or NULL */
    const char *task;      /* one task (id or ARN), or NULL */
    const char *container; /* only this container, or NULL */
    const char *log_group; /* manual fallback / override, or NULL */
    bool include_stopped;  /* also the recently stopped tasks (crash loops!) */
};

/* ARNs of the task definitions the query needs that w does not cache yet (malloc'd array of
 * malloc'd strings; free with arn_list_free from aws/ecs.h). */
void sources_missing_task_defs(const struct od_world *w, const struct sources_query *q,
                               char ***arns, size_t *n);

/* Build the sources. Errors (OD_E_USAGE with a message): unknown service or task, no
 * container of that name. A service without tasks, or containers without awslogs, give an
 * empty or partial list plus notes, not an error. */
enum od_err sources_build(const struct od_world *w, const struct sources_query *q,
                          struct od_log_sources *out, struct od_error *err);
void sources_clear(struct od_log_sources *s);

void log_source_copy(struct od_log_source *dst, const struct od_log_source *src);
void log_source_clear(struct od_log_source *s);

/* "PREFIX/CONTAINER/TASK_ID" -> task id and container (malloc'd); false for other names. */
bool sources_parse_stream(const char *stream, char **task_id, char **container);

/* Fetch task definitions into w's cache with DescribeTaskDefinition, a few at a time; cb
 * runs once from the loop when all are done (err is the first failure, or NULL); the handle
 * is gone once cb has run. Before that, sources_fetch_cancel drops it (cb never runs). */
struct sources_fetch;
typedef void (*sources_fetch_cb)(const struct od_error *err, void *ud);
struct sources_fetch *sources_fetch_task_defs(struct od_aws *aws, struct od_world *w,
                                              char *const *arns, size_t n, sources_fetch_cb cb,
                                              void *ud);
void sources_fetch_cancel(struct sources_fetch **fp);

#endif
