#include "audit/audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/log.h"

/*
 * inkan audit verify: the chain is checked from its start to its head,
 * without trusting the store's triggers (anyone with the file can drop
 * them). What a chain alone cannot show — records cut off the end, or
 * appended by someone who recomputed the hashes — the signed checkpoints
 * show, up to the last one; DIR/audit/last-checkpoint.* keeps a copy of
 * the newest outside the database.
 */

/* The checkpoints, loaded first (there are few). */
struct verify_cps {
	struct store_audit_checkpoint *v;
	size_t		 n;
	size_t		 cap;
};

struct verify_walk {
	const struct audit_verify_opts *o;
	struct audit_verify_result *res;
	struct verify_cps *cps;
	size_t		 next_cp;	/* first checkpoint not yet reached */
	int64_t		 expect;	/* seq the next record must have */
	unsigned char	 prev[32];	/* hash it must link to */
};

static int
verify_fail(struct audit_verify_result *res, int64_t seq, const char *fmt,
    ...)
{
	va_list ap;

	res->bad_seq = seq;
	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
	return 0;
}

static int
verify_cp_load(const struct store_audit_checkpoint *cp, void *arg)
{
	struct verify_cps *c = arg;
	struct store_audit_checkpoint *v;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;

		if ((v = reallocarray(c->v, cap, sizeof(*v))) == NULL)
			return 0;
		c->v = v;
		c->cap = cap;
	}
	v = &c->v[c->n];
	*v = *cp;
	v->kind = strdup(cp->kind);
	v->sig = malloc(cp->sig_len ? cp->sig_len : 1);
	if (v->kind == NULL || v->sig == NULL) {
		free(v->kind);
		free(v->sig);
		return 0;
	}
	if (cp->sig_len > 0)
		memcpy(v->sig, cp->sig, cp->sig_len);
	c->n++;
	return 1;
}

static void
verify_cps_free(struct verify_cps *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].kind);
		free(c->v[i].sig);
	}
	free(c->v);
}

/* Every checkpoint must carry the audit key's signature. */
static int
verify_cp_sigs(struct verify_cps *c, EVP_PKEY *pub,
    struct audit_verify_result *res)
{
	for (size_t i = 0; i < c->n; i++)
		if (!audit_checkpoint_verify_sig(&c->v[i], pub))
			return verify_fail(res, c->v[i].seq, "checkpoint at "
			    "record %lld: signature does not verify with the "
			    "audit key (forged or altered checkpoint)",
			    (long long)c->v[i].seq);
	return 1;
}

static const struct store_audit_checkpoint *
verify_purge_at(const struct verify_cps *c, int64_t seq)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].seq == seq && strcmp(c->v[i].kind, "purge") == 0)
			return &c->v[i];
	return NULL;
}

/*
 * Where the chain starts: record 1 after zeros, or the record after a
 * signed purge checkpoint, linked to its head.
 */
static int
verify_start(struct store *st, struct verify_walk *w)
{
	const struct store_audit_checkpoint *cp;
	unsigned char zeros[32] = { 0 };
	int64_t first;

	if (!store_audit_first(st, &first, w->prev))
		return verify_fail(w->res, 0, "cannot read the audit log");
	w->res->first = first;
	if (first == 0) {
		/* Empty: only right if nothing was ever sealed. */
		for (size_t i = 0; i < w->cps->n; i++)
			if (w->cps->v[i].seq > 0 &&
			    verify_purge_at(w->cps, w->cps->v[i].seq) == NULL)
				return verify_fail(w->res, 1, "record 1: "
				    "missing; the log is empty but checkpoint "
				    "%lld seals %lld records (truncated)",
				    (long long)w->cps->v[i].seq,
				    (long long)w->cps->v[i].seq);
		return 1;
	}
	w->expect = first;
	if (first == 1) {
		if (memcmp(w->prev, zeros, 32) != 0)
			return verify_fail(w->res, 1, "record 1: does not "
			    "start the chain (its previous hash is not zero)");
		return 1;
	}
	if ((cp = verify_purge_at(w->cps, first - 1)) == NULL)
		return verify_fail(w->res, 1, "records 1 to %lld: missing, "
		    "and no signed purge checkpoint at record %lld marks the "
		    "start (deleted)", (long long)first - 1,
		    (long long)first - 1);
	if (memcmp(cp->head_hash, w->prev, 32) != 0)
		return verify_fail(w->res, first, "record %lld: does not "
		    "follow the signed purge checkpoint at record %lld",
		    (long long)first, (long long)first - 1);
	return 1;
}

