/* Task definitions as deploy and rollback handle them: a copy that RegisterTaskDefinition
 * accepts (every member except a denylist of read-only fields, so nothing AWS adds later is
 * silently dropped), image changes by container NAME, and a canonical, readable diff.
 * Pure functions over cJSON trees; no I/O. */
#ifndef OD_TASKDEF_H
#define OD_TASKDEF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct cJSON;

/* The members DescribeTaskDefinition returns that RegisterTaskDefinition refuses or ignores
 * (NULL-terminated): taskDefinitionArn, revision, status, requiresAttributes, compatibilities,
 * registeredAt, registeredBy, deregisteredAt, deleteRequestedAt. */
extern const char *const taskdef_read_only_fields[];
bool taskdef_is_read_only_field(const char *name);

/* A RegisterTaskDefinition body from a described taskDefinition object (JSON text or tree):
 * a deep copy minus the read-only members. NULL with err set when td_json is not an object
 * with a family and containerDefinitions. */
struct cJSON *taskdef_registrable(const char *td_json, struct od_error *err);
struct cJSON *taskdef_registrable_tree(const struct cJSON *td, struct od_error *err);

/* The container named name (NULL when absent). */
struct cJSON *taskdef_container(const struct cJSON *td, const char *name);
/* Names of the containers, in order (array of borrowed strings, malloc'd; *n set). */
const char **taskdef_container_names(const struct cJSON *td, size_t *n);
/* The container an image change applies to when none is named: the only container, else the
 * only essential one; NULL when that is ambiguous. Borrowed. */
const char *taskdef_default_container(const struct cJSON *td);
/* Set the image of the container named name; false when there is no such container. */
bool taskdef_set_image(struct cJSON *td, const char *name, const char *image);
/* "app=nginx:1.26 redis=redis:7" (malloc'd, raw: sanitise before display). */
char *taskdef_images(const struct cJSON *td);

/* Canonical flat text: one "path = value" line per leaf, members sorted by key, and lists
 * that are sets keyed by what identifies an element (containers, environment, secrets,
 * volumes by name; portMappings by containerPort/protocol; mountPoints by containerPath;
 * volumesFrom by sourceContainer; dependsOn by containerName; ulimits by name; extraHosts by
 * hostname) sorted by that key, as ecspresso sorts before diffing. Lists whose order means
 * something (command, entryPoint, ...) keep their order. Read-only members are left out.
 * Values are JSON (strings quoted). Raw text: sanitise before display. malloc'd. */
char *taskdef_canonical(const struct cJSON *td);

/* Same registrable content (canonical texts equal). */
bool taskdef_same_content(const struct cJSON *a, const struct cJSON *b);

/* The difference between two task definitions, canonical and inert (every line passed
 * through the sanitiser): "- path = old" / "+ path = new" lines, in canonical order, only for
 * leaves that differ. "" when they are the same. malloc'd. */
char *taskdef_diff(const struct cJSON *old_td, const struct cJSON *new_td);

#endif
