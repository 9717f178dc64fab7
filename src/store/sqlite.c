#include "store/store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util/log.h"

/*
 * The SQLite back end: one connection per process (SQLITE_OPEN_NOMUTEX; a
 * struct store is not shared between threads, nor carried across fork),
 * in WAL mode with synchronous=FULL so that a commit is on disk when it
 * returns. Statements are prepared once per connection and reset after
 * each use, since intents and completions are the issuance hot path.
 * Outside store_begin() every operation is a single statement, which
 * SQLite runs as a transaction of its own.
 */

/* RETURNING (3.35) and STRICT tables (3.37). */
#define SQLITE_MIN_VERSION	3037000
#if SQLITE_VERSION_NUMBER < SQLITE_MIN_VERSION
#error "inkan needs SQLite 3.37 or later"
#endif

/* Wait this long for another process's write lock before failing. */
#define SQLITE_BUSY_MS		10000

/* Rows read per statement by the store_cert_each_* walks. */
#define SQLITE_EACH_BATCH	64

/* "certificate " + name + "/" + serial, with room to spare. */
#define SQLITE_OBJ_MAX		160

enum sqlite_stmt_id {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_VERSION_GET,
	STMT_CA_INSERT,
	STMT_CA_GET,
	STMT_CERT_INTENT,
	STMT_CERT_ISSUED,
	STMT_CERT_ABORT,
	STMT_CERT_GET,
	STMT_CERT_STATE,
	STMT_CERT_EACH,
	STMT_CERT_EACH_CA,
	STMT_CERT_REVOKE,
	STMT_CERT_FIND_SERIAL,
	STMT_CERT_NEEDING_OCSP,
	STMT_CERT_COUNT,
	STMT_REVOKED_EACH,
	STMT_CRL_INSERT,
	STMT_CRL_MAX_NUMBER,
	STMT_CRL_LATEST,
	STMT_CRL_LATEST_INFO,
	STMT_OCSP_PUT,
	STMT_OCSP_GET,
	STMT_OCSP_EACH,
	STMT_OCSP_SINCE,
	STMT_OCSP_DUE,
	STMT_COUNTER_NEXT,
	STMT_MAX
};

#define SQLITE_CERT_COLUMNS						\
	"id, issuer, serial, state, tbs_sha256, profile, subject, "	\
	"subject_ca, not_before, not_after, der, status, revoked_at, "	\
	"reason, invalidity_at, intent_at, issued_at"

/* Column numbers of SQLITE_CERT_COLUMNS. */
enum sqlite_cert_col {
	COL_ID, COL_ISSUER, COL_SERIAL, COL_STATE, COL_TBS, COL_PROFILE,
	COL_SUBJECT, COL_SUBJECT_CA, COL_NOT_BEFORE, COL_NOT_AFTER, COL_DER,
	COL_STATUS, COL_REVOKED_AT, COL_REASON, COL_INVALIDITY_AT,
	COL_INTENT_AT, COL_ISSUED_AT
};

/*
 * Whether a certificate is still covered by the status services, given a
 * struct store_status_scope bound at ?A (keep_profile), ?B
 * (keep_expired_before) and ?C (expired_before).
 */
#define SQLITE_IN_SCOPE(a, b, c)					\
	"not_after >= CASE WHEN profile = " a " THEN " b " ELSE " c " END"

#define SQLITE_OCSP_COLUMNS						\
	"issuer, serial, hash_alg, der, this_update, next_update, "	\
	"produced_at"

/* Column numbers of SQLITE_OCSP_COLUMNS, then the rowid walks page by. */
enum sqlite_ocsp_col {
	OCOL_ISSUER, OCOL_SERIAL, OCOL_HASH_ALG, OCOL_DER, OCOL_THIS_UPDATE,
	OCOL_NEXT_UPDATE, OCOL_PRODUCED_AT, OCOL_ROWID
};

static const char *const sqlite_stmt_sql[STMT_MAX] = {
	/*
	 * IMMEDIATE: take the write lock now, so writers queue at begin
	 * and never fail later on a lock upgrade.
	 */
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	[STMT_VERSION_GET] = "SELECT version FROM schema_version WHERE id = 1",
	[STMT_CA_INSERT] = "INSERT INTO cas (name, kind, key_name, parent, "
	    "subject_der, spki_der, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STMT_CA_GET] = "SELECT name, kind, key_name, parent, subject_der, "
	    "spki_der, created_at FROM cas WHERE name = ?1",
	[STMT_CERT_INTENT] = "INSERT INTO certificates (issuer, serial, "
	    "state, tbs_sha256, profile, subject, subject_ca, not_before, "
	    "not_after, intent_at) "
	    "VALUES (?1, ?2, 'intent', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_CERT_ISSUED] = "UPDATE certificates "
	    "SET state = 'issued', der = ?3, issued_at = ?4 "
	    "WHERE issuer = ?1 AND serial = ?2 AND state = 'intent'",
	[STMT_CERT_ABORT] = "UPDATE certificates SET state = 'aborted' "
	    "WHERE issuer = ?1 AND serial = ?2 AND state = 'intent'",
	[STMT_CERT_GET] = "SELECT " SQLITE_CERT_COLUMNS " FROM certificates "
	    "WHERE issuer = ?1 AND serial = ?2",
	[STMT_CERT_STATE] = "SELECT state, status FROM certificates "
	    "WHERE issuer = ?1 AND serial = ?2",
	/*
	 * Keyset paging: each batch resumes after the last row seen,
	 * whatever the callbacks changed meanwhile.
	 */
	[STMT_CERT_EACH] = "SELECT " SQLITE_CERT_COLUMNS " FROM certificates "
	    "WHERE state = ?1 AND (intent_at, id) > (?2, ?3) "
	    "ORDER BY intent_at, id LIMIT ?4",
	[STMT_CERT_EACH_CA] = "SELECT " SQLITE_CERT_COLUMNS " "
	    "FROM certificates "
	    "WHERE subject_ca = ?1 AND (intent_at, id) > (?2, ?3) "
	    "ORDER BY intent_at, id LIMIT ?4",
	/*
	 * The WHERE holds the allowed moves (store.h); the trigger
	 * certificates_status_forward holds them for everyone else.
	 */
	[STMT_CERT_REVOKE] = "UPDATE certificates SET status = ?3, "
	    "revoked_at = ?4, reason = ?5, invalidity_at = ?6 "
	    "WHERE issuer = ?1 AND serial = ?2 AND state = 'issued' AND "
	    "(status = 'good' OR (status = 'hold' AND ?3 = 'revoked'))",
	/*
	 * One probe of UNIQUE (issuer, serial) per CA, so that no index
	 * on serial alone slows issuance down; the few rows found are
	 * sorted.
	 */
	[STMT_CERT_FIND_SERIAL] = "SELECT " SQLITE_CERT_COLUMNS " "
	    "FROM certificates "
	    "WHERE issuer IN (SELECT name FROM cas) AND serial = ?1 AND "
	    "(intent_at, id) > (?2, ?3) ORDER BY intent_at, id LIMIT ?4",
	/*
	 * A response older than the revocation, or the hold, still gives
	 * the old status; one produced in the same second may have read the
	 * status just before the change, so it is signed again too. Rows have
	 * revoked_at NULL while good.
	 */
	[STMT_CERT_NEEDING_OCSP] = "SELECT " SQLITE_CERT_COLUMNS " "
	    "FROM certificates AS c "
	    "WHERE c.issuer = ?1 AND c.state = 'issued' AND "
	    SQLITE_IN_SCOPE("?6", "?7", "?8") " AND "
	    "(c.intent_at, c.id) > (?2, ?3) AND NOT EXISTS (SELECT 1 "
	    "FROM ocsp_responses AS o WHERE o.issuer = c.issuer AND "
	    "o.serial = c.serial AND o.hash_alg = ?5 AND "
	    "o.produced_at > coalesce(c.revoked_at, -1)) "
	    "ORDER BY c.intent_at, c.id LIMIT ?4",
	[STMT_CERT_COUNT] = "SELECT count(*) FROM certificates "
	    "WHERE issuer = ?1",
	/*
	 * The WHERE repeats the one of the partial index
	 * certificates_revoked, which holds every column read here: SQLite
	 * uses a partial index only when the query implies its WHERE. The
	 * index is ordered by (issuer, serial), so ORDER BY serial costs no
	 * sort; the CRL builder then sorts nothing when all serials have
	 * one length.
	 */
	[STMT_REVOKED_EACH] = "SELECT serial, revoked_at, reason, "
	    "invalidity_at, not_after FROM certificates "
	    "WHERE issuer = ?1 AND status != 'good' AND state = 'issued' AND "
	    SQLITE_IN_SCOPE("?2", "?3", "?4") " ORDER BY serial",
	[STMT_CRL_INSERT] = "INSERT INTO crls (issuer, number, "
	    "this_update, next_update, der, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, "
	    "CAST(strftime('%s', 'now') AS INTEGER))",
	[STMT_CRL_MAX_NUMBER] = "SELECT max(number) FROM crls "
	    "WHERE issuer = ?1",
	[STMT_CRL_LATEST] = "SELECT issuer, number, this_update, "
	    "next_update, der FROM crls WHERE issuer = ?1 "
	    "ORDER BY number DESC LIMIT 1",
	/* The primary key (issuer, number) finds it; the DER is not read. */
	[STMT_CRL_LATEST_INFO] = "SELECT number, this_update FROM crls "
	    "WHERE issuer = ?1 ORDER BY number DESC LIMIT 1",
	/*
	 * A refresh replaces the response unless the stored one was
	 * produced later (store.h): sqlite3_changes() then says 0.
	 */
	[STMT_OCSP_PUT] = "INSERT INTO ocsp_responses (" SQLITE_OCSP_COLUMNS
	    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	    "ON CONFLICT (issuer, serial, hash_alg) DO UPDATE "
	    "SET der = excluded.der, this_update = excluded.this_update, "
	    "next_update = excluded.next_update, "
	    "produced_at = excluded.produced_at "
	    "WHERE excluded.produced_at >= ocsp_responses.produced_at",
	[STMT_OCSP_GET] = "SELECT " SQLITE_OCSP_COLUMNS " "
	    "FROM ocsp_responses "
	    "WHERE issuer = ?1 AND serial = ?2 AND hash_alg = ?3",
	[STMT_OCSP_EACH] = "SELECT " SQLITE_OCSP_COLUMNS " "
	    "FROM ocsp_responses WHERE issuer = ?1 ORDER BY serial, hash_alg",
	[STMT_OCSP_SINCE] = "SELECT " SQLITE_OCSP_COLUMNS " "
	    "FROM ocsp_responses WHERE produced_at >= ?1 ORDER BY produced_at",
	[STMT_OCSP_DUE] = "SELECT " SQLITE_OCSP_COLUMNS ", rowid "
	    "FROM ocsp_responses WHERE next_update < ?1 AND "
	    "(next_update, rowid) > (?2, ?3) "
	    "ORDER BY next_update, rowid LIMIT ?4",
	/*
	 * At the top, value + 1 would overflow into a float; the WHERE
	 * makes that "no row", reported as exhausted.
	 */
	[STMT_COUNTER_NEXT] = "INSERT INTO counters (name, value) "
	    "VALUES (?1, 1) ON CONFLICT (name) DO UPDATE "
	    "SET value = value + 1 WHERE value < 9223372036854775807 "
	    "RETURNING value",
};

