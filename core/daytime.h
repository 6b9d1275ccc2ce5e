/*
 * core/daytime.h - calendar days and hours in the configured time zone.
 * The zone is set once per process (daytime_set_zone) before threads start.
 */
#ifndef VIGIE_DAYTIME_H
#define VIGIE_DAYTIME_H

#include <stdint.h>
#include <time.h>

/* Sets TZ for the process ("UTC", "Europe/Paris"). Returns 0 or -1 if unknown. */
int	daytime_set_zone(const char *tz);
/* Formats the local day "YYYY-MM-DD" of t (seconds) into day[11]; sets *hour (0-23) if non-NULL. */
void	daytime_day(time_t t, char day[11], int *hour);
/* Parses "YYYY-MM-DD" strictly. Returns 0 or -1. */
int	daytime_parse_day(const char *s);
/* The day `n` days before `day` (n may be negative), into out[11]. */
void	daytime_day_add(const char *day, int n, char out[11]);
/* Microseconds since the epoch, wall clock. */
int64_t	daytime_now_us(void);

#endif
