#include "store/store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util/log.h"

/*
 * The SQLite back end's operations for backups (CP-5.7.2), store checks
 * and the clock check (CP-5.5.5). They are rare, so their statements are
 * prepared at each call rather than cached beside the hot path's.
 */

/* Runs sql yielding one integer (NULL reads as 0) into *value. */
static int
sqlite_backup_query_int(sqlite3 *db, const char *what, const char *sql,
    int64_t *value)
{
	sqlite3_stmt *stmt = NULL;
	int rc = SQLITE_ERROR, ok = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*value = sqlite3_column_int64(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE)
		log_error("store: %s: %s", what, sqlite3_errmsg(db));
	else
		ok = 1;
	sqlite3_finalize(stmt);
	return ok;
}

int
store_sqlite_counter_advance(struct store *st, const char *name,
    int64_t floor, int64_t *value)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt = NULL;
	int rc = SQLITE_ERROR, ok = 0;

	/* As STMT_COUNTER_NEXT: at the top, no row means exhausted. */
	if (sqlite3_prepare_v2(db, "INSERT INTO counters (name, value) "
	    "VALUES (?1, max(1, ?2)) ON CONFLICT (name) DO UPDATE "
	    "SET value = max(value + 1, ?2) "
	    "WHERE value < 9223372036854775807 RETURNING value", -1, &stmt,
	    NULL) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, floor) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		log_error("store: counter %s: exhausted", name);
		goto out;
	}
	if (rc == SQLITE_ROW) {
		*value = sqlite3_column_int64(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	ok = rc == SQLITE_DONE;
 out:
	if (!ok && rc != SQLITE_DONE)
		log_error("store: counter %s: %s", name, sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return ok;
}

/* fsync of a file by name: the copy is on disk before it is declared. */
static int
sqlite_backup_sync(const char *path)
{
	int fd, ok;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

/*
 * One step of -1 pages copies the whole database inside one read
 * transaction: a consistent snapshot, while writers go on in WAL mode.
 * The copy leaves WAL mode so that it is one self-contained file.
 */
int
store_sqlite_backup(struct store *st, const char *path)
{
	sqlite3 *src = store_sqlite_handle(st), *dst = NULL;
	sqlite3_backup *b;
	char *msg = NULL;
	int fd, rc, ok = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		log_error("store: backup %s: %s", path, strerror(errno));
		return 0;
	}
	close(fd);
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto out;
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		goto out;
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(20);
	if (sqlite3_backup_finish(b) != SQLITE_OK || rc != SQLITE_DONE)
		goto out;
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    &msg) != SQLITE_OK)
		goto out;
	ok = 1;
 out:
	if (!ok)
		log_error("store: backup %s: %s", path, msg != NULL ? msg :
		    dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
	sqlite3_free(msg);
	if (sqlite3_close(dst) != SQLITE_OK)
		ok = 0;
	if (ok && !sqlite_backup_sync(path)) {
		log_error("store: backup %s: cannot sync: %s", path,
		    strerror(errno));
		ok = 0;
	}
	if (!ok)
		unlink(path);
	return ok;
}

/* Every row a check PRAGMA returns is a problem, but integrity's "ok". */
static int
sqlite_check_pragma(sqlite3 *db, const char *pragma, const char *good)
{
	sqlite3_stmt *stmt = NULL;
	const unsigned char *text;
	int rc, ok = 1, shown = 0;

	if (sqlite3_prepare_v2(db, pragma, -1, &stmt, NULL) != SQLITE_OK) {
		log_error("store: %s: %s", pragma, sqlite3_errmsg(db));
		return 0;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		text = sqlite3_column_text(stmt, 0);
		if (good != NULL && text != NULL &&
		    strcmp((const char *)text, good) == 0)
			continue;
		ok = 0;
		if (shown++ < 10)
			log_error("store: %s: %s", pragma, text != NULL ?
			    (const char *)text : "(problem)");
	}
	if (rc != SQLITE_DONE) {
		log_error("store: %s: %s", pragma, sqlite3_errmsg(db));
		ok = 0;
	}
	sqlite3_finalize(stmt);
	return ok;
}

int
store_sqlite_check(struct store *st)
{
	sqlite3 *db = store_sqlite_handle(st);

	return sqlite_check_pragma(db, "PRAGMA integrity_check", "ok") &&
	    sqlite_check_pragma(db, "PRAGMA foreign_key_check", NULL);
}

/*
 * The newest of: the last certificate row's intent and issuance, every
 * revocation (the partial index certificates_revoked covers it), every
 * CRL's thisUpdate (read before the DER in each row), the newest OCSP
 * response (indexed) and the newest CA.
 */
int
store_sqlite_last_event(struct store *st, int64_t *at)
{
	return sqlite_backup_query_int(store_sqlite_handle(st),
	    "cannot read the time of the last event",
	    "SELECT max("
	    " coalesce((SELECT max(intent_at, coalesce(issued_at, 0))"
	    "  FROM certificates ORDER BY id DESC LIMIT 1), 0),"
	    " coalesce((SELECT max(revoked_at) FROM certificates"
	    "  WHERE revoked_at IS NOT NULL), 0),"
	    " coalesce((SELECT max(this_update) FROM crls), 0),"
	    " coalesce((SELECT max(produced_at) FROM ocsp_responses), 0),"
	    " coalesce((SELECT max(created_at) FROM cas), 0))", at);
}