struct store_sqlite {
	struct store	 base;		/* first: struct store * casts here */
	sqlite3		*db;
	char		*path;
	int		 in_txn;	/* between store_begin and its end */
	const char	*walking;	/* the lean walk whose callback runs */
	sqlite3_stmt	*stmt[STMT_MAX];
	sqlite3_stmt	*ext[STORE_SQLITE_EXT_MAX];
};

static const struct store_ops sqlite_ops;

static struct store_sqlite *
sqlite_of(struct store *st)
{
	return (struct store_sqlite *)st;
}

/*
 * The cached statement id, prepared on first use. Also the one place
 * that notices a transaction SQLite rolled back on its own (after an I/O
 * error or a full disk): later calls would otherwise each commit alone,
 * silently splitting what the caller meant as one unit.
 */
static sqlite3_stmt *
sqlite_stmt(struct store_sqlite *s, enum sqlite_stmt_id id)
{
	/*
	 * A lean walk's callback would reset the statement under it, or
	 * write beside a read in progress: store.h forbids it.
	 */
	if (s->walking != NULL) {
		log_error("store: %s: store called from inside %s", s->path,
		    s->walking);
		return NULL;
	}
	if (s->in_txn && sqlite3_get_autocommit(s->db)) {
		log_error("store: %s: transaction was rolled back after an "
		    "earlier error; roll back and start again", s->path);
		return NULL;
	}
	if (s->stmt[id] == NULL && sqlite3_prepare_v3(s->db,
	    sqlite_stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
	    NULL) != SQLITE_OK) {
		log_error("store: %s: cannot prepare statement: %s", s->path,
		    sqlite3_errmsg(s->db));
		return NULL;
	}
	return s->stmt[id];
}

/*
 * Makes stmt ready for its next use. Clearing the bindings also drops
 * the SQLITE_STATIC pointers into the caller's memory.
 */
static void
sqlite_stmt_done(sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* Binds text (NULL binds SQL NULL); store.c has bounded its length. */
static int
sqlite_bind_text(sqlite3_stmt *stmt, int i, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(stmt, i) == SQLITE_OK;
	return sqlite3_bind_text(stmt, i, text, (int)strlen(text),
	    SQLITE_STATIC) == SQLITE_OK;
}

static int
sqlite_bind_blob(sqlite3_stmt *stmt, int i, const void *data, size_t len)
{
	return sqlite3_bind_blob(stmt, i, data, (int)len, SQLITE_STATIC) ==
	    SQLITE_OK;
}

static void
sqlite_obj_cert(char obj[SQLITE_OBJ_MAX], const char *issuer,
    const char *serial)
{
	snprintf(obj, SQLITE_OBJ_MAX, "certificate %s/%s", issuer, serial);
}

/*
 * Logs why a statement about obj failed, in plain words for the
 * constraints callers are expected to meet.
 */
static void
sqlite_log_step(struct store_sqlite *s, const char *obj, int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		log_error("store: %s: already exists (%s)", obj,
		    sqlite3_errmsg(s->db));
		break;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		log_error("store: %s: names a CA that is not in the store",
		    obj);
		break;
	default:
		log_error("store: %s: %s", obj, sqlite3_errmsg(s->db));
		break;
	}
}

/* Runs a statement without parameters or rows (BEGIN, COMMIT...). */
static int
sqlite_run(struct store_sqlite *s, enum sqlite_stmt_id id, const char *what)
{
	sqlite3_stmt *stmt;
	int ok;

	if ((stmt = sqlite_stmt(s, id)) == NULL)
		return 0;
	if (!(ok = sqlite3_step(stmt) == SQLITE_DONE))
		log_error("store: %s: %s: %s", s->path, what,
		    sqlite3_errmsg(s->db));
	sqlite_stmt_done(stmt);
	return ok;
}

