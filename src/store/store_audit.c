#include "store/store_impl.h"

#include <string.h>

#include "util/log.h"

/*
 * The front of the audit calls (store.h): arguments are checked here, once,
 * then dispatched to the back end.
 */

static int
store_audit_field_ok(const char *what, const char *text, size_t max)
{
	size_t len;

	if (text == NULL || (len = strnlen(text, max + 1)) == 0 ||
	    len > max) {
		log_error("store: audit record: %s: must be 1 to %zu bytes",
		    what, max);
		return 0;
	}
	return 1;
}

static int
store_audit_record_ok(const struct store_audit *rec)
{
	return store_audit_field_ok("type", rec->type, STORE_AUDIT_FIELD_MAX) &&
	    store_audit_field_ok("actor", rec->actor, STORE_AUDIT_FIELD_MAX) &&
	    store_audit_field_ok("role", rec->role, STORE_AUDIT_FIELD_MAX) &&
	    store_audit_field_ok("auth", rec->auth, STORE_AUDIT_FIELD_MAX) &&
	    store_audit_field_ok("source", rec->source,
	    STORE_AUDIT_FIELD_MAX) &&
	    store_audit_field_ok("object", rec->object,
	    STORE_AUDIT_FIELD_MAX) &&
	    store_audit_field_ok("outcome", rec->outcome,
	    STORE_AUDIT_FIELD_MAX) &&
	    (rec->detail == NULL || store_audit_field_ok("detail",
	    rec->detail, STORE_AUDIT_DETAIL_MAX));
}

int
store_audit_append(struct store *st, struct store_audit *rec,
    store_audit_seal_fn seal, void *arg)
{
	if (st == NULL || rec == NULL || seal == NULL) {
		log_error("store: audit record: store not open");
		return 0;
	}
	if (!store_audit_record_ok(rec))
		return 0;
	return st->ops->audit_append(st, rec, seal, arg);
}

int
store_audit_head(struct store *st, int64_t *seq, unsigned char hash[32])
{
	if (st == NULL || seq == NULL || hash == NULL)
		return 0;
	return st->ops->audit_head(st, seq, hash);
}

int
store_audit_first(struct store *st, int64_t *seq,
    unsigned char prev_hash[32])
{
	if (st == NULL || seq == NULL || prev_hash == NULL)
		return 0;
	return st->ops->audit_first(st, seq, prev_hash);
}

int
store_audit_each(struct store *st, int64_t from_seq, int64_t since,
    store_audit_fn fn, void *arg)
{
	if (st == NULL || fn == NULL)
		return 0;
	return st->ops->audit_each(st, from_seq, since, fn, arg);
}

int
store_audit_checkpoint_insert(struct store *st,
    const struct store_audit_checkpoint *cp)
{
	if (st == NULL || cp == NULL)
		return 0;
	if (cp->seq < 0 || cp->kind == NULL || (strcmp(cp->kind, "seal") != 0 &&
	    strcmp(cp->kind, "purge") != 0) || cp->sig == NULL ||
	    cp->sig_len == 0 || cp->sig_len > 4096) {
		log_error("store: audit checkpoint %lld: needs seq >= 0, kind "
		    "seal or purge and a signature of 1 to 4096 bytes",
		    (long long)cp->seq);
		return 0;
	}
	return st->ops->audit_checkpoint_insert(st, cp);
}

int
store_audit_checkpoint_each(struct store *st, store_audit_checkpoint_fn fn,
    void *arg)
{
	if (st == NULL || fn == NULL)
		return 0;
	return st->ops->audit_checkpoint_each(st, fn, arg);
}

int
store_audit_checkpoint_last(struct store *st, int64_t *seq)
{
	if (st == NULL || seq == NULL)
		return 0;
	return st->ops->audit_checkpoint_last(st, seq);
}

int
store_crl_each_between(struct store *st, int64_t from, int64_t to,
    store_crl_fn fn, void *arg)
{
	if (st == NULL || fn == NULL || from > to)
		return 0;
	return st->ops->crl_each_between(st, from, to, fn, arg);
}

int
store_audit_purge(struct store *st, int64_t upto)
{
	if (st == NULL || upto < 1)
		return 0;
	return st->ops->audit_purge(st, upto);
}

struct store *
store_open_readonly(const char *spec)
{
	if (spec == NULL || *spec == '\0') {
		log_error("store: no store given");
		return NULL;
	}
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	if (*spec == '\0') {
		log_error("store: sqlite: no path given");
		return NULL;
	}
	return store_sqlite_open_readonly(spec);
}
