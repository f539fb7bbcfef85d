/* Presentation helpers shared by the views: how a deployment, an alarm, a target or a series
 * is summarised and coloured. Pure functions over the world. */
#ifndef UI_PRESENT_H
#define UI_PRESENT_H

#include <stddef.h>
#include <time.h>

#include "model/world.h"
#include "ui/color.h"

/* The PRIMARY deployment, or NULL. */
const struct od_deployment *present_primary(const struct od_service *s);
/* The element for a rollout state / target state / alarm state / task status. */
enum ui_el present_rollout_el(const char *state);
enum ui_el present_target_el(const char *state);
enum ui_el present_alarm_el(const char *state);
enum ui_el present_task_el(const char *last_status);
/* A series of an owner's metric set, or NULL. */
const struct od_series *present_series(const struct od_world *w, const char *owner,
                                       const char *metric);
/* The sum of a metric over a service's target groups, point by point (new array in *out,
 * its length returned; 0 and NULL when there is none). */
size_t present_tg_series_sum(const struct od_world *w, const struct od_service *s,
                             const char *metric, double **out);
/* "4s", "3m", "2h", "5d" for an age in seconds (negative counts as 0). */
void present_age_short(long age, char *out, size_t len);
/* "3m ago" for an epoch time (seconds, possibly fractional); "-" when 0. */
void present_ago(double epoch, char *out, size_t len);
/* "2024-01-02 03:04:05" UTC. */
void present_time(double epoch, char *out, size_t len);
/* The latest value of a series (NAN when empty). */
double present_latest(const double *v, size_t n);

#endif
