#include "util/ini.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

struct parser {
    struct ini_doc *doc;
    struct ini_section *cur; /* section being filled */
    struct ini_kv *last;     /* last top-level key, target of continuation lines */
    const char *filename;
    int line;
    struct od_error *err;
};

static enum od_err
fail(struct parser *ps, const char *what)
{
    od_error_set(ps->err, OD_E_CONFIG, "%s:%d: %s", ps->filename, ps->line, what);
    return OD_E_CONFIG;
}

static struct ini_kv *
add_kv(struct ini_section *s, const char *key, const char *subkey, const char *value, int line)
{
    struct ini_kv *kv;

    s->kv = xreallocarray(s->kv, s->nkv + 1, sizeof *s->kv);
    kv = &s->kv[s->nkv++];
    kv->key = xstrdup(key);
    kv->subkey = subkey != NULL ? xstrdup(subkey) : NULL;
    kv->value = xstrdup(value);
    kv->line = line;
    return kv;
}

static enum od_err
section_line(struct parser *ps, char *s)
{
    char *end = strrchr(s, ']');
    char *name;
    size_t i;
    struct ini_section *sec;

    if (end == NULL)
        return fail(ps, "section header without ']'");
    if (*str_trim(end + 1) != '\0')
        return fail(ps, "text after section header");
    *end = '\0';
    name = str_trim(s + 1);
    if (*name == '\0')
        return fail(ps, "empty section name");
    for (i = 0; i < ps->doc->nsections; i++) {
        if (strcmp(ps->doc->sections[i].name, name) == 0) {
            char *msg = xasprintf("duplicate section [%s] (first at line %d)", name,
                                  ps->doc->sections[i].line);
            enum od_err e = fail(ps, msg);

            free(msg);
            return e;
        }
    }
    ps->doc->sections =
        xreallocarray(ps->doc->sections, ps->doc->nsections + 1, sizeof *ps->doc->sections);
    sec = &ps->doc->sections[ps->doc->nsections++];
    memset(sec, 0, sizeof *sec);
    sec->name = xstrdup(name);
    sec->line = ps->line;
    ps->cur = sec;
    ps->last = NULL;
    return OD_OK;
}

/* Split "key = value" at the first '=' or ':'; false when there is no delimiter. */
static bool
split_pair(char *s, const char *delims, char **key, char **value)
{
    char *d = strpbrk(s, delims);

    if (d == NULL)
        return false;
    *d = '\0';
    *key = str_trim(s);
    *value = str_trim(d + 1);
    return true;
}

static enum od_err
continuation_line(struct parser *ps, char *s)
{
    struct ini_kv *parent = ps->last;
    char *key, *value;

    if (parent->value[0] == '\0' || parent->subkey != NULL) {
        /* Sub-section: botocore splits nested lines on '=' only. */
        const char *pkey;

        if (!split_pair(s, "=", &key, &value) || *key == '\0')
            return fail(ps, "expected 'key = value' in indented sub-section line");
        pkey = parent->key;
        ps->last = add_kv(ps->cur, pkey, key, value, ps->line);
        return OD_OK;
    }
    value = xasprintf("%s\n%s", parent->value, str_trim(s));
    free(parent->value);
    parent->value = value;
    return OD_OK;
}

static enum od_err
pair_line(struct parser *ps, char *s)
{
    char *key, *value, *p;
    size_t i;

    if (ps->cur == NULL)
        return fail(ps, "key outside of any [section]");
    if (!split_pair(s, "=:", &key, &value))
        return fail(ps, "expected 'key = value'");
    if (*key == '\0')
        return fail(ps, "empty key");
    for (p = key; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    for (i = 0; i < ps->cur->nkv; i++) {
        if (ps->cur->kv[i].subkey == NULL && strcmp(ps->cur->kv[i].key, key) == 0) {
            char *msg = xasprintf("duplicate key '%s' in [%s] (first at line %d)", key,
                                  ps->cur->name, ps->cur->kv[i].line);
            enum od_err e = fail(ps, msg);

            free(msg);
            return e;
        }
    }
    ps->last = add_kv(ps->cur, key, NULL, value, ps->line);
    return OD_OK;
}

static enum od_err
parse_line(struct parser *ps, char *raw)
{
    bool indented = raw[0] == ' ' || raw[0] == '\t';
    char *s = str_trim(raw);

    if (*s == '\0' || *s == '#' || *s == ';')
        return OD_OK;
    if (indented && ps->last != NULL)
        return continuation_line(ps, s);
    if (*s == '[')
        return section_line(ps, s);
    return pair_line(ps, s);
}

enum od_err
ini_parse(const char *text, size_t len, const char *filename, struct ini_doc **out,
          struct od_error *err)
{
    struct parser ps = { .filename = filename != NULL ? filename : "(config)", .err = err };
    size_t pos = 0;
    enum od_err e = OD_OK;

    *out = NULL;
    ps.doc = xcalloc(1, sizeof *ps.doc);
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        char *line;

        ps.line++;
        if (memchr(text + pos, '\0', n) != NULL) {
            e = fail(&ps, "NUL byte in line");
            break;
        }
        line = xstrndup(text + pos, n);
        e = parse_line(&ps, line);
        free(line);
        if (e != OD_OK)
            break;
        pos += n + (nl != NULL ? 1 : 0);
    }
    if (e != OD_OK) {
        ini_free(&ps.doc);
        return e;
    }
    *out = ps.doc;
    return OD_OK;
}

