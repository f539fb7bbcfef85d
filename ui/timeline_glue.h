/* The console's timeline (src/timeline/): one store, for the account, region and cluster on
 * screen, fed from the redraw hook after each poller commit (never from a callback) and from
 * the alarm history once a minute; saved when something was added. The view (view_timeline.c)
 * only reads it. */
#ifndef UI_TIMELINE_GLUE_H
#define UI_TIMELINE_GLUE_H

struct ui;
struct tl_store;

#define TIMELINE_HISTORY_INTERVAL_MS 60000

/* Open the store of the current account/region/cluster when it changed, take what the world
 * shows now and any alarm history that came in. Cheap when nothing changed. */
void timeline_glue_tick(struct ui *ui);
/* The store on screen; NULL until the account and a cluster are known. */
const struct tl_store *timeline_glue_store(struct ui *ui);
/* Why there is no store yet, or the last problem with it (NULL: none). */
const char *timeline_glue_status(struct ui *ui);
/* Save, stop the alarm-history read, free (at the console's end). */
void timeline_glue_free(struct ui *ui);

#endif
