#include "store/store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <sodium.h>

#include "util/log.h"

/*
 * Revocation requests, problem reports, certificate owners and the
 * subscribers' suspension logins in the SQLite store (store.h, "RA:
 * revocation requests"). Rare next to issuance: statements are prepared
 * per call. Failure counts change in one statement, and a report or a
 * request moves out of "pending" once (the UPDATE names the old state,
 * and the schema's triggers refuse anything after that).
 */

#define RR_TEXT_MAX	8192

static const char *const rr_kind_names[STORE_REVREQ_KIND_MAX] = {
	[STORE_REVREQ_SUBSCRIBER] = "subscriber",
	[STORE_REVREQ_LRA] = "lra",
	[STORE_REVREQ_RA] = "ra",
	[STORE_REVREQ_CA] = "ca",
	[STORE_REVREQ_REPORTER] = "reporter",
};

static const char *const rr_state_names[STORE_REVREQ_STATE_MAX] = {
	[STORE_REVREQ_PENDING] = "pending",
	[STORE_REVREQ_DONE] = "done",
	[STORE_REVREQ_REFUSED] = "refused",
	[STORE_REVREQ_FAILED] = "failed",
};

static const char *const rp_kind_names[STORE_REPORT_KIND_MAX] = {
	[STORE_REPORT_KEY_COMPROMISE] = "key_compromise",
	[STORE_REPORT_MISUSE] = "misuse",
	[STORE_REPORT_OTHER] = "other",
};

static const char *const rp_state_names[STORE_REPORT_STATE_MAX] = {
	[STORE_REPORT_PENDING] = "pending",
	[STORE_REPORT_REVOKED] = "revoked",
	[STORE_REPORT_DISMISSED] = "dismissed",
};

const char *
store_revreq_kind_name(enum store_revreq_kind k)
{
	return k < STORE_REVREQ_KIND_MAX ? rr_kind_names[k] : "?";
}

const char *
store_revreq_state_name(enum store_revreq_state s)
{
	return s < STORE_REVREQ_STATE_MAX ? rr_state_names[s] : "?";
}

const char *
store_report_kind_name(enum store_report_kind k)
{
	return k < STORE_REPORT_KIND_MAX ? rp_kind_names[k] : "?";
}

int
store_report_kind_parse(const char *s, enum store_report_kind *out)
{
	for (int i = 0; i < STORE_REPORT_KIND_MAX; i++)
		if (s != NULL && strcmp(s, rp_kind_names[i]) == 0) {
			*out = (enum store_report_kind)i;
			return 1;
		}
	return 0;
}

const char *
store_report_state_name(enum store_report_state s)
{
	return s < STORE_REPORT_STATE_MAX ? rp_state_names[s] : "?";
}

static int
rr_index(const char *const *names, int max, const unsigned char *text)
{
	for (int i = 0; i < max; i++)
		if (text != NULL && strcmp((const char *)text, names[i]) == 0)
			return i;
	return -1;
}

/* Every text the store takes: present (unless optional) and bounded. */
static int
rr_text_ok(const char *what, const char *text, int optional)
{
	if ((text == NULL && !optional) ||
	    (text != NULL && strnlen(text, RR_TEXT_MAX + 1) > RR_TEXT_MAX)) {
		log_error("store: %s: missing or longer than %d", what,
		    RR_TEXT_MAX);
		return 0;
	}
	return 1;
}

static int
rr_int(sqlite3_stmt *stmt, int i, int64_t v)
{
	return sqlite3_bind_int64(stmt, i, v) == SQLITE_OK;
}

/* Steps a write to its end: 1 and *changes; 0 (logged against obj). */
static int
rr_done(struct store *st, sqlite3_stmt *stmt, const char *obj, int *changes)
{
	sqlite3 *db = store_sqlite_handle(st);
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
			log_error("store: %s: already exists", obj);
		else
			log_error("store: %s: %s", obj, sqlite3_errmsg(db));
		return 0;
	}
	if (changes != NULL)
		*changes = sqlite3_changes(db);
	return 1;
}