/* One record, in seq order. */
static int
verify_record(const struct store_audit *r, void *arg)
{
	struct verify_walk *w = arg;
	struct store_audit_checkpoint *cp;
	unsigned char h[32];

	if (r->seq != w->expect)
		return verify_fail(w->res, w->expect, "record %lld: missing "
		    "(the next record is %lld; deleted or renumbered)",
		    (long long)w->expect, (long long)r->seq);
	if (!audit_chain_hash(r, h))
		return verify_fail(w->res, r->seq, "record %lld: cannot "
		    "hash", (long long)r->seq);
	if (memcmp(h, r->hash, 32) != 0)
		return verify_fail(w->res, r->seq, "record %lld: content does "
		    "not match its hash (changed, inserted or moved)",
		    (long long)r->seq);
	if (memcmp(r->prev_hash, w->prev, 32) != 0)
		return verify_fail(w->res, r->seq, "record %lld: does not link "
		    "to record %lld (a record before it was changed, inserted, "
		    "deleted or moved)", (long long)r->seq,
		    (long long)r->seq - 1);
	while (w->next_cp < w->cps->n &&
	    (cp = &w->cps->v[w->next_cp])->seq <= r->seq) {
		if (cp->seq == r->seq && memcmp(cp->head_hash, r->hash,
		    32) != 0)
			return verify_fail(w->res, r->seq, "record %lld: "
			    "differs from what checkpoint %lld signed (the "
			    "chain up to it was rewritten)", (long long)r->seq,
			    (long long)cp->seq);
		if (cp->seq == r->seq)
			w->res->sealed = r->seq;
		w->next_cp++;
	}
	memcpy(w->prev, r->hash, 32);
	w->res->last = r->seq;
	w->expect = r->seq + 1;
	return 1;
}

/*
 * DIR/audit/last-checkpoint.txt and .sig: the newest seal as the last
 * sealing process wrote it, outside the database. It joins the store's
 * checkpoints, so that deleting trailing records together with their
 * checkpoints, or rewriting the chain behind them, still shows.
 */
static int
verify_head_file(const struct audit_verify_opts *o, struct verify_cps *cps,
    struct audit_verify_result *res)
{
	struct store_audit_checkpoint cp;
	char *tpath = NULL, *spath = NULL, *text = NULL;
	unsigned char *sig = NULL;
	size_t tlen = 0, slen = 0;
	char kind[16];
	int ok = 1;

	if (o->head_dir == NULL ||
	    (tpath = file_join(o->head_dir, "last-checkpoint.txt")) == NULL ||
	    (spath = file_join(o->head_dir, "last-checkpoint.sig")) == NULL ||
	    !file_exists(tpath))
		goto out;
	if ((text = (char *)file_read(tpath, 4096, &tlen)) == NULL ||
	    (sig = file_read(spath, 4096, &slen)) == NULL) {
		ok = verify_fail(res, 0, "%s: cannot read", tpath);
		goto out;
	}
	if (!audit_checkpoint_parse(text, tlen, &cp, kind)) {
		ok = verify_fail(res, 0, "%s: not a checkpoint", tpath);
		goto out;
	}
	cp.sig = sig;
	cp.sig_len = slen;
	if (!audit_checkpoint_verify_sig(&cp, o->pub)) {
		ok = verify_fail(res, 0, "%s: signature does not verify with "
		    "the audit key", tpath);
		goto out;
	}
	for (size_t i = 0; i < cps->n; i++)
		if (cps->v[i].seq == cp.seq &&
		    strcmp(cps->v[i].kind, cp.kind) == 0)
			goto out;	/* the store has it: checked there */
	ok = verify_cp_load(&cp, cps);
 out:
	free(tpath);
	free(spath);
	free(text);
	free(sig);
	return ok;
}

