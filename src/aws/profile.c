/* The shared config and credentials files over util/ini. Section names follow botocore:
 * in the config file `[default]` and `[profile NAME]` (NAME split shell-style, so
 * `[profile "my dev"]` works) are profiles, a bare `[NAME]` is not; `[sso-session NAME]` and
 * `[services NAME]` are their own kinds. In the credentials file every `[NAME]` is a profile. */
#include "aws/profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/hash.h"
#include "util/ini.h"
#include "util/str.h"
#include "util/xalloc.h"

#define PROFILE_FILE_MAX ((size_t)4 << 20)

enum kind { K_PROFILE, K_SSO_SESSION, K_SERVICES };

struct entry {
    enum kind kind;
    char *name;
    const struct ini_section *cfg;  /* from the config file, or NULL */
    const struct ini_section *cred; /* from the credentials file (profiles only), or NULL */
};

struct od_profiles {
    struct ini_doc *config;
    struct ini_doc *credentials;
    struct entry *entries;
    size_t nentries;
};

static struct entry *
find(const struct od_profiles *p, enum kind kind, const char *name)
{
    size_t i;

    for (i = 0; p != NULL && name != NULL && i < p->nentries; i++)
        if (p->entries[i].kind == kind && strcmp(p->entries[i].name, name) == 0)
            return &p->entries[i];
    return NULL;
}

static struct entry *
find_or_add(struct od_profiles *p, enum kind kind, const char *name)
{
    struct entry *e = find(p, kind, name);

    if (e != NULL)
        return e;
    p->entries = xreallocarray(p->entries, p->nentries + 1, sizeof *p->entries);
    e = &p->entries[p->nentries++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->name = xstrdup(name);
    return e;
}

/* "profile NAME" -> NAME when the header splits into exactly the prefix and one word. */
static char *
split_header(const char *header, const char *prefix)
{
    char **argv;
    size_t argc;
    struct od_error err = { 0 };
    char *name = NULL;

    if (!str_has_prefix(header, prefix))
        return NULL;
    if (ini_shell_split(header, &argv, &argc, &err) != OD_OK) {
        od_error_clear(&err);
        return NULL; /* botocore skips sections whose names do not split */
    }
    if (argc == 2 && strcmp(argv[0], prefix) == 0)
        name = xstrdup(argv[1]);
    ini_argv_free(&argv);
    return name;
}

static void
index_config(struct od_profiles *p)
{
    size_t i;

    for (i = 0; p->config != NULL && i < p->config->nsections; i++) {
        const struct ini_section *s = &p->config->sections[i];
        char *name;

        if (strcmp(s->name, "default") == 0) {
            find_or_add(p, K_PROFILE, "default")->cfg = s;
        } else if ((name = split_header(s->name, "profile")) != NULL) {
            find_or_add(p, K_PROFILE, name)->cfg = s; /* a later section replaces, as botocore */
            free(name);
        } else if ((name = split_header(s->name, "sso-session")) != NULL) {
            find_or_add(p, K_SSO_SESSION, name)->cfg = s;
            free(name);
        } else if ((name = split_header(s->name, "services")) != NULL) {
            find_or_add(p, K_SERVICES, name)->cfg = s;
            free(name);
        }
    }
    for (i = 0; p->credentials != NULL && i < p->credentials->nsections; i++) {
        const struct ini_section *s = &p->credentials->sections[i];

        find_or_add(p, K_PROFILE, s->name)->cred = s;
    }
}

enum od_err
profiles_parse(struct od_profiles **out, const char *config_text, const char *credentials_text,
               struct od_error *err)
{
    return profiles_parse_named(out, config_text, "config", credentials_text, "credentials",
                                err);
}

enum od_err
profiles_parse_named(struct od_profiles **out, const char *config_text, const char *config_name,
                     const char *credentials_text, const char *credentials_name,
                     struct od_error *err)
{
    struct od_profiles *p = xcalloc(1, sizeof *p);
    enum od_err e = OD_OK;

    *out = NULL;
    if (config_text != NULL)
        e = ini_parse(config_text, strlen(config_text), config_name, &p->config, err);
    if (e == OD_OK && credentials_text != NULL)
        e = ini_parse(credentials_text, strlen(credentials_text), credentials_name,
                      &p->credentials, err);
    if (e != OD_OK) {
        profiles_free(&p);
        return e;
    }
    index_config(p);
    *out = p;
    return OD_OK;
}

/* Path from env var or the default under $HOME; "~/" is expanded like botocore. */
static char *
file_path(const char *envname, const char *fallback)
{
    const char *v = getenv(envname);
    const char *home = getenv("HOME");

    if (str_empty(v))
        return home != NULL ? xasprintf("%s/%s", home, fallback) : NULL;
    if (str_has_prefix(v, "~/") && home != NULL)
        return xasprintf("%s/%s", home, v + 2);
    return xstrdup(v);
}

/* Read a whole file; a missing file gives *text = NULL and OD_OK. */
static enum od_err
read_file(const char *path, char **text, struct od_error *err)
{
    FILE *f;
    struct od_buf b;
    char chunk[4096];
    size_t n;
    enum od_err e = OD_OK;

    *text = NULL;
    if (path == NULL)
        return OD_OK;
    f = fopen(path, "r");
    if (f == NULL) {
        if (errno == ENOENT || errno == ENOTDIR)
            return OD_OK;
        od_error_set(err, OD_E_IO, "%s: %s", path, strerror(errno));
        return OD_E_IO;
    }
    buf_init(&b, PROFILE_FILE_MAX);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && e == OD_OK)
        e = buf_append(&b, chunk, n);
    if (e == OD_OK && ferror(f))
        e = OD_E_IO;
    fclose(f);
    if (e != OD_OK) {
        od_error_set(err, e, "%s: %s", path,
                     e == OD_E_TOO_LARGE ? "file too large" : "read error");
        buf_free(&b);
        return e;
    }
    *text = buf_steal(&b);
    return OD_OK;
}

