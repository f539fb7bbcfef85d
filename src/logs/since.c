#include "logs/since.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"

bool
since_parse_duration(const char *s, uint64_t *out_ms)
{
    uint64_t total = 0;
    bool any = false;

    if (s == NULL || *s == '\0')
        return false;
    while (*s != '\0') {
        uint64_t n = 0, unit;
        bool digits = false;

        while (isdigit((unsigned char)*s)) {
            if (n > UINT64_MAX / 10 - 10)
                return false;
            n = n * 10 + (uint64_t)(*s++ - '0');
            digits = true;
        }
        if (!digits)
            return false;
        if (strncmp(s, "ms", 2) == 0) {
            unit = 1;
            s += 2;
        } else {
            switch (*s) {
            case 's': unit = 1000; break;
            case 'm': unit = 60 * 1000; break;
            case 'h': unit = 3600 * 1000; break;
            case 'd': unit = 86400 * 1000; break;
            case 'w': unit = 7 * 86400 * 1000ULL; break;
            default: return false;
            }
            s++;
        }
        if (n != 0 && unit > UINT64_MAX / n)
            return false;
        if (total > UINT64_MAX - n * unit)
            return false;
        total += n * unit;
        any = true;
    }
    if (!any || total == 0 || total > (uint64_t)INT64_MAX / 2)
        return false;
    *out_ms = total;
    return true;
}

bool
since_parse(const char *s, int64_t now_ms, int64_t *out_ms)
{
    uint64_t d;
    time_t t;
    const char *dot;

    if (since_parse_duration(s, &d)) {
        *out_ms = now_ms - (int64_t)d;
        if (*out_ms < 0)
            *out_ms = 0;
        return true;
    }
    if (s == NULL || !clock_parse_iso(s, &t) || t < 0)
        return false;
    *out_ms = (int64_t)t * 1000;
    /* Keep milliseconds when given ("…:05.250Z"). */
    if ((dot = strchr(s, '.')) != NULL && isdigit((unsigned char)dot[1])) {
        int ms = 0, k = 0;

        for (dot++; isdigit((unsigned char)*dot) && k < 3; dot++, k++)
            ms = ms * 10 + (*dot - '0');
        for (; k < 3; k++)
            ms *= 10;
        *out_ms += ms;
    }
    return true;
}

void
since_format_ms(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = (int)(ms - (int64_t)t * 1000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL) {
        snprintf(out, 32, "?");
        return;
    }
    /* The moduli only tell the compiler the widths (gmtime's fields are in range). */
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
             (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u,
             (unsigned)frac % 1000u);
}
