#include "settings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/ini.h"
#include "util/str.h"
#include "util/xalloc.h"

#define CONFIG_MAX_BYTES (1u << 20)

struct od_settings {
    struct ini_doc *doc;
    char *path;
};

static char *
home_dir(void)
{
    const char *h = getenv("HOME");

    return xstrdup(!str_empty(h) ? h : ".");
}

char *
settings_default_path(void)
{
    const char *x = getenv("XDG_CONFIG_HOME");
    char *home, *p;

    if (!str_empty(x))
        return xasprintf("%s/ondeck/config", x);
    home = home_dir();
    p = xasprintf("%s/.config/ondeck/config", home);
    free(home);
    return p;
}

char *
settings_state_dir(void)
{
    const char *x = getenv("XDG_STATE_HOME");
    char *home, *p;

    if (!str_empty(x))
        return xasprintf("%s/ondeck", x);
    home = home_dir();
    p = xasprintf("%s/.local/state/ondeck", home);
    free(home);
    return p;
}

enum od_err
settings_parse(const char *text, const char *label, struct od_settings **out, struct od_error *err)
{
    struct od_settings *c = xcalloc(1, sizeof *c);
    enum od_err rc;

    rc = ini_parse(text, strlen(text), label != NULL ? label : "config", &c->doc, err);
    if (rc != OD_OK) {
        free(c);
        *out = NULL;
        return rc;
    }
    *out = c;
    return OD_OK;
}

enum od_err
settings_load(const char *path, struct od_settings **out, struct od_error *err)
{
    const char *env = getenv("ONDECK_CONFIG");
    bool explicit_path = !str_empty(path) || !str_empty(env);
    char *file = !str_empty(path) ? xstrdup(path)
                 : !str_empty(env) ? xstrdup(env)
                                   : settings_default_path();
    FILE *fp = fopen(file, "r");
    struct od_buf b;
    char chunk[4096];
    size_t n;
    enum od_err rc = OD_OK;

    *out = NULL;
    if (fp == NULL) {
        if (!explicit_path && errno == ENOENT) {
            free(file);
            return settings_parse("", NULL, out, err);
        }
        od_error_set(err, OD_E_CONFIG, "cannot read config file %s: %s", file, strerror(errno));
        free(file);
        return OD_E_CONFIG;
    }
    buf_init(&b, CONFIG_MAX_BYTES);
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && rc == OD_OK)
        rc = buf_append(&b, chunk, n);
    fclose(fp);
    if (rc != OD_OK) {
        od_error_set(err, OD_E_CONFIG, "config file %s is larger than 1 MiB", file);
    } else if ((rc = settings_parse(buf_cstr(&b), file, out, err)) == OD_OK) {
        (*out)->path = file;
        file = NULL;
    }
    buf_free(&b);
    free(file);
    return rc;
}

void
settings_free(struct od_settings **cp)
{
    struct od_settings *c = *cp;

    if (c == NULL)
        return;
    ini_free(&c->doc);
    free(c->path);
    free(c);
    *cp = NULL;
}

const char *
settings_path(const struct od_settings *c)
{
    return c != NULL ? c->path : NULL;
}

const char *
settings_get(const struct od_settings *c, const char *section, const char *key)
{
    if (c == NULL)
        return NULL;
    return ini_get(ini_section(c->doc, section), key, NULL);
}

bool
settings_get_bool(const struct od_settings *c, const char *section, const char *key, bool def)
{
    const char *v = settings_get(c, section, key);

    if (v == NULL)
        return def;
    if (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0 ||
        strcasecmp(v, "on") == 0)
        return true;
    if (strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0 || strcmp(v, "0") == 0 ||
        strcasecmp(v, "off") == 0)
        return false;
    return def;
}

long
settings_get_long(const struct od_settings *c, const char *section, const char *key, long def)
{
    long v;

    return str_to_long(settings_get(c, section, key), &v) ? v : def;
}

const char *
settings_key_at(const struct od_settings *c, const char *section, size_t n, const char **value)
{
    const struct ini_section *s = c != NULL ? ini_section(c->doc, section) : NULL;

    if (s == NULL || n >= s->nkv)
        return NULL;
    if (value != NULL)
        *value = s->kv[n].value;
    return s->kv[n].key;
}

const char *
settings_section_at(const struct od_settings *c, size_t n)
{
    if (c == NULL || c->doc == NULL || n >= c->doc->nsections)
        return NULL;
    return c->doc->sections[n].name;
}
