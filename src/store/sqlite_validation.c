#include "store/store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util/log.h"

/*
 * The e-mail control validations of the SQLite store (store.h, "RA:
 * e-mail control validations"). Rare next to issuance: statements are
 * prepared per call. The move from an open state to a final one is one
 * conditional UPDATE, so two confirmations racing on one random value
 * cannot both succeed (single use, CP-3.2.7).
 */

#define V_COLUMNS							\
	"id, method, requirement, email, domain, target, evidence, "	\
	"evidence_ref, value_hash, started_by, created_at, "		\
	"coalesce(sent_at, 0), coalesce(completed_at, 0), expires_at, "	\
	"state, outcome, attempts FROM ra_validations "

static char *
v_col(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	return t == NULL ? NULL : strdup((const char *)t);
}

void
store_validation_free(struct store_validation *v)
{
	if (v == NULL)
		return;
	free(v->id); free(v->method); free(v->requirement); free(v->email);
	free(v->domain); free(v->target); free(v->evidence);
	free(v->evidence_ref); free(v->started_by); free(v->state);
	free(v->outcome);
	free(v);
}

static struct store_validation *
v_read(sqlite3_stmt *stmt)
{
	struct store_validation *v;
	const void *h;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	v->id = v_col(stmt, 0);
	v->method = v_col(stmt, 1);
	v->requirement = v_col(stmt, 2);
	v->email = v_col(stmt, 3);
	v->domain = v_col(stmt, 4);
	v->target = v_col(stmt, 5);
	v->evidence = v_col(stmt, 6);
	v->evidence_ref = v_col(stmt, 7);
	if ((h = sqlite3_column_blob(stmt, 8)) != NULL &&
	    sqlite3_column_bytes(stmt, 8) == STORE_VALIDATION_HASH_LEN) {
		memcpy(v->value_hash, h, STORE_VALIDATION_HASH_LEN);
		v->has_value = 1;
	}
	v->started_by = v_col(stmt, 9);
	v->created_at = sqlite3_column_int64(stmt, 10);
	v->sent_at = sqlite3_column_int64(stmt, 11);
	v->completed_at = sqlite3_column_int64(stmt, 12);
	v->expires_at = sqlite3_column_int64(stmt, 13);
	v->state = v_col(stmt, 14);
	v->outcome = v_col(stmt, 15);
	v->attempts = sqlite3_column_int64(stmt, 16);
	if (v->id == NULL || v->method == NULL || v->requirement == NULL ||
	    v->domain == NULL || v->target == NULL || v->evidence == NULL ||
	    v->evidence_ref == NULL || v->started_by == NULL ||
	    v->state == NULL || v->outcome == NULL) {
		log_error("store: validation row damaged or out of memory");
		store_validation_free(v);
		return NULL;
	}
	return v;
}

