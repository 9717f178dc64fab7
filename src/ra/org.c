/* strptime(3) and timegm(3). */
#define _XOPEN_SOURCE 700

#include "ra/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ra/ra_audit.h"
#include "util/log.h"

static const char *const ra_doc_types[RA_DOC_TYPE_MAX] = {
	[RA_DOC_SEAL] = "seal-certificate",
	[RA_DOC_EQUIVALENT] = "equivalent-certificate",
	[RA_DOC_REGISTRATION] = "registration-certificate",
	[RA_DOC_OTHER] = "other",
};

/* CP-1.3.2: LRAs register client and document signing only. */
static const char *const ra_policies[RA_POLICY_MAX] = {
	"client", "document", "smime", "codesign",
};
#define RA_LRA_POLICIES	2

/* Tables 7.1-4 and 7.1-5: the items marked "Optional". */
static const char *const ra_options[] = {
	"st", "l", "ou", "netscape_cert_type",
};
#define RA_NOPTIONS	(sizeof(ra_options) / sizeof(ra_options[0]))

/* CP-3.2.2: "a seal certificate (within three months from ... issuance)". */
#define RA_SEAL_MONTHS	3

/* Longest free text kept (names, issuers, references, notes). */
#define RA_TEXT_MAX	256

const char *
ra_doc_type_name(enum ra_doc_type t)
{
	return t < RA_DOC_TYPE_MAX ? ra_doc_types[t] : "?";
}

int
ra_doc_type_parse(const char *s, enum ra_doc_type *out)
{
	for (int i = 0; i < RA_DOC_TYPE_MAX; i++)
		if (s != NULL && strcmp(s, ra_doc_types[i]) == 0) {
			*out = (enum ra_doc_type)i;
			return 1;
		}
	return 0;
}

int
ra_doc_type_dated(enum ra_doc_type t)
{
	return t == RA_DOC_SEAL || t == RA_DOC_EQUIVALENT;
}

int
ra_date_parse(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	const char *end;

	if (s == NULL || strlen(s) != 10)
		return 0;
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0' || tm.tm_year < 70)
		return 0;
	*out = (int64_t)timegm(&tm);
	return 1;
}

static int
ra_days_in_month(int year, int mon)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y = year + 1900;

	if (mon == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[mon];
}

int64_t
ra_months_add(int64_t t, int n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int dim;

	gmtime_r(&tt, &tm);
	tm.tm_mon += n;
	tm.tm_year += tm.tm_mon / 12;
	tm.tm_mon %= 12;
	if (tm.tm_mon < 0) {
		tm.tm_mon += 12;
		tm.tm_year--;
	}
	dim = ra_days_in_month(tm.tm_year, tm.tm_mon);
	if (tm.tm_mday > dim)
		tm.tm_mday = dim;
	return (int64_t)timegm(&tm);
}

int
ra_doc_fresh(enum ra_doc_type t, int64_t issued_on, int64_t now,
    const char **why)
{
	if (issued_on > now) {
		*why = "document issued in the future";
		return 0;
	}
	/* Issued on day D, it may be relied on up to D + 3 months. */
	if (ra_doc_type_dated(t) &&
	    now >= ra_months_add(issued_on, RA_SEAL_MONTHS) + 86400) {
		*why = "seal certificate (or equivalent) older than three "
		    "months (CP-3.2.2)";
		return 0;
	}
	return 1;
}

int
ra_policy_allowed(int lra, const char *policy)
{
	size_t n = lra ? RA_LRA_POLICIES : RA_POLICY_MAX;

	for (size_t i = 0; i < n; i++)
		if (policy != NULL && strcmp(policy, ra_policies[i]) == 0)
			return 1;
	return 0;
}

int
ra_option_known(const char *name)
{
	for (size_t i = 0; i < RA_NOPTIONS; i++)
		if (name != NULL && strcmp(name, ra_options[i]) == 0)
			return 1;
	return 0;
}

int
ra_org_may_read(const struct ra_principal *by, const char *name)
{
	if (!by->full)
		return 0;
	switch (by->role) {
	case STORE_RA_ADMIN:
	case STORE_RA_OPERATOR:
	case STORE_RA_AUDITOR:
		return 1;
	case STORE_RA_LRA:
		return name != NULL && strcmp(by->org, name) == 0;
	default:
		return 0;
	}
}