void
ini_free(struct ini_doc **dp)
{
    struct ini_doc *d = *dp;
    size_t i, j;

    if (d == NULL)
        return;
    *dp = NULL;
    for (i = 0; i < d->nsections; i++) {
        struct ini_section *s = &d->sections[i];

        for (j = 0; j < s->nkv; j++) {
            free(s->kv[j].key);
            free(s->kv[j].subkey);
            /* Values may hold secrets (aws_secret_access_key). */
            secure_free_str(&s->kv[j].value);
        }
        free(s->kv);
        free(s->name);
    }
    free(d->sections);
    free(d);
}

const struct ini_section *
ini_section(const struct ini_doc *d, const char *name)
{
    size_t i;

    for (i = 0; d != NULL && i < d->nsections; i++)
        if (strcmp(d->sections[i].name, name) == 0)
            return &d->sections[i];
    return NULL;
}

const char *
ini_get(const struct ini_section *s, const char *key, const char *subkey)
{
    size_t i;

    for (i = 0; s != NULL && i < s->nkv; i++) {
        const struct ini_kv *kv = &s->kv[i];

        if (strcmp(kv->key, key) != 0)
            continue;
        if (subkey == NULL ? kv->subkey == NULL : str_eq(kv->subkey, subkey))
            return kv->value;
    }
    return NULL;
}

static void
argv_free_n(char **argv, size_t argc)
{
    size_t i;

    for (i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}

enum od_err
ini_shell_split(const char *s, char ***argvp, size_t *argcp, struct od_error *err)
{
    char **argv = NULL;
    size_t argc = 0;
    struct od_buf word;
    bool inword = false;
    char quote = 0;

    buf_init(&word, 0);
    for (;; s++) {
        char c = *s;

        if (quote == '\'') {
            if (c == '\0')
                goto unterminated;
            if (c == '\'')
                quote = 0;
            else
                buf_putc(&word, c);
            continue;
        }
        if (quote == '"') {
            if (c == '\0')
                goto unterminated;
            if (c == '"') {
                quote = 0;
            } else if (c == '\\' && s[1] != '\0' && strchr("\\\"$`\n", s[1]) != NULL) {
                buf_putc(&word, *++s);
            } else {
                buf_putc(&word, c);
            }
            continue;
        }
        if (c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (inword) {
                argv = xreallocarray(argv, argc + 2, sizeof *argv);
                argv[argc++] = buf_steal(&word);
                argv[argc] = NULL;
                inword = false;
            }
            if (c == '\0')
                break;
            continue;
        }
        inword = true;
        if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '\\') {
            if (s[1] == '\0')
                goto unterminated;
            buf_putc(&word, *++s);
        } else {
            buf_putc(&word, c);
        }
    }
    buf_free(&word);
    if (argv == NULL)
        argv = xcalloc(1, sizeof *argv);
    *argvp = argv;
    *argcp = argc;
    return OD_OK;

unterminated:
    buf_free(&word);
    argv_free_n(argv, argc);
    od_error_set(err, OD_E_CONFIG, "unterminated quote or trailing backslash");
    *argvp = NULL;
    *argcp = 0;
    return OD_E_CONFIG;
}

void
ini_argv_free(char ***argvp)
{
    char **argv = *argvp;
    size_t i;

    if (argv == NULL)
        return;
    *argvp = NULL;
    for (i = 0; argv[i] != NULL; i++)
        free(argv[i]);
    free(argv);
}