/* Copies a text column; SQL NULL gives NULL. */
static int
sqlite_column_str(sqlite3_stmt *stmt, int col, char **out)
{
	const unsigned char *text;
	size_t len;

	*out = NULL;
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return 1;
	if ((text = sqlite3_column_text(stmt, col)) == NULL)
		return 0;
	len = (size_t)sqlite3_column_bytes(stmt, col);
	if ((*out = malloc(len + 1)) == NULL)
		return 0;
	memcpy(*out, text, len);
	(*out)[len] = '\0';
	return 1;
}

/* Copies a blob column; SQL NULL or an empty blob gives NULL. */
static int
sqlite_column_blob(sqlite3_stmt *stmt, int col, unsigned char **out,
    size_t *len)
{
	const void *data;
	size_t n;

	*out = NULL;
	*len = 0;
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return 1;
	data = sqlite3_column_blob(stmt, col);
	if ((n = (size_t)sqlite3_column_bytes(stmt, col)) == 0)
		return 1;
	if (data == NULL || (*out = malloc(n)) == NULL)
		return 0;
	memcpy(*out, data, n);
	*len = n;
	return 1;
}

/* The text of a column as pointer and length, for the _parse helpers. */
static const char *
sqlite_column_view(sqlite3_stmt *stmt, int col, size_t *len)
{
	const char *text;

	text = (const char *)sqlite3_column_text(stmt, col);
	*len = text == NULL ? 0 : (size_t)sqlite3_column_bytes(stmt, col);
	return text == NULL ? "" : text;
}

static int
sqlite_schema_version(struct store *st, int *version)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	int ok = 0;

	if ((stmt = sqlite_stmt(s, STMT_VERSION_GET)) == NULL)
		return 0;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		log_error("store: %s: cannot read schema version: %s",
		    s->path, sqlite3_errmsg(s->db));
		goto out;
	}
	*version = sqlite3_column_int(stmt, 0);
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static int
sqlite_begin(struct store *st)
{
	struct store_sqlite *s = sqlite_of(st);

	if (s->in_txn) {
		log_error("store: %s: transaction already open; transactions "
		    "do not nest", s->path);
		return 0;
	}
	if (!sqlite_run(s, STMT_BEGIN, "cannot begin transaction"))
		return 0;
	s->in_txn = 1;
	return 1;
}

/*
 * Ends the transaction either way: if COMMIT fails, the transaction is
 * rolled back, so the caller never has to guess what is still open.
 */
static int
sqlite_commit(struct store *st)
{
	struct store_sqlite *s = sqlite_of(st);
	int ok = 0;

	if (!s->in_txn) {
		log_error("store: %s: commit without a transaction", s->path);
		return 0;
	}
	if (sqlite3_get_autocommit(s->db)) {
		log_error("store: %s: transaction was rolled back after an "
		    "earlier error; nothing committed", s->path);
		goto out;
	}
	if ((ok = sqlite_run(s, STMT_COMMIT, "cannot commit")))
		goto out;
	if (!sqlite3_get_autocommit(s->db) &&
	    sqlite_run(s, STMT_ROLLBACK, "cannot roll back"))
		log_error("store: %s: transaction rolled back", s->path);
 out:
	s->in_txn = 0;
	return ok;
}

static int
sqlite_rollback(struct store *st)
{
	struct store_sqlite *s = sqlite_of(st);
	int ok;

	/*
	 * Nothing open (a failed begin or commit ended it), or already
	 * undone by SQLite after an error: nothing left to do.
	 */
	if (!s->in_txn || sqlite3_get_autocommit(s->db)) {
		s->in_txn = 0;
		return 1;
	}
	ok = sqlite_run(s, STMT_ROLLBACK, "cannot roll back");
	s->in_txn = 0;
	return ok;
}

static int
sqlite_ca_insert(struct store *st, const struct store_ca *ca)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	snprintf(obj, sizeof(obj), "CA %s", ca->name);
	if ((stmt = sqlite_stmt(s, STMT_CA_INSERT)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, ca->name) ||
	    !sqlite_bind_text(stmt, 2, store_ca_kind_name(ca->kind)) ||
	    !sqlite_bind_text(stmt, 3, ca->key_name) ||
	    !sqlite_bind_text(stmt, 4, ca->parent) ||
	    !sqlite_bind_blob(stmt, 5, ca->subject_der, ca->subject_len) ||
	    !sqlite_bind_blob(stmt, 6, ca->spki_der, ca->spki_len) ||
	    sqlite3_bind_int64(stmt, 7, ca->created_at) != SQLITE_OK) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			log_error("store: %s: parent %s is not in the store",
			    obj, ca->parent);
		else
			sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static struct store_ca *
sqlite_ca_read(struct store_sqlite *s, sqlite3_stmt *stmt)
{
	struct store_ca *ca, *res = NULL;
	const char *kind;
	size_t len;

	if ((ca = calloc(1, sizeof(*ca))) == NULL ||
	    !sqlite_column_str(stmt, 0, &ca->name) ||
	    !sqlite_column_str(stmt, 2, &ca->key_name) ||
	    !sqlite_column_str(stmt, 3, &ca->parent) ||
	    !sqlite_column_blob(stmt, 4, &ca->subject_der, &ca->subject_len) ||
	    !sqlite_column_blob(stmt, 5, &ca->spki_der, &ca->spki_len)) {
		log_error("store: %s: out of memory", s->path);
		goto out;
	}
	kind = sqlite_column_view(stmt, 1, &len);
	if (ca->name == NULL || ca->key_name == NULL ||
	    ca->subject_der == NULL || ca->spki_der == NULL ||
	    !store_ca_kind_parse(kind, len, &ca->kind)) {
		log_error("store: %s: CA row damaged", s->path);
		goto out;
	}
	ca->created_at = sqlite3_column_int64(stmt, 6);
	res = ca;
	ca = NULL;
 out:
	store_ca_free(ca);
	return res;
}

static int
sqlite_ca_get(struct store *st, const char *name, struct store_ca **out)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	snprintf(obj, sizeof(obj), "CA %s", name);
	if ((stmt = sqlite_stmt(s, STMT_CA_GET)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, name)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((*out = sqlite_ca_read(s, stmt)) == NULL)
			goto out;
	} else if (rc != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

/* The parts of a certificate row that are enums or fixed-size. */
static int
sqlite_cert_read_fixed(sqlite3_stmt *stmt, struct store_cert *c)
{
	const void *tbs;
	const char *text;
	size_t len;

	text = sqlite_column_view(stmt, COL_STATE, &len);
	if (!store_cert_state_parse(text, len, &c->state))
		return 0;
	text = sqlite_column_view(stmt, COL_STATUS, &len);
	if (!store_cert_status_parse(text, len, &c->status))
		return 0;
	tbs = sqlite3_column_blob(stmt, COL_TBS);
	if (tbs == NULL ||
	    sqlite3_column_bytes(stmt, COL_TBS) != sizeof(c->tbs_sha256))
		return 0;
	memcpy(c->tbs_sha256, tbs, sizeof(c->tbs_sha256));
	c->id = sqlite3_column_int64(stmt, COL_ID);
	c->not_before = sqlite3_column_int64(stmt, COL_NOT_BEFORE);
	c->not_after = sqlite3_column_int64(stmt, COL_NOT_AFTER);
	/* NULL reads as 0, which store.h gives as "not yet". */
	c->revoked_at = sqlite3_column_int64(stmt, COL_REVOKED_AT);
	c->reason = sqlite3_column_type(stmt, COL_REASON) == SQLITE_NULL ?
	    -1 : sqlite3_column_int(stmt, COL_REASON);
	c->invalidity_at = sqlite3_column_int64(stmt, COL_INVALIDITY_AT);
	c->intent_at = sqlite3_column_int64(stmt, COL_INTENT_AT);
	c->issued_at = sqlite3_column_int64(stmt, COL_ISSUED_AT);
	return 1;
}

static struct store_cert *
sqlite_cert_read(struct store_sqlite *s, sqlite3_stmt *stmt)
{
	struct store_cert *c, *res = NULL;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    !sqlite_column_str(stmt, COL_ISSUER, &c->issuer) ||
	    !sqlite_column_str(stmt, COL_SERIAL, &c->serial) ||
	    !sqlite_column_str(stmt, COL_PROFILE, &c->profile) ||
	    !sqlite_column_str(stmt, COL_SUBJECT, &c->subject) ||
	    !sqlite_column_str(stmt, COL_SUBJECT_CA, &c->subject_ca) ||
	    !sqlite_column_blob(stmt, COL_DER, &c->der, &c->der_len)) {
		log_error("store: %s: out of memory", s->path);
		goto out;
	}
	if (c->issuer == NULL || c->serial == NULL || c->profile == NULL ||
	    c->subject == NULL || !sqlite_cert_read_fixed(stmt, c) ||
	    (c->state == STORE_CERT_ISSUED) != (c->der != NULL)) {
		log_error("store: %s: certificate row %lld damaged", s->path,
		    (long long)sqlite3_column_int64(stmt, COL_ID));
		goto out;
	}
	res = c;
	c = NULL;
 out:
	store_cert_free(c);
	return res;
}

