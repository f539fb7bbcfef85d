#include "fleet/spec.h"

#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define SEPARATORS ", \t\r\n"

static void
member_clear(struct fleet_member_spec *m)
{
    free(m->profile);
    free(m->region);
    for (size_t i = 0; i < m->nclusters; i++)
        free(m->clusters[i]);
    free(m->clusters);
    memset(m, 0, sizeof *m);
}

void
fleet_spec_free(struct fleet_spec *s)
{
    for (size_t i = 0; i < s->nmembers; i++)
        member_clear(&s->members[i]);
    free(s->members);
    free(s->name);
    memset(s, 0, sizeof *s);
}

/* A region is lower-case letters, digits and dashes ("us-east-1", "us-gov-west-1"). */
static bool
region_ok(const char *r)
{
    if (str_empty(r) || strlen(r) > 32)
        return false;
    for (const char *p = r; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

/* word: PROFILE:REGION[:CLUSTER...] (modified in place). */
static enum od_err
parse_member(char *word, struct fleet_member_spec *m, struct od_error *err)
{
    char *save = NULL, *part;
    char *original = xstrdup(word);
    enum od_err rc = OD_OK;
    size_t n = 0;

    memset(m, 0, sizeof *m);
    /* strtok would merge empty fields ("prod::web"): walk the colons by hand. */
    for (part = word; part != NULL; part = save, n++) {
        char *colon = strchr(part, ':');

        save = colon != NULL ? colon + 1 : NULL;
        if (colon != NULL)
            *colon = '\0';
        if (*part == '\0') {
            od_error_set(err, OD_E_CONFIG, "fleet member '%s': an empty field", original);
            rc = OD_E_CONFIG;
            break;
        }
        if (n == 0) {
            m->profile = xstrdup(part);
        } else if (n == 1) {
            if (!region_ok(part)) {
                od_error_set(err, OD_E_CONFIG, "fleet member '%s': '%s' is not a region",
                             original, part);
                rc = OD_E_CONFIG;
                break;
            }
            m->region = xstrdup(part);
        } else {
            if (m->nclusters == FLEET_MAX_MEMBER_CLUSTERS) {
                od_error_set(err, OD_E_CONFIG, "fleet member '%s': more than %d clusters",
                             original, FLEET_MAX_MEMBER_CLUSTERS);
                rc = OD_E_CONFIG;
                break;
            }
            m->clusters = xreallocarray(m->clusters, m->nclusters + 1, sizeof *m->clusters);
            m->clusters[m->nclusters++] = xstrdup(part);
        }
    }
    if (rc == OD_OK && m->region == NULL) {
        od_error_set(err, OD_E_CONFIG,
                     "fleet member '%s' needs a region: PROFILE:REGION[:CLUSTER...]", original);
        rc = OD_E_CONFIG;
    }
    if (rc != OD_OK)
        member_clear(m);
    free(original);
    return rc;
}

static bool
same_member(const struct fleet_member_spec *a, const struct fleet_member_spec *b)
{
    return str_eq(a->profile, b->profile) && str_eq(a->region, b->region);
}

enum od_err
fleet_spec_parse(const char *text, struct fleet_spec *out, struct od_error *err)
{
    char *copy = xstrdup(text != NULL ? text : ""), *save = NULL, *word;
    enum od_err rc = OD_OK;

    memset(out, 0, sizeof *out);
    for (word = strtok_r(copy, SEPARATORS, &save); word != NULL;
         word = strtok_r(NULL, SEPARATORS, &save)) {
        struct fleet_member_spec m;

        if (out->nmembers == FLEET_MAX_MEMBERS) {
            od_error_set(err, OD_E_CONFIG, "a fleet has at most %d members", FLEET_MAX_MEMBERS);
            rc = OD_E_CONFIG;
            break;
        }
        if ((rc = parse_member(word, &m, err)) != OD_OK)
            break;
        /* One client per (profile, region): a repeated pair is a mistake, not two rows. */
        for (size_t i = 0; i < out->nmembers && rc == OD_OK; i++)
            if (same_member(&out->members[i], &m)) {
                od_error_set(err, OD_E_CONFIG,
                             "fleet member %s:%s is listed twice (name its clusters once: "
                             "%s:%s:A:B)",
                             m.profile, m.region, m.profile, m.region);
                rc = OD_E_CONFIG;
            }
        if (rc != OD_OK) {
            member_clear(&m);
            break;
        }
        out->members = xreallocarray(out->members, out->nmembers + 1, sizeof *out->members);
        out->members[out->nmembers++] = m;
    }
    if (rc == OD_OK && out->nmembers == 0) {
        od_error_set(err, OD_E_CONFIG, "a fleet needs at least one PROFILE:REGION member");
        rc = OD_E_CONFIG;
    }
    free(copy);
    if (rc != OD_OK)
        fleet_spec_free(out);
    return rc;
}

/* "a, b" of the [fleet NAME] sections, for the message when NAME is not one (malloc'd). */
static char *
fleet_names(const struct od_settings *settings)
{
    struct od_buf b;
    const char *section;
    char *out;

    buf_init(&b, 4096);
    for (size_t i = 0; (section = settings_section_at(settings, i)) != NULL; i++) {
        if (strncmp(section, "fleet ", 6) != 0)
            continue;
        if (b.len > 0)
            buf_puts(&b, ", ");
        buf_puts(&b, section + 6);
    }
    out = xstrdup(b.len > 0 ? buf_cstr(&b) : "none");
    buf_free(&b);
    return out;
}

enum od_err
fleet_spec_resolve(const struct od_settings *settings, const char *arg, struct fleet_spec *out,
                   struct od_error *err)
{
    char *section, *names;
    const char *members;
    enum od_err rc;

    memset(out, 0, sizeof *out);
    if (str_empty(arg)) {
        od_error_set(err, OD_E_CONFIG, "--fleet needs a fleet name or PROFILE:REGION,...");
        return OD_E_CONFIG;
    }
    if (strchr(arg, ':') != NULL) {
        if ((rc = fleet_spec_parse(arg, out, err)) == OD_OK)
            out->name = xstrdup(arg);
        return rc;
    }
    section = xasprintf("fleet %s", arg);
    members = settings_get(settings, section, "members");
    free(section);
    if (members == NULL) {
        names = fleet_names(settings);
        od_error_set(err, OD_E_CONFIG,
                     "no fleet '%s': the config file%s%s has no [fleet %s] section with "
                     "members (fleets defined: %s)",
                     arg, settings_path(settings) != NULL ? " " : "",
                     settings_path(settings) != NULL ? settings_path(settings) : "", arg, names);
        free(names);
        return OD_E_CONFIG;
    }
    if ((rc = fleet_spec_parse(members, out, err)) != OD_OK) {
        /* Say where the bad member came from. */
        char *why = od_error_format(err);

        od_error_clear(err);
        od_error_set(err, OD_E_CONFIG, "[fleet %s]: %s", arg, why);
        free(why);
        return rc;
    }
    out->name = xstrdup(arg);
    return OD_OK;
}
