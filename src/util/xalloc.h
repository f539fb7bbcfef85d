/* Allocation wrappers that abort on exhaustion, so callers never check for NULL.
 * Errors that really happen (network, parse, credentials) are returned as values elsewhere. */
#ifndef OD_XALLOC_H
#define OD_XALLOC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#if defined(__GNUC__)
#define OD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define OD_MALLOC __attribute__((malloc))
#define OD_NORETURN __attribute__((noreturn))
#define OD_UNUSED __attribute__((unused))
#else
#define OD_PRINTF(f, a)
#define OD_MALLOC
#define OD_NORETURN
#define OD_UNUSED
#endif

void *xmalloc(size_t size) OD_MALLOC;
void *xcalloc(size_t nmemb, size_t size) OD_MALLOC;
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s) OD_MALLOC;
char *xstrndup(const char *s, size_t n) OD_MALLOC;
char *xasprintf(const char *fmt, ...) OD_PRINTF(1, 2) OD_MALLOC;
char *xvasprintf(const char *fmt, va_list ap) OD_PRINTF(1, 0) OD_MALLOC;

/* Free *pp and set it to NULL. */
#define xfree(pp)                                                                                  \
    do {                                                                                           \
        free(*(pp));                                                                               \
        *(pp) = NULL;                                                                              \
    } while (0)

void od_fatal(const char *fmt, ...) OD_PRINTF(1, 2) OD_NORETURN;

/* Hook run by od_fatal before exiting, so the console can restore the terminal. */
extern void (*od_fatal_hook)(void);

#endif