static char *
rr_col_str(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	return t == NULL ? NULL : strdup((const char *)t);
}

/* Copies a text column into a fixed buffer; 0 if absent or too long. */
static int
rr_col_copy(sqlite3_stmt *stmt, int col, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	out[0] = '\0';
	if (t == NULL)
		return 1;
	if (strlen((const char *)t) >= len)
		return 0;
	memcpy(out, t, strlen((const char *)t) + 1);
	return 1;
}

/* Runs stmt (finalizing it) and asks for exactly one changed row. */
static int
rr_update_one(struct store *st, sqlite3_stmt *stmt, const char *obj)
{
	int changes = 0, ok;

	ok = rr_done(st, stmt, obj, &changes);
	sqlite3_finalize(stmt);
	if (ok && changes != 1) {
		log_error("store: %s: not found", obj);
		return 0;
	}
	return ok;
}

/* --- owners ------------------------------------------------------------- */

int
store_cert_owner_insert(struct store *st, const char *issuer,
    const char *serial, const char *org, const char *email, const char *by,
    int64_t at)
{
	sqlite3_stmt *stmt;
	int changes = 0, ok = 0;

	if (!rr_text_ok("issuer", issuer, 0) || !rr_text_ok("serial", serial, 0) ||
	    !rr_text_ok("organisation", org, 1) ||
	    !rr_text_ok("e-mail", email, 1) || !rr_text_ok("by", by, 0))
		return 0;
	/* An organisation named must exist and be approved. */
	if ((stmt = sq_prepare(st, "INSERT INTO ra_cert_owners (issuer, "
	    "serial, org_id, email, recorded_by, recorded_at) SELECT ?1, ?2, "
	    "(SELECT id FROM ra_orgs WHERE name = ?3), ?4, ?5, ?6 "
	    "WHERE ?3 IS NULL OR EXISTS (SELECT 1 FROM ra_orgs WHERE "
	    "name = ?3 AND status = 'approved')")) == NULL)
		return 0;
	if (sq_text(stmt, 1, issuer) && sq_text(stmt, 2, serial) &&
	    sq_text(stmt, 3, org) && sq_text(stmt, 4, email) &&
	    sq_text(stmt, 5, by) && rr_int(stmt, 6, at))
		ok = rr_done(st, stmt, "certificate owner", &changes);
	sqlite3_finalize(stmt);
	if (ok && changes == 0) {
		log_error("store: certificate owner: no approved organisation "
		    "named %.64s", org);
		ok = 0;
	}
	return ok;
}

int
store_cert_owner_get(struct store *st, const char *issuer, const char *serial,
    int *found, char org[65], char email[255])
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*found = 0;
	org[0] = email[0] = '\0';
	if (!rr_text_ok("issuer", issuer, 0) || !rr_text_ok("serial", serial, 0))
		return 0;
	if ((stmt = sq_prepare(st, "SELECT o.name, w.email FROM "
	    "ra_cert_owners AS w LEFT JOIN ra_orgs AS o ON o.id = w.org_id "
	    "WHERE w.issuer = ?1 AND w.serial = ?2")) == NULL)
		return 0;
	if (sq_text(stmt, 1, issuer) && sq_text(stmt, 2, serial)) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			*found = 1;
			ok = rr_col_copy(stmt, 0, org, 65) &&
			    rr_col_copy(stmt, 1, email, 255);
		} else
			ok = rc == SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	return ok;
}

/* --- subscriber logins ---------------------------------------------------- */

void
store_subscriber_cred_free(struct store_subscriber_cred *c)
{
	if (c == NULL)
		return;
	free(c->issuer);
	free(c->serial);
	if (c->pw_hash != NULL) {
		sodium_memzero(c->pw_hash, strlen(c->pw_hash));
		free(c->pw_hash);
	}
	free(c);
}

