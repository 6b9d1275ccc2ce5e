/*
 * core/event_fields.h - the event's fields, written once. Each line is
 * FIELD(ID, "name", type, "yara external" or NULL, external type).
 * Expanded by core/event.h (the enum), core/event.c (the names, types),
 * correlator/scan.c (the YARA externals) and nothing else. The line's
 * position is the field's number on the wire (frame format 1): append
 * new fields at the end, never reorder or remove one.
 */
FIELD(KIND,		"kind",			FT_STR,		"event_kind",	YX_STR)
FIELD(TS,		"ts",			FT_INT,		NULL,		YX_NONE)
FIELD(SENSOR,		"sensor",		FT_STR,		NULL,		YX_NONE)
FIELD(SRC_IP,		"src_ip",		FT_ADDR,	"src_ip",	YX_STR)
FIELD(SRC_PORT,		"src_port",		FT_INT,		"src_port",	YX_INT)
FIELD(DEST_IP,		"dest_ip",		FT_ADDR,	"dest_ip",	YX_STR)
FIELD(DEST_PORT,	"dest_port",		FT_INT,		"dest_port",	YX_INT)
FIELD(PROTO,		"proto",		FT_STR,		"proto",	YX_STR)
FIELD(PKTS_TOSERVER,	"pkts_toserver",	FT_INT,		NULL,		YX_NONE)
FIELD(PKTS_TOCLIENT,	"pkts_toclient",	FT_INT,		NULL,		YX_NONE)
FIELD(BYTES_TOSERVER,	"bytes_toserver",	FT_INT,		"bytes_toserver", YX_INT)
FIELD(BYTES_TOCLIENT,	"bytes_toclient",	FT_INT,		NULL,		YX_NONE)
FIELD(TCP_FLAGS,	"tcp_flags",		FT_STR,		NULL,		YX_NONE)
FIELD(STATE,		"state",		FT_STR,		"state",	YX_STR)
FIELD(START,		"start",		FT_INT,		NULL,		YX_NONE)
FIELD(END,		"end",			FT_INT,		NULL,		YX_NONE)
FIELD(PAYLOAD,		"payload",		FT_BYTES,	NULL,		YX_NONE)
FIELD(HOST,		"host",			FT_STR,		NULL,		YX_NONE)
FIELD(PROGRAM,		"program",		FT_STR,		"program",	YX_STR)
FIELD(PID,		"pid",			FT_INT,		NULL,		YX_NONE)
FIELD(LINE,		"line",			FT_BYTES,	NULL,		YX_NONE)
FIELD(ACTION,		"action",		FT_STR,		"action",	YX_STR)
FIELD(USER,		"user",			FT_STR,		"user",		YX_STR)
FIELD(HTTP_METHOD,	"http_method",		FT_STR,		"http_method",	YX_STR)
FIELD(URL,		"url",			FT_STR,		"url",		YX_STR)
FIELD(STATUS,		"status",		FT_INT,		"status",	YX_INT)
FIELD(USER_AGENT,	"user_agent",		FT_STR,		"user_agent",	YX_STR)
