/*
 * collector/appmeta.h - light application metadata from a flow's client
 * payload: the HTTP request line with Host and User-Agent, the TLS
 * ClientHello's server name, the SSH client's banner. Pure.
 */
#ifndef VIGIE_APPMETA_H
#define VIGIE_APPMETA_H

#include <stddef.h>
#include <stdint.h>

#define APPMETA_TEXT	512	/* longest value kept, NUL included */

struct appmeta {
	const char	*app_proto;	/* "http", "tls", "ssh", or NULL */
	char		 method[16];
	char		 url[APPMETA_TEXT];
	char		 host[256];
	char		 user_agent[APPMETA_TEXT];
	char		 sni[256];
	char		 ssh[256];
};

/* Reads what it can from the client's first n bytes; m is reset first. */
void	appmeta_parse(const uint8_t *d, size_t n, struct appmeta *m);

#endif
