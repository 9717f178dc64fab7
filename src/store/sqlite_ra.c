#include "store/store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <sodium.h>

#include "util/log.h"

/*
 * The RA tables of the SQLite store (store.h, "RA"). Logins and
 * enrolments are rare next to issuance, so statements are prepared per
 * call rather than cached. Failure counts and TOTP steps change in one
 * statement each, so two concurrent logins cannot both pass on one code
 * or lose a counted failure.
 */

#define RA_NAME_MAX	64
#define RA_TEXT_MAX	4096

static const char *const ra_role_names[STORE_RA_ROLE_MAX] = {
	[STORE_RA_ADMIN] = "admin",
	[STORE_RA_OPERATOR] = "ra",
	[STORE_RA_LRA] = "lra",
	[STORE_RA_AUDITOR] = "auditor",
	[STORE_RA_CUSTODIAN] = "custodian",
};

static const char *const ra_org_status_names[STORE_ORG_STATUS_MAX] = {
	[STORE_ORG_PENDING] = "pending",
	[STORE_ORG_APPROVED] = "approved",
	[STORE_ORG_REJECTED] = "rejected",
};

static const char *const ra_disposition_names[STORE_EVIDENCE_MAX] = {
	[STORE_EVIDENCE_HELD] = "held",
	[STORE_EVIDENCE_RETURNED] = "returned",
	[STORE_EVIDENCE_DESTROYED] = "destroyed",
};

const char *
store_ra_role_name(enum store_ra_role role)
{
	return role < STORE_RA_ROLE_MAX ? ra_role_names[role] : "?";
}

int
store_ra_role_parse(const char *name, enum store_ra_role *out)
{
	for (int i = 0; i < STORE_RA_ROLE_MAX; i++)
		if (name != NULL && strcmp(name, ra_role_names[i]) == 0) {
			*out = (enum store_ra_role)i;
			return 1;
		}
	return 0;
}

const char *
store_org_status_name(enum store_org_status s)
{
	return s < STORE_ORG_STATUS_MAX ? ra_org_status_names[s] : "?";
}

const char *
store_evidence_disposition_name(enum store_evidence_disposition d)
{
	return d < STORE_EVIDENCE_MAX ? ra_disposition_names[d] : "?";
}

static int
ra_name_index(const char *const *names, int max, const unsigned char *text)
{
	for (int i = 0; i < max; i++)
		if (text != NULL && strcmp((const char *)text, names[i]) == 0)
			return i;
	return -1;
}

/* Names of accounts and organisations: one narrow alphabet. */
static int
ra_name_ok(const char *what, const char *name)
{
	size_t len, i;

	if (name == NULL) {
		log_error("store: %s: missing name", what);
		return 0;
	}
	len = strnlen(name, RA_NAME_MAX + 1);
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			break;
	}
	if (len == 0 || len > RA_NAME_MAX || i < len) {
		log_error("store: %s: name must be 1 to 64 characters of a-z, "
		    "0-9, '.', '_' and '-'", what);
		return 0;
	}
	return 1;
}

static int
ra_text_ok(const char *what, const char *text)
{
	if (text == NULL || strnlen(text, RA_TEXT_MAX + 1) > RA_TEXT_MAX) {
		log_error("store: %s: text missing or longer than %d", what,
		    RA_TEXT_MAX);
		return 0;
	}
	return 1;
}

/*
 * Runs a write statement to its end: 1 and *changes (may be NULL) on
 * success; 0 on failure, logged against obj.
 */
static int
ra_step_done(struct store *st, sqlite3_stmt *stmt, const char *obj,
    int *changes)
{
	sqlite3 *db = store_sqlite_handle(st);
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE ||
		    sqlite3_extended_errcode(db) ==
		    SQLITE_CONSTRAINT_PRIMARYKEY)
			log_error("store: %s: already exists", obj);
		else
			log_error("store: %s: %s", obj, sqlite3_errmsg(db));
		return 0;
	}
	if (changes != NULL)
		*changes = sqlite3_changes(db);
	return 1;
}

