/* The AWS console page of an item ondeck shows (o), as a URL that is plain ASCII: every part
 * that came from AWS is percent-encoded, so the URL is inert in the message line and safe as
 * one argument to $BROWSER. Pure functions (tests/unit/test_console_url.c). */
#ifndef UI_CONSOLE_URL_H
#define UI_CONSOLE_URL_H

enum console_item {
    CI_CLUSTER,
    CI_SERVICE,
    CI_TASK,
    CI_TARGET_GROUP, /* id: the target group's ARN */
    CI_ALARM,        /* id: the alarm's name */
    CI_DISTRIBUTION, /* id: the distribution's id */
    CI_LOG_GROUP,    /* id: the log group's name */
};

struct console_ref {
    enum console_item kind;
    const char *region;
    const char *cluster, *service, *task; /* names (an ARN's last segment is taken) */
    const char *id;
};

/* malloc'd URL, or NULL when a needed part is missing. */
char *console_url(const struct console_ref *r);
/* Percent-encode everything but the unreserved characters and those in keep (malloc'd). */
char *console_url_encode(const char *s, const char *keep);

#endif
