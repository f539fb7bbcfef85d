/* A tiny strict INI reader for the AWS shared config files (and ondeck's own config).
 *
 * Grammar, as botocore's RawConfigParser reads it:
 *   [section name]            section header (name trimmed; no nesting)
 *   key = value               also "key: value"; the first '=' or ':' splits
 *   # comment / ; comment     whole-line comments only: an inline '#' is part of the value
 *   key =                     an empty value followed by indented "sub = value" lines forms a
 *     sub = value             sub-section (used by [services NAME])
 *   key = first               an indented line after a non-empty value continues it ("\n")
 *     continued
 * Keys are lower-cased (configparser's optionxform); section names and sub-keys are kept as
 * written. Errors carry the file name and line number. */
#ifndef OD_INI_H
#define OD_INI_H

#include <stddef.h>

#include "util/err.h"

struct ini_kv {
    char *key;
    char *subkey; /* NULL, or the key inside a sub-section (key is then the sub-section) */
    char *value;
    int line;
};

struct ini_section {
    char *name;
    int line;
    struct ini_kv *kv;
    size_t nkv;
};

struct ini_doc {
    struct ini_section *sections;
    size_t nsections;
};

/* Parse len bytes of text (need not be NUL-terminated). filename only labels errors.
 * Duplicate sections and duplicate keys are errors, as in Python's strict configparser. */
enum od_err ini_parse(const char *text, size_t len, const char *filename, struct ini_doc **out,
                      struct od_error *err);
void ini_free(struct ini_doc **dp);

const struct ini_section *ini_section(const struct ini_doc *d, const char *name);
/* Value of key (or key/subkey when subkey is not NULL) in the section; NULL if absent. */
const char *ini_get(const struct ini_section *s, const char *key, const char *subkey);

/* Split a line shell-style, like Python's shlex.split (POSIX mode, no comments): blanks
 * separate words, '...' is literal, "..." honours \\ \" \$ \` escapes, a bare backslash quotes
 * the next character. No expansion of any kind. Used for `[profile "my dev"]` and
 * credential_process command lines. On success *argv is a NULL-terminated array (free with
 * ini_argv_free) and *argc its length; an unterminated quote is OD_E_CONFIG. */
enum od_err ini_shell_split(const char *s, char ***argv, size_t *argc, struct od_error *err);
void ini_argv_free(char ***argv);

#endif
