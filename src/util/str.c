#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool
str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

bool
str_case_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcasecmp(a, b) == 0;
}

bool
str_has_prefix(const char *s, const char *prefix)
{
    return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_has_suffix(const char *s, const char *suffix)
{
    size_t ls, lx;

    if (s == NULL)
        return false;
    ls = strlen(s);
    lx = strlen(suffix);
    return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

bool
str_empty(const char *s)
{
    return s == NULL || *s == '\0';
}

char *
str_trim(char *s)
{
    char *end;

    while (*s != '\0' && isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

enum od_err
str_uri_encode(struct od_buf *out, const char *s, size_t len, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    enum od_err err = OD_OK;
    size_t i;

    for (i = 0; i < len && err == OD_OK; i++) {
        unsigned char c = (unsigned char)s[i];

        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keep_slash && c == '/')) {
            err = buf_putc(out, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            err = buf_append(out, enc, 3);
        }
    }
    return err;
}

bool
str_to_long(const char *s, long *out)
{
    char *end;
    long v;

    if (str_empty(s))
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

const char *
str_last_segment(const char *s)
{
    const char *slash;

    if (s == NULL)
        return NULL;
    slash = strrchr(s, '/');
    return slash != NULL ? slash + 1 : s;
}
