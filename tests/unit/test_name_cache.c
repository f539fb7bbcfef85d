/* The name cache behind shell completion: what it keeps, what it replaces, what it refuses to
 * write, and where it lives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli/name_cache.h"
#include "util/xalloc.h"

static int
count_lines(const char *text, const char *prefix)
{
    int n = 0;

    for (const char *p = text; p != NULL && *p != '\0';) {
        if (strncmp(p, prefix, strlen(prefix)) == 0)
            n++;
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    return n;
}

static char *
slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *s = xcalloc(1, 65536);

    if (fp == NULL) {
        free(s);
        return NULL;
    }
    if (fread(s, 1, 65535, fp) == 0)
        s[0] = '\0';
    fclose(fp);
    return s;
}

int
main(void)
{
    const char *clusters[] = {"prod", "legacy"};
    const char *prod[] = {"web", "api", "worker"};
    const char *legacy[] = {"legacy-web"};
    const char *hostile[] = {"ok-name", "bad\x1b]0;x\a", "a b", "$(rm -rf ~)", "semi;colon", ""};
    const char *just_prod[] = {"prod"};
    char *a, *b, *c, *path, *text, dir[] = "/tmp/ondeck-namecache-XXXXXX";
    struct od_error err = {0};
    struct stat st;

    a = name_cache_merge(NULL, "default", "us-east-1", NULL, clusters, 2);
    CHECK(strstr(a, "\nc default us-east-1 prod\n") != NULL, "a cluster list is written");
    CHECK(strstr(a, "\nc default us-east-1 legacy\n") != NULL, "every cluster is written");
    CHECK(a[0] == '#', "the file starts with a comment saying what it is");

    b = name_cache_merge(a, "default", "us-east-1", "prod", prod, 3);
    CHECK_INT(count_lines(b, "s default us-east-1 prod "), 3, "services of a cluster are added");
    CHECK_INT(count_lines(b, "c default us-east-1 prod"), 1, "the cluster is not listed twice");
    free(a);
    a = name_cache_merge(b, "default", "us-east-1", "legacy", legacy, 1);
    CHECK(strstr(a, "s default us-east-1 legacy legacy-web\n") != NULL,
          "a second cluster's services are added");
    CHECK_INT(count_lines(a, "s default us-east-1 prod "), 3, "the first cluster's stay");
    free(b);

    /* A refresh replaces, it does not accumulate: a deleted service disappears. */
    b = name_cache_merge(a, "default", "us-east-1", "prod", prod, 2);
    CHECK_INT(count_lines(b, "s default us-east-1 prod "), 2, "a fresh service list replaces");
    CHECK(strstr(b, " prod worker\n") == NULL, "a service gone from AWS is forgotten");
    free(a);

    /* Other profiles and regions are separate scopes. */
    a = name_cache_merge(b, "staging", "eu-west-1", NULL, just_prod, 1);
    CHECK(strstr(a, "c staging eu-west-1 prod\n") != NULL, "another profile is recorded");
    CHECK_INT(count_lines(a, "s default us-east-1 prod "), 2, "and leaves the first one alone");
    free(b);

    /* A cluster list without legacy drops legacy and its services, in that scope only. */
    b = name_cache_merge(a, "default", "us-east-1", NULL, just_prod, 1);
    CHECK(strstr(b, "legacy") == NULL, "a deleted cluster and its services are forgotten");
    CHECK_INT(count_lines(b, "s default us-east-1 prod "), 2, "the others' services stay");
    CHECK(strstr(b, "c staging eu-west-1 prod\n") != NULL, "other scopes stay");
    free(a);

    /* Nothing a shell could interpret gets in. */
    a = name_cache_merge(b, "default", "us-east-1", "prod", hostile, 6);
    CHECK(strstr(a, " prod ok-name\n") != NULL, "a safe name is kept");
    CHECK(strchr(a, '\x1b') == NULL && strchr(a, '$') == NULL && strchr(a, ';') == NULL &&
              strstr(a, "prod a") == NULL,
          "names with escapes, spaces or shell syntax are dropped");
    free(b);
    b = name_cache_merge(a, "pro file", "us-east-1", NULL, clusters, 2);
    CHECK_STR(b, a, "an unsafe profile name changes nothing");
    free(b);
    b = name_cache_merge(a, "default", "us-east-1;x", NULL, clusters, 2);
    CHECK_STR(b, a, "an unsafe region changes nothing");
    free(b);
    c = name_cache_merge("c default us-east-1 x$(id)\ns a b\ngarbage\nc default us-east-1 ok\n",
                         "other", "r", NULL, NULL, 0);
    CHECK(strstr(c, "$(id)") == NULL && strstr(c, "garbage") == NULL &&
              strstr(c, "s a b") == NULL,
          "malformed or unsafe lines in an old file are dropped");
    CHECK(strstr(c, "c default us-east-1 ok\n") != NULL, "well-formed old lines survive");
    free(c);
    free(a);

    /* The file itself: directory created private, atomic replace, then read back. */
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    path = xasprintf("%s/cache/ondeck/names", dir);
    CHECK(name_cache_update(path, "default", "us-east-1", NULL, clusters, 2, &err) == OD_OK,
          "the file is written, its directories created");
    CHECK(name_cache_update(path, "default", "us-east-1", "prod", prod, 3, &err) == OD_OK,
          "and updated");
    text = slurp(path);
    CHECK(text != NULL && count_lines(text, "s default us-east-1 prod ") == 3 &&
              count_lines(text, "c default us-east-1 ") == 2,
          "the update merged with what the file held");
    free(text);
    a = xasprintf("%s/cache/ondeck", dir);
    CHECK(stat(a, &st) == 0 && (st.st_mode & 077) == 0, "a new cache directory is private");
    free(a);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0, "the file is private");
    a = xasprintf("%s/cache/ondeck/names.tmp.%ld", dir, (long)getpid());
    CHECK(access(a, F_OK) != 0, "no temporary file is left behind");
    free(a);
    a = xasprintf("%s/file", dir);
    c = xasprintf("%s/file/names", dir);
    fclose(fopen(a, "w"));
    CHECK(name_cache_update(c, "default", "us-east-1", NULL, clusters, 2, &err) == OD_E_IO &&
              err.message != NULL,
          "an impossible path is an error value, not a crash");
    od_error_clear(&err);
    unlink(a);
    free(a);
    free(c);
    a = xasprintf("%s/cache/ondeck", dir);
    unlink(path);
    rmdir(a);
    free(a);
    a = xasprintf("%s/cache", dir);
    rmdir(a);
    free(a);
    rmdir(dir);
    free(path);

    /* Where it lives. */
    setenv("ONDECK_NAME_CACHE", "/x/names", 1);
    path = name_cache_path();
    CHECK_STR(path, "/x/names", "ONDECK_NAME_CACHE names the file");
    free(path);
    setenv("ONDECK_NAME_CACHE", "off", 1);
    CHECK(name_cache_path() == NULL, "ONDECK_NAME_CACHE=off turns the cache off");
    unsetenv("ONDECK_NAME_CACHE");
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    path = name_cache_path();
    CHECK_STR(path, "/xdg/ondeck/names", "XDG_CACHE_HOME is honoured");
    free(path);
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/oncall", 1);
    path = name_cache_path();
    CHECK_STR(path, "/home/oncall/.cache/ondeck/names", "else ~/.cache/ondeck/names");
    free(path);
    return check_done();
}
