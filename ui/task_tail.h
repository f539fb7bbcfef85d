/* The last log lines of a stopped task, for its task view: one pass of the logs engine
 * (src/logs/follow.h, not following) over the task's CloudWatch Logs streams in the minutes
 * before it stopped, keeping the last TASK_TAIL_LINES lines. Started once, when the task is
 * known stopped; the view is marked for a rebuild when lines or the status change. */
#ifndef UI_TASK_TAIL_H
#define UI_TASK_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/entities.h"
#include "ui/view.h"

#define TASK_TAIL_LINES 12

struct task_tail;

struct task_tail *task_tail_new(struct ui *ui, struct view *v, const char *task_id);
/* From the view's recalc: start the read once t is stopped and the world can say where its
 * logs are. Does nothing after the first start. */
void task_tail_poke(struct task_tail *tt, const struct od_task *t);
/* The lines kept, oldest first: inert text, its time (epoch ms) and "container" tag. */
size_t task_tail_count(const struct task_tail *tt);
const char *task_tail_line(const struct task_tail *tt, size_t i, int64_t *time_ms,
                           const char **container);
/* What the read is doing ("reading 2 streams…", an error, a note); NULL before it starts. */
const char *task_tail_status(const struct task_tail *tt, bool *error);
bool task_tail_done(const struct task_tail *tt);
void task_tail_free(struct task_tail **ttp);

#endif
