#include "cli/name_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/world.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/fs.h"
#include "util/str.h"
#include "util/xalloc.h"

#define CACHE_MAX_BYTES (1u << 20)
#define CACHE_MAX_LINES 20000
#define NAME_MAX_LEN 255
#define MAX_TOKENS 5

/* The characters a shell cannot misread; AWS names of clusters and services are a subset. */
static bool
safe_name(const char *s)
{
    size_t n = 0;

    if (str_empty(s))
        return false;
    for (; *s != '\0'; s++, n++) {
        char c = *s;

        if (n >= NAME_MAX_LEN)
            return false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '+' || c == '-'))
            return false;
    }
    return true;
}

char *
name_cache_path(void)
{
    const char *v = getenv("ONDECK_NAME_CACHE"), *home;

    if (str_eq(v, "off"))
        return NULL;
    if (!str_empty(v))
        return xstrdup(v);
    if (!str_empty(v = getenv("XDG_CACHE_HOME")))
        return xasprintf("%s/ondeck/names", v);
    if (!str_empty(home = getenv("HOME")))
        return xasprintf("%s/.cache/ondeck/names", home);
    return NULL;
}

/* Split a line (modified in place) on single spaces; returns the token count, or 0 when the
 * line is not a well-formed entry. */
static int
split_entry(char *line, char *tok[MAX_TOKENS])
{
    int n = 0;
    char *p = line, *sp;

    while (n < MAX_TOKENS) {
        tok[n++] = p;
        if ((sp = strchr(p, ' ')) == NULL)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    if (strchr(p, ' ') != NULL)
        return 0;
    for (int i = 0; i < n; i++)
        if (i > 0 && !safe_name(tok[i]))
            return 0;
    if (str_eq(tok[0], "c") && n == 4)
        return n;
    if (str_eq(tok[0], "s") && n == 5)
        return n;
    return 0;
}

static bool
in_list(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(s, names[i]))
            return true;
    return false;
}

struct lines {
    char **v;
    size_t n;
};

static void
lines_push(struct lines *l, char *s)
{
    l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
    l->v[l->n++] = s;
}

/* Whether an old entry is replaced by this update. */
static bool
replaced(char *const tok[MAX_TOKENS], int ntok, const char *profile, const char *region,
         const char *cluster, const char *const *names, size_t n)
{
    if (!str_eq(tok[1], profile) || !str_eq(tok[2], region))
        return false;
    if (cluster == NULL) /* the cluster list: every cluster line, and services of gone ones */
        return ntok == 4 || !in_list(tok[3], names, n);
    return str_eq(tok[3], cluster);
}

char *
name_cache_merge(const char *old, const char *profile, const char *region, const char *cluster,
                 const char *const *names, size_t n)
{
    struct lines keep = {0};
    struct od_buf out;
    size_t first = 0;
    char *copy, *line, *save = NULL;

    if (!safe_name(profile) || !safe_name(region) || (cluster != NULL && !safe_name(cluster)))
        return xstrdup(old != NULL ? old : "");
    copy = xstrdup(old != NULL ? old : "");
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *tok[MAX_TOKENS], *dup = xstrdup(line);
        int ntok = split_entry(dup, tok);

        if (ntok > 0 && !replaced(tok, ntok, profile, region, cluster, names, n))
            lines_push(&keep, xstrdup(line));
        free(dup);
    }
    free(copy);
    if (cluster != NULL)
        lines_push(&keep, xasprintf("c %s %s %s", profile, region, cluster));
    for (size_t i = 0; i < n; i++) {
        if (!safe_name(names[i]))
            continue;
        if (cluster == NULL)
            lines_push(&keep, xasprintf("c %s %s %s", profile, region, names[i]));
        else
            lines_push(&keep, xasprintf("s %s %s %s %s", profile, region, cluster, names[i]));
    }
    if (keep.n > CACHE_MAX_LINES)
        first = keep.n - CACHE_MAX_LINES; /* the oldest entries are at the top */
    buf_init(&out, 0);
    buf_puts(&out, "# ondeck name cache (shell completion): c PROFILE REGION CLUSTER | "
                   "s PROFILE REGION CLUSTER SERVICE\n");
    for (size_t i = 0; i < keep.n; i++) {
        if (i >= first) {
            buf_puts(&out, keep.v[i]);
            buf_putc(&out, '\n');
        }
        free(keep.v[i]);
    }
    free(keep.v);
    return buf_steal(&out);
}

