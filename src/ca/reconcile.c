#include "ca/reconcile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "util/file.h"
#include "util/log.h"

int
ca_lock(struct ca *ca)
{
	char *path;
	int fd;

	if ((path = file_join(ca->dir, "inkan.lock")) == NULL)
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		log_error("%s: cannot open: %s", path, strerror(errno));
		free(path);
		return 0;
	}
	if (flock(fd, LOCK_SH) == -1) {
		log_warn("%s: no file locks here (%s): unfinished intents "
		    "will not be reconciled automatically", path,
		    strerror(errno));
		close(fd);
		fd = -1;
	}
	free(path);
	ca->lock_fd = fd;
	return 1;
}

/* The TBSCertificate inside a certificate's DER: the first element. */
static int
reconcile_tbs(const unsigned char *der, size_t len, const unsigned char **tbs,
    size_t *tbs_len)
{
	const unsigned char *p = der, *start;
	long l;
	int tag, cls;

	if (ASN1_get_object(&p, &l, &tag, &cls, (long)len) & 0x80)
		return 0;
	start = p;
	if (ASN1_get_object(&p, &l, &tag, &cls, (long)(der + len - p)) &
	    0x80 || tag != V_ASN1_SEQUENCE)
		return 0;
	*tbs = start;
	*tbs_len = (size_t)(p - start) + (size_t)l;
	return *tbs_len <= len;
}

/* 1 if der's signature verifies with the public key of CA issuer. */
static int
reconcile_sig_ok(struct ca *ca, const char *issuer, X509 *x)
{
	struct store_ca *rec = NULL;
	const unsigned char *p;
	EVP_PKEY *pub = NULL;
	int ok = 0;

	if (!store_ca_get(ca->store, issuer, &rec) || rec == NULL)
		return 0;
	p = rec->spki_der;
	if ((pub = d2i_PUBKEY(NULL, &p, (long)rec->spki_len)) != NULL)
		ok = X509_verify(x, pub) == 1;
	EVP_PKEY_free(pub);
	store_ca_free(rec);
	return ok;
}

/*
 * One file ISSUER-SERIAL.der of DIR/unrecorded: 1 if it is now in the
 * store (stored here or earlier) and was removed, 0 if it stays.
 */
static int
reconcile_file(struct ca *ca, const char *path, const char *name)
{
	struct store_cert *row = NULL;
	unsigned char *der = NULL, hash[32];
	const unsigned char *p, *tbs;
	char issuer[300], *serial, *dot;
	size_t len, tbs_len;
	X509 *x = NULL;
	int done = 0;

	snprintf(issuer, sizeof(issuer), "%s", name);
	if ((dot = strrchr(issuer, '.')) == NULL || strcmp(dot, ".der") != 0 ||
	    (serial = strrchr(issuer, '-')) == NULL)
		return 0;
	*dot = '\0';
	*serial++ = '\0';
	if ((der = file_read(path, FILE_READ_MAX, &len)) == NULL)
		goto out;
	p = der;
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL ||
	    p != der + len || !reconcile_tbs(der, len, &tbs, &tbs_len)) {
		log_warn("reconciliation: %s: not a certificate; left there",
		    path);
		goto out;
	}
	SHA256(tbs, tbs_len, hash);
	if (!store_cert_get(ca->store, issuer, serial, &row) || row == NULL ||
	    memcmp(row->tbs_sha256, hash, 32) != 0 ||
	    !reconcile_sig_ok(ca, issuer, x)) {
		log_warn("reconciliation: %s: matches no intent of the store "
		    "(issuer, serial, TBS hash and signature); left there for "
		    "an operator", path);
		goto out;
	}
	if (row->state == STORE_CERT_INTENT) {
		if (!store_cert_issued(ca->store, issuer, serial, der, len,
		    ca_now()))
			goto out;
		log_info("reconciliation: certificate %s/%s stored from %s",
		    issuer, serial, path);
	} else if (row->state != STORE_CERT_ISSUED || row->der_len != len ||
	    memcmp(row->der, der, len) != 0) {
		log_warn("reconciliation: %s: its intent is %s; left there "
		    "for an operator", path, store_cert_state_name(row->state));
		goto out;
	}
	done = unlink(path) == 0;
 out:
	X509_free(x);
	free(der);
	store_cert_free(row);
	return done;
}

static void
reconcile_unrecorded(struct ca *ca)
{
	char *dir, *path;
	struct dirent *de;
	DIR *d;

	if ((dir = file_join(ca->dir, "unrecorded")) == NULL)
		return;
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((path = file_join(dir, de->d_name)) == NULL)
			break;
		reconcile_file(ca, path, de->d_name);
		free(path);
	}
	closedir(d);
	free(dir);
}

struct reconcile_list {
	char	**issuer;
	char	**serial;
	size_t	  n, cap;
};

static int
reconcile_collect(const struct store_cert *c, void *arg)
{
	struct reconcile_list *l = arg;
	char **a, **b;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		if ((a = realloc(l->issuer, cap * sizeof(*a))) == NULL)
			return 0;
		l->issuer = a;
		if ((b = realloc(l->serial, cap * sizeof(*b))) == NULL)
			return 0;
		l->serial = b;
		l->cap = cap;
	}
	if ((l->issuer[l->n] = strdup(c->issuer)) == NULL)
		return 0;
	if ((l->serial[l->n] = strdup(c->serial)) == NULL) {
		free(l->issuer[l->n]);
		return 0;
	}
	l->n++;
	return 1;
}

static void
reconcile_list_free(struct reconcile_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->issuer[i]);
		free(l->serial[i]);
	}
	free(l->issuer);
	free(l->serial);
}

/* Marks every unfinished intent aborted, in one transaction. */
static int
reconcile_intents(struct ca *ca)
{
	struct reconcile_list l = { 0 };
	int ok = 0;

	if (!store_cert_each_in_state(ca->store, STORE_CERT_INTENT,
	    reconcile_collect, &l))
		goto out;
	if (l.n == 0) {
		ok = 1;
		goto out;
	}
	if (!store_begin(ca->store))
		goto out;
	for (size_t i = 0; i < l.n; i++)
		if (!store_cert_abort(ca->store, l.issuer[i], l.serial[i])) {
			store_rollback(ca->store);
			goto out;
		}
	if (!store_commit(ca->store))
		goto out;
	for (size_t i = 0; i < l.n; i++)
		log_warn("reconciliation: certificate %s/%s: its intent never "
		    "completed (the process that recorded it stopped before "
		    "storing a signature, so none was handed out); marked "
		    "aborted, the serial is never reused", l.issuer[i],
		    l.serial[i]);
	ok = 1;
 out:
	if (!ok)
		log_error("reconciliation: cannot mark unfinished intents "
		    "aborted");
	reconcile_list_free(&l);
	return ok;
}

int
ca_reconcile(struct ca *ca)
{
	int ok = 1;

	reconcile_unrecorded(ca);
	if (ca->lock_fd == -1)
		return 1;
	/* Alone: no other signing process can have an intent in flight. */
	if (flock(ca->lock_fd, LOCK_EX | LOCK_NB) == 0)
		ok = reconcile_intents(ca);
	/*
	 * Linux drops the shared lock when an upgrade fails, so take it
	 * again either way; this process has no intent of its own yet.
	 */
	if (flock(ca->lock_fd, LOCK_SH) == -1) {
		log_error("inkan.lock: cannot take the shared lock: %s",
		    strerror(errno));
		ok = 0;
	}
	return ok;
}
