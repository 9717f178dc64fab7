#ifndef INKAN_STORE_STORE_IMPL_H
#define INKAN_STORE_STORE_IMPL_H

#include "store/store.h"

/*
 * What a storage back end provides. store.c checks every argument (names,
 * serials, lengths, enum ranges) before it calls an operation, so back
 * ends may trust their inputs and only report storage errors. Only the
 * store module and its tests include this header.
 */
struct store_ops {
	void	(*close)(struct store *);
	int	(*schema_version)(struct store *, int *);
	int	(*begin)(struct store *);
	int	(*commit)(struct store *);
	int	(*rollback)(struct store *);
	int	(*ca_insert)(struct store *, const struct store_ca *);
	int	(*ca_get)(struct store *, const char *, struct store_ca **);
	int	(*cert_intent)(struct store *, const struct store_cert *);
	int	(*cert_issued)(struct store *, const char *, const char *,
		    const unsigned char *, size_t, int64_t);
	int	(*cert_abort)(struct store *, const char *, const char *);
	int	(*cert_get)(struct store *, const char *, const char *,
		    struct store_cert **);
	int	(*cert_each_in_state)(struct store *, enum store_cert_state,
		    store_cert_fn, void *);
	int	(*cert_each_for_ca)(struct store *, const char *,
		    store_cert_fn, void *);
	int	(*cert_revoke)(struct store *, const char *, const char *,
		    enum store_cert_status, int64_t, int, int64_t);
	int	(*cert_find_serial)(struct store *, const char *,
		    store_cert_fn, void *);
	int	(*cert_each_needing_ocsp)(struct store *, const char *,
		    const char *, const struct store_status_scope *,
		    store_cert_fn, void *);
	int	(*cert_count)(struct store *, const char *, int64_t *);
	int	(*revoked_each)(struct store *, const char *,
		    const struct store_status_scope *, store_revoked_fn,
		    void *);
	int	(*crl_insert)(struct store *, const char *, int64_t, int64_t,
		    int64_t, const unsigned char *, size_t);
	int	(*crl_latest)(struct store *, const char *,
		    struct store_crl **);
	int	(*crl_latest_info)(struct store *, const char *, int *,
		    int64_t *, int64_t *);
	int	(*ocsp_put)(struct store *, const struct store_ocsp *);
	int	(*ocsp_get)(struct store *, const char *, const char *,
		    const char *, struct store_ocsp **);
	int	(*ocsp_each_since)(struct store *, int64_t, store_ocsp_fn,
		    void *);
	int	(*ocsp_each)(struct store *, const char *, store_ocsp_fn,
		    void *);
	int	(*ocsp_each_due)(struct store *, int64_t, store_ocsp_fn,
		    void *);
	int	(*counter_next)(struct store *, const char *, int64_t *);
	int	(*counter_advance)(struct store *, const char *, int64_t,
		    int64_t *);
	int	(*backup)(struct store *, const char *);
	int	(*check)(struct store *);
	int	(*last_event)(struct store *, int64_t *);
	int	(*audit_append)(struct store *, struct store_audit *,
		    store_audit_seal_fn, void *);
	int	(*audit_head)(struct store *, int64_t *, unsigned char *);
	int	(*audit_first)(struct store *, int64_t *, unsigned char *);
	int	(*audit_each)(struct store *, int64_t, int64_t, store_audit_fn,
		    void *);
	int	(*audit_checkpoint_insert)(struct store *,
		    const struct store_audit_checkpoint *);
	int	(*audit_checkpoint_each)(struct store *,
		    store_audit_checkpoint_fn, void *);
	int	(*audit_checkpoint_last)(struct store *, int64_t *);
	int	(*crl_each_between)(struct store *, int64_t, int64_t,
		    store_crl_fn, void *);
	int	(*audit_purge)(struct store *, int64_t);
};

/* Embedded first in each back end's own struct, which casts it back. */
struct store {
	const struct store_ops *ops;
};

/* Largest DER object kept (certificate, name, public key): 1 MiB. */
#define STORE_DER_MAX	(1024 * 1024)