/* Runs a one-row update of a named object; 0 (logged) if there is none. */
static int
ra_update_one(struct store *st, sqlite3_stmt *stmt, const char *obj)
{
	int changes = 0, ok;

	ok = stmt != NULL && ra_step_done(st, stmt, obj, &changes);
	sqlite3_finalize(stmt);
	if (ok && changes == 0) {
		log_error("store: %s: not found", obj);
		return 0;
	}
	return ok;
}

static char *
ra_col_str(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	return t == NULL ? NULL : strdup((const char *)t);
}

static int
ra_col_blob(sqlite3_stmt *stmt, int col, unsigned char *out, size_t max,
    size_t *len)
{
	const void *p = sqlite3_column_blob(stmt, col);
	int n = sqlite3_column_bytes(stmt, col);

	*len = 0;
	if (p == NULL || n <= 0)
		return 1;
	if ((size_t)n > max)
		return 0;
	memcpy(out, p, (size_t)n);
	*len = (size_t)n;
	return 1;
}

/* --- accounts -------------------------------------------------------------- */

#define RA_ACCOUNT_COLUMNS						\
	"a.id, a.name, a.role, o.name, a.pw_hash, a.totp_secret, "	\
	"a.totp_pending, a.totp_last_step, a.disabled, a.failures, "	\
	"a.locked_until, a.created_at "					\
	"FROM ra_accounts AS a LEFT JOIN ra_orgs AS o ON o.id = a.org_id "

void
store_account_free(struct store_account *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->org);
	if (a->pw_hash != NULL) {
		sodium_memzero(a->pw_hash, strlen(a->pw_hash));
		free(a->pw_hash);
	}
	sodium_memzero(a, sizeof(*a));
	free(a);
}

static struct store_account *
ra_account_read(sqlite3_stmt *stmt)
{
	struct store_account *a;
	int role;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->id = sqlite3_column_int64(stmt, 0);
	a->name = ra_col_str(stmt, 1);
	role = ra_name_index(ra_role_names, STORE_RA_ROLE_MAX,
	    sqlite3_column_text(stmt, 2));
	a->org = ra_col_str(stmt, 3);
	a->pw_hash = ra_col_str(stmt, 4);
	if (a->name == NULL || role < 0 || a->pw_hash == NULL ||
	    !ra_col_blob(stmt, 5, a->totp, sizeof(a->totp), &a->totp_len) ||
	    !ra_col_blob(stmt, 6, a->totp_pending, sizeof(a->totp_pending),
	    &a->totp_pending_len)) {
		log_error("store: account row damaged or out of memory");
		store_account_free(a);
		return NULL;
	}
	a->role = (enum store_ra_role)role;
	a->totp_last_step = sqlite3_column_int64(stmt, 7);
	a->disabled = sqlite3_column_int(stmt, 8);
	a->failures = sqlite3_column_int64(stmt, 9);
	a->locked_until = sqlite3_column_int64(stmt, 10);
	a->created_at = sqlite3_column_int64(stmt, 11);
	return a;
}