int
store_subscriber_cred_insert(struct store *st, const char *issuer,
    const char *serial, const char *pw_hash, int64_t at)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	if (!rr_text_ok("issuer", issuer, 0) || !rr_text_ok("serial", serial, 0) ||
	    !rr_text_ok("password hash", pw_hash, 0))
		return 0;
	if ((stmt = sq_prepare(st, "INSERT INTO ra_subscriber_creds (issuer, "
	    "serial, pw_hash, created_at) VALUES (?1, ?2, ?3, ?4)")) == NULL)
		return 0;
	if (sq_text(stmt, 1, issuer) && sq_text(stmt, 2, serial) &&
	    sq_text(stmt, 3, pw_hash) && rr_int(stmt, 4, at))
		ok = rr_done(st, stmt, "subscriber login", NULL);
	sqlite3_finalize(stmt);
	return ok;
}

int
store_subscriber_cred_get(struct store *st, const char *issuer,
    const char *serial, struct store_subscriber_cred **out)
{
	struct store_subscriber_cred *c = NULL;
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*out = NULL;
	if (!rr_text_ok("issuer", issuer, 0) || !rr_text_ok("serial", serial, 0))
		return 0;
	if ((stmt = sq_prepare(st, "SELECT id, issuer, serial, pw_hash, "
	    "failures, locked_until, created_at FROM ra_subscriber_creds "
	    "WHERE issuer = ?1 AND serial = ?2")) == NULL)
		return 0;
	if (!sq_text(stmt, 1, issuer) || !sq_text(stmt, 2, serial))
		goto out;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		ok = 1;
		goto out;
	}
	if (rc != SQLITE_ROW || (c = calloc(1, sizeof(*c))) == NULL)
		goto out;
	c->id = sqlite3_column_int64(stmt, 0);
	c->issuer = rr_col_str(stmt, 1);
	c->serial = rr_col_str(stmt, 2);
	c->pw_hash = rr_col_str(stmt, 3);
	c->failures = sqlite3_column_int64(stmt, 4);
	c->locked_until = sqlite3_column_int64(stmt, 5);
	c->created_at = sqlite3_column_int64(stmt, 6);
	if (c->issuer == NULL || c->serial == NULL || c->pw_hash == NULL)
		goto out;
	*out = c;
	c = NULL;
	ok = 1;
 out:
	if (!ok)
		log_error("store: subscriber login: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
	store_subscriber_cred_free(c);
	sqlite3_finalize(stmt);
	return ok;
}

int
store_subscriber_cred_failure(struct store *st, int64_t id, int64_t *failures)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	*failures = 0;
	if ((stmt = sq_prepare(st, "UPDATE ra_subscriber_creds SET failures "
	    "= failures + 1 WHERE id = ?1 RETURNING failures")) == NULL)
		return 0;
	if (rr_int(stmt, 1, id) && sqlite3_step(stmt) == SQLITE_ROW) {
		*failures = sqlite3_column_int64(stmt, 0);
		ok = sqlite3_step(stmt) == SQLITE_DONE;
	}
	if (!ok)
		log_error("store: subscriber login: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
	sqlite3_finalize(stmt);
	return ok;
}

