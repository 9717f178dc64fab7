#include "store/store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util/log.h"

/*
 * The application tables of the SQLite store (store.h, "applications").
 * Applications are rare next to issuance: statements are prepared per
 * call. Each state change names the state it leaves in its WHERE clause,
 * so of two concurrent decisions only one changes a row.
 */

#define APP_TEXT_MAX	(64 * 1024)

static const char *const app_status_names[STORE_APP_STATUS_MAX] = {
	[STORE_APP_PENDING] = "pending",
	[STORE_APP_APPROVED] = "approved",
	[STORE_APP_ISSUED] = "issued",
	[STORE_APP_REJECTED] = "rejected",
};

const char *
store_app_status_name(enum store_app_status s)
{
	return s < STORE_APP_STATUS_MAX ? app_status_names[s] : "?";
}

static int
app_text(sqlite3_stmt *stmt, int i, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(stmt, i) == SQLITE_OK;
	if (strnlen(text, APP_TEXT_MAX + 1) > APP_TEXT_MAX)
		return 0;
	return sqlite3_bind_text(stmt, i, text, -1, SQLITE_STATIC) ==
	    SQLITE_OK;
}

/*
 * Runs a write statement (finalizing it): 1 if it changed exactly one
 * row (or any, with any_ok), else 0; errors logged against obj.
 */
static int
app_write(struct store *st, sqlite3_stmt *stmt, int bound, const char *obj,
    int one)
{
	sqlite3 *db = store_sqlite_handle(st);
	int rc, ok = 0;

	if (stmt == NULL)
		return 0;
	if (!bound) {
		log_error("store: %s: bad field", obj);
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_error("store: %s: %s", obj, sqlite3_errmsg(db));
		goto out;
	}
	ok = !one || sqlite3_changes(db) == 1;
 out:
	sqlite3_finalize(stmt);
	return ok;
}

static char *
app_col_str(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	return t == NULL ? NULL : strdup((const char *)t);
}

static unsigned char *
app_col_blob(sqlite3_stmt *stmt, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(stmt, col);
	int n = sqlite3_column_bytes(stmt, col);
	unsigned char *b;

	*len = 0;
	if (p == NULL || n <= 0 || (b = malloc((size_t)n)) == NULL)
		return NULL;
	memcpy(b, p, (size_t)n);
	*len = (size_t)n;
	return b;
}

void
store_app_free(struct store_app *a)
{
	if (a == NULL)
		return;
	free(a->org);
	free(a->policy);
	free(a->subject);
	free(a->emails);
	free(a->upn);
	free(a->ekus);
	free(a->csr_pem);
	free(a->applicant_name);
	free(a->applicant_email);
	free(a->agreement_version);
	free(a->replaces_issuer);
	free(a->replaces_serial);
	free(a->submitted_by);
	free(a->submitted_via);
	free(a->decided_by);
	free(a->reason);
	free(a->issue_error);
	free(a->cert_issuer);
	free(a->cert_serial);
	free(a->cert_der);
	free(a->chain_pem);
	if (a->p12 != NULL)
		memset(a->p12, 0, a->p12_len);
	free(a->p12);
	free(a->notice);
	free(a->pin_delivery);
	free(a->accepted_how);
	free(a->accepted_by);
	free(a->objection);
	free(a);
}

#define APP_COLUMNS							\
	"id, org, policy, subject, emails, upn, ekus, csr_pem, keygen, "	\
	"applicant_name, applicant_email, agreement_version, agreed_at, "	\
	"replaces_issuer, replaces_serial, status, submitted_by, "	\
	"submitted_via, submitted_at, decided_by, decided_at, reason, "	\
	"issue_error, cert_issuer, cert_serial, cert_der, chain_pem, p12, "	\
	"issued_at, notice, pin_delivery, accepted_at, accepted_how, "	\
	"accepted_by, objected_at, objection FROM ra_applications "

