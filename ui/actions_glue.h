/* What the console's action glue shares with the views it opens (view_rollout.c). */
#ifndef UI_ACTIONS_GLUE_H
#define UI_ACTIONS_GLUE_H

#include "actions/action.h"

struct ui;

/* An action environment for the console's current AWS client and settings (the caller
 * clears it with action_env_clear). ONDECK_WATCH_INTERVAL_MS and ONDECK_FOLLOW_INTERVAL_MS
 * shorten the poll intervals, as in the CLI (tests). */
void actions_glue_env_init(struct ui *ui, struct od_action_env *env);

#endif