int
store_subscriber_cred_lock(struct store *st, int64_t id, int64_t until)
{
	sqlite3_stmt *stmt;

	if ((stmt = sq_prepare(st, "UPDATE ra_subscriber_creds SET "
	    "locked_until = ?2 WHERE id = ?1")) == NULL)
		return 0;
	if (!rr_int(stmt, 1, id) || !rr_int(stmt, 2, until)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return rr_update_one(st, stmt, "subscriber login");
}

int
store_subscriber_cred_clear(struct store *st, int64_t id)
{
	sqlite3_stmt *stmt;

	if ((stmt = sq_prepare(st, "UPDATE ra_subscriber_creds SET "
	    "failures = 0, locked_until = 0 WHERE id = ?1")) == NULL)
		return 0;
	if (!rr_int(stmt, 1, id)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return rr_update_one(st, stmt, "subscriber login");
}

int
store_subscriber_session_insert(struct store *st,
    const struct store_subscriber_session *s)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	if ((stmt = sq_prepare(st, "INSERT INTO ra_subscriber_sessions "
	    "(token_hash, cred_id, csrf, created_at, last_seen, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) == NULL)
		return 0;
	if (sqlite3_bind_blob(stmt, 1, s->token_hash, 32, SQLITE_STATIC) ==
	    SQLITE_OK && rr_int(stmt, 2, s->cred_id) &&
	    sqlite3_bind_blob(stmt, 3, s->csrf, 32, SQLITE_STATIC) ==
	    SQLITE_OK && rr_int(stmt, 4, s->created_at) &&
	    rr_int(stmt, 5, s->last_seen) && rr_int(stmt, 6, s->expires_at))
		ok = rr_done(st, stmt, "subscriber session", NULL);
	sqlite3_finalize(stmt);
	return ok;
}

int
store_subscriber_session_get(struct store *st, const unsigned char hash[32],
    int *found, struct store_subscriber_session *out)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*found = 0;
	memset(out, 0, sizeof(*out));
	if ((stmt = sq_prepare(st, "SELECT s.token_hash, s.cred_id, s.csrf, "
	    "s.created_at, s.last_seen, s.expires_at, c.issuer, c.serial "
	    "FROM ra_subscriber_sessions AS s JOIN ra_subscriber_creds AS c "
	    "ON c.id = s.cred_id WHERE s.token_hash = ?1")) == NULL)
		return 0;
	if (sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		ok = 1;
		goto out;
	}
	if (rc != SQLITE_ROW || sqlite3_column_bytes(stmt, 0) != 32 ||
	    sqlite3_column_bytes(stmt, 2) != 32)
		goto out;
	memcpy(out->token_hash, sqlite3_column_blob(stmt, 0), 32);
	out->cred_id = sqlite3_column_int64(stmt, 1);
	memcpy(out->csrf, sqlite3_column_blob(stmt, 2), 32);
	out->created_at = sqlite3_column_int64(stmt, 3);
	out->last_seen = sqlite3_column_int64(stmt, 4);
	out->expires_at = sqlite3_column_int64(stmt, 5);
	if (!rr_col_copy(stmt, 6, out->issuer, sizeof(out->issuer)) ||
	    !rr_col_copy(stmt, 7, out->serial, sizeof(out->serial)))
		goto out;
	*found = 1;
	ok = 1;
 out:
	if (!ok) {
		log_error("store: subscriber session: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
		sodium_memzero(out, sizeof(*out));
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_subscriber_session_touch(struct store *st, const unsigned char hash[32],
    int64_t now)
{
	sqlite3_stmt *stmt;

	if ((stmt = sq_prepare(st, "UPDATE ra_subscriber_sessions SET "
	    "last_seen = ?2 WHERE token_hash = ?1")) == NULL)
		return 0;
	if (sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC) != SQLITE_OK ||
	    !rr_int(stmt, 2, now)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return rr_update_one(st, stmt, "subscriber session");
}

int
store_subscriber_session_delete(struct store *st, const unsigned char hash[32])
{
	sqlite3_stmt *stmt;
	int ok = 0;

	if ((stmt = sq_prepare(st, "DELETE FROM ra_subscriber_sessions "
	    "WHERE token_hash = ?1")) == NULL)
		return 0;
	if (sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC) == SQLITE_OK)
		ok = rr_done(st, stmt, "subscriber session", NULL);
	sqlite3_finalize(stmt);
	return ok;
}

int
store_subscriber_session_purge(struct store *st, int64_t now)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	if ((stmt = sq_prepare(st, "DELETE FROM ra_subscriber_sessions "
	    "WHERE expires_at <= ?1")) == NULL)
		return 0;
	if (rr_int(stmt, 1, now))
		ok = rr_done(st, stmt, "subscriber sessions", NULL);
	sqlite3_finalize(stmt);
	return ok;
}

/* --- revocation requests ------------------------------------------------------ */

void
store_revreq_free(struct store_revreq *r)
{
	if (r == NULL)
		return;
	free(r->issuer);
	free(r->serial);
	free(r->requester);
	free(r->org);
	free(r->grounds);
	free(r->decided_by);
	free(r->note);
	free(r);
}

int
store_revreq_insert(struct store *st, const struct store_revreq *r,
    int64_t *id)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	*id = 0;
	if (!rr_text_ok("issuer", r->issuer, 0) ||
	    !rr_text_ok("serial", r->serial, 0) ||
	    !rr_text_ok("requester", r->requester, 0) ||
	    !rr_text_ok("organisation", r->org, 1) ||
	    !rr_text_ok("grounds", r->grounds, 0) ||
	    r->kind >= STORE_REVREQ_KIND_MAX)
		return 0;
	if ((stmt = sq_prepare(st, "INSERT INTO ra_revocation_requests "
	    "(issuer, serial, requester_kind, requester, org, reason, "
	    "grounds, report_id, requested_at) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9)")) == NULL)
		return 0;
	if (sq_text(stmt, 1, r->issuer) && sq_text(stmt, 2, r->serial) &&
	    sq_text(stmt, 3, rr_kind_names[r->kind]) &&
	    sq_text(stmt, 4, r->requester) && sq_text(stmt, 5, r->org) &&
	    rr_int(stmt, 6, r->reason) && sq_text(stmt, 7, r->grounds) &&
	    (r->report_id > 0 ? rr_int(stmt, 8, r->report_id) :
	    sqlite3_bind_null(stmt, 8) == SQLITE_OK) &&
	    rr_int(stmt, 9, r->requested_at) &&
	    (ok = rr_done(st, stmt, "revocation request", NULL)))
		*id = sqlite3_last_insert_rowid(store_sqlite_handle(st));
	sqlite3_finalize(stmt);
	return ok;
}

int
store_revreq_finish(struct store *st, int64_t id,
    enum store_revreq_state state, const char *by, int64_t at,
    const char *note)
{
	sqlite3_stmt *stmt;

	if (state == STORE_REVREQ_PENDING || state >= STORE_REVREQ_STATE_MAX ||
	    !rr_text_ok("by", by, 0) || !rr_text_ok("note", note, 1))
		return 0;
	if ((stmt = sq_prepare(st, "UPDATE ra_revocation_requests SET "
	    "state = ?2, decided_by = ?3, decided_at = ?4, outcome_note = ?5 "
	    "WHERE id = ?1 AND state = 'pending'")) == NULL)
		return 0;
	if (!rr_int(stmt, 1, id) || !sq_text(stmt, 2, rr_state_names[state]) ||
	    !sq_text(stmt, 3, by) || !rr_int(stmt, 4, at) ||
	    !sq_text(stmt, 5, note)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	return rr_update_one(st, stmt, "revocation request");
}

static struct store_revreq *
rr_read(sqlite3_stmt *stmt)
{
	struct store_revreq *r;
	int kind, state;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->id = sqlite3_column_int64(stmt, 0);
	r->issuer = rr_col_str(stmt, 1);
	r->serial = rr_col_str(stmt, 2);
	kind = rr_index(rr_kind_names, STORE_REVREQ_KIND_MAX,
	    sqlite3_column_text(stmt, 3));
	r->requester = rr_col_str(stmt, 4);
	r->org = rr_col_str(stmt, 5);
	r->reason = sqlite3_column_int(stmt, 6);
	r->grounds = rr_col_str(stmt, 7);
	state = rr_index(rr_state_names, STORE_REVREQ_STATE_MAX,
	    sqlite3_column_text(stmt, 8));
	r->report_id = sqlite3_column_int64(stmt, 9);
	r->requested_at = sqlite3_column_int64(stmt, 10);
	r->decided_by = rr_col_str(stmt, 11);
	r->decided_at = sqlite3_column_int64(stmt, 12);
	r->note = rr_col_str(stmt, 13);
	if (r->issuer == NULL || r->serial == NULL || r->requester == NULL ||
	    r->grounds == NULL || kind < 0 || state < 0) {
		log_error("store: revocation request row damaged or out of "
		    "memory");
		store_revreq_free(r);
		return NULL;
	}
	r->kind = (enum store_revreq_kind)kind;
	r->state = (enum store_revreq_state)state;
	return r;
}

int
store_revreq_each(struct store *st, int64_t limit, store_revreq_fn fn,
    void *arg)
{
	struct store_revreq *r;
	sqlite3_stmt *stmt;
	int rc, ok = 1;

	if ((stmt = sq_prepare(st, "SELECT id, issuer, serial, "
	    "requester_kind, requester, org, reason, grounds, state, "
	    "report_id, requested_at, decided_by, decided_at, outcome_note "
	    "FROM ra_revocation_requests ORDER BY id DESC LIMIT ?1")) == NULL)
		return 0;
	if (!rr_int(stmt, 1, limit)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((r = rr_read(stmt)) == NULL) {
			ok = 0;
			break;
		}
		ok = fn(r, arg);
		store_revreq_free(r);
	}
	if (ok && rc != SQLITE_DONE) {
		log_error("store: revocation requests: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
		ok = 0;
	}
	sqlite3_finalize(stmt);
	return ok;
}

/* --- problem reports ---------------------------------------------------------- */

void
store_report_free(struct store_report *r)
{
	if (r == NULL)
		return;
	free(r->issuer);
	free(r->serial);
	free(r->description);
	free(r->contact);
	free(r->source);
	free(r->decided_by);
	free(r->note);
	free(r);
}

int
store_report_insert(struct store *st, const struct store_report *r,
    int64_t *id)
{
	sqlite3_stmt *stmt;
	int ok = 0;

	*id = 0;
	if (!rr_text_ok("issuer", r->issuer, 0) ||
	    !rr_text_ok("serial", r->serial, 0) ||
	    !rr_text_ok("description", r->description, 0) ||
	    !rr_text_ok("contact", r->contact, 0) ||
	    !rr_text_ok("source", r->source, 0) ||
	    r->kind >= STORE_REPORT_KIND_MAX)
		return 0;
	if ((stmt = sq_prepare(st, "INSERT INTO ra_problem_reports (issuer, "
	    "serial, kind, description, contact, proof, source, received_at, "
	    "report_due_at, revoke_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10)")) == NULL)
		return 0;
	if (sq_text(stmt, 1, r->issuer) && sq_text(stmt, 2, r->serial) &&
	    sq_text(stmt, 3, rp_kind_names[r->kind]) &&
	    sq_text(stmt, 4, r->description) && sq_text(stmt, 5, r->contact) &&
	    sq_text(stmt, 6, r->proof_verified ? "verified" : "none") &&
	    sq_text(stmt, 7, r->source) && rr_int(stmt, 8, r->received_at) &&
	    rr_int(stmt, 9, r->report_due_at) && rr_int(stmt, 10, r->revoke_by) &&
	    (ok = rr_done(st, stmt, "problem report", NULL)))
		*id = sqlite3_last_insert_rowid(store_sqlite_handle(st));
	sqlite3_finalize(stmt);
	return ok;
}

#define RP_COLUMNS							\
	"id, issuer, serial, kind, description, contact, proof, source, "	\
	"received_at, report_due_at, revoke_by, state, reason, "	\
	"decided_by, decided_at, decision_note FROM ra_problem_reports "

static struct store_report *
rp_read(sqlite3_stmt *stmt)
{
	struct store_report *r;
	const unsigned char *proof;
	int kind, state;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->id = sqlite3_column_int64(stmt, 0);
	r->issuer = rr_col_str(stmt, 1);
	r->serial = rr_col_str(stmt, 2);
	kind = rr_index(rp_kind_names, STORE_REPORT_KIND_MAX,
	    sqlite3_column_text(stmt, 3));
	r->description = rr_col_str(stmt, 4);
	r->contact = rr_col_str(stmt, 5);
	proof = sqlite3_column_text(stmt, 6);
	r->proof_verified = proof != NULL &&
	    strcmp((const char *)proof, "verified") == 0;
	r->source = rr_col_str(stmt, 7);
	r->received_at = sqlite3_column_int64(stmt, 8);
	r->report_due_at = sqlite3_column_int64(stmt, 9);
	r->revoke_by = sqlite3_column_int64(stmt, 10);
	state = rr_index(rp_state_names, STORE_REPORT_STATE_MAX,
	    sqlite3_column_text(stmt, 11));
	r->reason = sqlite3_column_type(stmt, 12) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(stmt, 12);
	r->decided_by = rr_col_str(stmt, 13);
	r->decided_at = sqlite3_column_int64(stmt, 14);
	r->note = rr_col_str(stmt, 15);
	if (r->issuer == NULL || r->serial == NULL || r->description == NULL ||
	    r->contact == NULL || r->source == NULL || kind < 0 || state < 0) {
		log_error("store: problem report row damaged or out of memory");
		store_report_free(r);
		return NULL;
	}
	r->kind = (enum store_report_kind)kind;
	r->state = (enum store_report_state)state;
	return r;
}

int
store_report_get(struct store *st, int64_t id, struct store_report **out)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*out = NULL;
	if ((stmt = sq_prepare(st, "SELECT " RP_COLUMNS "WHERE id = ?1")) ==
	    NULL)
		return 0;
	if (rr_int(stmt, 1, id)) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			ok = (*out = rp_read(stmt)) != NULL;
		else if (rc == SQLITE_DONE)
			ok = 1;
		else
			log_error("store: problem report: %s",
			    sqlite3_errmsg(store_sqlite_handle(st)));
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_report_each(struct store *st, int pending_only, int64_t limit,
    store_report_fn fn, void *arg)
{
	struct store_report *r;
	sqlite3_stmt *stmt;
	int rc, ok = 1;

	if ((stmt = sq_prepare(st, "SELECT " RP_COLUMNS "WHERE ?1 = 0 OR "
	    "state = 'pending' ORDER BY id LIMIT ?2")) == NULL)
		return 0;
	if (!rr_int(stmt, 1, pending_only ? 1 : 0) || !rr_int(stmt, 2, limit)) {
		sqlite3_finalize(stmt);
		return 0;
	}
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((r = rp_read(stmt)) == NULL) {
			ok = 0;
			break;
		}
		ok = fn(r, arg);
		store_report_free(r);
	}
	if (ok && rc != SQLITE_DONE) {
		log_error("store: problem reports: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
		ok = 0;
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_report_decide(struct store *st, int64_t id,
    enum store_report_state state, int reason, const char *by, int64_t at,
    const char *note, int *changed)
{
	sqlite3_stmt *stmt;
	int changes = 0, ok = 0;

	*changed = 0;
	if (state == STORE_REPORT_PENDING || state >= STORE_REPORT_STATE_MAX ||
	    !rr_text_ok("by", by, 0) || !rr_text_ok("note", note, 1))
		return 0;
	if ((stmt = sq_prepare(st, "UPDATE ra_problem_reports SET state = ?2, "
	    "reason = ?3, decided_by = ?4, decided_at = ?5, decision_note = "
	    "?6 WHERE id = ?1 AND state = 'pending'")) == NULL)
		return 0;
	if (rr_int(stmt, 1, id) && sq_text(stmt, 2, rp_state_names[state]) &&
	    (reason >= 0 ? rr_int(stmt, 3, reason) :
	    sqlite3_bind_null(stmt, 3) == SQLITE_OK) &&
	    sq_text(stmt, 4, by) && rr_int(stmt, 5, at) &&
	    sq_text(stmt, 6, note))
		ok = rr_done(st, stmt, "problem report", &changes);
	sqlite3_finalize(stmt);
	*changed = changes == 1;
	return ok;
}