int
store_account_insert(struct store *st, const struct store_account *a)
{
	sqlite3_stmt *stmt;
	char obj[96];
	int ok = 0;

	if (!ra_name_ok("account", a->name) || a->role >= STORE_RA_ROLE_MAX ||
	    a->pw_hash == NULL || !ra_text_ok("password hash", a->pw_hash))
		return 0;
	if ((a->role == STORE_RA_LRA) != (a->org != NULL)) {
		log_error("store: account %s: an LRA operator, and only an "
		    "LRA operator, names one LRA (CP-1.3.2)", a->name);
		return 0;
	}
	if (a->org != NULL && !ra_name_ok("organisation", a->org))
		return 0;
	snprintf(obj, sizeof(obj), "account %s", a->name);
	stmt = sq_prepare(st, "INSERT INTO ra_accounts (name, role, org_id, "
	    "pw_hash, created_at) SELECT ?1, ?2, "
	    "CASE WHEN ?3 IS NULL THEN NULL ELSE (SELECT id FROM ra_orgs "
	    "WHERE name = ?3 AND kind = 'lra' AND status = 'approved') END, "
	    "?4, ?5 WHERE ?3 IS NULL OR EXISTS (SELECT 1 FROM ra_orgs "
	    "WHERE name = ?3 AND kind = 'lra' AND status = 'approved')");
	if (stmt == NULL)
		return 0;
	if (sq_text(stmt, 1, a->name) &&
	    sq_text(stmt, 2, ra_role_names[a->role]) &&
	    sq_text(stmt, 3, a->org) &&
	    sq_text(stmt, 4, a->pw_hash) &&
	    sqlite3_bind_int64(stmt, 5, a->created_at) == SQLITE_OK) {
		int changes = 0;

		ok = ra_step_done(st, stmt, obj, &changes);
		if (ok && changes == 0) {
			log_error("store: %s: no approved LRA named %s", obj,
			    a->org);
			ok = 0;
		}
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_account_get(struct store *st, const char *name,
    struct store_account **out)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*out = NULL;
	if (!ra_name_ok("account", name))
		return 0;
	if ((stmt = sq_prepare(st, "SELECT " RA_ACCOUNT_COLUMNS
	    "WHERE a.name = ?1")) == NULL)
		return 0;
	if (!sq_text(stmt, 1, name))
		goto out;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		ok = (*out = ra_account_read(stmt)) != NULL;
	else if (rc == SQLITE_DONE)
		ok = 1;
	else
		log_error("store: account %s: %s", name,
		    sqlite3_errmsg(store_sqlite_handle(st)));
 out:
	sqlite3_finalize(stmt);
	return ok;
}

int
store_account_each(struct store *st, store_account_fn fn, void *arg)
{
	struct store_account *a;
	sqlite3_stmt *stmt;
	int rc, ok = 1;

	if ((stmt = sq_prepare(st, "SELECT " RA_ACCOUNT_COLUMNS
	    "ORDER BY a.name")) == NULL)
		return 0;
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((a = ra_account_read(stmt)) == NULL)
			ok = 0;
		else
			ok = fn(a, arg);
		store_account_free(a);
	}
	if (ok && rc != SQLITE_DONE) {
		log_error("store: accounts: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
		ok = 0;
	}
	sqlite3_finalize(stmt);
	return ok;
}

/* Prepares sql (?1 = account name) for an update of account name. */
static sqlite3_stmt *
ra_account_stmt(struct store *st, const char *name, const char *sql,
    char obj[96])
{
	sqlite3_stmt *stmt;

	if (!ra_name_ok("account", name))
		return NULL;
	snprintf(obj, 96, "account %s", name);
	if ((stmt = sq_prepare(st, sql)) == NULL)
		return NULL;
	if (!sq_text(stmt, 1, name)) {
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

int
store_account_set_password(struct store *st, const char *name,
    const char *pw_hash)
{
	sqlite3_stmt *stmt;
	char obj[96];

	if (!ra_text_ok("password hash", pw_hash))
		return 0;
	stmt = ra_account_stmt(st, name,
	    "UPDATE ra_accounts SET pw_hash = ?2 WHERE name = ?1", obj);
	if (stmt != NULL && !sq_text(stmt, 2, pw_hash)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return ra_update_one(st, stmt, obj);
}

int
store_account_set_role(struct store *st, const char *name,
    enum store_ra_role role, const char *org)
{
	sqlite3_stmt *stmt;
	char obj[96];

	if (role >= STORE_RA_ROLE_MAX || (role == STORE_RA_LRA) != (org != NULL) ||
	    (org != NULL && !ra_name_ok("organisation", org)))
		return 0;
	stmt = ra_account_stmt(st, name, "UPDATE ra_accounts SET role = ?2, "
	    "org_id = CASE WHEN ?3 IS NULL THEN NULL ELSE (SELECT id "
	    "FROM ra_orgs WHERE name = ?3 AND kind = 'lra' AND "
	    "status = 'approved') END WHERE name = ?1 AND (?3 IS NULL OR "
	    "EXISTS (SELECT 1 FROM ra_orgs WHERE name = ?3 AND kind = 'lra' "
	    "AND status = 'approved'))", obj);
	if (stmt != NULL && (!sq_text(stmt, 2, ra_role_names[role]) ||
	    !sq_text(stmt, 3, org))) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return ra_update_one(st, stmt, obj);
}

int
store_account_set_disabled(struct store *st, const char *name, int disabled)
{
	char obj[96];

	return ra_update_one(st, ra_account_stmt(st, name, disabled ?
	    "UPDATE ra_accounts SET disabled = 1 WHERE name = ?1" :
	    "UPDATE ra_accounts SET disabled = 0, failures = 0, "
	    "locked_until = 0 WHERE name = ?1", obj), obj);
}

int
store_account_totp_pending(struct store *st, const char *name,
    const unsigned char *secret, size_t len)
{
	sqlite3_stmt *stmt;
	char obj[96];

	if (len > STORE_TOTP_SECRET_MAX)
		return 0;
	stmt = ra_account_stmt(st, name,
	    "UPDATE ra_accounts SET totp_pending = ?2 WHERE name = ?1", obj);
	if (stmt != NULL && !sq_blob(stmt, 2, secret, len)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return ra_update_one(st, stmt, obj);
}

int
store_account_totp_confirm(struct store *st, const char *name, int64_t step)
{
	sqlite3_stmt *stmt;
	char obj[96];

	stmt = ra_account_stmt(st, name, "UPDATE ra_accounts "
	    "SET totp_secret = totp_pending, totp_pending = NULL, "
	    "totp_last_step = ?2 WHERE name = ?1 AND totp_pending IS NOT NULL",
	    obj);
	if (stmt != NULL && sqlite3_bind_int64(stmt, 2, step) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return ra_update_one(st, stmt, obj);
}

int
store_account_totp_reset(struct store *st, const char *name)
{
	char obj[96];

	return ra_update_one(st, ra_account_stmt(st, name,
	    "UPDATE ra_accounts SET totp_secret = NULL, totp_pending = NULL, "
	    "totp_last_step = 0 WHERE name = ?1", obj), obj);
}

int
store_account_totp_use(struct store *st, const char *name, int64_t step,
    int *used)
{
	sqlite3_stmt *stmt;
	char obj[96];
	int changes = 0, ok = 0;

	*used = 0;
	stmt = ra_account_stmt(st, name, "UPDATE ra_accounts "
	    "SET totp_last_step = ?2 WHERE name = ?1 AND totp_last_step < ?2",
	    obj);
	if (stmt == NULL)
		return 0;
	if (sqlite3_bind_int64(stmt, 2, step) == SQLITE_OK &&
	    ra_step_done(st, stmt, obj, &changes)) {
		*used = changes == 1;
		ok = 1;
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_account_failure(struct store *st, const char *name, int64_t *failures)
{
	sqlite3_stmt *stmt;
	char obj[96];
	int ok = 0;

	*failures = 0;
	stmt = ra_account_stmt(st, name, "UPDATE ra_accounts "
	    "SET failures = failures + 1 WHERE name = ?1 RETURNING failures",
	    obj);
	if (stmt == NULL)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*failures = sqlite3_column_int64(stmt, 0);
		ok = sqlite3_step(stmt) == SQLITE_DONE;
	}
	if (!ok)
		log_error("store: %s: cannot count a failure: %s", obj,
		    sqlite3_errmsg(store_sqlite_handle(st)));
	sqlite3_finalize(stmt);
	return ok;
}

int
store_account_lock(struct store *st, const char *name, int64_t until)
{
	sqlite3_stmt *stmt;
	char obj[96];

	stmt = ra_account_stmt(st, name, "UPDATE ra_accounts "
	    "SET locked_until = max(locked_until, ?2) WHERE name = ?1", obj);
	if (stmt != NULL && sqlite3_bind_int64(stmt, 2, until) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return ra_update_one(st, stmt, obj);
}

int
store_account_clear_failures(struct store *st, const char *name)
{
	char obj[96];

	return ra_update_one(st, ra_account_stmt(st, name,
	    "UPDATE ra_accounts SET failures = 0, locked_until = 0 "
	    "WHERE name = ?1", obj), obj);
}

/* --- sessions ------------------------------------------------------------- */

void
store_session_free(struct store_session *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, sizeof(*s));
	free(s);
}

int
store_session_insert(struct store *st, const struct store_session *s)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	if ((stmt = sq_prepare(st, "INSERT INTO ra_sessions (token_hash, "
	    "account_id, full, created_at, last_seen, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) == NULL)
		return 0;
	if (sq_blob(stmt, 1, s->token_hash, 32) &&
	    sqlite3_bind_int64(stmt, 2, s->account_id) == SQLITE_OK &&
	    sqlite3_bind_int(stmt, 3, s->full ? 1 : 0) == SQLITE_OK &&
	    sqlite3_bind_int64(stmt, 4, s->created_at) == SQLITE_OK &&
	    sqlite3_bind_int64(stmt, 5, s->last_seen) == SQLITE_OK &&
	    sqlite3_bind_int64(stmt, 6, s->expires_at) == SQLITE_OK)
		ok = ra_step_done(st, stmt, "session", NULL);
	sqlite3_finalize(stmt);
	return ok;
}

int
store_session_get(struct store *st, const unsigned char hash[32],
    struct store_session **out)
{
	struct store_session *s = NULL;
	sqlite3_stmt *stmt;
	size_t len = 0;
	int rc, ok = 0;

	*out = NULL;
	if ((stmt = sq_prepare(st, "SELECT s.token_hash, s.account_id, "
	    "s.full, s.created_at, s.last_seen, s.expires_at, a.name "
	    "FROM ra_sessions AS s JOIN ra_accounts AS a "
	    "ON a.id = s.account_id WHERE s.token_hash = ?1")) == NULL)
		return 0;
	if (!sq_blob(stmt, 1, hash, 32))
		goto out;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		ok = 1;
		goto out;
	}
	if (rc != SQLITE_ROW || (s = calloc(1, sizeof(*s))) == NULL)
		goto out;
	if (!ra_col_blob(stmt, 0, s->token_hash, 32, &len) || len != 32)
		goto out;
	s->account_id = sqlite3_column_int64(stmt, 1);
	s->full = sqlite3_column_int(stmt, 2);
	s->created_at = sqlite3_column_int64(stmt, 3);
	s->last_seen = sqlite3_column_int64(stmt, 4);
	s->expires_at = sqlite3_column_int64(stmt, 5);
	if (sqlite3_column_text(stmt, 6) == NULL)
		goto out;
	snprintf(s->account, sizeof(s->account), "%s",
	    (const char *)sqlite3_column_text(stmt, 6));
	*out = s;
	s = NULL;
	ok = 1;
 out:
	if (!ok)
		log_error("store: session: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
	store_session_free(s);
	sqlite3_finalize(stmt);
	return ok;
}

int
store_session_touch(struct store *st, const unsigned char hash[32],
    int64_t now, int full)
{
	sqlite3_stmt *stmt;

	if ((stmt = sq_prepare(st, "UPDATE ra_sessions SET last_seen = ?2, "
	    "full = max(full, ?3) WHERE token_hash = ?1")) == NULL)
		return 0;
	if (!sq_blob(stmt, 1, hash, 32) ||
	    sqlite3_bind_int64(stmt, 2, now) != SQLITE_OK ||
	    sqlite3_bind_int(stmt, 3, full ? 1 : 0) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return ra_update_one(st, stmt, "session");
}

int
store_session_delete(struct store *st, const unsigned char hash[32])
{
	sqlite3_stmt *stmt;
	int ok = 0;

	if ((stmt = sq_prepare(st, "DELETE FROM ra_sessions "
	    "WHERE token_hash = ?1")) == NULL)
		return 0;
	if (sq_blob(stmt, 1, hash, 32))
		ok = ra_step_done(st, stmt, "session", NULL);
	sqlite3_finalize(stmt);
	return ok;
}

int
store_session_delete_account(struct store *st, int64_t account_id)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	if ((stmt = sq_prepare(st, "DELETE FROM ra_sessions "
	    "WHERE account_id = ?1")) == NULL)
		return 0;
	if (sqlite3_bind_int64(stmt, 1, account_id) == SQLITE_OK)
		ok = ra_step_done(st, stmt, "sessions", NULL);
	sqlite3_finalize(stmt);
	return ok;
}

/* --- organisations -------------------------------------------------------- */

#define RA_ORG_COLUMNS							\
	"id, name, display_name, kind, status, policies, options, "	\
	"registered_by, registered_at, decided_by, decided_at, "	\
	"decision_note FROM ra_orgs "

void
store_org_free(struct store_org *o)
{
	if (o == NULL)
		return;
	free(o->name);
	free(o->display_name);
	free(o->policies);
	free(o->options);
	free(o->registered_by);
	free(o->decided_by);
	free(o->decision_note);
	free(o);
}

static struct store_org *
ra_org_read(sqlite3_stmt *stmt)
{
	struct store_org *o;
	int status;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->id = sqlite3_column_int64(stmt, 0);
	o->name = ra_col_str(stmt, 1);
	o->display_name = ra_col_str(stmt, 2);
	o->lra = strcmp((const char *)sqlite3_column_text(stmt, 3), "lra") == 0;
	status = ra_name_index(ra_org_status_names, STORE_ORG_STATUS_MAX,
	    sqlite3_column_text(stmt, 4));
	o->policies = ra_col_str(stmt, 5);
	o->options = ra_col_str(stmt, 6);
	o->registered_by = ra_col_str(stmt, 7);
	o->registered_at = sqlite3_column_int64(stmt, 8);
	o->decided_by = ra_col_str(stmt, 9);
	o->decided_at = sqlite3_column_int64(stmt, 10);
	o->decision_note = ra_col_str(stmt, 11);
	if (o->name == NULL || o->display_name == NULL || status < 0 ||
	    o->policies == NULL || o->options == NULL ||
	    o->registered_by == NULL) {
		log_error("store: organisation row damaged or out of memory");
		store_org_free(o);
		return NULL;
	}
	o->status = (enum store_org_status)status;
	return o;
}

int
store_org_insert(struct store *st, const struct store_org *o)
{
	sqlite3_stmt *stmt;
	char obj[96];
	int ok = 0;

	if (!ra_name_ok("organisation", o->name) ||
	    !ra_text_ok("display name", o->display_name) ||
	    !ra_text_ok("policies", o->policies) ||
	    !ra_text_ok("options", o->options) ||
	    !ra_text_ok("registered by", o->registered_by))
		return 0;
	snprintf(obj, sizeof(obj), "organisation %s", o->name);
	if ((stmt = sq_prepare(st, "INSERT INTO ra_orgs (name, display_name, "
	    "kind, policies, options, registered_by, registered_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) == NULL)
		return 0;
	if (sq_text(stmt, 1, o->name) &&
	    sq_text(stmt, 2, o->display_name) &&
	    sq_text(stmt, 3, o->lra ? "lra" : "organisation") &&
	    sq_text(stmt, 4, o->policies) &&
	    sq_text(stmt, 5, o->options) &&
	    sq_text(stmt, 6, o->registered_by) &&
	    sqlite3_bind_int64(stmt, 7, o->registered_at) == SQLITE_OK)
		ok = ra_step_done(st, stmt, obj, NULL);
	sqlite3_finalize(stmt);
	return ok;
}

int
store_org_get(struct store *st, const char *name, struct store_org **out)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*out = NULL;
	if (!ra_name_ok("organisation", name))
		return 0;
	if ((stmt = sq_prepare(st, "SELECT " RA_ORG_COLUMNS
	    "WHERE name = ?1")) == NULL)
		return 0;
	if (sq_text(stmt, 1, name)) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			ok = (*out = ra_org_read(stmt)) != NULL;
		else
			ok = rc == SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_org_each(struct store *st, store_org_fn fn, void *arg)
{
	struct store_org *o;
	sqlite3_stmt *stmt;
	int rc, ok = 1;

	if ((stmt = sq_prepare(st, "SELECT " RA_ORG_COLUMNS
	    "ORDER BY name")) == NULL)
		return 0;
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((o = ra_org_read(stmt)) == NULL)
			ok = 0;
		else
			ok = fn(o, arg);
		store_org_free(o);
	}
	if (ok && rc != SQLITE_DONE)
		ok = 0;
	sqlite3_finalize(stmt);
	return ok;
}

int
store_org_decide(struct store *st, const char *name,
    enum store_org_status status, const char *by, int64_t at,
    const char *note)
{
	sqlite3_stmt *stmt;
	char obj[96];

	if (!ra_name_ok("organisation", name) ||
	    status == STORE_ORG_PENDING || status >= STORE_ORG_STATUS_MAX ||
	    !ra_text_ok("decided by", by) ||
	    (note != NULL && !ra_text_ok("note", note)))
		return 0;
	snprintf(obj, sizeof(obj), "pending organisation %s", name);
	if ((stmt = sq_prepare(st, "UPDATE ra_orgs SET status = ?2, "
	    "decided_by = ?3, decided_at = ?4, decision_note = ?5 "
	    "WHERE name = ?1 AND status = 'pending'")) == NULL)
		return 0;
	if (!sq_text(stmt, 1, name) ||
	    !sq_text(stmt, 2, ra_org_status_names[status]) ||
	    !sq_text(stmt, 3, by) ||
	    sqlite3_bind_int64(stmt, 4, at) != SQLITE_OK ||
	    !sq_text(stmt, 5, note)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return ra_update_one(st, stmt, obj);
}

int
store_org_settings(struct store *st, const char *name, const char *policies,
    const char *options)
{
	sqlite3_stmt *stmt;
	char obj[96];

	if (!ra_name_ok("organisation", name) ||
	    !ra_text_ok("policies", policies) ||
	    !ra_text_ok("options", options))
		return 0;
	snprintf(obj, sizeof(obj), "organisation %s", name);
	if ((stmt = sq_prepare(st, "UPDATE ra_orgs SET policies = ?2, "
	    "options = ?3 WHERE name = ?1")) == NULL)
		return 0;
	if (!sq_text(stmt, 1, name) || !sq_text(stmt, 2, policies) ||
	    !sq_text(stmt, 3, options)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return ra_update_one(st, stmt, obj);
}

/* --- evidence ------------------------------------------------------------- */

int
store_evidence_insert(struct store *st, const struct store_evidence *e)
{
	sqlite3_stmt *stmt;
	char obj[96];
	int changes = 0, ok = 0;

	if (!ra_name_ok("organisation", e->org) ||
	    !ra_text_ok("document type", e->doc_type) ||
	    !ra_text_ok("document issuer", e->doc_issuer) ||
	    !ra_text_ok("reference", e->reference) ||
	    !ra_text_ok("recorded by", e->recorded_by) ||
	    e->disposition >= STORE_EVIDENCE_MAX)
		return 0;
	snprintf(obj, sizeof(obj), "evidence of %s", e->org);
	if ((stmt = sq_prepare(st, "INSERT INTO ra_evidence (org_id, "
	    "doc_type, doc_issuer, issued_on, reference, disposition, "
	    "recorded_by, recorded_at) SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 "
	    "FROM ra_orgs WHERE name = ?1")) == NULL)
		return 0;
	if (sq_text(stmt, 1, e->org) && sq_text(stmt, 2, e->doc_type) &&
	    sq_text(stmt, 3, e->doc_issuer) &&
	    sqlite3_bind_int64(stmt, 4, e->issued_on) == SQLITE_OK &&
	    sq_text(stmt, 5, e->reference) &&
	    sq_text(stmt, 6, ra_disposition_names[e->disposition]) &&
	    sq_text(stmt, 7, e->recorded_by) &&
	    sqlite3_bind_int64(stmt, 8, e->recorded_at) == SQLITE_OK)
		ok = ra_step_done(st, stmt, obj, &changes);
	sqlite3_finalize(stmt);
	if (ok && changes == 0) {
		log_error("store: %s: no such organisation", obj);
		ok = 0;
	}
	return ok;
}

int
store_evidence_each(struct store *st, const char *org, store_evidence_fn fn,
    void *arg)
{
	struct store_evidence e;
	sqlite3_stmt *stmt;
	int rc, d, ok = 1;

	if (!ra_name_ok("organisation", org))
		return 0;
	if ((stmt = sq_prepare(st, "SELECT e.id, e.doc_type, e.doc_issuer, "
	    "e.issued_on, e.reference, e.disposition, e.recorded_by, "
	    "e.recorded_at FROM ra_evidence AS e JOIN ra_orgs AS o "
	    "ON o.id = e.org_id WHERE o.name = ?1 ORDER BY e.id")) == NULL)
		return 0;
	if (!sq_text(stmt, 1, org)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(stmt, 0);
		e.org = (char *)org;
		e.doc_type = (char *)sqlite3_column_text(stmt, 1);
		e.doc_issuer = (char *)sqlite3_column_text(stmt, 2);
		e.issued_on = sqlite3_column_int64(stmt, 3);
		e.reference = (char *)sqlite3_column_text(stmt, 4);
		d = ra_name_index(ra_disposition_names, STORE_EVIDENCE_MAX,
		    sqlite3_column_text(stmt, 5));
		e.recorded_by = (char *)sqlite3_column_text(stmt, 6);
		e.recorded_at = sqlite3_column_int64(stmt, 7);
		if (d < 0 || e.doc_type == NULL || e.doc_issuer == NULL) {
			ok = 0;
			break;
		}
		e.disposition = (enum store_evidence_disposition)d;
		ok = fn(&e, arg);
	}
	if (ok && rc != SQLITE_DONE)
		ok = 0;
	sqlite3_finalize(stmt);
	return ok;
}

int
store_evidence_dispose(struct store *st, const char *org,
    enum store_evidence_disposition d)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	if (!ra_name_ok("organisation", org) || d >= STORE_EVIDENCE_MAX)
		return 0;
	if ((stmt = sq_prepare(st, "UPDATE ra_evidence SET disposition = ?2 "
	    "WHERE disposition = 'held' AND org_id = "
	    "(SELECT id FROM ra_orgs WHERE name = ?1)")) == NULL)
		return 0;
	if (sq_text(stmt, 1, org) &&
	    sq_text(stmt, 2, ra_disposition_names[d]))
		ok = ra_step_done(st, stmt, "evidence", NULL);
	sqlite3_finalize(stmt);
	return ok;
}

/* --- LRA certificates ------------------------------------------------------ */

int
store_lra_cert_bind(struct store *st, const char *org, const char *issuer,
    const char *serial, const char *by, int64_t at)
{
	sqlite3_stmt *stmt;
	char obj[160];
	int changes = 0, ok = 0;

	if (!ra_name_ok("organisation", org) || !ra_text_ok("issuer", issuer) ||
	    !ra_text_ok("serial", serial) || !ra_text_ok("bound by", by))
		return 0;
	snprintf(obj, sizeof(obj), "certificate %.64s/%.42s", issuer, serial);
	if ((stmt = sq_prepare(st, "INSERT INTO ra_lra_certs (org_id, issuer, "
	    "serial, bound_by, bound_at) SELECT id, ?2, ?3, ?4, ?5 "
	    "FROM ra_orgs WHERE name = ?1 AND kind = 'lra' AND "
	    "status = 'approved'")) == NULL)
		return 0;
	if (sq_text(stmt, 1, org) && sq_text(stmt, 2, issuer) &&
	    sq_text(stmt, 3, serial) && sq_text(stmt, 4, by) &&
	    sqlite3_bind_int64(stmt, 5, at) == SQLITE_OK)
		ok = ra_step_done(st, stmt, obj, &changes);
	sqlite3_finalize(stmt);
	if (ok && changes == 0) {
		log_error("store: %s: no approved LRA named %s", obj, org);
		ok = 0;
	}
	return ok;
}

int
store_lra_cert_org(struct store *st, const char *issuer, const char *serial,
    char org[65])
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	org[0] = '\0';
	if (!ra_text_ok("issuer", issuer) || !ra_text_ok("serial", serial))
		return 0;
	if ((stmt = sq_prepare(st, "SELECT o.name FROM ra_lra_certs AS c "
	    "JOIN ra_orgs AS o ON o.id = c.org_id WHERE c.issuer = ?1 AND "
	    "c.serial = ?2 AND o.kind = 'lra' AND o.status = 'approved'")) ==
	    NULL)
		return 0;
	if (sq_text(stmt, 1, issuer) && sq_text(stmt, 2, serial)) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL) {
			snprintf(org, 65, "%s",
			    (const char *)sqlite3_column_text(stmt, 0));
			ok = 1;
		} else
			ok = rc == SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	return ok;
}