static struct store_app *
app_read(sqlite3_stmt *stmt)
{
	struct store_app *a;
	int status = -1;
	const unsigned char *t;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->id = sqlite3_column_int64(stmt, 0);
	a->org = app_col_str(stmt, 1);
	a->policy = app_col_str(stmt, 2);
	a->subject = app_col_str(stmt, 3);
	a->emails = app_col_str(stmt, 4);
	a->upn = app_col_str(stmt, 5);
	a->ekus = app_col_str(stmt, 6);
	a->csr_pem = app_col_str(stmt, 7);
	a->keygen = sqlite3_column_int(stmt, 8);
	a->applicant_name = app_col_str(stmt, 9);
	a->applicant_email = app_col_str(stmt, 10);
	a->agreement_version = app_col_str(stmt, 11);
	a->agreed_at = sqlite3_column_int64(stmt, 12);
	a->replaces_issuer = app_col_str(stmt, 13);
	a->replaces_serial = app_col_str(stmt, 14);
	if ((t = sqlite3_column_text(stmt, 15)) != NULL)
		for (int i = 0; i < STORE_APP_STATUS_MAX; i++)
			if (strcmp((const char *)t, app_status_names[i]) == 0)
				status = i;
	a->submitted_by = app_col_str(stmt, 16);
	a->submitted_via = app_col_str(stmt, 17);
	a->submitted_at = sqlite3_column_int64(stmt, 18);
	a->decided_by = app_col_str(stmt, 19);
	a->decided_at = sqlite3_column_int64(stmt, 20);
	a->reason = app_col_str(stmt, 21);
	a->issue_error = app_col_str(stmt, 22);
	a->cert_issuer = app_col_str(stmt, 23);
	a->cert_serial = app_col_str(stmt, 24);
	a->cert_der = app_col_blob(stmt, 25, &a->cert_der_len);
	a->chain_pem = app_col_str(stmt, 26);
	a->p12 = app_col_blob(stmt, 27, &a->p12_len);
	a->issued_at = sqlite3_column_int64(stmt, 28);
	a->notice = app_col_str(stmt, 29);
	a->pin_delivery = app_col_str(stmt, 30);
	a->accepted_at = sqlite3_column_int64(stmt, 31);
	a->accepted_how = app_col_str(stmt, 32);
	a->accepted_by = app_col_str(stmt, 33);
	a->objected_at = sqlite3_column_int64(stmt, 34);
	a->objection = app_col_str(stmt, 35);
	if (a->org == NULL || a->policy == NULL || a->subject == NULL ||
	    a->emails == NULL || a->ekus == NULL || a->applicant_name == NULL ||
	    a->applicant_email == NULL || a->agreement_version == NULL ||
	    a->submitted_by == NULL || a->submitted_via == NULL ||
	    status < 0) {
		log_error("store: application row damaged or out of memory");
		store_app_free(a);
		return NULL;
	}
	a->status = (enum store_app_status)status;
	return a;
}

int
store_app_insert(struct store *st, const struct store_app *a, int64_t *id)
{
	sqlite3_stmt *stmt;
	int bound, ok;

	*id = 0;
	if ((stmt = sq_prepare(st, "INSERT INTO ra_applications (org, "
	    "policy, subject, emails, upn, ekus, csr_pem, keygen, "
	    "applicant_name, applicant_email, agreement_version, agreed_at, "
	    "replaces_issuer, replaces_serial, submitted_by, submitted_via, "
	    "submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?14, ?15, ?16, ?17)")) == NULL)
		return 0;
	bound = app_text(stmt, 1, a->org) && app_text(stmt, 2, a->policy) &&
	    app_text(stmt, 3, a->subject) && app_text(stmt, 4, a->emails) &&
	    app_text(stmt, 5, a->upn) && app_text(stmt, 6, a->ekus) &&
	    app_text(stmt, 7, a->csr_pem) &&
	    sqlite3_bind_int(stmt, 8, a->keygen != 0) == SQLITE_OK &&
	    app_text(stmt, 9, a->applicant_name) &&
	    app_text(stmt, 10, a->applicant_email) &&
	    app_text(stmt, 11, a->agreement_version) &&
	    sqlite3_bind_int64(stmt, 12, a->agreed_at) == SQLITE_OK &&
	    app_text(stmt, 13, a->replaces_issuer) &&
	    app_text(stmt, 14, a->replaces_serial) &&
	    app_text(stmt, 15, a->submitted_by) &&
	    app_text(stmt, 16, a->submitted_via) &&
	    sqlite3_bind_int64(stmt, 17, a->submitted_at) == SQLITE_OK;
	ok = app_write(st, stmt, bound, "application", 1);
	if (ok)
		*id = sqlite3_last_insert_rowid(store_sqlite_handle(st));
	return ok;
}

