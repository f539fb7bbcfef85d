/* The audit journal: $XDG_STATE_HOME/ondeck/audit.jsonl ([audit] path overrides). The
 * directory is created 0700, the file 0600; every line is one JSON object appended with a
 * single O_APPEND write, so concurrent ondecks never interleave. Lines hold what was asked
 * and what happened, never a credential. */
#ifndef OD_AUDIT_H
#define OD_AUDIT_H

#include "util/err.h"

struct cJSON;
struct od_settings;

/* The journal's path (malloc'd). */
char *audit_path(const struct od_settings *settings);
/* Create the directory (0700) and the file (0600) if needed and check that it can be
 * appended to. OD_E_IO with the reason otherwise. */
enum od_err audit_check(const char *path, struct od_error *err);
/* Append one line (compact JSON + '\n'). */
enum od_err audit_append(const char *path, const struct cJSON *line, struct od_error *err);

#endif
