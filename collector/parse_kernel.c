/*
 * collector/parse_kernel.c - the Linux kernel's USB and removable-disk
 * lines: storage entering or leaving the machine. Owns no state.
 * Called by the registry (parse.c) on program "kernel"; fills a logrec.
 */
#include <string.h>

#include "parse_host.h"
#include "parse_util.h"

static void
set_action(struct logrec *r, const char *a)
{
	ls_copy_str(r->action, sizeof(r->action), a);
}

/* "KEY=VALUE" among ", "-separated items: VALUE, or an empty span. */
static struct lspan
kv(struct lspan s, const char *key)
{
	struct lspan	 v;
	size_t		 k;

	for (k = ls_find(s, 0, key); k != LS_NONE; k = ls_find(s, k + 1, key))
		if (k == 0 || s.p[k - 1] == ' ') {
			v = ls_sub(s, k + strlen(key), s.n);
			v.n = ls_tok(v, ',');
			return v;
		}
	return ls_make(NULL, 0);
}

int
kernel_parse(struct logrec *r)
{
	struct lspan	 s, dev;
	size_t		 k;

	if (r->msg == NULL)
		return -1;
	s = ls_make(r->msg, r->msglen);
	/* "[  259.373865] " */
	if (ls_starts(s, "[") && (k = ls_find(s, 0, "] ")) != LS_NONE &&
	    k < 20)
		s = ls_sub(s, k + 2, s.n);
	if (ls_eat(&s, "usb ")) {
		if ((k = ls_find(s, 0, ": ")) == LS_NONE || k == 0 ||
		    ls_tok(s, ':') != k)
			return -1;
		dev = ls_sub(s, 0, k);
		s = ls_sub(s, k + 2, s.n);
		if (ls_eat(&s, "New USB device found, ")) {
			r->vendor = kv(s, "idVendor=");
			r->product = kv(s, "idProduct=");
			set_action(r, "usb_attached");
		} else if (ls_starts(s, "USB disconnect, ")) {
			set_action(r, "media_removed");
		} else if (ls_eat(&s, "Product: ")) {
			r->product = s;
			set_action(r, "usb_info");
		} else if (ls_eat(&s, "Manufacturer: ")) {
			r->vendor = s;
			set_action(r, "usb_info");
		} else if (ls_eat(&s, "SerialNumber: ")) {
			r->serial = s;
			set_action(r, "usb_info");
		} else
			return -1;
		r->device = dev;
		return 0;
	}
	if (ls_eat(&s, "usb-storage ")) {
		if ((k = ls_find(s, 0, ": ")) == LS_NONE || k == 0 ||
		    !ls_starts(ls_sub(s, k + 2, s.n),
		    "USB Mass Storage device detected"))
			return -1;
		r->device = ls_sub(s, 0, k);
		set_action(r, "media_attached");
		return 0;
	}
	/* "sd 6:0:0:0: [sdb] Attached SCSI removable disk" */
	if (ls_eat(&s, "sd ")) {
		if ((k = ls_find(s, 0, ": [")) == LS_NONE ||
		    ls_tok(s, '\0') != k + 1)
			return -1;
		s = ls_sub(s, k + 3, s.n);
		if ((k = ls_find(s, 0, "] ")) == LS_NONE || k == 0 ||
		    !ls_starts(ls_sub(s, k + 2, s.n),
		    "Attached SCSI removable disk"))
			return -1;
		r->device = ls_sub(s, 0, k);
		set_action(r, "disk_attached");
		return 0;
	}
	return -1;
}