int
store_app_get(struct store *st, int64_t id, struct store_app **out)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*out = NULL;
	if ((stmt = sq_prepare(st, "SELECT " APP_COLUMNS "WHERE id = ?1"))
	    == NULL)
		return 0;
	if (sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			ok = (*out = app_read(stmt)) != NULL;
		else
			ok = rc == SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_app_each(struct store *st, const char *org, int limit,
    store_app_fn fn, void *arg)
{
	struct store_app *a;
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE, ok = 1;

	if ((stmt = sq_prepare(st, "SELECT " APP_COLUMNS
	    "WHERE ?1 IS NULL OR org = ?1 ORDER BY id DESC LIMIT ?2")) == NULL)
		return 0;
	if (!app_text(stmt, 1, org) ||
	    sqlite3_bind_int(stmt, 2, limit) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return 0;
	}
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((a = app_read(stmt)) == NULL) {
			ok = 0;
			break;
		}
		ok = fn(a, arg);
		store_app_free(a);
	}
	if (ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ok = 0;
	sqlite3_finalize(stmt);
	return ok;
}

int
store_app_decide(struct store *st, int64_t id, enum store_app_status status,
    const char *by, int64_t at, const char *reason)
{
	sqlite3_stmt *stmt;
	int bound;

	if (status != STORE_APP_APPROVED && status != STORE_APP_REJECTED)
		return 0;
	stmt = sq_prepare(st, "UPDATE ra_applications SET status = ?2, "
	    "decided_by = ?3, decided_at = ?4, reason = ?5 "
	    "WHERE id = ?1 AND status = 'pending'");
	bound = stmt != NULL &&
	    sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK &&
	    app_text(stmt, 2, app_status_names[status]) &&
	    app_text(stmt, 3, by) &&
	    sqlite3_bind_int64(stmt, 4, at) == SQLITE_OK &&
	    app_text(stmt, 5, reason);
	return app_write(st, stmt, bound, "application decision", 1);
}

int
store_app_issue_error(struct store *st, int64_t id, const char *error)
{
	sqlite3_stmt *stmt;
	int bound;

	stmt = sq_prepare(st, "UPDATE ra_applications SET issue_error = ?2 "
	    "WHERE id = ?1 AND status = 'approved'");
	bound = stmt != NULL &&
	    sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK &&
	    app_text(stmt, 2, error);
	return app_write(st, stmt, bound, "application issue error", 1);
}

int
store_app_p12_clear(struct store *st, int64_t id)
{
	sqlite3_stmt *stmt;

	/* Freed pages are zeroed, not left holding the encrypted key. */
	(void)sqlite3_exec(store_sqlite_handle(st), "PRAGMA secure_delete = ON",
	    NULL, NULL, NULL);
	stmt = sq_prepare(st, "UPDATE ra_applications SET p12 = NULL "
	    "WHERE id = ?1 AND p12 IS NOT NULL");
	return app_write(st, stmt, stmt != NULL &&
	    sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK, "application "
	    "PKCS#12", 1);
}

int
store_app_issued(struct store *st, int64_t id, const char *issuer,
    const char *serial, const unsigned char *der, size_t der_len,
    const char *chain_pem, const unsigned char *p12, size_t p12_len,
    int64_t at)
{
	sqlite3_stmt *stmt;
	int bound;

	stmt = sq_prepare(st, "UPDATE ra_applications SET status = 'issued', "
	    "issue_error = NULL, cert_issuer = ?2, cert_serial = ?3, "
	    "cert_der = ?4, chain_pem = ?5, p12 = ?6, issued_at = ?7 "
	    "WHERE id = ?1 AND status = 'approved'");
	bound = stmt != NULL &&
	    sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK &&
	    app_text(stmt, 2, issuer) && app_text(stmt, 3, serial) &&
	    sq_blob(stmt, 4, der, der_len) && app_text(stmt, 5, chain_pem) &&
	    sq_blob(stmt, 6, p12, p12_len) &&
	    sqlite3_bind_int64(stmt, 7, at) == SQLITE_OK;
	return app_write(st, stmt, bound, "application issued", 1);
}

int
store_app_delivery(struct store *st, int64_t id, const char *notice,
    const char *pin_delivery)
{
	sqlite3_stmt *stmt;
	int bound;

	stmt = sq_prepare(st, "UPDATE ra_applications SET "
	    "notice = coalesce(?2, notice), "
	    "pin_delivery = coalesce(?3, pin_delivery) WHERE id = ?1");
	bound = stmt != NULL &&
	    sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK &&
	    app_text(stmt, 2, notice) && app_text(stmt, 3, pin_delivery);
	return app_write(st, stmt, bound, "application delivery", 1);
}

int
store_app_accept(struct store *st, int64_t id, const char *how,
    const char *by, int64_t at)
{
	sqlite3_stmt *stmt;
	int bound;

	stmt = sq_prepare(st, "UPDATE ra_applications SET accepted_at = ?2, "
	    "accepted_how = ?3, accepted_by = ?4 WHERE id = ?1 AND "
	    "status = 'issued' AND accepted_at IS NULL");
	bound = stmt != NULL &&
	    sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK &&
	    sqlite3_bind_int64(stmt, 2, at) == SQLITE_OK &&
	    app_text(stmt, 3, how) && app_text(stmt, 4, by);
	return app_write(st, stmt, bound, "application acceptance", 1);
}

int
store_app_object(struct store *st, int64_t id, const char *text,
    const char *by, int64_t at)
{
	sqlite3_stmt *stmt;
	char *note;
	size_t n;
	int bound, ok;

	/* Who objected goes with what they said. */
	n = strlen(by) + strlen(text) + 3;
	if ((note = malloc(n)) == NULL)
		return 0;
	snprintf(note, n, "%s: %s", by, text);
	stmt = sq_prepare(st, "UPDATE ra_applications SET objected_at = ?2, "
	    "objection = ?3 WHERE id = ?1 AND status = 'issued' AND "
	    "accepted_at IS NULL");
	bound = stmt != NULL &&
	    sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK &&
	    sqlite3_bind_int64(stmt, 2, at) == SQLITE_OK &&
	    app_text(stmt, 3, note);
	ok = app_write(st, stmt, bound, "application objection", 1);
	free(note);
	return ok;
}

int
store_app_by_cert(struct store *st, const char *issuer, const char *serial,
    int64_t *id)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*id = 0;
	if ((stmt = sq_prepare(st, "SELECT id FROM ra_applications WHERE "
	    "cert_issuer = ?1 AND cert_serial = ?2")) == NULL)
		return 0;
	if (app_text(stmt, 1, issuer) && app_text(stmt, 2, serial)) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(stmt, 0);
		ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_app_check_set(struct store *st, const struct store_app_check *c)
{
	sqlite3_stmt *stmt;
	int bound;

	/* Only while the application is still under examination. */
	stmt = sq_prepare(st, "INSERT INTO ra_app_checks (app_id, item, "
	    "result, note, evidence, checked_by, checked_at) "
	    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 FROM ra_applications "
	    "WHERE id = ?1 AND status = 'pending' "
	    "ON CONFLICT (app_id, item) DO UPDATE SET result = excluded.result, "
	    "note = excluded.note, evidence = excluded.evidence, "
	    "checked_by = excluded.checked_by, "
	    "checked_at = excluded.checked_at");
	bound = stmt != NULL &&
	    sqlite3_bind_int64(stmt, 1, c->app_id) == SQLITE_OK &&
	    app_text(stmt, 2, c->item) && app_text(stmt, 3, c->result) &&
	    app_text(stmt, 4, c->note != NULL ? c->note : "") &&
	    app_text(stmt, 5, c->evidence != NULL ? c->evidence : "") &&
	    app_text(stmt, 6, c->checked_by) &&
	    sqlite3_bind_int64(stmt, 7, c->checked_at) == SQLITE_OK;
	return app_write(st, stmt, bound, "application check", 1);
}

int
store_app_check_each(struct store *st, int64_t id, store_app_check_fn fn,
    void *arg)
{
	struct store_app_check c = { 0 };
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE, ok = 1;

	if ((stmt = sq_prepare(st, "SELECT item, result, note, evidence, "
	    "checked_by, checked_at FROM ra_app_checks WHERE app_id = ?1 "
	    "ORDER BY item")) == NULL)
		return 0;
	if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return 0;
	}
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		c.app_id = id;
		c.item = (const char *)sqlite3_column_text(stmt, 0);
		c.result = (const char *)sqlite3_column_text(stmt, 1);
		c.note = (const char *)sqlite3_column_text(stmt, 2);
		c.evidence = (const char *)sqlite3_column_text(stmt, 3);
		c.checked_by = (const char *)sqlite3_column_text(stmt, 4);
		c.checked_at = sqlite3_column_int64(stmt, 5);
		if (c.item == NULL || c.result == NULL || c.note == NULL ||
		    c.evidence == NULL || c.checked_by == NULL) {
			ok = 0;
			break;
		}
		ok = fn(&c, arg);
	}
	if (ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ok = 0;
	sqlite3_finalize(stmt);
	return ok;
}

