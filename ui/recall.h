/* The last cluster the console used, per profile and region ($XDG_STATE_HOME/ondeck). */
#ifndef UI_RECALL_H
#define UI_RECALL_H

/* The cluster last used with this profile (NULL: the default chain) and region, or NULL;
 * malloc'd. */
char *recall_cluster(const char *profile, const char *region);
/* Remember it (best effort: a state directory that cannot be written is no error). */
void recall_remember(const char *profile, const char *region, const char *cluster);

#endif
