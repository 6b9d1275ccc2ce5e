/*
 * collector/parse_web.h - web server logs: nginx and Apache access lines
 * (a log_format compiled once) and their error logs.
 * Used by the registry (parse.c); see DESIGN.md, "Parsers".
 */
#ifndef PARSE_WEB_H
#define PARSE_WEB_H

#include "parse.h"

/*
 * Access lines: action http_request; src_ip from $remote_addr (%h) when it
 * is an address (a host name gives none), user ($remote_user, "-" none),
 * http_method and url from the request line (a request that is not
 * "METHOD URL[ PROTO]" leaves both out), status (3 digits), bytes_toclient,
 * http_refer, user_agent, http_hostname ($host, %v). A value in quotes ends
 * at the first quote not escaped by a backslash (nginx writes a quote in a
 * value as \x22, Apache as \"): a URL or agent holding an address or a quote
 * never moves another field.
 *  nginx:	the format set by parse_nginx_format() (default: combined),
 *		then combined, common, "$host:$server_port $remote_addr - ...",
 *		"$host $remote_addr - ..." and no ident column.
 *  apache:	vhost_combined, combined, common, "%v %h %l %u ...".
 * Of the formats that fit, the first that gives an address wins (a vhost
 * line also fits combined, with the virtual host as its client).
 * A line that fits no format: PARSE_NO_HEADER, the line kept as it is.
 */
parse_fn	web_nginx, web_apache;

/*
 * Error logs: src_ip and src_port from nginx's ", client: A" and Apache's
 * "[client A:PORT]" (2.4) or "[client A]" (2.2).
 *  http_auth_fail	nginx: user "U" was not found in "F", user "U":
 *		password mismatch; Apache: AH01618 user U not found, AH01617
 *		user U: authentication failure (2.2: the same text, no code).
 *  rate_limited	nginx: limiting requests / connections.
 *  http_error	any other line that names a client.
 * service "nginx" or "apache"; the AH code, when there is one, in msgid.
 * nginx: the first ", client: A, server: " with A an address. A basic-auth
 * user cannot hold it (a user name has no ':'), and the request and
 * headers come after it; a message that embeds a decoded path (open()
 * "PATH" failed) can, so an http_error line may name a forged client.
 * Apache's "[client A]" comes before any client text.
 */
parse_fn	weberr_nginx, weberr_apache;
/* The same on a syslog message (program nginx, or apache2/httpd). */
int		weberr_syslog(struct logrec *, int apache);

#endif