/* Longest RFC 2253 subject string kept for display. */
#define STORE_SUBJECT_MAX	4096

/*
 * Opens or creates the SQLite store at path and migrates its schema.
 * Returns NULL on failure (logged); store_close() frees the result.
 */
struct store *store_sqlite_open(const char *path);

/* The same, read-only and without migration (store_open_readonly()). */
struct store *store_sqlite_open_readonly(const char *path);

/*
 * Statements that the back end's other files (sqlite_audit.c) keep
 * prepared for the life of the connection, by slot: the audit record
 * written with each certificate must not cost a prepare each time.
 */
enum store_sqlite_ext {
	STORE_SQLITE_EXT_AUDIT_HEAD,
	STORE_SQLITE_EXT_AUDIT_INSERT,
	STORE_SQLITE_EXT_MAX
};

/*
 * The statement of slot, prepared from sql on first use (sql must be the
 * same each time). NULL on failure (logged). The caller resets it after
 * use; store_close() finalizes it.
 */
struct sqlite3_stmt *store_sqlite_ext_stmt(struct store *st,
    enum store_sqlite_ext slot, const char *sql);

/* The SQLite back end's audit operations (sqlite_audit.c). */
int sqlite_audit_append(struct store *, struct store_audit *,
    store_audit_seal_fn, void *);
int sqlite_audit_head(struct store *, int64_t *, unsigned char *);
int sqlite_audit_first(struct store *, int64_t *, unsigned char *);
int sqlite_audit_each(struct store *, int64_t, int64_t, store_audit_fn,
    void *);
int sqlite_audit_checkpoint_insert(struct store *,
    const struct store_audit_checkpoint *);
int sqlite_audit_checkpoint_each(struct store *, store_audit_checkpoint_fn,
    void *);
int sqlite_audit_checkpoint_last(struct store *, int64_t *);
int sqlite_crl_each_between(struct store *, int64_t, int64_t, store_crl_fn,
    void *);
int sqlite_audit_purge(struct store *, int64_t);

/*
 * The SQLite connection behind st, for tests that check PRAGMAs or damage
 * a store on purpose. st must come from store_sqlite_open().
 */
struct sqlite3 *store_sqlite_handle(struct store *st);

/*
 * Shared by the SQLite files (sqlite_util.c): a statement prepared on st's
 * connection (NULL, logged, on failure); text bound (NULL binds SQL NULL);
 * a blob bound (NULL or empty binds SQL NULL).
 */
struct sqlite3_stmt;
struct sqlite3_stmt *sq_prepare(struct store *st, const char *sql);
int sq_text(struct sqlite3_stmt *stmt, int i,
    const char *text);
int sq_blob(struct sqlite3_stmt *stmt, int i, const void *p,
    size_t len);

/* Backup, check and clock operations of the SQLite back end (sqlite_backup.c). */
int store_sqlite_counter_advance(struct store *st, const char *name,
    int64_t floor, int64_t *value);
int store_sqlite_backup(struct store *st, const char *path);
int store_sqlite_check(struct store *st);
int store_sqlite_last_event(struct store *st, int64_t *at);

/*
 * Brings the SQLite database at db (opened from path, named in messages)
 * to the newest schema version this code knows, one transaction per
 * version (sqlite_schema.c). Refuses a database that is newer, or that is
 * not an inkan store. Returns 1 on success, 0 on failure (logged).
 */
int store_sqlite_migrate(struct sqlite3 *db, const char *path);

/*
 * The same, but stops at schema version target: for tests that build a
 * store as an older inkan left it, then open it to migrate the rest.
 */
int store_sqlite_migrate_to(struct sqlite3 *db, const char *path,
    int target);

/*
 * The enum that a schema text column names: 1 and *out set, or 0 if the
 * text is none of the names (a damaged or foreign store). text need not
 * end in NUL.
 */
int store_ca_kind_parse(const char *text, size_t len,
    enum store_ca_kind *out);
int store_cert_state_parse(const char *text, size_t len,
    enum store_cert_state *out);
int store_cert_status_parse(const char *text, size_t len,
    enum store_cert_status *out);

#endif
