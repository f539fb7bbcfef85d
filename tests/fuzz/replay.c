/* Replays every fuzz corpus through its target without libFuzzer, as a TAP test: one check per
 * target ("ok 3 - ecs_services: 14 inputs"). It runs in every `make check`, so the seeds and
 * the regression inputs of fixed crashes are checked by gcc builds, under ASan/UBSan and under
 * valgrind too. A property failure aborts (the test then fails with the input's name on stderr).
 *
 *   replay                       every target, corpora under $ONDECK_SRCDIR/tests/fuzz/corpus
 *   replay TARGET [FILE|DIR...]  one target over the given inputs (default: its corpus)
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aws/proto_xml.h"
#include "tests/fuzz/fuzz.h"

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

#define DECLARE(name) int fuzz_##name(const uint8_t *data, size_t size);
FUZZ_TARGETS(DECLARE)
#ifdef FUZZ_UI_TARGETS
FUZZ_UI_TARGETS(DECLARE)
#endif

static const struct {
    const char *name;
    fuzz_fn fn;
} targets[] = {
#define ENTRY(name) { #name, fuzz_##name },
    FUZZ_TARGETS(ENTRY)
#ifdef FUZZ_UI_TARGETS
    FUZZ_UI_TARGETS(ENTRY)
#endif
};

#define NTARGETS (sizeof targets / sizeof targets[0])

static int
run_file(fuzz_fn fn, const char *path)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t len = 0, cap = 0, n;

    if (fp == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (cap - len < 4096) {
            cap = cap * 2 + 4096;
            if ((data = realloc(data, cap)) == NULL)
                abort();
        }
        if ((n = fread(data + len, 1, cap - len, fp)) == 0)
            break;
        len += n;
    }
    fclose(fp);
    fprintf(stderr, "replay: %s\n", path); /* names the input if the target aborts */
    /* An exact-size copy, so ASan and valgrind see reads past the end of the input. */
    {
        uint8_t *exact = malloc(len > 0 ? len : 1);

        if (exact == NULL)
            abort();
        if (len > 0)
            memcpy(exact, data, len);
        free(data);
        fn(exact, len);
        free(exact);
    }
    return 0;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir (sorted, so runs are reproducible); -1 when dir is unreadable. */
static long
run_dir(fuzz_fn fn, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    long count = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap * 2 + 16;
            if ((names = realloc(names, cap * sizeof *names)) == NULL)
                abort();
        }
        if ((names[n++] = strdup(de->d_name)) == NULL)
            abort();
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, compare_names);
    for (i = 0; i < n; i++) {
        size_t plen = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(plen);
        struct stat st;

        if (path == NULL)
            abort();
        snprintf(path, plen, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && run_file(fn, path) == 0)
            count++;
        free(path);
        free(names[i]);
    }
    free(names);
    return count;
}

static long
run_path(fuzz_fn fn, const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode))
        return run_dir(fn, path);
    return run_file(fn, path) == 0 ? 1 : -1;
}

static char *
corpus_dir(const char *name)
{
    const char *src = getenv("ONDECK_SRCDIR");
    size_t len;
    char *dir;

    if (src == NULL || *src == '\0')
        src = ".";
    len = strlen(src) + strlen(name) + sizeof "/tests/fuzz/corpus/";
    if ((dir = malloc(len)) == NULL)
        abort();
    snprintf(dir, len, "%s/tests/fuzz/corpus/%s", src, name);
    return dir;
}

int
main(int argc, char **argv)
{
    size_t i, checks = 0;
    int failed = 0;

    for (i = 0; i < NTARGETS; i++) {
        long count = 0;
        char *dir;

        if (argc > 1 && strcmp(argv[1], targets[i].name) != 0)
            continue;
        if (argc > 2) {
            for (int a = 2; a < argc; a++) {
                long c = run_path(targets[i].fn, argv[a]);

                count = c < 0 || count < 0 ? -1 : count + c;
            }
            dir = NULL;
        } else {
            dir = corpus_dir(targets[i].name);
            count = run_dir(targets[i].fn, dir);
        }
        checks++;
        /* An empty or missing corpus is a failure: the test would prove nothing. */
        if (count <= 0) {
            failed = 1;
            printf("not ok %zu - %s: no inputs (%s)\n", checks, targets[i].name,
                   dir != NULL ? dir : "arguments");
        } else {
            printf("ok %zu - %s: %ld inputs\n", checks, targets[i].name, count);
        }
        fflush(stdout);
        free(dir);
    }
    if (checks == 0) {
        fprintf(stderr, "replay: unknown target '%s'\n", argv[1]);
        return 2;
    }
    xml_global_cleanup();
    printf("1..%zu\n", checks);
    return failed;
}
