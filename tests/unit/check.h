/* A tiny TAP harness for C unit tests: each CHECK prints one "ok"/"not ok" line, and
 * check_done() prints the plan and returns the exit status. */
#ifndef OD_CHECK_H
#define OD_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_count;
static int check_failed;

static inline int
check_report(int ok, const char *file, int line, const char *what)
{
    check_count++;
    if (!ok)
        check_failed++;
    printf("%sok %d - %s\n", ok ? "" : "not ", check_count, what);
    if (!ok)
        printf("# failed at %s:%d\n", file, line);
    fflush(stdout);
    return ok;
}

#define CHECK(cond, what) check_report((cond) ? 1 : 0, __FILE__, __LINE__, (what))

#define CHECK_STR(got, want, what)                                                                 \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        int ok_ = (g_ == NULL && w_ == NULL) || (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0); \
        if (!check_report(ok_, __FILE__, __LINE__, (what)))                                        \
            printf("#   got:  [%s]\n#   want: [%s]\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");    \
    } while (0)

#define CHECK_INT(got, want, what)                                                                 \
    do {                                                                                           \
        long long g_ = (long long)(got), w_ = (long long)(want);                                   \
        if (!check_report(g_ == w_, __FILE__, __LINE__, (what)))                                   \
            printf("#   got:  %lld\n#   want: %lld\n", g_, w_);                                    \
    } while (0)

static inline int
check_done(void)
{
    printf("1..%d\n", check_count);
    return check_failed != 0 ? 1 : 0;
}

#endif
