#include "store/store_impl.h"

#include <string.h>

#include <sqlite3.h>

#include "util/log.h"

/*
 * The audit log in SQLite (tables audit_log and audit_checkpoints, schema
 * version 4). These calls are rare next to issuance, so each prepares its
 * statement when called. They run on the store's connection: inside
 * store_begin() they join the caller's transaction.
 */

#define AUDIT_COLUMNS							\
	"seq, time, type, actor, role, auth, source, object, outcome, "	\
	"detail, prev_hash, hash"

static int
audit_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v2(db, sql, -1, stmt, NULL) != SQLITE_OK) {
		log_error("store: audit log: %s", sqlite3_errmsg(db));
		return 0;
	}
	return 1;
}

static void
audit_copy32(sqlite3_stmt *stmt, int col, unsigned char out[32])
{
	const void *p = sqlite3_column_blob(stmt, col);
	int n = sqlite3_column_bytes(stmt, col);

	/* A damaged length leaves zeros, which no check accepts. */
	memset(out, 0, 32);
	if (p != NULL && n > 0)
		memcpy(out, p, n < 32 ? (size_t)n : 32);
}

/*
 * The chain's head: the newest record, or after a purge that kept none,
 * the purge checkpoint (so numbering and chaining go on from it). The
 * first query runs with every audit record: it stays prepared.
 */
static int
audit_read_head(struct store *st, int64_t *seq, unsigned char hash[32])
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt;
	int rc;

	*seq = 0;
	memset(hash, 0, 32);
	if ((stmt = store_sqlite_ext_stmt(st, STORE_SQLITE_EXT_AUDIT_HEAD,
	    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")) ==
	    NULL)
		return 0;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(stmt, 0);
		audit_copy32(stmt, 1, hash);
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE) {
		if (!audit_prepare(db, "SELECT seq, head_hash FROM "
		    "audit_checkpoints WHERE kind = 'purge' ORDER BY seq DESC "
		    "LIMIT 1", &stmt))
			return 0;
		if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			*seq = sqlite3_column_int64(stmt, 0);
			audit_copy32(stmt, 1, hash);
		}
		sqlite3_finalize(stmt);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_error("store: audit log: %s", sqlite3_errmsg(db));
		return 0;
	}
	return 1;
}

static int
audit_bind_text(sqlite3_stmt *stmt, int i, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(stmt, i) == SQLITE_OK;
	return sqlite3_bind_text(stmt, i, text, -1, SQLITE_STATIC) ==
	    SQLITE_OK;
}

