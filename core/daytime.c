/*
 * core/daytime.c - days and hours in the configured time zone.
 * Owns the process TZ, set once before threads start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "daytime.h"

int
daytime_set_zone(const char *tz)
{
	char	 path[512];

	if (tz == NULL || *tz == '\0')
		return -1;
	if (strcmp(tz, "UTC") != 0 && strcmp(tz, "GMT") != 0) {
		/* A name glibc cannot find would silently mean UTC. */
		if (strstr(tz, "..") != NULL || tz[0] == '/')
			return -1;
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
		if (access(path, R_OK) == -1)
			return -1;
	}
	if (setenv("TZ", tz, 1) == -1)
		return -1;
	tzset();
	return 0;
}

void
daytime_day(time_t t, char day[11], int *hour)
{
	struct tm	 tm;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	if (strftime(day, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(day, 11, "0000-00-00");
	if (hour != NULL)
		*hour = tm.tm_hour;
}

int
daytime_parse_day(const char *s)
{
	struct tm	 tm;
	const char	*end;
	time_t		 t;
	char		 back[11];
	int		 i;

	if (strlen(s) != 10)
		return -1;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return -1;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	tm.tm_hour = 12;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	/* Round trip rejects 2026-02-30 and friends. */
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	if (strftime(back, sizeof(back), "%Y-%m-%d", &tm) != 10)
		return -1;
	return strcmp(back, s) == 0 ? 0 : -1;
}

void
daytime_day_add(const char *day, int n, char out[11])
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (strptime(day, "%Y-%m-%d", &tm) == NULL) {
		snprintf(out, 11, "%s", day);
		return;
	}
	tm.tm_hour = 12;
	t = timegm(&tm) + (time_t)n * 86400;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(out, 11, "%s", day);
		return;
	}
	if (strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "%s", day);
}

int64_t
daytime_now_us(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}