static int
sqlite_cert_intent(struct store *st, const struct store_cert *cert)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	sqlite_obj_cert(obj, cert->issuer, cert->serial);
	if ((stmt = sqlite_stmt(s, STMT_CERT_INTENT)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, cert->issuer) ||
	    !sqlite_bind_text(stmt, 2, cert->serial) ||
	    !sqlite_bind_blob(stmt, 3, cert->tbs_sha256,
	    sizeof(cert->tbs_sha256)) ||
	    !sqlite_bind_text(stmt, 4, cert->profile) ||
	    !sqlite_bind_text(stmt, 5, cert->subject) ||
	    !sqlite_bind_text(stmt, 6, cert->subject_ca) ||
	    sqlite3_bind_int64(stmt, 7, cert->not_before) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 8, cert->not_after) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 9, cert->intent_at) != SQLITE_OK) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			log_error("store: %s: issuer %s%s%s is not in the "
			    "store", obj, cert->issuer,
			    cert->subject_ca != NULL ? " or subject CA " : "",
			    cert->subject_ca != NULL ? cert->subject_ca : "");
		else if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_TRIGGER)
			/*
			 * CP-3.1.5: aborted or not, a serial is burnt.
			 * certificates_insert_once finds the row before
			 * UNIQUE does; it is the only trigger this
			 * INSERT can meet.
			 */
			log_error("store: %s: already exists; a serial is "
			    "never used twice", obj);
		else
			sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

/*
 * Says why an UPDATE ... AND state = 'intent' of issuer/serial changed
 * nothing: no such certificate, or one in another state.
 */
static void
sqlite_log_not_intent(struct store_sqlite *s, const char *issuer,
    const char *serial, const char *action)
{
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	const char *state;
	size_t len;
	int rc;

	sqlite_obj_cert(obj, issuer, serial);
	if ((stmt = sqlite_stmt(s, STMT_CERT_STATE)) == NULL)
		return;
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    !sqlite_bind_text(stmt, 2, serial))
		rc = SQLITE_ERROR;
	else
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		state = sqlite_column_view(stmt, 0, &len);
		log_error("store: %s: cannot %s: state is %.*s, not intent",
		    obj, action, (int)len, state);
	} else if (rc == SQLITE_DONE)
		log_error("store: %s: cannot %s: no intent recorded", obj,
		    action);
	else
		sqlite_log_step(s, obj, rc);
	sqlite_stmt_done(stmt);
}

/* Runs STMT_CERT_ISSUED or STMT_CERT_ABORT, which must change one row. */
static int
sqlite_cert_finish(struct store_sqlite *s, enum sqlite_stmt_id id,
    const char *issuer, const char *serial, const unsigned char *der,
    size_t der_len, int64_t issued_at)
{
	const char *action = id == STMT_CERT_ISSUED ? "complete" : "abort";
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	sqlite_obj_cert(obj, issuer, serial);
	if ((stmt = sqlite_stmt(s, id)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    !sqlite_bind_text(stmt, 2, serial) ||
	    (id == STMT_CERT_ISSUED &&
	    (!sqlite_bind_blob(stmt, 3, der, der_len) ||
	    sqlite3_bind_int64(stmt, 4, issued_at) != SQLITE_OK))) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		sqlite_stmt_done(stmt);
		sqlite_log_not_intent(s, issuer, serial, action);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static int
sqlite_cert_issued(struct store *st, const char *issuer, const char *serial,
    const unsigned char *der, size_t der_len, int64_t issued_at)
{
	return sqlite_cert_finish(sqlite_of(st), STMT_CERT_ISSUED, issuer,
	    serial, der, der_len, issued_at);
}

static int
sqlite_cert_abort(struct store *st, const char *issuer, const char *serial)
{
	return sqlite_cert_finish(sqlite_of(st), STMT_CERT_ABORT, issuer,
	    serial, NULL, 0, 0);
}

/* What a certificate refused a revocation for, in status text, may do. */
static const char *
sqlite_status_rule(const char *status, size_t len)
{
	if (len == 7 && memcmp(status, "revoked", 7) == 0)
		return "; revocation is final (CP-4.9)";
	if (len == 4 && memcmp(status, "hold", 4) == 0)
		return "; a certificate on hold can only be revoked "
		    "(CP-4.9.13)";
	return "";
}

/*
 * Says why STMT_CERT_REVOKE of issuer/serial changed nothing: no such
 * certificate, one not issued, or a status that cannot move that way.
 */
static void
sqlite_log_not_revocable(struct store_sqlite *s, const char *issuer,
    const char *serial, enum store_cert_status status)
{
	const char *action, *state, *current;
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	size_t len, cur_len;
	int rc;

	action = status == STORE_STATUS_HOLD ? "put on hold" : "revoke";
	sqlite_obj_cert(obj, issuer, serial);
	if ((stmt = sqlite_stmt(s, STMT_CERT_STATE)) == NULL)
		return;
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    !sqlite_bind_text(stmt, 2, serial))
		rc = SQLITE_ERROR;
	else
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		state = sqlite_column_view(stmt, 0, &len);
		current = sqlite_column_view(stmt, 1, &cur_len);
		if (len != 6 || memcmp(state, "issued", 6) != 0)
			log_error("store: %s: cannot %s: state is %.*s, not "
			    "issued", obj, action, (int)len, state);
		else
			log_error("store: %s: cannot %s: status is %.*s%s",
			    obj, action, (int)cur_len, current,
			    sqlite_status_rule(current, cur_len));
	} else if (rc == SQLITE_DONE)
		log_error("store: %s: cannot %s: not in the store", obj,
		    action);
	else
		sqlite_log_step(s, obj, rc);
	sqlite_stmt_done(stmt);
}

static int
sqlite_cert_revoke(struct store *st, const char *issuer, const char *serial,
    enum store_cert_status status, int64_t revoked_at, int reason,
    int64_t invalidity_at)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	sqlite_obj_cert(obj, issuer, serial);
	if ((stmt = sqlite_stmt(s, STMT_CERT_REVOKE)) == NULL)
		return 0;
	/* No invalidity date is NULL in the table, 0 in store.h. */
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    !sqlite_bind_text(stmt, 2, serial) ||
	    !sqlite_bind_text(stmt, 3, store_cert_status_name(status)) ||
	    sqlite3_bind_int64(stmt, 4, revoked_at) != SQLITE_OK ||
	    sqlite3_bind_int(stmt, 5, reason) != SQLITE_OK ||
	    (invalidity_at != 0 &&
	    sqlite3_bind_int64(stmt, 6, invalidity_at) != SQLITE_OK)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		sqlite_stmt_done(stmt);
		sqlite_log_not_revocable(s, issuer, serial, status);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static int