enum od_err
profiles_load(struct od_profiles **out, struct od_error *err)
{
    char *cpath = file_path("AWS_CONFIG_FILE", ".aws/config");
    char *kpath = file_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    char *ctext = NULL, *ktext = NULL;
    enum od_err e;

    *out = NULL;
    e = read_file(cpath, &ctext, err);
    if (e == OD_OK)
        e = read_file(kpath, &ktext, err);
    if (e == OD_OK)
        e = profiles_parse_named(out, ctext, cpath != NULL ? cpath : "config", ktext,
                                 kpath != NULL ? kpath : "credentials", err);
    free(cpath);
    free(kpath);
    free(ctext);
    if (ktext != NULL) {
        secure_zero(ktext, strlen(ktext));
        free(ktext);
    }
    return e;
}

void
profiles_free(struct od_profiles **pp)
{
    struct od_profiles *p = *pp;
    size_t i;

    if (p == NULL)
        return;
    *pp = NULL;
    for (i = 0; i < p->nentries; i++)
        free(p->entries[i].name);
    free(p->entries);
    ini_free(&p->config);
    ini_free(&p->credentials);
    free(p);
}

bool
profiles_exists(const struct od_profiles *p, const char *profile)
{
    return find(p, K_PROFILE, profile) != NULL;
}

const char *
profiles_get_in(const struct od_profiles *p, enum od_profile_file which, const char *profile,
                const char *key)
{
    const struct entry *e = find(p, K_PROFILE, profile);

    if (e == NULL)
        return NULL;
    return ini_get(which == OD_PROFILE_CONFIG ? e->cfg : e->cred, key, NULL);
}

const char *
profiles_get(const struct od_profiles *p, const char *profile, const char *key)
{
    const char *v = profiles_get_in(p, OD_PROFILE_CREDENTIALS, profile, key);

    return v != NULL ? v : profiles_get_in(p, OD_PROFILE_CONFIG, profile, key);
}

const char *
profiles_sso_session_get(const struct od_profiles *p, const char *session, const char *key)
{
    const struct entry *e = find(p, K_SSO_SESSION, session);

    return e != NULL ? ini_get(e->cfg, key, NULL) : NULL;
}

const char *
profiles_services_get(const struct od_profiles *p, const char *services, const char *svc,
                      const char *key)
{
    const struct entry *e = find(p, K_SERVICES, services);

    return e != NULL ? ini_get(e->cfg, svc, key) : NULL;
}

const char *
profiles_selected_name(const char *explicit_profile)
{
    const char *v;

    if (!str_empty(explicit_profile))
        return explicit_profile;
    if (!str_empty(v = getenv("AWS_DEFAULT_PROFILE")))
        return v;
    if (!str_empty(v = getenv("AWS_PROFILE")))
        return v;
    return "default";
}