static int
verify_cp_cmp(const void *a, const void *b)
{
	const struct store_audit_checkpoint *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
audit_checkpoint_parse(const char *text, size_t len,
    struct store_audit_checkpoint *cp, char kind[16])
{
	long long seq = 0, t = 0;
	char hex[65], *again;
	int ok;

	memset(cp, 0, sizeof(*cp));
	if (strlen(text) != len || sscanf(text, "inkan audit checkpoint v1\n"
	    "kind: %15s\nseq: %lld\nhead: %64s\ntime: %lld", kind, &seq, hex,
	    &t) != 4 || strlen(hex) != 64)
		return 0;
	cp->kind = kind;
	cp->seq = seq;
	cp->time = t;
	for (int i = 0; i < 32; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return 0;
		cp->head_hash[i] = (unsigned char)b;
	}
	/* Canonical: printing it again gives the same bytes. */
	if ((again = audit_checkpoint_text(cp)) == NULL)
		return 0;
	ok = strlen(again) == len && memcmp(again, text, len) == 0;
	free(again);
	return ok;
}

/* After the walk: checkpoints beyond the end, and the unsealed tail. */
static int
verify_end(struct verify_walk *w)
{
	struct audit_verify_result *res = w->res;
	struct verify_cps *c = w->cps;

	res->checkpoints = c->n;
	if (c->n > 0 && c->v[c->n - 1].seq > res->last)
		return verify_fail(res, res->last + 1, "record %lld: missing; "
		    "checkpoint %lld sealed records up to %lld (truncated)",
		    (long long)res->last + 1, (long long)c->v[c->n - 1].seq,
		    (long long)c->v[c->n - 1].seq);
	if (res->last > res->sealed && !w->o->allow_unsealed)
		return verify_fail(res, res->sealed + 1, "record %lld: after "
		    "the last signed checkpoint (record %lld), so not sealed: "
		    "it may have been appended by anyone; seal with 'inkan "
		    "audit seal', or accept with --allow-unsealed",
		    (long long)res->sealed + 1, (long long)res->sealed);
	return 1;
}

int
audit_verify(struct store *st, const struct audit_verify_opts *o,
    struct audit_verify_result *res)
{
	struct verify_cps cps = { NULL, 0, 0 };
	struct verify_walk w;
	int ok = 0;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.res = res;
	w.cps = &cps;
	if (!store_audit_checkpoint_each(st, verify_cp_load, &cps)) {
		verify_fail(res, 0, "cannot read the audit checkpoints");
		goto out;
	}
	if (!verify_cp_sigs(&cps, o->pub, res) ||
	    !verify_head_file(o, &cps, res))
		goto out;
	if (cps.n > 1)
		qsort(cps.v, cps.n, sizeof(*cps.v), verify_cp_cmp);
	if (!verify_start(st, &w))
		goto out;
	/* A purge checkpoint before the first record is already passed. */
	while (w.next_cp < cps.n && cps.v[w.next_cp].seq < res->first) {
		res->sealed = cps.v[w.next_cp].seq;
		w.next_cp++;
	}
	if (res->first > 0 && !store_audit_each(st, res->first, INT64_MIN,
	    verify_record, &w)) {
		if (res->bad_seq == 0 && res->why[0] == '\0')
			verify_fail(res, 0, "cannot read the audit log");
		goto out;
	}
	ok = verify_end(&w);
 out:
	verify_cps_free(&cps);
	return ok;
}