/* RA operators and administrators, with a full (MFA) session. */
static enum ra_status
ra_org_operator(struct ra *ra, const struct ra_principal *by,
    const char *type, const char *object)
{
	if (by->full && (by->role == STORE_RA_OPERATOR ||
	    by->role == STORE_RA_ADMIN))
		return RA_OK;
	ra_audit_as(ra, by, type, object, "refused",
	    "only RA operators and CA administrators manage organisations");
	return RA_FORBIDDEN;
}

static int
ra_text_ok(const char *s, int optional)
{
	size_t len;

	if (s == NULL)
		return optional;
	len = strnlen(s, RA_TEXT_MAX + 1);
	if ((len == 0 && !optional) || len > RA_TEXT_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* Checks one document and fills rec (pointers borrowed from e). */
static int
ra_evidence_check(const struct ra_evidence_in *e, int64_t now,
    struct store_evidence *rec, const char **why)
{
	enum ra_doc_type t;

	if (!ra_doc_type_parse(e->doc_type, &t)) {
		*why = "doc_type must be seal-certificate, "
		    "equivalent-certificate, registration-certificate or other";
		return 0;
	}
	if (!ra_text_ok(e->doc_issuer, 0)) {
		*why = "doc_issuer must be 1 to 256 printable characters";
		return 0;
	}
	if (!ra_text_ok(e->reference, 1)) {
		*why = "reference must be at most 256 printable characters";
		return 0;
	}
	if (!ra_date_parse(e->issued_on, &rec->issued_on)) {
		*why = "issued_on must be a date YYYY-MM-DD";
		return 0;
	}
	if (!ra_doc_fresh(t, rec->issued_on, now, why))
		return 0;
	rec->doc_type = (char *)ra_doc_types[t];
	rec->doc_issuer = (char *)e->doc_issuer;
	rec->reference = (char *)(e->reference ? e->reference : "");
	rec->disposition = STORE_EVIDENCE_HELD;
	rec->recorded_at = now;
	return 1;
}

static int
ra_org_name_ok(const char *name)
{
	size_t len;

	if (name == NULL || (len = strnlen(name, 65)) == 0 || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

enum ra_status
ra_org_register(struct ra *ra, const struct ra_principal *by,
    const struct ra_org_new *o, int64_t now, const char **why)
{
	struct store_evidence rec[RA_EVIDENCE_MAX];
	struct store_org row = { 0 };
	char detail[128];
	int ok;

	if (ra_org_operator(ra, by, "ra.org.register", o->name) != RA_OK)
		return RA_FORBIDDEN;
	*why = NULL;
	if (!ra_org_name_ok(o->name))
		*why = "name must be 1 to 64 characters of a-z, 0-9, '.', '_' "
		    "and '-'";
	else if (!ra_text_ok(o->display_name, 0))
		*why = "display_name must be 1 to 256 printable characters";
	else if (o->nevidence == 0 || o->nevidence > RA_EVIDENCE_MAX)
		*why = "evidence must list 1 to 16 documents (CP-3.2.2)";
	for (size_t i = 0; *why == NULL && i < o->nevidence; i++) {
		memset(&rec[i], 0, sizeof(rec[i]));
		if (ra_evidence_check(&o->evidence[i], now, &rec[i], why)) {
			rec[i].org = (char *)o->name;
			rec[i].recorded_by = (char *)by->name;
		}
	}
	if (*why != NULL) {
		ra_audit_as(ra, by, "ra.org.register", o->name, "refused", *why);
		return RA_INVALID;
	}
	row.name = (char *)o->name;
	row.display_name = (char *)o->display_name;
	row.lra = o->lra;
	row.policies = "";
	row.options = "[]";
	row.registered_by = (char *)by->name;
	row.registered_at = now;
	pthread_mutex_lock(&ra->mu);
	ok = store_begin(ra->st) && store_org_insert(ra->st, &row);
	for (size_t i = 0; ok && i < o->nevidence; i++)
		ok = store_evidence_insert(ra->st, &rec[i]);
	ok = ok ? store_commit(ra->st) : (store_rollback(ra->st), 0);
	pthread_mutex_unlock(&ra->mu);
	snprintf(detail, sizeof(detail), "%s, %zu documents",
	    o->lra ? "LRA" : "organisation", o->nevidence);
	ra_audit_as(ra, by, "ra.org.register", o->name,
	    ok ? "success" : "failure", detail);
	return ok ? RA_OK : RA_CONFLICT;
}

static enum ra_status
ra_org_load(struct ra *ra, const char *name, struct store_org **out)
{
	int ok;

	*out = NULL;
	if (!ra_org_name_ok(name))
		return RA_NOT_FOUND;
	pthread_mutex_lock(&ra->mu);
	ok = store_org_get(ra->st, name, out);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	return *out == NULL ? RA_NOT_FOUND : RA_OK;
}

enum ra_status
ra_org_add_evidence(struct ra *ra, const struct ra_principal *by,
    const char *name, const struct ra_evidence_in *e, int64_t now,
    const char **why)
{
	struct store_evidence rec = { 0 };
	struct store_org *o;
	enum ra_status s;
	int ok;

	*why = NULL;
	if ((s = ra_org_operator(ra, by, "ra.org.evidence", name)) != RA_OK)
		return s;
	if ((s = ra_org_load(ra, name, &o)) != RA_OK)
		return s;
	ok = o->status == STORE_ORG_PENDING;
	store_org_free(o);
	if (!ok) {
		*why = "the organisation is no longer pending";
		return RA_CONFLICT;
	}
	if (!ra_evidence_check(e, now, &rec, why)) {
		ra_audit_as(ra, by, "ra.org.evidence", name, "refused", *why);
		return RA_INVALID;
	}
	rec.org = (char *)name;
	rec.recorded_by = (char *)by->name;
	pthread_mutex_lock(&ra->mu);
	ok = store_evidence_insert(ra->st, &rec);
	pthread_mutex_unlock(&ra->mu);
	ra_audit_as(ra, by, "ra.org.evidence", name, ok ? "success" : "failure",
	    rec.doc_type);
	return ok ? RA_OK : RA_ERROR;
}

struct ra_fresh_seal {
	int64_t		 now;
	int		 found;
};

static int
ra_find_fresh_seal(const struct store_evidence *e, void *arg)
{
	struct ra_fresh_seal *f = arg;
	enum ra_doc_type t;
	const char *why;

	if (e->disposition == STORE_EVIDENCE_HELD &&
	    ra_doc_type_parse(e->doc_type, &t) && ra_doc_type_dated(t) &&
	    ra_doc_fresh(t, e->issued_on, f->now, &why))
		f->found = 1;
	return 1;
}

static enum ra_status
ra_org_decide(struct ra *ra, const struct ra_principal *by, const char *type,
    const char *name, enum store_org_status status, const char *note,
    int64_t now, enum store_evidence_disposition disposition)
{
	int ok;

	pthread_mutex_lock(&ra->mu);
	ok = store_begin(ra->st) &&
	    store_org_decide(ra->st, name, status, by->name, now, note) &&
	    (status != STORE_ORG_REJECTED ||
	    store_evidence_dispose(ra->st, name, disposition));
	ok = ok ? store_commit(ra->st) : (store_rollback(ra->st), 0);
	pthread_mutex_unlock(&ra->mu);
	ra_audit_as(ra, by, type, name, ok ? "success" : "failure", note);
	return ok ? RA_OK : RA_ERROR;
}

enum ra_status
ra_org_approve(struct ra *ra, const struct ra_principal *by,
    const char *name, const char *note, int64_t now, const char **why)
{
	struct ra_fresh_seal f = { now, 0 };
	struct store_org *o;
	enum ra_status s;
	int ok;

	*why = NULL;
	if ((s = ra_org_operator(ra, by, "ra.org.approve", name)) != RA_OK)
		return s;
	if (!ra_text_ok(note, 1)) {
		*why = "note must be at most 256 printable characters";
		return RA_INVALID;
	}
	if ((s = ra_org_load(ra, name, &o)) != RA_OK)
		return s;
	ok = o->status == STORE_ORG_PENDING;
	store_org_free(o);
	if (!ok) {
		*why = "the organisation was already decided";
		return RA_CONFLICT;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_evidence_each(ra->st, name, ra_find_fresh_seal, &f);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	if (!f.found) {
		*why = "no seal certificate (or equivalent) at most three "
		    "months old among the evidence (CP-3.2.2)";
		ra_audit_as(ra, by, "ra.org.approve", name, "refused", *why);
		return RA_INVALID;
	}
	return ra_org_decide(ra, by, "ra.org.approve", name,
	    STORE_ORG_APPROVED, note, now, STORE_EVIDENCE_HELD);
}

enum ra_status
ra_org_reject(struct ra *ra, const struct ra_principal *by, const char *name,
    const char *reason, enum store_evidence_disposition disposition,
    int64_t now)
{
	struct store_org *o;
	enum ra_status s;
	int ok;

	if ((s = ra_org_operator(ra, by, "ra.org.reject", name)) != RA_OK)
		return s;
	/* CP-3.2.2: the documents of a rejection are returned or destroyed. */
	if (!ra_text_ok(reason, 0) || disposition == STORE_EVIDENCE_HELD ||
	    disposition >= STORE_EVIDENCE_MAX)
		return RA_INVALID;
	if ((s = ra_org_load(ra, name, &o)) != RA_OK)
		return s;
	ok = o->status == STORE_ORG_PENDING;
	store_org_free(o);
	if (!ok)
		return RA_CONFLICT;
	return ra_org_decide(ra, by, "ra.org.reject", name, STORE_ORG_REJECTED,
	    reason, now, disposition);
}

/* Checks a comma list against allowed(); 0 with *why on the first bad one. */
static int
ra_csv_check(const char *csv, int lra, int policies, const char **why)
{
	char buf[128], *p, *save = NULL;

	if (strlen(csv) >= sizeof(buf)) {
		*why = "list too long";
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", csv);
	for (p = strtok_r(buf, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		if (policies && !ra_policy_allowed(lra, p)) {
			*why = lra && ra_policy_allowed(0, p) ?
			    "an LRA may hold the client and document policies "
			    "only (CP-1.3.2)" : "unknown policy (client, "
			    "document, smime, codesign)";
			return 0;
		}
		if (!policies && !ra_option_known(p)) {
			*why = "unknown optional item (st, l, ou, "
			    "netscape_cert_type: tables 7.1-4, 7.1-5)";
			return 0;
		}
	}
	return 1;
}

/* ["a","b"] from "a,b" (names already checked). */
static int
ra_csv_json(const char *csv, char *out, size_t len)
{
	size_t n = 0;
	int w;

	w = snprintf(out, len, "[");
	n = (size_t)w;
	for (const char *p = csv; *p != '\0';) {
		size_t k = strcspn(p, ",");

		if (k > 0) {
			w = snprintf(out + n, len - n, "%s\"%.*s\"",
			    n > 1 ? "," : "", (int)k, p);
			if (w < 0 || (size_t)w >= len - n)
				return 0;
			n += (size_t)w;
		}
		p += k;
		if (*p == ',')
			p++;
	}
	w = snprintf(out + n, len - n, "]");
	return w > 0 && (size_t)w < len - n;
}

enum ra_status
ra_org_settings(struct ra *ra, const struct ra_principal *by,
    const char *name, const char *policies, const char *options,
    const char **why)
{
	char json[256], detail[512];
	struct store_org *o;
	enum ra_status s;
	int ok;

	*why = NULL;
	if ((s = ra_org_operator(ra, by, "ra.org.settings", name)) != RA_OK)
		return s;
	if ((s = ra_org_load(ra, name, &o)) != RA_OK)
		return s;
	if (!ra_csv_check(policies, o->lra, 1, why) ||
	    !ra_csv_check(options, o->lra, 0, why) ||
	    !ra_csv_json(options, json, sizeof(json))) {
		if (*why == NULL)
			*why = "list too long";
		ra_audit_as(ra, by, "ra.org.settings", name, "refused", *why);
		store_org_free(o);
		return RA_INVALID;
	}
	store_org_free(o);
	pthread_mutex_lock(&ra->mu);
	ok = store_org_settings(ra->st, name, policies, json);
	pthread_mutex_unlock(&ra->mu);
	snprintf(detail, sizeof(detail), "policies [%s], optional items [%s]",
	    policies, options);
	ra_audit_as(ra, by, "ra.org.settings", name, ok ? "success" : "failure",
	    detail);
	return ok ? RA_OK : RA_ERROR;
}
