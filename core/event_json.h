/*
 * core/event_json.h - an event as one JSON object (field names from
 * event_fields.h, as in EVE) and as one line of terminal-safe text.
 * Both are lossless: every byte of every value can be read back.
 */
#ifndef VIGIE_EVENT_JSON_H
#define VIGIE_EVENT_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "event.h"

/*
 * The event as a new JSON object (caller json_decref()s it), or NULL
 * out of memory. Keys: "id" (the event's identity, `id`), then each
 * present field in table order:
 *   - an FT_INT value that is a decimal integer as JSON writes one
 *     (-?(0|[1-9][0-9]*), within int64, not "-0") is a number;
 *   - the payload is always base64 under its own name, as EVE has it;
 *   - any other value that is valid UTF-8 without NUL is a string;
 *   - else the value is base64 under "<name>_b64" instead of "<name>".
 */
json_t	*event_json_encode(const struct event *, const char *id);

/*
 * The reverse, for an object from event_json_encode(): its fields into
 * ev ("id" is not a field and is left aside). The values are decoded
 * into one new buffer, *store, which the caller frees once done with
 * ev; each value is NUL-terminated there. Returns 0, or -1 with *store
 * NULL and a reason in err (an unknown key, a field given twice, bad
 * base64, a value that is neither string nor integer, no memory).
 */
int	event_json_decode(const json_t *, struct event *ev, char **store,
	    char *err, size_t errlen);

/*
 * Writes the event as one line, "<id> name=value name=value ...\n", the
 * present fields in table order. A value is bare when it is only
 * printable ASCII other than space, '"' and '\'; else it is quoted, with
 * \" \\ \t \n \r \e, and \xNN for each byte of anything else a terminal
 * could act on or a reader could be misled by: other control bytes, DEL,
 * bytes that are not valid UTF-8, C1 controls, line separators and bidi
 * overrides. Every \xNN is one byte of the value. Returns 0, or -1 on a
 * write error (errno set by stdio).
 */
int	event_text_print(FILE *, const struct event *, const char *id);

/* Writes one value as event_text_print() does. Returns 0 or -1. */
int	event_text_value(FILE *, const char *v, size_t len);

#endif