sqlite_cert_get(struct store *st, const char *issuer, const char *serial,
    struct store_cert **out)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	sqlite_obj_cert(obj, issuer, serial);
	if ((stmt = sqlite_stmt(s, STMT_CERT_GET)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    !sqlite_bind_text(stmt, 2, serial)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((*out = sqlite_cert_read(s, stmt)) == NULL)
			goto out;
	} else if (rc != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

/*
 * A paged walk over certificates: its statement selects rows by ?1 = key
 * after the row (?2 intent_at, ?3 id), at most ?4 of them. The walk of
 * certificates needing OCSP responses binds its hash algorithm and scope
 * too, at ?5 to ?8.
 */
struct sqlite_walk {
	enum sqlite_stmt_id		 stmt;
	const char			*key;
	const char			*hash_alg;	/* or NULL */
	const struct store_status_scope	*scope;		/* with hash_alg */
};

/* Binds a struct store_status_scope at i, i + 1 and i + 2. */
static int
sqlite_bind_scope(sqlite3_stmt *stmt, int i,
    const struct store_status_scope *scope)
{
	return sqlite_bind_text(stmt, i, scope->keep_profile) &&
	    sqlite3_bind_int64(stmt, i + 1, scope->keep_expired_before) ==
	    SQLITE_OK &&
	    sqlite3_bind_int64(stmt, i + 2, scope->expired_before) ==
	    SQLITE_OK;
}

static int
sqlite_walk_bind(sqlite3_stmt *stmt, const struct sqlite_walk *w,
    int64_t at, int64_t id)
{
	if (!sqlite_bind_text(stmt, 1, w->key) ||
	    sqlite3_bind_int64(stmt, 2, at) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 3, id) != SQLITE_OK ||
	    sqlite3_bind_int(stmt, 4, SQLITE_EACH_BATCH) != SQLITE_OK)
		return 0;
	if (w->hash_alg == NULL)
		return 1;
	return sqlite_bind_text(stmt, 5, w->hash_alg) &&
	    sqlite_bind_scope(stmt, 6, w->scope);
}

/*
 * Reads up to SQLITE_EACH_BATCH rows of walk w, after the row (at, id),
 * into batch, setting *n. The statement is reset before the callbacks
 * run, so they may call back into the store, even to change the rows
 * they see.
 */
static int
sqlite_cert_batch(struct store_sqlite *s, const struct sqlite_walk *w,
    int64_t at, int64_t id, struct store_cert **batch, size_t *n)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*n = 0;
	if ((stmt = sqlite_stmt(s, w->stmt)) == NULL)
		return 0;
	if (!sqlite_walk_bind(stmt, w, at, id)) {
		sqlite_log_step(s, "certificates", SQLITE_ERROR);
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((batch[*n] = sqlite_cert_read(s, stmt)) == NULL)
			goto out;
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		sqlite_log_step(s, "certificates", rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static void
sqlite_cert_batch_free(struct store_cert **batch, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_cert_free(batch[i]);
}

/* Calls fn for every row of walk w, a batch at a time. */
static int
sqlite_cert_walk(struct store_sqlite *s, const struct sqlite_walk *w,
    store_cert_fn fn, void *arg)
{
	struct store_cert *batch[SQLITE_EACH_BATCH];
	int64_t at = INT64_MIN, id = INT64_MIN;
	size_t n, i;
	int ok = 1;

	do {
		if (!sqlite_cert_batch(s, w, at, id, batch, &n)) {
			sqlite_cert_batch_free(batch, n);
			return 0;
		}
		for (i = 0; ok && i < n; i++)
			ok = fn(batch[i], arg) != 0;
		if (n > 0) {
			at = batch[n - 1]->intent_at;
			id = batch[n - 1]->id;
		}
		sqlite_cert_batch_free(batch, n);
	} while (ok && n == SQLITE_EACH_BATCH);
	return ok;
}

static int
sqlite_cert_each_in_state(struct store *st, enum store_cert_state state,
    store_cert_fn fn, void *arg)
{
	const struct sqlite_walk w = {
		STMT_CERT_EACH, store_cert_state_name(state), NULL, NULL
	};

	return sqlite_cert_walk(sqlite_of(st), &w, fn, arg);
}

static int
sqlite_cert_each_for_ca(struct store *st, const char *ca_name,
    store_cert_fn fn, void *arg)
{
	const struct sqlite_walk w = {
		STMT_CERT_EACH_CA, ca_name, NULL, NULL
	};

	return sqlite_cert_walk(sqlite_of(st), &w, fn, arg);
}

static int
sqlite_cert_find_serial(struct store *st, const char *serial,
    store_cert_fn fn, void *arg)
{
	const struct sqlite_walk w = {
		STMT_CERT_FIND_SERIAL, serial, NULL, NULL
	};

	return sqlite_cert_walk(sqlite_of(st), &w, fn, arg);
}

static int
sqlite_cert_each_needing_ocsp(struct store *st, const char *issuer,
    const char *hash_alg, const struct store_status_scope *scope,
    store_cert_fn fn, void *arg)
{
	const struct sqlite_walk w = {
		STMT_CERT_NEEDING_OCSP, issuer, hash_alg, scope
	};

	return sqlite_cert_walk(sqlite_of(st), &w, fn, arg);
}

static int
sqlite_cert_count(struct store *st, const char *issuer, int64_t *count)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int ok = 0;

	snprintf(obj, sizeof(obj), "certificates of %s", issuer);
	if ((stmt = sqlite_stmt(s, STMT_CERT_COUNT)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	*count = sqlite3_column_int64(stmt, 0);
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

/*
 * Fills r from a row of STMT_REVOKED_EACH without copying: the pointers
 * are SQLite's, valid until the next step. Returns 0 if the serial cannot
 * be read (out of memory).
 */
static int
sqlite_revoked_view(sqlite3_stmt *stmt, struct store_revoked *r)
{
	if ((r->serial = (const char *)sqlite3_column_text(stmt, 0)) == NULL)
		return 0;
	r->revoked_at = sqlite3_column_int64(stmt, 1);
	r->reason = sqlite3_column_type(stmt, 2) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(stmt, 2);
	r->invalidity_at = sqlite3_column_int64(stmt, 3);
	r->not_after = sqlite3_column_int64(stmt, 4);
	return 1;
}

/*
 * One statement stepped to the end, nothing allocated: a CRL of a million
 * entries costs a million steps of a covering index. s->walking makes any
 * store call from fn fail instead of resetting this statement.
 */
static int
sqlite_revoked_each(struct store *st, const char *issuer,
    const struct store_status_scope *scope, store_revoked_fn fn, void *arg)
{
	struct store_sqlite *s = sqlite_of(st);
	struct store_revoked r;
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	snprintf(obj, sizeof(obj), "revoked certificates of %s", issuer);
	if ((stmt = sqlite_stmt(s, STMT_REVOKED_EACH)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    !sqlite_bind_scope(stmt, 2, scope)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	s->walking = "store_revoked_each";
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!sqlite_revoked_view(stmt, &r)) {
			log_error("store: %s: %s: out of memory", s->path,
			    obj);
			goto out;
		}
		if (!fn(&r, arg))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	s->walking = NULL;
	sqlite_stmt_done(stmt);
	return ok;
}

static void
sqlite_obj_crl(char obj[SQLITE_OBJ_MAX], const char *issuer, int64_t number)
{
	snprintf(obj, SQLITE_OBJ_MAX, "CRL %s/%lld", issuer,
	    (long long)number);
}

/*
 * Says why crls_number_increases refused number: the highest number of
 * issuer so far.
 */
static void
sqlite_log_crl_number(struct store_sqlite *s, const char *issuer,
    int64_t number)
{
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];

	sqlite_obj_crl(obj, issuer, number);
	if ((stmt = sqlite_stmt(s, STMT_CRL_MAX_NUMBER)) == NULL)
		return;
	if (sqlite_bind_text(stmt, 1, issuer) &&
	    sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		log_error("store: %s: number not greater than %lld, the "
		    "latest; CRL numbers strictly increase (RFC 5280 §5.2.3)",
		    obj, (long long)sqlite3_column_int64(stmt, 0));
	else
		sqlite_log_step(s, obj, SQLITE_CONSTRAINT_TRIGGER);
	sqlite_stmt_done(stmt);
}

static int
sqlite_crl_insert(struct store *st, const char *issuer, int64_t number,
    int64_t this_update, int64_t next_update, const unsigned char *der,
    size_t len)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	sqlite_obj_crl(obj, issuer, number);
	if ((stmt = sqlite_stmt(s, STMT_CRL_INSERT)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    sqlite3_bind_int64(stmt, 2, number) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 3, this_update) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 4, next_update) != SQLITE_OK ||
	    !sqlite_bind_blob(stmt, 5, der, len)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		sqlite_stmt_done(stmt);
		if (rc == SQLITE_CONSTRAINT_TRIGGER)
			sqlite_log_crl_number(s, issuer, number);
		else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			log_error("store: %s: issuer %s is not in the store",
			    obj, issuer);
		else
			sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static struct store_crl *
sqlite_crl_read(struct store_sqlite *s, sqlite3_stmt *stmt)
{
	struct store_crl *crl, *res = NULL;

	if ((crl = calloc(1, sizeof(*crl))) == NULL ||
	    !sqlite_column_str(stmt, 0, &crl->issuer) ||
	    !sqlite_column_blob(stmt, 4, &crl->der, &crl->der_len)) {
		log_error("store: %s: out of memory", s->path);
		goto out;
	}
	if (crl->issuer == NULL || crl->der == NULL) {
		log_error("store: %s: CRL row damaged", s->path);
		goto out;
	}
	crl->number = sqlite3_column_int64(stmt, 1);
	crl->this_update = sqlite3_column_int64(stmt, 2);
	crl->next_update = sqlite3_column_int64(stmt, 3);
	res = crl;
	crl = NULL;
 out:
	store_crl_free(crl);
	return res;
}

static int
sqlite_crl_latest(struct store *st, const char *issuer,
    struct store_crl **out)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	snprintf(obj, sizeof(obj), "CRLs of %s", issuer);
	if ((stmt = sqlite_stmt(s, STMT_CRL_LATEST)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((*out = sqlite_crl_read(s, stmt)) == NULL)
			goto out;
	} else if (rc != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static int
sqlite_crl_latest_info(struct store *st, const char *issuer, int *found,
    int64_t *number, int64_t *this_update)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	snprintf(obj, sizeof(obj), "CRLs of %s", issuer);
	if ((stmt = sqlite_stmt(s, STMT_CRL_LATEST_INFO)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*number = sqlite3_column_int64(stmt, 0);
		*this_update = sqlite3_column_int64(stmt, 1);
		*found = 1;
	} else if (rc != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static void
sqlite_obj_ocsp(char obj[SQLITE_OBJ_MAX], const char *issuer,
    const char *serial, const char *hash_alg)
{
	snprintf(obj, SQLITE_OBJ_MAX, "OCSP response %s/%s (%s)", issuer,
	    serial, hash_alg);
}

static int
sqlite_ocsp_put(struct store *st, const struct store_ocsp *r)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	sqlite_obj_ocsp(obj, r->issuer, r->serial, r->hash_alg);
	if ((stmt = sqlite_stmt(s, STMT_OCSP_PUT)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, r->issuer) ||
	    !sqlite_bind_text(stmt, 2, r->serial) ||
	    !sqlite_bind_text(stmt, 3, r->hash_alg) ||
	    !sqlite_bind_blob(stmt, 4, r->der, r->der_len) ||
	    sqlite3_bind_int64(stmt, 5, r->this_update) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 6, r->next_update) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 7, r->produced_at) != SQLITE_OK) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		/* ocsp_responses_issued is the only trigger it meets. */
		if (rc == SQLITE_CONSTRAINT_TRIGGER)
			log_error("store: %s: certificate %s/%s not issued; "
			    "a serial never issued gets no response", obj,
			    r->issuer, r->serial);
		else
			sqlite_log_step(s, obj, rc);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		log_error("store: %s: not replaced: the stored response was "
		    "produced later", obj);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

/*
 * Fills r from a row of SQLITE_OCSP_COLUMNS without copying: the pointers
 * are SQLite's, valid until the next step. Returns 0 if a column cannot
 * be read (out of memory) or is missing (a damaged row).
 */
static int
sqlite_ocsp_view(sqlite3_stmt *stmt, struct store_ocsp *r)
{
	/* store.h's record has mutable pointers; these are lent only. */
	r->issuer = (char *)sqlite3_column_text(stmt, OCOL_ISSUER);
	r->serial = (char *)sqlite3_column_text(stmt, OCOL_SERIAL);
	r->hash_alg = (char *)sqlite3_column_text(stmt, OCOL_HASH_ALG);
	r->der = (unsigned char *)sqlite3_column_blob(stmt, OCOL_DER);
	r->der_len = (size_t)sqlite3_column_bytes(stmt, OCOL_DER);
	r->this_update = sqlite3_column_int64(stmt, OCOL_THIS_UPDATE);
	r->next_update = sqlite3_column_int64(stmt, OCOL_NEXT_UPDATE);
	r->produced_at = sqlite3_column_int64(stmt, OCOL_PRODUCED_AT);
	return r->issuer != NULL && r->serial != NULL && r->hash_alg != NULL &&
	    r->der != NULL && r->der_len > 0;
}

/* A copy of the row stmt is on, for the caller to keep. */
static struct store_ocsp *
sqlite_ocsp_read(struct store_sqlite *s, sqlite3_stmt *stmt)
{
	struct store_ocsp view, *r, *res = NULL;

	if (!sqlite_ocsp_view(stmt, &view)) {
		log_error("store: %s: OCSP response row damaged", s->path);
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->issuer = strdup(view.issuer)) == NULL ||
	    (r->serial = strdup(view.serial)) == NULL ||
	    (r->hash_alg = strdup(view.hash_alg)) == NULL ||
	    (r->der = malloc(view.der_len)) == NULL) {
		log_error("store: %s: out of memory", s->path);
		goto out;
	}
	memcpy(r->der, view.der, view.der_len);
	r->der_len = view.der_len;
	r->this_update = view.this_update;
	r->next_update = view.next_update;
	r->produced_at = view.produced_at;
	res = r;
	r = NULL;
 out:
	store_ocsp_free(r);
	return res;
}

static int
sqlite_ocsp_get(struct store *st, const char *issuer, const char *serial,
    const char *hash_alg, struct store_ocsp **out)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int rc, ok = 0;

	sqlite_obj_ocsp(obj, issuer, serial, hash_alg);
	if ((stmt = sqlite_stmt(s, STMT_OCSP_GET)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer) ||
	    !sqlite_bind_text(stmt, 2, serial) ||
	    !sqlite_bind_text(stmt, 3, hash_alg)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((*out = sqlite_ocsp_read(s, stmt)) == NULL)
			goto out;
	} else if (rc != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

/* The lean walk over OCSP responses, for both selections below. */
static int
sqlite_ocsp_walk(struct store_sqlite *s, sqlite3_stmt *stmt, const char *obj,
    const char *walk, store_ocsp_fn fn, void *arg)
{
	struct store_ocsp r;
	int rc, ok = 0;

	s->walking = walk;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!sqlite_ocsp_view(stmt, &r)) {
			log_error("store: %s: %s: out of memory or row "
			    "damaged", s->path, obj);
			goto out;
		}
		if (!fn(&r, arg))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	ok = 1;
 out:
	s->walking = NULL;
	sqlite_stmt_done(stmt);
	return ok;
}

/* Lean, as sqlite_revoked_each: a responder loads its whole cache. */
static int
sqlite_ocsp_each(struct store *st, const char *issuer, store_ocsp_fn fn,
    void *arg)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];

	snprintf(obj, sizeof(obj), "OCSP responses of %s", issuer);
	if ((stmt = sqlite_stmt(s, STMT_OCSP_EACH)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, issuer)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		sqlite_stmt_done(stmt);
		return 0;
	}
	return sqlite_ocsp_walk(s, stmt, obj, "store_ocsp_each", fn, arg);
}

static int
sqlite_ocsp_each_since(struct store *st, int64_t since, store_ocsp_fn fn,
    void *arg)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;

	if ((stmt = sqlite_stmt(s, STMT_OCSP_SINCE)) == NULL)
		return 0;
	if (sqlite3_bind_int64(stmt, 1, since) != SQLITE_OK) {
		sqlite_log_step(s, "OCSP responses", SQLITE_ERROR);
		sqlite_stmt_done(stmt);
		return 0;
	}
	return sqlite_ocsp_walk(s, stmt, "OCSP responses",
	    "store_ocsp_each_since", fn, arg);
}

static void
sqlite_ocsp_batch_free(struct store_ocsp **batch, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_ocsp_free(batch[i]);
}

/*
 * Reads up to SQLITE_EACH_BATCH responses due before refresh_before,
 * after the row (next, rowid), into batch, setting *n and the key of the
 * last row read. As with sqlite_cert_batch, the statement is reset before
 * the callbacks run.
 */
static int
sqlite_ocsp_batch(struct store_sqlite *s, int64_t refresh_before,
    int64_t *next, int64_t *rowid, struct store_ocsp **batch, size_t *n)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	*n = 0;
	if ((stmt = sqlite_stmt(s, STMT_OCSP_DUE)) == NULL)
		return 0;
	if (sqlite3_bind_int64(stmt, 1, refresh_before) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, *next) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 3, *rowid) != SQLITE_OK ||
	    sqlite3_bind_int(stmt, 4, SQLITE_EACH_BATCH) != SQLITE_OK) {
		sqlite_log_step(s, "OCSP responses", SQLITE_ERROR);
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((batch[*n] = sqlite_ocsp_read(s, stmt)) == NULL)
			goto out;
		*next = batch[*n]->next_update;
		*rowid = sqlite3_column_int64(stmt, OCOL_ROWID);
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		sqlite_log_step(s, "OCSP responses", rc);
		goto out;
	}
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

/*
 * Pages by (next_update, rowid): a refreshed response moves past
 * refresh_before, or at least past the page, and is not seen twice.
 */
static int
sqlite_ocsp_each_due(struct store *st, int64_t refresh_before,
    store_ocsp_fn fn, void *arg)
{
	struct store_sqlite *s = sqlite_of(st);
	struct store_ocsp *batch[SQLITE_EACH_BATCH];
	int64_t next = INT64_MIN, rowid = INT64_MIN;
	size_t n, i;
	int ok = 1;

	do {
		if (!sqlite_ocsp_batch(s, refresh_before, &next, &rowid,
		    batch, &n)) {
			sqlite_ocsp_batch_free(batch, n);
			return 0;
		}
		for (i = 0; ok && i < n; i++)
			ok = fn(batch[i], arg) != 0;
		sqlite_ocsp_batch_free(batch, n);
	} while (ok && n == SQLITE_EACH_BATCH);
	return ok;
}

/*
 * Outside a transaction the statement is its own, committed when it runs
 * to SQLITE_DONE: so the value is handed out only after that final step
 * succeeded, never one that a failed commit could hand out again. Inside
 * one, the value is durable with the commit, and a rollback takes it back
 * together with whatever used it.
 */
static int
sqlite_counter_next(struct store *st, const char *name, int64_t *value)
{
	struct store_sqlite *s = sqlite_of(st);
	sqlite3_stmt *stmt;
	char obj[SQLITE_OBJ_MAX];
	int64_t v = 0;
	int rc, ok = 0;

	snprintf(obj, sizeof(obj), "counter %s", name);
	if ((stmt = sqlite_stmt(s, STMT_COUNTER_NEXT)) == NULL)
		return 0;
	if (!sqlite_bind_text(stmt, 1, name)) {
		sqlite_log_step(s, obj, SQLITE_ERROR);
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		log_error("store: %s: exhausted", obj);
		goto out;
	}
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_int64(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE) {
		sqlite_log_step(s, obj, rc);
		goto out;
	}
	*value = v;
	ok = 1;
 out:
	sqlite_stmt_done(stmt);
	return ok;
}

static void
sqlite_free(struct store_sqlite *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STMT_MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	for (i = 0; i < STORE_SQLITE_EXT_MAX; i++)
		sqlite3_finalize(s->ext[i]);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_error("store: %s: cannot close: %s", s->path,
		    sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}

static void
sqlite_close(struct store *st)
{
	struct store_sqlite *s = sqlite_of(st);

	if (s->in_txn && !sqlite3_get_autocommit(s->db)) {
		log_warn("store: %s: closed inside a transaction; rolled back",
		    s->path);
		sqlite_run(s, STMT_ROLLBACK, "cannot roll back");
	}
	sqlite_free(s);
}

/*
 * Creates the file with mode 0600 before SQLite sees it: SQLite would use
 * 0644 less the umask, and it gives its -wal and -shm files the mode of
 * the database. An existing file keeps the mode its operator chose.
 */
static int
sqlite_create_file(const char *path)
{
	struct stat sb;
	int fd;

	/*
	 * An existing store is never opened here: closing any descriptor
	 * of the database file drops every POSIX lock this process holds
	 * on it, including those of a connection already open (inkand has
	 * two), and another process would then think itself the last
	 * user, checkpoint and delete the WAL under us (SQLite, "How To
	 * Corrupt An SQLite Database File", §2.2).
	 */
	if (stat(path, &sb) == 0)
		goto check;
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) != -1) {
		close(fd);
		return 1;
	}
	if (errno != EEXIST || stat(path, &sb) == -1) {
		log_error("store: %s: cannot open: %s", path, strerror(errno));
		return 0;
	}
 check:
	if (!S_ISREG(sb.st_mode)) {
		log_error("store: %s: cannot open: not a regular file", path);
		return 0;
	}
	return 1;
}

/*
 * Defensive settings: no writes to the schema outside migrations, no
 * untrusted functions run from a schema, and no "double-quoted" strings
 * that hide a misspelt column name.
 */
static int
sqlite_harden(struct store_sqlite *s)
{
	if (sqlite3_extended_result_codes(s->db, 1) != SQLITE_OK ||
	    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1,
	    NULL) != SQLITE_OK ||
	    sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
	    NULL) != SQLITE_OK ||
	    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DML, 0,
	    NULL) != SQLITE_OK ||
	    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DDL, 0,
	    NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(s->db, SQLITE_BUSY_MS) != SQLITE_OK) {
		log_error("store: %s: cannot configure SQLite: %s", s->path,
		    sqlite3_errmsg(s->db));
		return 0;
	}
	return 1;
}

