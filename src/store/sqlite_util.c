/*
 * Statement helpers shared by the SQLite files of the RA tables
 * (sqlite_ra.c, sqlite_app.c, sqlite_revreq.c, sqlite_validation.c):
 * one way to prepare on a store's connection and to bind what may be
 * absent, so that each file keeps only its own SQL.
 */
#include <stdint.h>

#include <sqlite3.h>

#include "store/store_impl.h"
#include "util/log.h"

sqlite3_stmt *
sq_prepare(struct store *st, const char *sql)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		log_error("store: cannot prepare \"%.60s...\": %s", sql,
		    sqlite3_errmsg(db));
		return NULL;
	}
	return stmt;
}

int
sq_text(sqlite3_stmt *stmt, int i, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(stmt, i) == SQLITE_OK;
	return sqlite3_bind_text(stmt, i, text, -1, SQLITE_STATIC) ==
	    SQLITE_OK;
}

int
sq_blob(sqlite3_stmt *stmt, int i, const void *p, size_t len)
{
	if (p == NULL || len == 0)
		return sqlite3_bind_null(stmt, i) == SQLITE_OK;
	if (len > (size_t)INT32_MAX)
		return 0;
	return sqlite3_bind_blob(stmt, i, p, (int)len, SQLITE_STATIC) ==
	    SQLITE_OK;
}
