/* Theme files (ui/color.c theme_parse): "color ELEMENT FG BG [ATTR...]" lines. Every element
 * of a parsed theme must resolve to a colour the terminal has, at 256, 16 and 8 colours. */
#include "ui/color.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(theme)
{
    struct od_error err = { 0 };
    struct ui_theme t = { 0 };
    char *text = fuzz_cstr(data, size);
    enum od_err rc = theme_parse(text, "fuzz.theme", &t, &err);

    fuzz_check_result(rc, &err);
    if (rc == OD_OK) {
        static const int depths[] = { 256, 16, 8 };

        for (int el = 0; el < EL__COUNT; el++) {
            for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
                bool bold = false;
                int fg = color_resolve(&t.el[el].fg, depths[d], &bold);
                int bg = color_resolve(&t.el[el].bg, depths[d], &bold);

                FUZZ_ASSERT(fg >= -1 && fg < depths[d]);
                FUZZ_ASSERT(bg >= -1 && bg < depths[d]);
            }
        }
    }
    theme_clear(&t);
    od_error_clear(&err);
    free(text);
    return 0;
}
