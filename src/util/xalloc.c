#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void (*od_fatal_hook)(void);

void
od_fatal(const char *fmt, ...)
{
    va_list ap;

    if (od_fatal_hook != NULL)
        od_fatal_hook();
    fputs("ondeck: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

void *
xmalloc(size_t size)
{
    void *p;

    if (size == 0)
        od_fatal("xmalloc: zero size");
    if ((p = malloc(size)) == NULL)
        od_fatal("xmalloc: out of memory allocating %zu bytes", size);
    return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
    void *p;

    if (nmemb == 0 || size == 0)
        od_fatal("xcalloc: zero size");
    if (SIZE_MAX / nmemb < size)
        od_fatal("xcalloc: nmemb * size > SIZE_MAX");
    if ((p = calloc(nmemb, size)) == NULL)
        od_fatal("xcalloc: out of memory allocating %zu bytes", nmemb * size);
    return p;
}

void *
xrealloc(void *ptr, size_t size)
{
    return xreallocarray(ptr, 1, size);
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    void *p;

    if (nmemb == 0 || size == 0)
        od_fatal("xreallocarray: zero size");
    if (SIZE_MAX / nmemb < size)
        od_fatal("xreallocarray: nmemb * size > SIZE_MAX");
    if ((p = realloc(ptr, nmemb * size)) == NULL)
        od_fatal("xreallocarray: out of memory allocating %zu bytes", nmemb * size);
    return p;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *p;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        od_fatal("xvasprintf: bad format");
    p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}
