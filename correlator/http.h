/*
 * correlator/http.h - the web view and JSON API, served by one libevent thread.
 * Owns that thread, its event_base and its own Redis connection.
 */
#ifndef VIGIE_HTTP_H
#define VIGIE_HTTP_H

struct conf;
struct evbuffer;
struct httpd;
struct json_t;

/*
 * What the server learns from the process that runs it (the
 * correlator; none in a bare server): the rules in force as a JSON
 * array of {name, category, severity, description, threshold, window,
 * group_by, file, source} (a new reference, or NULL when unknown), and
 * the process's counters in Prometheus text format.
 */
struct httpd_source {
	struct json_t	*(*rules)(void *arg);
	void		 (*metrics)(struct evbuffer *, void *arg);
	void		*arg;
};

/*
 * Binds conf->http ("127.0.0.1:8080", "[::1]:8080"; port 0 picks one)
 * and starts serving in a new thread. Reads of the API need the bearer
 * token of conf->http_token_file when the address is not loopback; with
 * no token file such an address is refused. Writes (POST
 * /api/v1/incidents/<id>/ack|close) always need the token, and are
 * refused with 403 when none is configured. The conf is read here only:
 * what is needed is copied. Returns NULL after logging why (a bind error
 * names the address). Call before other threads change the signal mask:
 * the server thread blocks every signal.
 */
struct httpd	*httpd_start(const struct conf *);

/* The port actually bound (useful with port 0). */
int		 httpd_port(const struct httpd *);

/* Sets the source; from any thread. */
void		 httpd_set_source(struct httpd *, const struct httpd_source *);

/* Stops the loop from any thread, joins it, frees all. NULL: no-op. */
void		 httpd_stop(struct httpd *);

#endif
