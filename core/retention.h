/*
 * core/retention.h - a change of retention-days that would delete days:
 * the plan (which days it deletes or re-expires; pure) and the protocol
 * in Redis (<prefix>config, the day:<d>:totals keys, the confirmation).
 * Shared by vigie-correlator (start, -n, reload) and vigie config check.
 */
#ifndef VIGIE_RETENTION_H
#define VIGIE_RETENTION_H

#include <stddef.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "redis.h"

struct conf;

/* <prefix>config: the settings in force, recorded by the correlator. */
#define RETENTION_KEY		"config"
#define RETENTION_FIELD		"retention-days"

/*
 * Retention N keeps a day while its age (today minus that day, in days)
 * is at most N: today and the N days before it.
 */
struct retention_plan {
	int	 prev;		/* the value recorded; 0: none */
	int	 days;		/* the new value */
	char	(*del)[11];	/* days the change deletes, oldest first */
	size_t	 ndel;
	char	(*expire)[11];	/* days it keeps, whose expiry it changes */
	size_t	 nexpire;
};

/*
 * Plans the change from prev to days over the days found (YYYY-MM-DD,
 * any order, each once), today being `today`. Deleted: the days prev
 * kept and days does not. Re-expired: the days both keep. Days prev did
 * not keep are left alone; with prev 0 (nothing recorded) or prev ==
 * days, nothing is planned. Returns 0, or -1 when out of memory; free
 * with retention_plan_free() either way.
 */
int	retention_plan(struct retention_plan *, int prev, int days,
	    const char *today, char (*found)[11], size_t nfound);
void	retention_plan_free(struct retention_plan *);

enum retention_verdict {
	RETENTION_OK,		/* nothing deleted, or confirmed exactly */
	RETENTION_UNCONFIRMED,	/* deletes days; no confirm-retention-shrink */
	RETENTION_MISMATCH	/* confirm-retention-shrink is another count */
};
/* confirm: the confirm-retention-shrink value, -1 when not given. */
enum retention_verdict retention_verdict(const struct retention_plan *,
	    int confirm);

/*
 * When day's keys expire under retention `days`: the end of that day in
 * the process's zone (daytime_set_zone) plus days * 86400 seconds, as
 * the commit's EXPIRE after the day's last write.
 */
time_t	retention_expire_at(const char *day, int days);

/*
 * The protocol for conf's retention-days against Redis: reads the value
 * recorded, finds the days from <prefix>day:<d>:totals (SCAN), plans and
 * judges the change. A refusal is logged with the count, the days and
 * their keys, and the confirmation to give. With apply, an accepted
 * change is carried out (the days it deletes are unlinked, the others
 * get their new expiry) and conf's value recorded. Returns 0 accepted,
 * 1 refused, -1 on a Redis error (logged).
 */
int	retention_enforce(struct rconn *, const struct conf *, int apply);

/*
 * retention_enforce() without applying, for -n and vigie config check,
 * on a connection of its own: Redis away or failing is said, not fatal.
 * Returns 0 (accepted, or not checked) or -1 (refused).
 */
int	retention_check(const struct conf *, int timeout_ms);

#endif
