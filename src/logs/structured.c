/* Structured log lines (see structured.h). A line is treated as JSON only when it is one
 * object and no longer than STRUCTURED_MAX_JSON; anything cJSON refuses (invalid UTF-8 is
 * kept by cJSON, a lone surrogate escape is not) is shown as it came. The shown text is
 * built raw and made inert in one pass at the end, so no piece can skip sanitize. */
#include "logs/structured.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define FIELD_VALUE_MAX 512 /* raw bytes of one extra field's value */

static const char *const level_keys[] = {"level", "severity", "lvl", "levelname", "log.level",
                                         "loglevel", "@l"};
static const char *const msg_keys[] = {"msg", "message", "text", "log", "@m", "@mt"};

void
structured_fields_clear(struct structured_fields *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->names[i]);
    memset(f, 0, sizeof *f);
}

void
structured_fields_parse(const char *spec, struct structured_fields *out)
{
    char *copy = xstrdup(str_empty(spec) ? STRUCTURED_DEFAULT_FIELDS : spec), *save = NULL;

    memset(out, 0, sizeof *out);
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL && out->n < STRUCTURED_MAX_FIELDS;
         tok = strtok_r(NULL, ",", &save)) {
        char *name = str_trim(tok);
        bool dup = false;

        for (size_t i = 0; i < out->n && !dup; i++)
            dup = strcmp(out->names[i], name) == 0;
        if (*name != '\0' && !dup)
            out->names[out->n++] = xstrdup(name);
    }
    free(copy);
}

const char *
structured_level_name(enum log_level l)
{
    static const char *const names[] = {"", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

    return (size_t)l < sizeof names / sizeof names[0] ? names[l] : "";
}

/* A level word, any case: "warning", "ERR", "Information". */
static enum log_level
level_word(const char *w, size_t n)
{
    static const struct {
        const char *word;
        enum log_level level;
    } words[] = {
        {"trace", LOG_LEVEL_TRACE},    {"debug", LOG_LEVEL_DEBUG},    {"dbug", LOG_LEVEL_DEBUG},
        {"info", LOG_LEVEL_INFO},      {"information", LOG_LEVEL_INFO}, {"notice", LOG_LEVEL_INFO},
        {"warn", LOG_LEVEL_WARN},      {"warning", LOG_LEVEL_WARN},   {"error", LOG_LEVEL_ERROR},
        {"err", LOG_LEVEL_ERROR},      {"fatal", LOG_LEVEL_FATAL},    {"critical", LOG_LEVEL_FATAL},
        {"crit", LOG_LEVEL_FATAL},     {"panic", LOG_LEVEL_FATAL},    {"emerg", LOG_LEVEL_FATAL},
        {"alert", LOG_LEVEL_FATAL},
    };

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == n && strncasecmp(w, words[i].word, n) == 0)
            return words[i].level;
    return LOG_LEVEL_NONE;
}

/* pino/bunyan numbers: 10 trace ... 60 fatal. */
static enum log_level
level_number(double v)
{
    if (v >= 60)
        return LOG_LEVEL_FATAL;
    if (v >= 50)
        return LOG_LEVEL_ERROR;
    if (v >= 40)
        return LOG_LEVEL_WARN;
    if (v >= 30)
        return LOG_LEVEL_INFO;
    if (v >= 20)
        return LOG_LEVEL_DEBUG;
    if (v >= 10)
        return LOG_LEVEL_TRACE;
    return LOG_LEVEL_NONE;
}

static bool
word_char(unsigned char c)
{
    return isalnum(c) || c == '_';
}

enum log_level
structured_plain_level(const char *text, size_t len)
{
    size_t at, n;

    return structured_plain_level_at(text, len, &at, &n);
}

enum log_level
structured_plain_level_at(const char *text, size_t len, size_t *at, size_t *n)
{
    size_t scan = len < 120 ? len : 120; /* the level sits near the start; "no errors" later
                                          * in a sentence is not one */

    for (size_t i = 0; i < scan; i++) {
        size_t j = i;
        enum log_level l;

        if (!isalpha((unsigned char)text[i]) || (i > 0 && word_char((unsigned char)text[i - 1])))
            continue;
        while (j < len && word_char((unsigned char)text[j]))
            j++;
        /* logfmt level=warn, or an upper-case word (ERROR, WARN): "Error" in prose is not. */
        if (j - i == 5 && strncmp(text + i, "level", 5) == 0 && j < len && text[j] == '=') {
            size_t k = j + 1, e;

            if (k < len && text[k] == '"')
                k++;
            for (e = k; e < len && word_char((unsigned char)text[e]); e++)
                ;
            if ((l = level_word(text + k, e - k)) != LOG_LEVEL_NONE) {
                *at = k;
                *n = e - k;
                return l;
            }
        } else {
            bool upper = true;

            for (size_t k = i; k < j && upper; k++)
                upper = !islower((unsigned char)text[k]);
            if (upper && (l = level_word(text + i, j - i)) != LOG_LEVEL_NONE) {
                *at = i;
                *n = j - i;
                return l;
            }
        }
        i = j;
    }
    *at = *n = 0;
    return LOG_LEVEL_NONE;
}

