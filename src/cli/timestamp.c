/* Times of log lines and of --since/--until (timestamp.h). */
#define _POSIX_C_SOURCE 200809L

#include "timestamp.h"

#include <string.h>
#include <time.h>

const char time_arg_forms[] =
	"2026-11-05, 2026-11-05T10:00, 2026-11-05 10:00:30 (local time; add Z, +01:00 or +0100 for a zone), "
	"'Nov 5 10:00' as syslog writes it, 10:00 (today), now, today, yesterday, "
	"or a time ago: 30s, 15m, 2h, 7d, 1w (also -2h or '2h ago')";

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* n decimal digits at s, or -1. */
static int
digits(const char *s, size_t avail, size_t n)
{
	int v = 0;
	size_t i;

	if (avail < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Local date and time to seconds since the epoch; mktime() once an hour of
 * the log, for the zone's offset then. */
static long long
local_seconds(struct local_cache *c, int y, int mo, int d, int h, int mi, int s)
{
	long long hour_start = days_from_civil(y, mo, d) * 86400 + h * 3600LL;
	long long key = (((long long)y * 16 + mo) * 32 + d) * 32 + h + 1;

	if (c->key != key) {
		struct tm tm;
		time_t t;
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		c->offset = t == (time_t)-1 ? 0 : hour_start - (long long)t;
		c->key = key;
	}
	return hour_start + mi * 60LL + s - c->offset;
}

struct fields {
	int year, month, day, hour, minute, second, usec;
	int zone;        /* a zone was written */
	int offset;      /* its offset from UTC, seconds */
};

static int
valid(const struct fields *f)
{
	return f->month >= 1 && f->month <= 12 && f->day >= 1 && f->day <= days_in_month(f->year, f->month) &&
	       f->hour <= 23 && f->minute <= 59 && f->second <= 60;
}

/* hh:mm, then :ss and a fraction when there (seconds required when
 * need_seconds). Returns the bytes read, or 0. */
static size_t
clock_time(const char *s, size_t len, struct fields *f, int need_seconds)
{
	size_t n = 5;

	if ((f->hour = digits(s, len, 2)) < 0 || len < 5 || s[2] != ':' || (f->minute = digits(s + 3, len - 3, 2)) < 0)
		return 0;
	f->second = 0;
	f->usec = 0;
	if (len >= 8 && s[5] == ':' && (f->second = digits(s + 6, len - 6, 2)) >= 0) {
		n = 8;
		if (n < len && (s[n] == '.' || s[n] == ',')) {
			int scale = 100000;
			n++;
			if (n >= len || s[n] < '0' || s[n] > '9')
				return 0;
			for (; n < len && s[n] >= '0' && s[n] <= '9'; n++, scale /= 10)
				f->usec += (s[n] - '0') * scale;
		}
	} else if (need_seconds) {
		return 0;
	} else {
		f->second = 0;
	}
	return n;
}

/* YYYY-MM-DD, then T or a space and a time, then a zone; the time may be
 * left out unless need_time. Returns the bytes read, or 0. */
static size_t
iso(const char *s, size_t len, struct fields *f, int need_time)
{
	size_t n = 10, k;

	memset(f, 0, sizeof *f);
	if ((f->year = digits(s, len, 4)) < 0 || len < 10 || s[4] != '-' || s[7] != '-' ||
	    (f->month = digits(s + 5, len - 5, 2)) < 0 || (f->day = digits(s + 8, len - 8, 2)) < 0)
		return 0;
	if (n < len && (s[n] == 'T' || s[n] == 't' || s[n] == ' ')) {
		k = clock_time(s + n + 1, len - n - 1, f, need_time);
		if (!k)
			return 0;
		n += 1 + k;
	} else if (need_time) {
		return 0;
	} else {
		return n;
	}
	if (n < len && (s[n] == 'Z' || s[n] == 'z')) {
		f->zone = 1;
		return n + 1;
	}
	if (n < len && (s[n] == '+' || s[n] == '-')) {
		int sign = s[n] == '-' ? -1 : 1, hh = digits(s + n + 1, len - n - 1, 2), mm = 0;
		size_t at = n + 3;
		if (hh < 0 || hh > 23)
			return 0;
		if (at < len && s[at] == ':')
			at++;
		if ((mm = digits(s + at, len - at, 2)) >= 0 && mm <= 59)
			at += 2;
		else if (s[at - 1] == ':')
			return 0;
		else
			mm = 0;
		f->zone = 1;
		f->offset = sign * (hh * 3600 + mm * 60);
		return at;
	}
	return n;
}

/* "Nov  5 10:00:01" (seconds required when need_seconds): month and day,
 * the time. Returns the bytes read, or 0. */
static size_t
syslog_time(const char *s, size_t len, struct fields *f, int need_seconds)
{
	const char *m;
	size_t n = 3, k;

	memset(f, 0, sizeof *f);
	if (len < 5)
		return 0;
	for (m = months; *m; m += 3)
		if (memcmp(m, s, 3) == 0)
			break;
	if (!*m || s[3] != ' ')
		return 0;
	f->month = (int)(m - months) / 3 + 1;
	while (n < len && s[n] == ' ')
		n++;
	if (n < len && s[n] >= '0' && s[n] <= '9')
		f->day = s[n++] - '0';
	else
		return 0;
	if (n < len && s[n] >= '0' && s[n] <= '9')
		f->day = f->day * 10 + (s[n++] - '0');
	if (n == len && !need_seconds)
		return n; /* "Nov 5": the day's start */
	if (n >= len || s[n] != ' ')
		return 0;
	k = clock_time(s + n + 1, len - n - 1, f, need_seconds);
	return k ? n + 1 + k : 0;
}

/* "[29/May/2017 17:29:29]" (Kerio) and "[29/May/2017:17:29:29 +0200]" (the
 * common log format): day, month, year, the time, a zone. Returns the bytes
 * read, or 0. */
static size_t
bracket_time(const char *s, size_t len, struct fields *f)
{
	const char *m;
	size_t n, k;

	memset(f, 0, sizeof *f);
	if ((f->day = digits(s + 1, len > 0 ? len - 1 : 0, 1)) < 0 || s[0] != '[')
		return 0;
	n = 2;
	if (n < len && s[n] >= '0' && s[n] <= '9')
		f->day = f->day * 10 + (s[n++] - '0');
	if (len < n + 13 || s[n] != '/' || s[n + 4] != '/')
		return 0;
	for (m = months; *m && strncmp(m, s + n + 1, 3) != 0; m += 3)
		;
	if (!*m || (f->year = digits(s + n + 5, len - n - 5, 4)) < 0 || (s[n + 9] != ' ' && s[n + 9] != ':'))
		return 0;
	f->month = (int)(m - months) / 3 + 1;
	n += 10;
	if (!(k = clock_time(s + n, len - n, f, 1)))
		return 0;
	n += k;
	if (len >= n + 6 && s[n] == ' ' && (s[n + 1] == '+' || s[n + 1] == '-')) {
		int hh = digits(s + n + 2, len - n - 2, 2), mm = digits(s + n + 4, len - n - 4, 2);
		if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
			return 0;
		f->zone = 1;
		f->offset = (s[n + 1] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
		n += 6;
	}
	return n < len && s[n] == ']' ? n + 1 : 0;
}

static long long
fields_usec(const struct fields *f, struct local_cache *c)
{
	int second = f->second > 59 ? 59 : f->second; /* a leap second */
	long long s;

	if (f->zone)
		s = days_from_civil(f->year, f->month, f->day) * 86400 + f->hour * 3600LL + f->minute * 60LL + second -
		    f->offset;
	else
		s = local_seconds(c, f->year, f->month, f->day, f->hour, f->minute, second);
	return s * 1000000 + f->usec;
}

/* The year that puts month-day last at or before a day past `reference`. */
static int
syslog_year(struct local_cache *c, long long reference, struct fields *f)
{
	int y, tries;

	if (c->reference != reference || !c->reference_year) {
		time_t r = (time_t)reference;
		struct tm tm;
		c->reference = reference;
		c->reference_year = localtime_r(&r, &tm) ? tm.tm_year + 1900 : 1970;
	}
	for (y = c->reference_year, tries = 0; tries < 8; tries++, y--) {
		if (f->day > days_in_month(y, f->month))
			continue; /* February 29 of a year that has none */
		if (local_seconds(c, y, f->month, f->day, f->hour, f->minute, f->second > 59 ? 59 : f->second) <=
		    reference + 86400)
			return y;
	}
	return c->reference_year - 1;
}

/* The instant, and its local date and hour: a time written with a zone
 * counts in the hour it was here, as a syslog time does. */
static void
to_log_time(const struct fields *f, struct local_cache *c, struct log_time *t)
{
	time_t s;
	struct tm tm;

	t->usec = fields_usec(f, c);
	t->year = f->year;
	t->month = f->month;
	t->day = f->day;
	t->hour = f->hour;
	if (!f->zone)
		return;
	s = (time_t)(t->usec >= 0 ? t->usec / 1000000 : (t->usec - 999999) / 1000000);
	if (localtime_r(&s, &tm)) {
		t->year = tm.tm_year + 1900;
		t->month = tm.tm_mon + 1;
		t->day = tm.tm_mday;
		t->hour = tm.tm_hour;
	}
}

int
log_time_parse(const char *s, size_t len, long long reference, struct local_cache *cache, struct log_time *t)
{
	struct fields f;

	if (len > 0 && s[0] >= '0' && s[0] <= '9') {
		if (iso(s, len, &f, 1) != len || !valid(&f))
			return -1;
	} else if (len > 0 && s[0] == '[') {
		if (bracket_time(s, len, &f) != len || !valid(&f))
			return -1;
	} else {
		if (syslog_time(s, len, &f, 1) != len)
			return -1;
		f.year = syslog_year(cache, reference, &f);
		if (!valid(&f))
			return -1;
	}
	to_log_time(&f, cache, t);
	return 0;
}

int
log_time_rfc5424(const char *line, size_t len, struct local_cache *cache, struct log_time *t)
{
	struct fields f;
	size_t n = 1, k;

	/* "<" PRI ">" VERSION SP TIMESTAMP SP */
	if (len < 4 || line[0] != '<')
		return -1;
	while (n < len && n <= 4 && line[n] >= '0' && line[n] <= '9')
		n++;
	if (n == 1 || n >= len || line[n] != '>')
		return -1;
	k = ++n;
	while (n < len && n < k + 2 && line[n] >= '0' && line[n] <= '9')
		n++;
	if (n == k || n >= len || line[n] != ' ')
		return -1;
	n++;
	k = iso(line + n, len - n, &f, 1);
	if (!k || (n + k < len && line[n + k] != ' ') || !valid(&f))
		return -1;
	to_log_time(&f, cache, t);
	return 0;
}

/* "2h", "-30m", "7d ago": seconds ago, or -1. */
static long long
ago(const char *s, size_t len)
{
	long long n = 0;
	size_t i = 0;

	if (i < len && s[i] == '-')
		i++;
	if (i >= len || s[i] < '0' || s[i] > '9')
		return -1;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (s[i] - '0');
		if (n > 1000000000)
			return -1;
	}
	if (i >= len)
		return -1;
	switch (s[i++]) {
	case 's': break;
	case 'm': n *= 60; break;
	case 'h': n *= 3600; break;
	case 'd': n *= 86400; break;
	case 'w': n *= 7 * 86400; break;
	default: return -1;
	}
	if (i < len && (len - i != 4 || memcmp(s + i, " ago", 4) != 0))
		return -1;
	return n;
}

int
time_arg_parse(const char *s, long long now, long long *usec)
{
	struct local_cache cache;
	struct fields f;
	size_t len = strlen(s);
	long long back;
	time_t t = (time_t)now;
	struct tm today;

	memset(&cache, 0, sizeof cache);
	if (!localtime_r(&t, &today))
		return -1;
	if (strcmp(s, "now") == 0) {
		*usec = now * 1000000;
		return 0;
	}
	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		long long midnight = local_seconds(&cache, today.tm_year + 1900, today.tm_mon + 1, today.tm_mday, 0, 0, 0);
		*usec = (midnight - (s[0] == 'y' ? 86400 : 0)) * 1000000;
		return 0;
	}
	if ((back = ago(s, len)) >= 0) {
		*usec = (now - back) * 1000000;
		return 0;
	}
	if (len >= 10 && s[4] == '-') {
		if (iso(s, len, &f, 0) != len || !valid(&f))
			return -1;
	} else if (len >= 4 && s[0] >= '0' && s[0] <= '9') {
		memset(&f, 0, sizeof f);
		if (clock_time(s, len, &f, 0) != len)
			return -1;
		f.year = today.tm_year + 1900;
		f.month = today.tm_mon + 1;
		f.day = today.tm_mday;
		if (!valid(&f))
			return -1;
	} else {
		if (syslog_time(s, len, &f, 0) != len)
			return -1;
		f.year = syslog_year(&cache, now, &f);
		if (!valid(&f))
			return -1;
	}
	*usec = fields_usec(&f, &cache);
	return 0;
}
