#include "ui/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/curses.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

struct action_def {
    const char *name, *keys, *help;
    unsigned flags;
};

static const struct action_def defs[ACT__COUNT] = {
#define UI_ACT_DEF(id, name, keys, help, flags) [id] = {name, keys, help, flags},
    UI_ACTIONS(UI_ACT_DEF)
#undef UI_ACT_DEF
};

static int bindings[ACT__COUNT][KEYS_MAX_PER_ACTION];
static int nbindings[ACT__COUNT];
static bool loaded;

static const struct {
    const char *name;
    int key;
} named[] = {
    {"Up", UI_KEY_FN | KEY_UP},
    {"Down", UI_KEY_FN | KEY_DOWN},
    {"Left", UI_KEY_FN | KEY_LEFT},
    {"Right", UI_KEY_FN | KEY_RIGHT},
    {"PgUp", UI_KEY_FN | KEY_PPAGE},
    {"PgDn", UI_KEY_FN | KEY_NPAGE},
    {"Home", UI_KEY_FN | KEY_HOME},
    {"End", UI_KEY_FN | KEY_END},
    {"Insert", UI_KEY_FN | KEY_IC},
    {"Delete", UI_KEY_FN | KEY_DC},
    {"BTab", UI_KEY_FN | KEY_BTAB},
    {"Enter", UI_KEY_ENTER},
    {"Esc", UI_KEY_ESC},
    {"Tab", UI_KEY_TAB},
    {"Space", ' '},
    {"Backspace", UI_KEY_BACKSPACE},
};

const char *
keys_action_name(enum ui_action a)
{
    return a >= 0 && a < ACT__COUNT ? defs[a].name : "?";
}

const char *
keys_action_help(enum ui_action a)
{
    return a >= 0 && a < ACT__COUNT ? defs[a].help : "";
}

unsigned
keys_action_flags(enum ui_action a)
{
    return a >= 0 && a < ACT__COUNT ? defs[a].flags : 0;
}

enum ui_action
keys_action_find(const char *name)
{
    for (int i = 0; i < ACT__COUNT; i++)
        if (str_eq(defs[i].name, name))
            return (enum ui_action)i;
    return ACT_NONE;
}

/* Decode exactly one UTF-8 character making up the whole string; -1 otherwise. */
static int
single_char(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    int n, c;

    if (u[0] < 0x80)
        return u[0] != '\0' && u[1] == '\0' && u[0] >= 0x20 && u[0] != 0x7f ? u[0] : -1;
    if (u[0] >= 0xc2 && u[0] <= 0xdf) {
        n = 2;
        c = u[0] & 0x1f;
    } else if (u[0] >= 0xe0 && u[0] <= 0xef) {
        n = 3;
        c = u[0] & 0x0f;
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        n = 4;
        c = u[0] & 0x07;
    } else {
        return -1;
    }
    for (int i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return -1;
        c = (c << 6) | (u[i] & 0x3f);
    }
    return u[n] == '\0' && c >= 0x80 && !(c >= 0xd800 && c <= 0xdfff) && c <= 0x10ffff ? c : -1;
}

int
keys_parse(const char *name)
{
    long n;

    if (str_empty(name))
        return -1;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (str_case_eq(named[i].name, name))
            return named[i].key;
    if ((name[0] == 'F' || name[0] == 'f') && str_to_long(name + 1, &n) && n >= 1 && n <= 12)
        return UI_KEY_FN | KEY_F(n);
    if ((str_has_prefix(name, "C-") || str_has_prefix(name, "c-") || name[0] == '^') &&
        name[name[0] == '^' ? 1 : 2] != '\0' && name[name[0] == '^' ? 2 : 3] == '\0') {
        char c = name[name[0] == '^' ? 1 : 2];

        if (c >= 'a' && c <= 'z')
            return UI_KEY_CTRL(c);
        if (c >= 'A' && c <= 'Z')
            return UI_KEY_CTRL(c);
        return -1;
    }
    return single_char(name);
}

void
keys_name(int key, char *out, size_t len)
{
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (named[i].key == key) {
            snprintf(out, len, "%s", named[i].name);
            return;
        }
    }
    if (key & UI_KEY_FN) {
        int k = key & ~UI_KEY_FN;

        if (k >= KEY_F(1) && k <= KEY_F(12))
            snprintf(out, len, "F%d", k - KEY_F0);
        else
            snprintf(out, len, "key%d", k);
        return;
    }
    if (key > 0 && key < 0x20) {
        snprintf(out, len, "C-%c", key + 'a' - 1);
        return;
    }
    if (key < 0x80) {
        snprintf(out, len, "%c", key);
        return;
    }
    if (key < 0x800)
        snprintf(out, len, "%c%c", 0xc0 | (key >> 6), 0x80 | (key & 0x3f));
    else if (key < 0x10000)
        snprintf(out, len, "%c%c%c", 0xe0 | (key >> 12), 0x80 | ((key >> 6) & 0x3f),
                 0x80 | (key & 0x3f));
    else
        snprintf(out, len, "%c%c%c%c", 0xf0 | (key >> 18), 0x80 | ((key >> 12) & 0x3f),
                 0x80 | ((key >> 6) & 0x3f), 0x80 | (key & 0x3f));
}

