/* The INI reader under the shared config files and ondeck's settings (ini_parse), and the
 * shell-style splitter used for `[profile "my dev"]` and credential_process command lines. */
#include "util/ini.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(ini)
{
    struct od_error err = { 0 };
    struct ini_doc *doc = NULL;
    enum od_err rc = ini_parse((const char *)data, size, "fuzz.ini", &doc, &err);
    char *text, **argv = NULL;
    size_t argc = 0;

    fuzz_check_result(rc, &err);
    if (rc == OD_OK) {
        FUZZ_ASSERT(doc != NULL);
        for (size_t i = 0; i < doc->nsections; i++) {
            const struct ini_section *s = &doc->sections[i];

            FUZZ_ASSERT(ini_section(doc, s->name) == s); /* names are unique */
            for (size_t k = 0; k < s->nkv; k++)
                FUZZ_ASSERT(ini_get(s, s->kv[k].key, s->kv[k].subkey) != NULL);
        }
    } else {
        FUZZ_ASSERT(doc == NULL);
    }
    ini_free(&doc);
    od_error_clear(&err);

    text = fuzz_cstr(data, size);
    rc = ini_shell_split(text, &argv, &argc, &err);
    fuzz_check_result(rc, &err);
    if (rc == OD_OK) {
        FUZZ_ASSERT(argv != NULL && argv[argc] == NULL);
        for (size_t i = 0; i < argc; i++)
            FUZZ_ASSERT(argv[i] != NULL);
    }
    ini_argv_free(&argv);
    od_error_clear(&err);
    free(text);
    return 0;
}
