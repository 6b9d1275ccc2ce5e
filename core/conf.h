/*
 * core/conf.h - vigie.conf (INI, parsed with inih) for all three programs.
 * A loaded conf is read-only; a reload builds a new one beside the old.
 */
#ifndef VIGIE_CONF_H
#define VIGIE_CONF_H

#include <stddef.h>

#include "netaddr.h"

struct strlist {
	char	**v;
	size_t	  n;
};

/* A key as a file set it: vigie config check reads them back by line. */
struct conf_entry {
	char		*section, *key, *value;
	char		*where;		/* "file:line" */
};

struct conf {
	char		*path;		/* file loaded, NULL when none */

	/* [redis] */
	char		*redis_address;	/* "127.0.0.1:6379" or "unix:PATH" */
	char		*redis_prefix;	/* "vigie:" */

	/* [geo] */
	char		*geo_database;	/* .mmdb path, NULL: no geo */
	struct strlist	 home_countries;	/* upper-case ISO 3166 codes */
	struct cidrset	*internal;	/* internal-networks */
	struct strlist	 internal_text;	/* the same, as given: for messages */

	/* [rules] */
	struct strlist	 rules_path;	/* files or directories of *.yar */

	/* [collector] */
	char		*sensor;
	char		*state_dir;
	struct strlist	 pcap;
	struct strlist	 log;		/* "FILE[:PARSER]" */
	struct strlist	 syslog;
	char		*interface;
	char		*user;		/* started as root: become this user */
	int		 allow_root;	/* the correlator may run as root */
	struct conf_entry *entries;	/* keys set by the file, in order */
	int		 load_errors;	/* problems conf_load() reported */
	size_t		 nentries;
	char		*nginx_log_format;	/* nginx log_format text, NULL: combined */
	int		 once;
	int		 batch;		/* events read between spool syncs */
	int		 frame_events;	/* events per frame at most */
	int		 frame_bytes;	/* bytes per frame at most */
	long long	 spool_max_bytes;	/* spool on disk at most */
	int		 spool_keep;	/* seconds frames stay after Redis took them */
	/* [collector] packet capture (capture.c, flow.c) */
	char		*capture_filter;	/* filter: BPF, NULL none */
	int		 snaplen, promiscuous;
	long long	 buffer_size;	/* buffer-size: the kernel's, bytes */
	int		 max_flows, payload_bytes;
	int		 timeout_syn, timeout_tcp, timeout_closed;
	int		 timeout_udp, timeout_other;	/* seconds */
	/* host-log inputs: files, the journal, the syslog receiver */
	int		 max_line;	/* longer lines are cut */
	struct strlist	 journal;	/* "FIELD=VALUE" matches; "*": all */
	char		*journal_dir;	/* NULL: the system's journal */
	struct cidrset	*syslog_allow;	/* NULL: any peer */
	int		 syslog_max_msg;	/* longer messages are cut */

	/* [correlator] */
	int		 workers;
	char		*http;		/* "127.0.0.1:8080" */
	int		 no_http;
	int		 drain;
	char		*timezone;	/* "UTC" */
	int		 retention_days;
	int		 confirm_shrink;	/* confirm-retention-shrink, -1 unset */
	int		 claim_idle_ms;	/* pending this long: another's to claim */
	int		 partitions;	/* of the state; 0: as recorded */
	int		 read_count;	/* [correlator] batch: frames per read */
	int		 block_ms;	/* XREADGROUP BLOCK */
	int		 stream_keep;
	int		 incident_quiet;	/* seconds before an idle incident closes */
	int		 evidence_keep;	/* evidence entries kept per incident */
	char		*web_root;	/* dashboards/ directory */
	char		*http_token_file;
	char		*alert_file;	/* EVE alert lines appended, NULL: none */
	char		*alert_syslog;	/* "udp:HOST:PORT", "unix:PATH", NULL */

	int		 list_owner[8];	/* conf.c: who set each list */
};

/* Fills defaults. Returns 0 or -1 (out of memory). */
int	conf_init(struct conf *);
/*
 * Loads FILE over the defaults. Every error is printed as "file:line: msg"
 * on stderr; all of them are reported, then -1 is returned.
 */
int	conf_load(struct conf *, const char *file);
/*
 * Sets one key as the file would; `where` names the origin for messages
 * ("--workers", "vigie.conf:12"). Returns 0 or -1 after printing why.
 */
int	conf_set(struct conf *, const char *section, const char *key,
	    const char *value, const char *where);
/* An option given on the command line: the config key it sets. */
struct conf_opt {
	const char	*key, *value;
};

/*
 * Defaults, then FILE if not NULL, then the options as keys of `section`
 * (each named "--key" in messages). Returns 0, or -1 after printing every
 * error, the conf then freed: the caller exits 2, or keeps its running
 * conf (a reload).
 */
int	conf_setup(struct conf *, const char *file, const char *section,
	    const struct conf_opt *, size_t nopts);
/* Cross-key checks after file and options. Returns 0 or -1 after printing. */
int	conf_validate(const struct conf *);
void	conf_free(struct conf *);

#endif