static int
audit_insert(struct store *st, const struct store_audit *rec)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt;
	int ok = 0;

	if ((stmt = store_sqlite_ext_stmt(st, STORE_SQLITE_EXT_AUDIT_INSERT,
	    "INSERT INTO audit_log (" AUDIT_COLUMNS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")) ==
	    NULL)
		return 0;
	if (sqlite3_bind_int64(stmt, 1, rec->seq) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, rec->time) != SQLITE_OK ||
	    !audit_bind_text(stmt, 3, rec->type) ||
	    !audit_bind_text(stmt, 4, rec->actor) ||
	    !audit_bind_text(stmt, 5, rec->role) ||
	    !audit_bind_text(stmt, 6, rec->auth) ||
	    !audit_bind_text(stmt, 7, rec->source) ||
	    !audit_bind_text(stmt, 8, rec->object) ||
	    !audit_bind_text(stmt, 9, rec->outcome) ||
	    !audit_bind_text(stmt, 10, rec->detail) ||
	    sqlite3_bind_blob(stmt, 11, rec->prev_hash, 32, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(stmt, 12, rec->hash, 32, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("store: audit record %lld: %s", (long long)rec->seq,
		    sqlite3_errmsg(db));
		goto out;
	}
	ok = 1;
 out:
	/* Cached: reset, and drop the pointers into the caller's record. */
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return ok;
}

int
sqlite_audit_append(struct store *st, struct store_audit *rec,
    store_audit_seal_fn seal, void *arg)
{
	sqlite3 *db = store_sqlite_handle(st);
	int own = sqlite3_get_autocommit(db), ok = 0;

	/* IMMEDIATE: the head read and the insert are one step. */
	if (own && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		log_error("store: audit log: cannot lock: %s",
		    sqlite3_errmsg(db));
		return 0;
	}
	if (!audit_read_head(st, &rec->seq, rec->prev_hash))
		goto out;
	rec->seq++;
	if (!seal(rec, arg) || !audit_insert(st, rec))
		goto out;
	if (own && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_error("store: audit log: cannot commit: %s",
		    sqlite3_errmsg(db));
		goto out;
	}
	ok = 1;
 out:
	if (!ok && own && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return ok;
}

int
sqlite_audit_head(struct store *st, int64_t *seq, unsigned char *hash)
{
	return audit_read_head(st, seq, hash);
}

int
sqlite_audit_first(struct store *st, int64_t *seq, unsigned char *prev_hash)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt = NULL;
	int rc;

	*seq = 0;
	memset(prev_hash, 0, 32);
	if (!audit_prepare(db, "SELECT seq, prev_hash FROM audit_log "
	    "ORDER BY seq LIMIT 1", &stmt))
		return 0;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(stmt, 0);
		audit_copy32(stmt, 1, prev_hash);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		log_error("store: audit log: %s", sqlite3_errmsg(db));
		return 0;
	}
	return 1;
}

static char *
audit_column_text(sqlite3_stmt *stmt, int col)
{
	return (char *)sqlite3_column_text(stmt, col);
}

int
sqlite_audit_each(struct store *st, int64_t from_seq, int64_t since,
    store_audit_fn fn, void *arg)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt = NULL;
	struct store_audit r;
	int rc, ok = 0;

	if (!audit_prepare(db, "SELECT " AUDIT_COLUMNS " FROM audit_log "
	    "WHERE seq >= ?1 AND time >= ?2 ORDER BY seq", &stmt))
		return 0;
	if (sqlite3_bind_int64(stmt, 1, from_seq) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, since) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.seq = sqlite3_column_int64(stmt, 0);
		r.time = sqlite3_column_int64(stmt, 1);
		r.type = audit_column_text(stmt, 2);
		r.actor = audit_column_text(stmt, 3);
		r.role = audit_column_text(stmt, 4);
		r.auth = audit_column_text(stmt, 5);
		r.source = audit_column_text(stmt, 6);
		r.object = audit_column_text(stmt, 7);
		r.outcome = audit_column_text(stmt, 8);
		r.detail = audit_column_text(stmt, 9);
		audit_copy32(stmt, 10, r.prev_hash);
		audit_copy32(stmt, 11, r.hash);
		if (!fn(&r, arg))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		log_error("store: audit log: %s", sqlite3_errmsg(db));
		goto out;
	}
	ok = 1;
 out:
	sqlite3_finalize(stmt);
	return ok;
}

int
sqlite_audit_checkpoint_insert(struct store *st,
    const struct store_audit_checkpoint *cp)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt = NULL;
	int ok = 0;

	if (!audit_prepare(db, "INSERT INTO audit_checkpoints (seq, "
	    "head_hash, time, kind, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
	    &stmt))
		return 0;
	if (sqlite3_bind_int64(stmt, 1, cp->seq) != SQLITE_OK ||
	    sqlite3_bind_blob(stmt, 2, cp->head_hash, 32, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(stmt, 3, cp->time) != SQLITE_OK ||
	    !audit_bind_text(stmt, 4, cp->kind) ||
	    sqlite3_bind_blob(stmt, 5, cp->sig, (int)cp->sig_len,
	    SQLITE_STATIC) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("store: audit checkpoint %lld: %s",
		    (long long)cp->seq, sqlite3_errmsg(db));
		goto out;
	}
	ok = 1;
 out:
	sqlite3_finalize(stmt);
	return ok;
}