static int
sqlite_connect(struct store_sqlite *s, int flags)
{
	if (sqlite3_libversion_number() < SQLITE_MIN_VERSION) {
		log_error("store: %s: SQLite %s is too old; 3.37 or later is "
		    "needed", s->path, sqlite3_libversion());
		return 0;
	}
	/* No SQLITE_OPEN_CREATE: sqlite_create_file() made it, mode 0600. */
	if (sqlite3_open_v2(s->path, &s->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		log_error("store: %s: cannot open: %s", s->path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
		return 0;
	}
	return sqlite_harden(s);
}

/*
 * Runs one PRAGMA to set a value and another to read it back: SQLite
 * ignores what it cannot do (WAL on a file system without shared memory,
 * foreign keys when left out at build time) instead of failing.
 */
static int
sqlite_pragma(struct store_sqlite *s, const char *set, const char *get,
    const char *want)
{
	sqlite3_stmt *stmt = NULL;
	const unsigned char *got = NULL;
	char *msg = NULL;
	int ok = 0;

	if (sqlite3_exec(s->db, set, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("store: %s: %s: %s", s->path, set,
		    msg != NULL ? msg : sqlite3_errmsg(s->db));
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, get, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW ||
	    (got = sqlite3_column_text(stmt, 0)) == NULL) {
		log_error("store: %s: %s: %s", s->path, get,
		    sqlite3_errmsg(s->db));
		goto out;
	}
	if (sqlite3_stricmp((const char *)got, want) != 0) {
		log_error("store: %s: %s gives %s, not %s", s->path, get,
		    (const char *)got, want);
		goto out;
	}
	ok = 1;
 out:
	sqlite3_free(msg);
	sqlite3_finalize(stmt);
	return ok;
}

/*
 * Reads the schema first, so that a file that is not a database, or a
 * damaged one, is named as such before anything is written to it.
 */
static int
sqlite_probe(struct store_sqlite *s)
{
	char *msg = NULL;
	int rc, sys;

	if ((rc = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_schema",
	    NULL, NULL, &msg)) == SQLITE_OK)
		return 1;
	/* A full disk or a read-only folder is not a damaged database. */
	sys = sqlite3_system_errno(s->db);
	switch (rc & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		log_error("store: %s: cannot open: %s%s%s", s->path,
		    msg != NULL ? msg : sqlite3_errmsg(s->db),
		    sys != 0 ? ": " : "", sys != 0 ? strerror(sys) : "");
		break;
	default:
		log_error("store: %s: not a usable SQLite database: %s",
		    s->path, msg != NULL ? msg : sqlite3_errmsg(s->db));
	}
	sqlite3_free(msg);
	return 0;
}

/*
 * WAL lets readers (OCSP, the repository) run beside the writer;
 * synchronous=FULL syncs the WAL at every commit, so that a certificate
 * returned to its subscriber survives a power cut (CP-4.3.1).
 */
static int
sqlite_configure(struct store_sqlite *s)
{
	/*
	 * A new store gets 16 KiB pages: a CRL of 100,000 entries (4.5 MB)
	 * is then 280 pages to write, sync and checkpoint, not 1,100. An
	 * existing store keeps its page size (SQLite ignores this in WAL).
	 */
	(void)sqlite3_exec(s->db, "PRAGMA page_size = 16384", NULL, NULL, NULL);
	return sqlite_probe(s) &&
	    sqlite_pragma(s, "PRAGMA foreign_keys = ON",
	    "PRAGMA foreign_keys", "1") &&
	    sqlite_pragma(s, "PRAGMA journal_mode = WAL",
	    "PRAGMA journal_mode", "wal") &&
	    sqlite_pragma(s, "PRAGMA synchronous = FULL",
	    "PRAGMA synchronous", "2");
}

struct store *
store_sqlite_open(const char *path)
{
	struct store_sqlite *s;
	struct store *res = NULL;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		log_error("store: %s: out of memory", path);
		goto out;
	}
	s->base.ops = &sqlite_ops;
	if (!sqlite_create_file(path) ||
	    !sqlite_connect(s, SQLITE_OPEN_READWRITE) ||
	    !sqlite_configure(s) || !store_sqlite_migrate(s->db, s->path))
		goto out;
	res = &s->base;
	s = NULL;
 out:
	sqlite_free(s);
	return res;
}

/*
 * Read-only: no file is created, no PRAGMA written, no migration run; a
 * store older than this code is read as it is, and the audit calls fail
 * on one that has no audit log yet.
 */
struct store *
store_sqlite_open_readonly(const char *path)
{
	struct store_sqlite *s;
	struct store *res = NULL;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		log_error("store: %s: out of memory", path);
		goto out;
	}
	s->base.ops = &sqlite_ops;
	if (access(path, R_OK) != 0) {
		log_error("store: %s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (!sqlite_connect(s, SQLITE_OPEN_READONLY) || !sqlite_probe(s))
		goto out;
	res = &s->base;
	s = NULL;
 out:
	sqlite_free(s);
	return res;
}

struct sqlite3 *
store_sqlite_handle(struct store *st)
{
	return sqlite_of(st)->db;
}

sqlite3_stmt *
store_sqlite_ext_stmt(struct store *st, enum store_sqlite_ext slot,
    const char *sql)
{
	struct store_sqlite *s = sqlite_of(st);

	if ((unsigned int)slot >= STORE_SQLITE_EXT_MAX)
		return NULL;
	if (s->ext[slot] == NULL && sqlite3_prepare_v3(s->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &s->ext[slot], NULL) != SQLITE_OK) {
		log_error("store: %s: cannot prepare statement: %s", s->path,
		    sqlite3_errmsg(s->db));
		return NULL;
	}
	return s->ext[slot];
}

static const struct store_ops sqlite_ops = {
	.close = sqlite_close,
	.schema_version = sqlite_schema_version,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.ca_insert = sqlite_ca_insert,
	.ca_get = sqlite_ca_get,
	.cert_intent = sqlite_cert_intent,
	.cert_issued = sqlite_cert_issued,
	.cert_abort = sqlite_cert_abort,
	.cert_get = sqlite_cert_get,
	.cert_each_in_state = sqlite_cert_each_in_state,
	.cert_each_for_ca = sqlite_cert_each_for_ca,
	.cert_revoke = sqlite_cert_revoke,
	.cert_find_serial = sqlite_cert_find_serial,
	.cert_each_needing_ocsp = sqlite_cert_each_needing_ocsp,
	.cert_count = sqlite_cert_count,
	.revoked_each = sqlite_revoked_each,
	.crl_insert = sqlite_crl_insert,
	.crl_latest = sqlite_crl_latest,
	.crl_latest_info = sqlite_crl_latest_info,
	.ocsp_put = sqlite_ocsp_put,
	.ocsp_get = sqlite_ocsp_get,
	.ocsp_each = sqlite_ocsp_each,
	.ocsp_each_since = sqlite_ocsp_each_since,
	.ocsp_each_due = sqlite_ocsp_each_due,
	.counter_next = sqlite_counter_next,
	.counter_advance = store_sqlite_counter_advance,
	.backup = store_sqlite_backup,
	.check = store_sqlite_check,
	.last_event = store_sqlite_last_event,
	.audit_append = sqlite_audit_append,
	.audit_head = sqlite_audit_head,
	.audit_first = sqlite_audit_first,
	.audit_each = sqlite_audit_each,
	.audit_checkpoint_insert = sqlite_audit_checkpoint_insert,
	.audit_checkpoint_each = sqlite_audit_checkpoint_each,
	.audit_checkpoint_last = sqlite_audit_checkpoint_last,
	.crl_each_between = sqlite_crl_each_between,
	.audit_purge = sqlite_audit_purge,
};
