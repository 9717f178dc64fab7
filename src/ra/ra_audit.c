#include "ra/ra_audit.h"

#include <stddef.h>

#include "util/log.h"

#define RA_AUDIT_FIELD_MAX	160

/*
 * Copies s for a log line: printable ASCII without '"' or '\\', at most
 * RA_AUDIT_FIELD_MAX characters, so that a hostile name cannot forge a
 * field or a line.
 */
static const char *
ra_audit_clean(const char *s, char buf[RA_AUDIT_FIELD_MAX + 4])
{
	size_t i;

	if (s == NULL)
		return "-";
	for (i = 0; s[i] != '\0' && i < RA_AUDIT_FIELD_MAX; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
		    s[i] != '\\') ? s[i] : '?';
	if (s[i] != '\0') {
		buf[i++] = '.';
		buf[i++] = '.';
		buf[i++] = '.';
	}
	buf[i] = '\0';
	return buf;
}

int
ra_audit(struct store *st, const struct ra_audit_event *ev)
{
	char b[8][RA_AUDIT_FIELD_MAX + 4];

	(void)st;
	log_info("audit: type=\"%s\" actor=\"%s\" role=\"%s\" auth=\"%s\" "
	    "source=\"%s\" object=\"%s\" outcome=\"%s\" detail=\"%s\"",
	    ra_audit_clean(ev->type, b[0]), ra_audit_clean(ev->actor, b[1]),
	    ra_audit_clean(ev->role, b[2]), ra_audit_clean(ev->auth, b[3]),
	    ra_audit_clean(ev->source, b[4]), ra_audit_clean(ev->object, b[5]),
	    ra_audit_clean(ev->outcome, b[6]), ra_audit_clean(ev->detail, b[7]));
	return 1;
}
