/* bench/filter_bench: what one filter keystroke costs the services table at N rows, without a
 * terminal: table_set_filter (the re-filter) and table_layout (the column widths every draw
 * measures) for a probe typed one key at a time, then cleared. Rows look like the services
 * view's (13 cells: name, counts, rollout, progress bar, sparklines). Prints one JSON line;
 * `make bench-filter` (mk/lean.am) runs it at 1,500 and 10,000 rows. Never asserted. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/widget_table.h"
#include <stdint.h>
#include <time.h>

static const struct table_col cols[13] = {
    {"SERVICE", 8, 40, false, false, false}, {"DES", 3, 5, true, true, false},
    {"RUN", 3, 5, true, true, false},        {"PEN", 3, 5, true, true, false},
    {"ROLLOUT", 7, 18, false, false, false}, {"PROGRESS", 8, 18, false, true, false},
    {"REV", 3, 5, true, true, false},        {"CPU%", 6, 17, false, true, false},
    {"MEM%", 6, 17, false, true, false},     {"5XX", 6, 17, false, true, false},
    {"UNHEALTHY", 9, 9, true, true, false},  {"ALARMS", 6, 11, false, true, false},
    {"TARGETS", 7, 24, false, false, true, true},
};

static uint64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    const char *probe = argc > 2 ? argv[2] : "api-0042";
    struct ui_table t;
    double ms[64];
    size_t k = 0, len = strlen(probe);
    int widths[13];
    uint64_t t0;
    char buf[32];

    setlocale(LC_ALL, "C.UTF-8");
    draw_set_utf8(true);
    table_init(&t, cols, 13, 0);
    t0 = now_us();
    table_begin(&t);
    for (size_t i = 0; i < n; i++) {
        size_t r;

        snprintf(buf, sizeof buf, "%s-%05zu", i % 3 == 0 ? "worker" : "api", i);
        r = table_add(&t, buf, EL_ROW);
        table_set(&t, r, 0, buf, 0, EL_ROW);
        table_setf(&t, r, 1, 2, EL_ROW, "%d", 2);
        table_setf(&t, r, 2, 2, EL_ROW, "%d", 2);
        table_setf(&t, r, 3, 0, EL_ROW, "%d", 0);
        table_set(&t, r, 4, "COMPLETED", 0, EL_ROW);
        table_set(&t, r, 5, "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588 2/2", 1, EL_ROW);
        table_setf(&t, r, 6, (double)(i % 9), EL_ROW, "%zu", i % 9);
        table_setf(&t, r, 7, (double)(i % 97), EL_ROW, "\u2581\u2582\u2583\u2585\u2586\u2587\u2588\u2587 %zu.%zu", i % 97, i % 10);
        table_setf(&t, r, 8, (double)(i % 89), EL_ROW, "\u2583\u2583\u2584\u2584\u2585\u2585\u2586\u2586 %zu.%zu", i % 89, i % 7);
        table_set(&t, r, 9, "-", -1, EL_DIM);
        table_setf(&t, r, 10, (double)(i % 17 == 0), EL_ROW, "%d", i % 17 == 0);
        table_set(&t, r, 11, i % 25 == 0 ? "1 ok" : "-", 0, EL_ROW);
        table_set(&t, r, 12, "", 0, EL_ROW);
    }
    table_end(&t);
    double build_ms = (double)(now_us() - t0) / 1000.0;

    /* Type the probe, then delete it key by key (widening each time). */
    for (size_t i = 1; i <= 2 * len && k < 64; i++) {
        size_t at = i <= len ? i : 2 * len - i;
        char f[64];

        snprintf(f, sizeof f, "%.*s", (int)at, probe);
        t0 = now_us();
        table_set_filter(&t, f);
        table_layout(&t, 120, widths);
        ms[k++] = (double)(now_us() - t0) / 1000.0;
    }
    qsort(ms, k, sizeof *ms, cmp_double);
    printf("{\"rows\": %zu, \"build_ms\": %.2f, \"keys\": %zu, \"median_ms\": %.3f, "
           "\"p95_ms\": %.3f, \"max_ms\": %.3f}\n",
           n, build_ms, k, ms[k / 2], ms[(k * 95) / 100 < k ? (k * 95) / 100 : k - 1],
           ms[k - 1]);
    table_free(&t);
    return 0;
}
