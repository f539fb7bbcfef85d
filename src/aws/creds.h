/* Credentials: refcounted, wiped on the last release, never printed or logged. */
#ifndef OD_CREDS_H
#define OD_CREDS_H

#include <stdbool.h>
#include <time.h>

struct od_creds {
    unsigned refs;
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL for long-term keys */
    time_t expiration;   /* 0 = does not expire */
    char *account_id;    /* when the source told us, else NULL */
    char *source;        /* "env", "profile:NAME", "process", "assume-role", "sso", ... */
};

/* Copies every string; token, account and source may be NULL. refs starts at 1. */
struct od_creds *creds_new(const char *akid, const char *secret, const char *token,
                           time_t expiration, const char *source);
struct od_creds *creds_acquire(struct od_creds *c);
void creds_release(struct od_creds **cp);
/* True if the credentials expire within `seconds` of `now` (never for long-term keys). */
bool creds_expire_within(const struct od_creds *c, time_t now, long seconds);

#endif
