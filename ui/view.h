/* A view is one screen of the console (tig view_ops, tmux window_mode): a const vtable per
 * kind and a small state struct. Views never hold pointers into the world across turns:
 * they keep names and ids, and rebuild their rows in recalc() when the data changed. */
#ifndef UI_VIEW_H
#define UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/keys.h"

struct ui;
struct view;

/* What the mutation keys act on (filled by the view under the cursor). */
enum ui_target_kind {
    TARGET_NONE,
    TARGET_CLUSTER,
    TARGET_SERVICE,
    TARGET_TASK,
    TARGET_DISTRIBUTION,
};

struct ui_target {
    enum ui_target_kind kind;
    const char *cluster;
    const char *service;
    const char *task_id;
    const char *distribution_id;
    const char *const *services; /* several services (marked rows) for one logs pane, or NULL */
    size_t nservices;
    /* What o (console page) and y (copy the ARN) may name instead, most specific first:
     * the target group or log group under the cursor, or an alarm (kind may be NONE). */
    const char *target_group_arn;
    const char *log_group;
    const char *alarm;
    const char *container; /* x: the container line under the cursor of the task view */
};

/* Whose metrics a view shows (GetMetricData is billed per metric): the services on screen
 * and those a page either side, or every service (a sort by a metric column). The name
 * arrays are the view's (valid until its next recalc); the caller frees the arrays. */
struct metric_scope {
    bool all;
    bool fill; /* the sort needs every row's data: the status bar shows how much is known */
    const char **shown;
    size_t nshown;
    const char **wanted;
    size_t nwanted;
};

struct view_ops {
    const char *name;
    unsigned parts; /* poller parts (POLL_PART bits) the view shows */
    /* Keys this view handles besides the global ones (the help screen lists them). */
    const enum ui_action *actions;
    size_t nactions;

    void (*destroy)(struct view *v);
    /* Rebuild from the world (called before draw when the data or filter changed). */
    void (*recalc)(struct view *v);
    void (*draw)(struct view *v, int y, int x, int h, int w);
    /* Handle an action; false lets the console handle it (back, quit, ...). */
    bool (*key)(struct view *v, enum ui_action a);
    void (*title)(struct view *v, char *out, size_t len);
    /* Filter support (NULL when the view has none). */
    void (*set_filter)(struct view *v, const char *text);
    const char *(*get_filter)(struct view *v);
    /* ":sort COLUMN [asc|desc]"; false when there is no such column. */
    bool (*sort)(struct view *v, const char *column, int dir);
    /* What the mutation keys and `l` act on. */
    void (*target)(struct view *v, struct ui_target *t);
    /* Whose service metrics it shows (after a draw); NULL: it shows none of its own. */
    void (*metric_scope)(struct view *v, struct metric_scope *out);
};

struct view {
    const struct view_ops *ops;
    struct ui *ui;
    void *st;
    uint64_t seen;   /* the console's data version at the last recalc */
    bool need_recalc;
};

struct view *view_new(struct ui *ui, const struct view_ops *ops, void *st);

/* Filter and sort for the list views, whose state begins with their struct ui_table. */
void table_view_set_filter(struct view *v, const char *text);
const char *table_view_get_filter(struct view *v);
bool table_view_sort(struct view *v, const char *column, int dir);
void view_free(struct view **vp);

/* The views. */
struct view *view_clusters_new(struct ui *ui);
struct view *view_services_new(struct ui *ui, const char *select);
struct view *view_service_new(struct ui *ui, const char *service);
struct view *view_task_new(struct ui *ui, const char *task_id);
struct view *view_cloudfront_new(struct ui *ui, const char *select);
struct view *view_distribution_new(struct ui *ui, const char *id);
struct view *view_alarms_new(struct ui *ui);
struct view *view_fleet_new(struct ui *ui);
/* The timeline of the cluster, or of one service (NULL: the cluster) (view_timeline.c). */
struct view *view_timeline_new(struct ui *ui, const char *service);
struct view *view_help_new(struct ui *ui, const struct view *under);

/* Common action lists. */
#define VIEW_TABLE_NACTIONS 11
extern const enum ui_action view_table_actions[VIEW_TABLE_NACTIONS];
/* Movement keys of document views (service, task, distribution, help). */
#define VIEW_DOC_NACTIONS 8
extern const enum ui_action view_doc_actions[VIEW_DOC_NACTIONS];

/* Links in documents. */
enum { LINK_NONE, LINK_TASK, LINK_SERVICE, LINK_DISTRIBUTION, LINK_TARGET_GROUP, LINK_CONTAINER };

#endif
