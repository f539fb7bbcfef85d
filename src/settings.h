/* ondeck's own config file: $ONDECK_CONFIG, --config FILE, else
 * $XDG_CONFIG_HOME/ondeck/config (~/.config/ondeck/config). INI, read with util/ini.c.
 *
 *   [console]                 theme = default | light | high-contrast | mono
 *                             bell = true | false      refresh_seconds = 30
 *   [keys]                    ACTION = KEY             (e.g. deploy = D, quit = q)
 *   [safety]                  read_only = true | false
 *                             confirm_typed_profiles = prod production
 *   [logs]                    buffer_lines = 10000, save_dir = DIR
 *   [audit]                   path = FILE
 *   [distribution ID]         paths = /index.html /static/...
 *   [fleet NAME]              members = PROFILE:REGION[:CLUSTER...] ... (src/fleet/spec.h)
 *
 * Unknown sections and keys are kept (a newer ondeck may write them) but never fatal; a
 * malformed file is an error with its line number. */
#ifndef OD_SETTINGS_H
#define OD_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct od_settings;

/* path NULL = the default location; a missing default file is an empty config, a missing
 * explicit file is an error. */
enum od_err settings_load(const char *path, struct od_settings **out, struct od_error *err);
enum od_err settings_parse(const char *text, const char *label, struct od_settings **out,
                         struct od_error *err);
void settings_free(struct od_settings **cp);
/* The file that was read, or NULL. */
const char *settings_path(const struct od_settings *c);

/* Values (NULL config is an empty one). Keys are lower-case. */
const char *settings_get(const struct od_settings *c, const char *section, const char *key);
bool settings_get_bool(const struct od_settings *c, const char *section, const char *key, bool def);
long settings_get_long(const struct od_settings *c, const char *section, const char *key, long def);
/* Iterate the keys of a section: returns the n-th key (NULL past the end) and its value. */
const char *settings_key_at(const struct od_settings *c, const char *section, size_t n,
                          const char **value);
/* The name of the n-th section in file order (NULL past the end). */
const char *settings_section_at(const struct od_settings *c, size_t n);
/* The default path ($XDG_CONFIG_HOME/ondeck/config), malloc'd. */
char *settings_default_path(void);
/* $XDG_STATE_HOME/ondeck (~/.local/state/ondeck), malloc'd; not created. */
char *settings_state_dir(void);

#endif
