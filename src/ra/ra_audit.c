#include "ra/ra_audit.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "util/log.h"

/* The audit log's outcome words (src/audit/audit.h) for the RA's. */
static const char *
ra_audit_outcome(const char *o)
{
	if (o == NULL)
		return "error";
	if (strcmp(o, "success") == 0)
		return "ok";
	if (strcmp(o, "failure") == 0)
		return "failed";
	if (strcmp(o, "refused") == 0)
		return "denied";
	return o;
}

/*
 * The RA's details are prose ("wrong TOTP; 3 consecutive failures"); the
 * audit log keeps JSON objects, so the prose becomes {"note": "..."},
 * escaped by jansson: a hostile name cannot forge a field or a record.
 */
static char *
ra_audit_detail(const char *detail)
{
	json_t *o;
	char *s;

	if (detail == NULL)
		return NULL;
	if ((o = json_pack("{s:s}", "note", detail)) == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

int
ra_audit(struct store *st, const struct ra_audit_event *ev)
{
	struct audit_event a = {
		.type = ev->type != NULL ? ev->type : "ra.event",
		.actor = ev->actor != NULL ? ev->actor : "-",
		.role = ev->role != NULL ? ev->role : "-",
		.auth = ev->auth != NULL ? ev->auth : "-",
		.source = ev->source != NULL ? ev->source : "local",
		.object = ev->object != NULL ? ev->object : "-",
		.outcome = ra_audit_outcome(ev->outcome),
	};
	char *detail = NULL;
	int ok;

	if (ev->detail != NULL &&
	    (a.detail = detail = ra_audit_detail(ev->detail)) == NULL) {
		log_error("audit: %s: cannot encode the detail", a.type);
		return 0;
	}
	ok = audit_record(st, &a);
	free(detail);
	return ok;
}