int
store_app_applicant_flagged(struct store *st, const char *email,
    int *flagged, char *why, size_t whylen)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*flagged = 0;
	if ((stmt = sq_prepare(st, "SELECT 'rejected before (application ' "
	    "|| id || ': ' || coalesce(reason, '') || ')' FROM ra_applications "
	    "WHERE lower(applicant_email) = lower(?1) AND status = 'rejected' "
	    "UNION ALL SELECT 'marked in breach: ' || note FROM ra_breaches "
	    "WHERE lower(email) = lower(?1) LIMIT 1")) == NULL)
		return 0;
	if (app_text(stmt, 1, email)) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			*flagged = 1;
			snprintf(why, whylen, "%s",
			    (const char *)sqlite3_column_text(stmt, 0));
		}
		ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_breach_insert(struct store *st, const char *email, const char *note,
    const char *by, int64_t at)
{
	sqlite3_stmt *stmt;
	int bound;

	stmt = sq_prepare(st, "INSERT INTO ra_breaches (email, note, "
	    "recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4)");
	bound = stmt != NULL && app_text(stmt, 1, email) &&
	    app_text(stmt, 2, note) && app_text(stmt, 3, by) &&
	    sqlite3_bind_int64(stmt, 4, at) == SQLITE_OK;
	return app_write(st, stmt, bound, "breach record", 1);
}