int
sqlite_audit_checkpoint_each(struct store *st, store_audit_checkpoint_fn fn,
    void *arg)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt = NULL;
	struct store_audit_checkpoint cp;
	int rc, ok = 0;

	if (!audit_prepare(db, "SELECT seq, head_hash, time, kind, signature "
	    "FROM audit_checkpoints ORDER BY seq, kind", &stmt))
		return 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&cp, 0, sizeof(cp));
		cp.seq = sqlite3_column_int64(stmt, 0);
		audit_copy32(stmt, 1, cp.head_hash);
		cp.time = sqlite3_column_int64(stmt, 2);
		cp.kind = audit_column_text(stmt, 3);
		cp.sig = (unsigned char *)sqlite3_column_blob(stmt, 4);
		cp.sig_len = (size_t)sqlite3_column_bytes(stmt, 4);
		if (cp.kind == NULL)
			cp.kind = "";
		if (!fn(&cp, arg))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		log_error("store: audit checkpoints: %s", sqlite3_errmsg(db));
		goto out;
	}
	ok = 1;
 out:
	sqlite3_finalize(stmt);
	return ok;
}

int
sqlite_audit_checkpoint_last(struct store *st, int64_t *seq)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt = NULL;
	int rc;

	*seq = 0;
	/* The primary key gives max(seq) without a scan. */
	if (!audit_prepare(db, "SELECT max(seq) FROM audit_checkpoints",
	    &stmt))
		return 0;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(stmt, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		log_error("store: audit checkpoints: %s", sqlite3_errmsg(db));
		return 0;
	}
	return 1;
}

int
sqlite_audit_purge(struct store *st, int64_t upto)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt[2] = { NULL, NULL };
	int ok = 0;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		log_error("store: audit purge: cannot lock: %s",
		    sqlite3_errmsg(db));
		return 0;
	}
	if (!audit_prepare(db, "DELETE FROM audit_log WHERE seq <= ?1",
	    &stmt[0]) || !audit_prepare(db, "DELETE FROM audit_checkpoints "
	    "WHERE seq < ?1", &stmt[1]))
		goto out;
	for (int i = 0; i < 2; i++)
		if (sqlite3_bind_int64(stmt[i], 1, upto) != SQLITE_OK ||
		    sqlite3_step(stmt[i]) != SQLITE_DONE) {
			log_error("store: audit purge up to %lld: %s",
			    (long long)upto, sqlite3_errmsg(db));
			goto out;
		}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_error("store: audit purge: cannot commit: %s",
		    sqlite3_errmsg(db));
		goto out;
	}
	ok = 1;
 out:
	sqlite3_finalize(stmt[0]);
	sqlite3_finalize(stmt[1]);
	if (!ok && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return ok;
}

int
sqlite_crl_each_between(struct store *st, int64_t from, int64_t to,
    store_crl_fn fn, void *arg)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt = NULL;
	struct store_crl c;
	int rc, ok = 0;

	if (!audit_prepare(db, "SELECT issuer, number, this_update, "
	    "next_update, der FROM crls WHERE this_update BETWEEN ?1 AND ?2 "
	    "ORDER BY issuer, number", &stmt))
		return 0;
	if (sqlite3_bind_int64(stmt, 1, from) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, to) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.issuer = audit_column_text(stmt, 0);
		c.number = sqlite3_column_int64(stmt, 1);
		c.this_update = sqlite3_column_int64(stmt, 2);
		c.next_update = sqlite3_column_int64(stmt, 3);
		c.der = (unsigned char *)sqlite3_column_blob(stmt, 4);
		c.der_len = (size_t)sqlite3_column_bytes(stmt, 4);
		if (c.issuer == NULL || !fn(&c, arg))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		log_error("store: CRLs: %s", sqlite3_errmsg(db));
		goto out;
	}
	ok = 1;
 out:
	sqlite3_finalize(stmt);
	return ok;
}