/* Runs stmt (taken) for at most one row into *out. */
static int
v_one(struct store *st, sqlite3_stmt *stmt, struct store_validation **out)
{
	int rc, ok = 0;

	*out = NULL;
	if (stmt == NULL)
		return 0;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		ok = (*out = v_read(stmt)) != NULL;
	else if (rc == SQLITE_DONE)
		ok = 1;
	else
		log_error("store: validation: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
	sqlite3_finalize(stmt);
	return ok;
}

int
store_validation_insert(struct store *st, const struct store_validation *v)
{
	sqlite3_stmt *stmt;
	int ok;

	stmt = sq_prepare(st, "INSERT INTO ra_validations (id, method, "
	    "requirement, email, domain, target, evidence, evidence_ref, "
	    "value_hash, started_by, created_at, sent_at, completed_at, "
	    "expires_at, state, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?)");
	if (stmt == NULL)
		return 0;
	ok = sq_text(stmt, 1, v->id) && sq_text(stmt, 2, v->method) &&
	    sq_text(stmt, 3, v->requirement) && sq_text(stmt, 4, v->email) &&
	    sq_text(stmt, 5, v->domain) &&
	    sq_text(stmt, 6, v->target != NULL ? v->target : "") &&
	    sq_text(stmt, 7, v->evidence != NULL ? v->evidence : "") &&
	    sq_text(stmt, 8, v->evidence_ref != NULL ? v->evidence_ref : "") &&
	    (v->has_value ? sqlite3_bind_blob(stmt, 9, v->value_hash,
	    STORE_VALIDATION_HASH_LEN, SQLITE_STATIC) :
	    sqlite3_bind_null(stmt, 9)) == SQLITE_OK &&
	    sq_text(stmt, 10, v->started_by) &&
	    sqlite3_bind_int64(stmt, 11, v->created_at) == SQLITE_OK &&
	    (v->sent_at != 0 ? sqlite3_bind_int64(stmt, 12, v->sent_at) :
	    sqlite3_bind_null(stmt, 12)) == SQLITE_OK &&
	    (v->completed_at != 0 ? sqlite3_bind_int64(stmt, 13,
	    v->completed_at) : sqlite3_bind_null(stmt, 13)) == SQLITE_OK &&
	    sqlite3_bind_int64(stmt, 14, v->expires_at) == SQLITE_OK &&
	    sq_text(stmt, 15, v->state) &&
	    sq_text(stmt, 16, v->outcome != NULL ? v->outcome : "");
	if (ok && sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("store: validation %s: %s", v->id,
		    sqlite3_errmsg(store_sqlite_handle(st)));
		ok = 0;
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_validation_get(struct store *st, const char *id,
    struct store_validation **out)
{
	sqlite3_stmt *stmt = sq_prepare(st, "SELECT " V_COLUMNS
	    "WHERE id = ?");

	if (stmt != NULL && !sq_text(stmt, 1, id)) {
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	return v_one(st, stmt, out);
}

int
store_validation_by_hash(struct store *st,
    const unsigned char hash[STORE_VALIDATION_HASH_LEN],
    struct store_validation **out)
{
	sqlite3_stmt *stmt = sq_prepare(st, "SELECT " V_COLUMNS
	    "WHERE value_hash = ?");

	if (stmt != NULL && sqlite3_bind_blob(stmt, 1, hash,
	    STORE_VALIDATION_HASH_LEN, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	return v_one(st, stmt, out);
}

int
store_validation_move(struct store *st, const char *id, const char *state,
    int64_t at, const char *outcome, int need_live, int *changed)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt;
	int ok;

	*changed = 0;
	stmt = sq_prepare(st, "UPDATE ra_validations SET state = ?1, "
	    "outcome = ?3, "
	    "sent_at = CASE WHEN ?1 = 'sent' THEN ?2 ELSE sent_at END, "
	    "completed_at = CASE WHEN ?1 = 'completed' THEN ?2 "
	    "  ELSE completed_at END "
	    "WHERE id = ?4 AND state IN ('pending', 'sent') "
	    "AND (?5 = 0 OR expires_at > ?2)");
	if (stmt == NULL)
		return 0;
	ok = sq_text(stmt, 1, state) &&
	    sqlite3_bind_int64(stmt, 2, at) == SQLITE_OK &&
	    sq_text(stmt, 3, outcome != NULL ? outcome : "") &&
	    sq_text(stmt, 4, id) &&
	    sqlite3_bind_int(stmt, 5, need_live) == SQLITE_OK;
	if (ok && sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("store: validation %s: %s", id, sqlite3_errmsg(db));
		ok = 0;
	}
	if (ok)
		*changed = sqlite3_changes(db) == 1;
	sqlite3_finalize(stmt);
	return ok;
}

int
store_validation_attempt(struct store *st, const char *id,
    const char *outcome)
{
	sqlite3_stmt *stmt;
	int ok;

	stmt = sq_prepare(st, "UPDATE ra_validations SET attempts = "
	    "attempts + 1, outcome = ? WHERE id = ? AND state IN "
	    "('pending', 'sent')");
	if (stmt == NULL)
		return 0;
	ok = sq_text(stmt, 1, outcome) && sq_text(stmt, 2, id) &&
	    sqlite3_step(stmt) == SQLITE_DONE;
	if (!ok)
		log_error("store: validation %s: %s", id,
		    sqlite3_errmsg(store_sqlite_handle(st)));
	sqlite3_finalize(stmt);
	return ok;
}

int
store_validation_current(struct store *st, const char *email,
    int64_t mailbox_since, const char *domain, int64_t domain_since,
    int64_t now, struct store_validation **out)
{
	sqlite3_stmt *stmt;

	stmt = sq_prepare(st, "SELECT " V_COLUMNS "WHERE state = 'completed' "
	    "AND created_at <= ?5 AND completed_at <= ?5 AND ("
	    "(method = 'mailbox' AND email = ?1 AND created_at >= ?2) OR "
	    "(method != 'mailbox' AND domain = ?3 AND created_at >= ?4)) "
	    "ORDER BY completed_at DESC, id LIMIT 1");
	if (stmt != NULL && !(sq_text(stmt, 1, email) &&
	    sqlite3_bind_int64(stmt, 2, mailbox_since) == SQLITE_OK &&
	    sq_text(stmt, 3, domain) &&
	    sqlite3_bind_int64(stmt, 4, domain_since) == SQLITE_OK &&
	    sqlite3_bind_int64(stmt, 5, now) == SQLITE_OK)) {
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	return v_one(st, stmt, out);
}

int
store_validation_each(struct store *st, int64_t limit,
    store_validation_fn fn, void *arg)
{
	struct store_validation *v;
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE, ok = 1;

	stmt = sq_prepare(st, "SELECT " V_COLUMNS
	    "ORDER BY created_at DESC, id LIMIT ?");
	if (stmt == NULL)
		return 0;
	if (sqlite3_bind_int64(stmt, 1, limit > 0 ? limit : -1) !=
	    SQLITE_OK) {
		sqlite3_finalize(stmt);
		return 0;
	}
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((v = v_read(stmt)) == NULL) {
			ok = 0;
			break;
		}
		ok = fn(v, arg);
		store_validation_free(v);
	}
	if (ok && rc != SQLITE_DONE) {
		log_error("store: validations: %s",
		    sqlite3_errmsg(store_sqlite_handle(st)));
		ok = 0;
	}
	sqlite3_finalize(stmt);
	return ok;
}