int
store_org_contact_set(struct store *st, const char *org, const char *name,
    const char *email, const char *by, int64_t at)
{
	sqlite3_stmt *stmt;
	int bound;

	stmt = sq_prepare(st, "INSERT INTO ra_org_contacts (org, name, email, "
	    "set_by, set_at) SELECT ?1, ?2, ?3, ?4, ?5 FROM ra_orgs "
	    "WHERE name = ?1 ON CONFLICT (org) DO UPDATE SET "
	    "name = excluded.name, email = excluded.email, "
	    "set_by = excluded.set_by, set_at = excluded.set_at");
	bound = stmt != NULL && app_text(stmt, 1, org) &&
	    app_text(stmt, 2, name) && app_text(stmt, 3, email) &&
	    app_text(stmt, 4, by) &&
	    sqlite3_bind_int64(stmt, 5, at) == SQLITE_OK;
	return app_write(st, stmt, bound, "organisation contact", 1);
}

int
store_org_contact_get(struct store *st, const char *org, char **name,
    char **email)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*name = *email = NULL;
	if ((stmt = sq_prepare(st, "SELECT name, email FROM ra_org_contacts "
	    "WHERE org = ?1")) == NULL)
		return 0;
	if (app_text(stmt, 1, org)) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			*name = app_col_str(stmt, 0);
			*email = app_col_str(stmt, 1);
			ok = *name != NULL && *email != NULL;
			if (!ok) {
				free(*name);
				free(*email);
				*name = *email = NULL;
			}
		} else
			ok = rc == SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	return ok;
}
