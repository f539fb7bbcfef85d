/* What a fleet is: a list of (profile, region) members, each optionally limited to some
 * clusters. Written on the command line (--fleet prod:us-east-1,staging:eu-west-1:web) or
 * named (--fleet oncall) after a [fleet NAME] section of ondeck's config file:
 *
 *   [fleet oncall]
 *   members = prod:us-east-1 prod:eu-west-1:web:api
 *             staging:us-east-1
 *
 * A member is PROFILE:REGION[:CLUSTER...]; members are separated by commas, blanks or new
 * lines. */
#ifndef OD_FLEET_SPEC_H
#define OD_FLEET_SPEC_H

#include <stddef.h>

#include "util/err.h"

struct od_settings;

/* The most members a fleet may have (each one is a client and a few calls a minute). */
#define FLEET_MAX_MEMBERS 64
/* The most clusters one member may name. */
#define FLEET_MAX_MEMBER_CLUSTERS 16

struct fleet_member_spec {
    char *profile;
    char *region;
    char **clusters; /* NULL with nclusters 0: every cluster of the region */
    size_t nclusters;
};

struct fleet_spec {
    char *name; /* the section's NAME, or the inline text */
    struct fleet_member_spec *members;
    size_t nmembers;
};

/* Parse a member list. A bad member is OD_E_CONFIG naming it; *out is then empty. */
enum od_err fleet_spec_parse(const char *text, struct fleet_spec *out, struct od_error *err);
/* --fleet ARG: a member list when ARG has a ':', else the members of [fleet ARG]. */
enum od_err fleet_spec_resolve(const struct od_settings *settings, const char *arg,
                               struct fleet_spec *out, struct od_error *err);
void fleet_spec_free(struct fleet_spec *s);

#endif