static const cJSON *
first_member(const cJSON *o, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, keys[i]);

        if (it != NULL && !cJSON_IsNull(it))
            return it;
    }
    return NULL;
}

/* The raw text of a value: a string as is, anything else as compact JSON, capped. */
static void
append_value(struct od_buf *raw, const cJSON *v, size_t cap)
{
    char *s;

    if (cJSON_IsString(v)) {
        size_t n = strlen(v->valuestring);

        buf_append(raw, v->valuestring, n < cap ? n : cap);
        return;
    }
    s = cJSON_PrintUnformatted(v);
    if (s != NULL) {
        size_t n = strlen(s);

        buf_append(raw, s, n < cap ? n : cap);
        free(s);
    }
}

/* What may follow the object: white space, and the line end a logger wrote (raw, or as the
 * pane's inert "\x0a" / "\x0d" when it was made inert before). */
static bool
only_line_end(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            i++;
        else if (n - i >= 4 &&
                 (memcmp(s + i, "\\x0a", 4) == 0 || memcmp(s + i, "\\x0d", 4) == 0))
            i += 4;
        else
            return false;
    }
    return true;
}

static bool
format_json(const char *text, size_t len, const struct structured_fields *f, struct od_buf *raw,
            struct structured_info *info)
{
    size_t i = 0;
    cJSON *o;
    const cJSON *lv, *msg;
    const char *end = NULL;

    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i >= len || text[i] != '{' || len > STRUCTURED_MAX_JSON || memchr(text, '\0', len))
        return false;
    o = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (o == NULL || !cJSON_IsObject(o) || !only_line_end(end, (size_t)(text + len - end))) {
        cJSON_Delete(o);
        return false; /* "{...} and more" is not a record: shown as it came */
    }
    lv = first_member(o, level_keys, sizeof level_keys / sizeof level_keys[0]);
    msg = first_member(o, msg_keys, sizeof msg_keys / sizeof msg_keys[0]);
    if (lv == NULL && msg == NULL) {
        cJSON_Delete(o);
        return false; /* JSON, but not a log record we know how to read: shown as it is */
    }
    if (cJSON_IsString(lv))
        info->level = level_word(lv->valuestring, strlen(lv->valuestring));
    else if (cJSON_IsNumber(lv))
        info->level = level_number(lv->valuedouble);
    for (size_t k = 0; k < f->n; k++) {
        const char *name = f->names[k];
        const cJSON *v;

        if (strcmp(name, "level") == 0) {
            if (lv == NULL)
                continue;
            if (raw->len > 0)
                buf_putc(raw, ' ');
            else if (info->level != LOG_LEVEL_NONE)
                info->level_len = strlen(structured_level_name(info->level)); /* it leads */
            if (info->level != LOG_LEVEL_NONE)
                buf_puts(raw, structured_level_name(info->level));
            else
                append_value(raw, lv, 16); /* a level word we do not know: as it came */
            continue;
        }
        if (strcmp(name, "msg") == 0) {
            if (msg == NULL)
                continue;
            if (raw->len > 0)
                buf_putc(raw, ' ');
            append_value(raw, msg, SIZE_MAX);
            continue;
        }
        v = cJSON_GetObjectItemCaseSensitive(o, name);
        if (v == NULL)
            continue;
        if (raw->len > 0)
            buf_putc(raw, ' ');
        buf_puts(raw, name);
        buf_putc(raw, '=');
        append_value(raw, v, FIELD_VALUE_MAX);
    }
    info->json = true;
    cJSON_Delete(o);
    return true;
}

void
structured_format(const char *text, size_t len, const struct structured_fields *f,
                  size_t max_out, struct od_buf *out, struct structured_info *info)
{
    struct od_buf raw;

    memset(info, 0, sizeof *info);
    if (text == NULL)
        return;
    buf_init(&raw, 0);
    if (f != NULL && format_json(text, len, f, &raw, info)) {
        sanitize_append_capped(out, raw.data != NULL ? raw.data : "", raw.len, max_out, NULL);
    } else {
        info->level = structured_plain_level(text, len);
        sanitize_append_capped(out, text, len, max_out, NULL);
    }
    buf_free(&raw);
}

/* ---- stack traces ---------------------------------------------------------------------- */

enum { IN_NONE = 0, IN_PY_TRACEBACK = 1 };

static bool
starts(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);

    return len >= n && memcmp(s, p, n) == 0;
}

bool
structured_continues(int *state, const char *text, size_t len)
{
    bool indented;
    size_t i = 0;

    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i == len) {
        *state = IN_NONE; /* a blank line ends whatever was open */
        return false;
    }
    indented = i > 0;
    if (starts(text, len, "Traceback (most recent call last):")) {
        *state = IN_PY_TRACEBACK;
        return false; /* the head of a Python traceback */
    }
    if (indented)
        return true; /* "\tat com.x.Y(Y.java:1)", "  File \"x.py\", line 3", "    raise" */
    if (starts(text, len, "at ") || starts(text, len, "Caused by: ") ||
        starts(text, len, "Suppressed: ") ||
        (starts(text, len, "... ") && memmem(text, len, " more", 5) != NULL))
        return true;
    if (*state == IN_PY_TRACEBACK) {
        *state = IN_NONE;
        return true; /* "ValueError: boom", the last line of the traceback */
    }
    return false;
}