/* The old file's text; NULL when missing, unreadable or too large (then it is rebuilt). */
static char *
read_old(const char *path)
{
    FILE *fp = fopen(path, "r");
    struct od_buf b;
    char chunk[4096];
    size_t got;
    enum od_err rc = OD_OK;

    if (fp == NULL)
        return NULL;
    buf_init(&b, CACHE_MAX_BYTES);
    while (rc == OD_OK && (got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        rc = buf_append(&b, chunk, got);
    fclose(fp);
    if (rc != OD_OK || memchr(buf_cstr(&b), '\0', b.len) != NULL) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

enum od_err
name_cache_update(const char *path, const char *profile, const char *region, const char *cluster,
                  const char *const *names, size_t n, struct od_error *err)
{
    char *old, *text, *tmp;
    enum od_err rc;
    size_t len, off = 0;
    int fd;

    if ((rc = fs_make_parent(path, NULL, err)) != OD_OK)
        return rc;
    old = read_old(path);
    text = name_cache_merge(old, profile, region, cluster, names, n);
    free(old);
    tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        od_error_set(err, OD_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        rc = OD_E_IO;
        goto out;
    }
    len = strlen(text);
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            od_error_set(err, OD_E_IO, "cannot write %s: %s", tmp, strerror(errno));
            rc = OD_E_IO;
            break;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0 && rc == OD_OK) {
        od_error_set(err, OD_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        rc = OD_E_IO;
    }
    if (rc == OD_OK && rename(tmp, path) != 0) {
        od_error_set(err, OD_E_IO, "cannot replace %s: %s", path, strerror(errno));
        rc = OD_E_IO;
    }
    if (rc != OD_OK)
        unlink(tmp);
out:
    free(tmp);
    free(text);
    return rc;
}

static void
update_logged(const char *path, const char *profile, const char *region, const char *cluster,
              const char *const *names, size_t n)
{
    struct od_error err = {0};

    if (name_cache_update(path, profile, region, cluster, names, n, &err) != OD_OK) {
        char *msg = od_error_format(&err);

        log_debug("name cache: %s", msg);
        free(msg);
        od_error_clear(&err);
    }
}

static bool
fresh(const struct od_world *w, enum od_part p)
{
    return w->parts[p].loaded && !w->parts[p].stale;
}

void
name_cache_note(const struct od_cli *cli, const struct od_world *w)
{
    const char *profile, *region;
    const char **names;
    char *path;

    if (cli == NULL || cli->aws == NULL || w == NULL)
        return;
    profile = cli->aws->profile;
    region = w->region != NULL ? w->region : cli->aws->region;
    if (region == NULL || (path = name_cache_path()) == NULL)
        return;
    if (w->cluster == NULL && fresh(w, OD_PART_CLUSTERS)) {
        names = xcalloc(w->nclusters + 1, sizeof *names);
        for (size_t i = 0; i < w->nclusters; i++)
            names[i] = w->clusters[i].name;
        update_logged(path, profile, region, NULL, names, w->nclusters);
        free(names);
    }
    if (w->cluster != NULL && fresh(w, OD_PART_SERVICES)) {
        names = xcalloc(w->nservices + 1, sizeof *names);
        for (size_t i = 0; i < w->nservices; i++)
            names[i] = w->services[i].name;
        update_logged(path, profile, region, w->cluster, names, w->nservices);
        free(names);
    }
    free(path);
}