static enum od_err
parse_into(enum ui_action a, const char *spec, int *keys, int *n, struct od_error *err)
{
    char *copy = xstrdup(spec), *save = NULL;

    *n = 0;
    for (char *tok = strtok_r(copy, " \t,", &save); tok != NULL;
         tok = strtok_r(NULL, " \t,", &save)) {
        int k = keys_parse(tok);

        if (k < 0) {
            char *safe = sanitize_str(tok);

            od_error_set(err, OD_E_CONFIG, "[keys] %s: '%s' is not a key name", defs[a].name,
                         safe);
            free(safe);
            free(copy);
            return OD_E_CONFIG;
        }
        if (*n == KEYS_MAX_PER_ACTION) {
            od_error_set(err, OD_E_CONFIG, "[keys] %s: at most %d keys", defs[a].name,
                         KEYS_MAX_PER_ACTION);
            free(copy);
            return OD_E_CONFIG;
        }
        keys[(*n)++] = k;
    }
    free(copy);
    if (*n == 0) {
        od_error_set(err, OD_E_CONFIG, "[keys] %s: no key given", defs[a].name);
        return OD_E_CONFIG;
    }
    return OD_OK;
}

void
keys_reset(void)
{
    for (int a = 0; a < ACT__COUNT; a++) {
        struct od_error err = {0};

        if (parse_into((enum ui_action)a, defs[a].keys, bindings[a], &nbindings[a], &err) !=
            OD_OK)
            od_fatal("built-in key table: %s", err.message);
    }
    loaded = true;
}

static void
ensure_loaded(void)
{
    if (!loaded)
        keys_reset();
}

enum od_err
keys_bind(enum ui_action a, const char *spec, struct od_error *err)
{
    int keys[KEYS_MAX_PER_ACTION], n;

    ensure_loaded();
    if (a < 0 || a >= ACT__COUNT) {
        od_error_set(err, OD_E_CONFIG, "[keys] unknown action");
        return OD_E_CONFIG;
    }
    if (parse_into(a, spec, keys, &n, err) != OD_OK)
        return OD_E_CONFIG;
    /* A key moved to this action leaves the others, so the config file says what it means. */
    for (int i = 0; i < n; i++) {
        for (int o = 0; o < ACT__COUNT; o++) {
            for (int k = 0; k < nbindings[o]; k++) {
                if (o != (int)a && bindings[o][k] == keys[i]) {
                    memmove(&bindings[o][k], &bindings[o][k + 1],
                            (size_t)(nbindings[o] - k - 1) * sizeof bindings[o][0]);
                    nbindings[o]--;
                    k--;
                }
            }
        }
    }
    memcpy(bindings[a], keys, (size_t)n * sizeof keys[0]);
    nbindings[a] = n;
    return OD_OK;
}

static bool
bound(enum ui_action a, int key)
{
    for (int k = 0; k < nbindings[a]; k++)
        if (bindings[a][k] == key)
            return true;
    return false;
}

enum ui_action
keys_lookup(int key, const enum ui_action *candidates, size_t n)
{
    ensure_loaded();
    for (size_t i = 0; i < n; i++)
        if (candidates[i] >= 0 && candidates[i] < ACT__COUNT && bound(candidates[i], key))
            return candidates[i];
    for (int a = 0; a < ACT__COUNT; a++)
        if ((defs[a].flags & KF_GLOBAL) && bound((enum ui_action)a, key))
            return (enum ui_action)a;
    return ACT_NONE;
}

void
keys_describe(enum ui_action a, char *out, size_t len)
{
    size_t used = 0;

    ensure_loaded();
    out[0] = '\0';
    for (int k = 0; a >= 0 && a < ACT__COUNT && k < nbindings[a]; k++) {
        char name[16];
        int w;

        keys_name(bindings[a][k], name, sizeof name);
        w = snprintf(out + used, len - used, "%s%s", k > 0 ? " " : "", name);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

int
keys_from_curses(int rc, unsigned int wch)
{
    if (rc == KEY_CODE_YES) {
        if (wch == KEY_ENTER)
            return UI_KEY_ENTER;
        if (wch == KEY_BACKSPACE)
            return UI_KEY_BACKSPACE;
        return UI_KEY_FN | (int)wch;
    }
    if (wch == '\n' || wch == '\r')
        return UI_KEY_ENTER;
    if (wch == 8 || wch == 0x7f)
        return UI_KEY_BACKSPACE;
    return (int)wch;
}
