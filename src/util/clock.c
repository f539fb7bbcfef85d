#include "util/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
real_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ONDECK_FAKE_CLOCK_OFFSET (seconds) shifts the wall clock: a test seam for clock-skew
 * correction, so tests need no LD_PRELOAD tricks. Never set it in real use. */
static int64_t
fake_offset_ms(void)
{
    static int64_t offset;
    static bool read;

    if (!read) {
        const char *v = getenv("ONDECK_FAKE_CLOCK_OFFSET");

        read = true;
        if (v != NULL && *v != '\0')
            offset = strtoll(v, NULL, 10) * 1000;
    }
    return offset;
}

static int64_t
real_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + fake_offset_ms();
}

uint64_t (*clock_mono_ms)(void) = real_mono_ms;
int64_t (*clock_wall_ms)(void) = real_wall_ms;

static int64_t skew_ms;

time_t
clock_aws_now(void)
{
    return (time_t)((clock_wall_ms() + skew_ms) / 1000);
}

void
clock_set_skew_ms(int64_t skew)
{
    skew_ms = skew;
}

int64_t
clock_skew_ms(void)
{
    return skew_ms;
}

void
clock_format_amz(time_t t, char out[17])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void
clock_format_iso(time_t t, char out[21])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool
digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool
clock_parse_iso(const char *s, time_t *out)
{
    struct tm tm;
    int y, mo, d, h, mi, se, oh = 0, om = 0;
    time_t t;

    if (s == NULL || strlen(s) < 19)
        return false;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &se))
        return false;
    s += 19;
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        int sign = *s == '-' ? -1 : 1;

        if (!digits(s + 1, 2, &oh))
            return false;
        s += 3;
        if (*s == ':')
            s++;
        if (!digits(s, 2, &om))
            return false;
        s += 2;
        oh *= sign;
        om *= sign;
    }
    if (*s != '\0')
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    t = timegm(&tm);
    *out = t - (time_t)(oh * 3600 + om * 60);
    return true;
}

bool
clock_parse_http_date(const char *s, time_t *out)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char mon[4];
    int d, y, h, mi, se, m;
    struct tm tm;

    /* "Sun, 06 Nov 1994 08:49:37 GMT" */
    if (s == NULL || sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT", &d, mon, &y, &h, &mi, &se) != 6)
        return false;
    for (m = 0; m < 12; m++)
        if (strcmp(mon, months[m]) == 0)
            break;
    if (m == 12)
        return false;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = m;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *out = timegm(&tm);
    return true;
}
