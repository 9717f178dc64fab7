#include "ca/ca.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/sha.h>

#include "ca/backup.h"
#include "ca/reconcile.h"
#include "audit/seal.h"
#include "lint/lint.h"
#include "util/file.h"
#include "util/log.h"

time_t
ca_now(void)
{
	return time(NULL);
}

static int
ca_prepare_dir(const char *dir, int create)
{
	char *db;
	int ok = 1;

	if (!create)
		return 1;
	if ((db = file_join(dir, "inkan.db")) == NULL)
		return 0;
	if (file_exists(db)) {
		log_error("%s: already initialised (it holds inkan.db); "
		    "refusing to create a second hierarchy", dir);
		ok = 0;
	}
	free(db);
	return ok && file_mkdirs(dir, 0700);
}

/*
 * The compromised-key blocklist (CSBR 6.1.1.3): DIR/key-blocklist.sha256,
 * SHA-256 fingerprints of public keys, one a line; absent, no blocklist.
 */
static int
ca_load_blocklist(struct ca *ca)
{
	char *path;
	int ok = 1;

	if ((path = file_join(ca->dir, "key-blocklist.sha256")) == NULL)
		return 0;
	if (file_exists(path) && !(ok = lint_blocklist_set_default(path)))
		log_error("%s: cannot load the key blocklist", path);
	free(path);
	return ok;
}

/*
 * Configuration changes (CP-5.4): the SHA-256 of the configuration in
 * force is kept in DIR/audit/config.sha256; a command that finds another
 * one records config.change (config.load the first time). The file is
 * edited by hand, so this is where a change can be seen.
 */
static void
ca_audit_config(struct ca *ca)
{
	char *dir = NULL, *path = NULL, detail[200], hex[65];
	unsigned char *text = NULL, *old = NULL, h[32];
	size_t len, old_len = 0;

	if ((text = file_read(ca->conf_path, FILE_READ_MAX, &len)) == NULL ||
	    (dir = file_join(ca->dir, "audit")) == NULL ||
	    (path = file_join(dir, "config.sha256")) == NULL)
		goto out;
	SHA256(text, len, h);
	audit_hex(h, 32, hex);
	if (file_exists(path) && (old = file_read(path, 128, &old_len)) !=
	    NULL && old_len == 64 && memcmp(old, hex, 64) == 0)
		goto out;
	snprintf(detail, sizeof(detail), "{\"sha256\":\"%s\","
	    "\"previous\":\"%.64s\"}", hex, old != NULL && old_len == 64 ?
	    (const char *)old : "");
	if (audit_ca(ca, old != NULL ? "config.change" : "config.load",
	    "config:inkan.conf", "ok", detail) &&
	    (!file_mkdirs(dir, 0755) ||
	    !file_write_atomic(path, hex, 64, 0644, 0)))
		log_warn("%s: cannot record the configuration's hash", path);
 out:
	free(text);
	free(old);
	free(dir);
	free(path);
}

/*
 * Order matters: the configuration is validated before anything is
 * created, and the signer is forked before the store is opened so that it
 * inherits nothing but its key folder.
 */
struct ca *
ca_open(const struct ca_open_opts *opts)
{
	struct signer_config sc = { 0 };
	struct ca *ca = NULL, *res = NULL;
	char *keys = NULL, *db = NULL;

	if ((ca = calloc(1, sizeof(*ca))) == NULL)
		goto out;
	ca->lock_fd = -1;
	audit_who_local(&ca->who);
	if ((ca->dir = strdup(opts->dir)) == NULL ||
	    (keys = file_join(opts->dir, "keys")) == NULL ||
	    (db = file_join(opts->dir, "inkan.db")) == NULL)
		goto out;
	ca->conf_path = opts->config != NULL ? strdup(opts->config) :
	    file_join(opts->dir, "inkan.conf");
	if (ca->conf_path == NULL)
		goto out;
	if (!opts->create && !file_exists(db)) {
		log_error("%s: no CA here (no inkan.db); run 'inkan --dir %s "
		    "init' first", opts->dir, opts->dir);
		goto out;
	}
	if ((ca->conf = conf_load(ca->conf_path)) == NULL)
		goto out;
	if (!ca_prepare_dir(opts->dir, opts->create))
		goto out;
	if (!opts->no_signer) {
		if (opts->create && !file_mkdirs(keys, 0700))
			goto out;
		sc.key_dir = keys;
		sc.passphrase_file = opts->passphrase_file;
		if ((ca->signer = signer_start(&sc)) == NULL)
			goto out;
	}
	if ((ca->store = store_open(db)) == NULL || !ca_load_blocklist(ca))
		goto out;
	/* After the signer's fork: it must not inherit the lock. */
	if (!opts->no_signer && (!ca_lock(ca) || !ca_reconcile(ca)))
		goto out;
	ca_audit_config(ca);
	res = ca;
	ca = NULL;
 out:
	free(keys);
	free(db);
	ca_close(ca);
	return res;
}

void
ca_close(struct ca *ca)
{
	if (ca == NULL)
		return;
	/* Each command seals what it (or anyone) recorded (CP-5.4). */
	if (ca->signer != NULL && ca->store != NULL && !audit_seal(ca))
		log_warn("audit: the log is not sealed; the next command "
		    "or 'inkan audit seal' will seal it");
	/*
	 * After the seal, so the backup holds it (CP-5.5.4); then the
	 * backup's own record is sealed too.
	 */
	if (ca->store != NULL && ca->changed && ca->conf != NULL &&
	    ca->conf->auto_backup_dir != NULL) {
		(void)ca_auto_backup(ca);
		if (ca->signer != NULL && !audit_seal(ca))
			log_warn("audit: the backup's record is not sealed");
	}
	if (ca->signer != NULL && !signer_stop(ca->signer))
		log_warn("signer did not exit cleanly");
	store_close(ca->store);
	if (ca->lock_fd != -1)
		close(ca->lock_fd);
	conf_free(ca->conf);
	free(ca->conf_path);
	free(ca->dir);
	free(ca);
}

static int
ca_collect(const struct store_cert *c, void *arg)
{
	STACK_OF(X509) *sk = arg;
	const unsigned char *p = c->der;
	X509 *x;

	if (c->der == NULL)
		return 1;
	if ((x = d2i_X509(NULL, &p, (long)c->der_len)) == NULL)
		return 0;
	if (!sk_X509_push(sk, x)) {
		X509_free(x);
		return 0;
	}
	return 1;
}

STACK_OF(X509) *
ca_certs_of(struct ca *ca, const char *name)
{
	STACK_OF(X509) *sk;

	if ((sk = sk_X509_new_null()) == NULL)
		return NULL;
	if (!store_cert_each_for_ca(ca->store, name, ca_collect, sk) ||
	    sk_X509_num(sk) == 0) {
		sk_X509_pop_free(sk, X509_free);
		return NULL;
	}
	return sk;
}

static int
ca_md_strength(int nid)
{
	switch (nid) {
	case NID_sha1WithRSAEncryption: return 1;
	case NID_sha256WithRSAEncryption: return 2;
	case NID_sha384WithRSAEncryption: return 3;
	case NID_sha512WithRSAEncryption: return 4;
	default: return 0;
	}
}

X509 *
ca_cert_pick(struct ca *ca, const char *name, int sig_nid)
{
	STACK_OF(X509) *sk;
	X509 *best = NULL, *x;
	int nid, score, best_score = -1;

	if ((sk = ca_certs_of(ca, name)) == NULL)
		return NULL;
	for (int i = 0; i < sk_X509_num(sk); i++) {
		x = sk_X509_value(sk, i);
		nid = X509_get_signature_nid(x);
		/* Same digest first, else the strongest; newest on ties. */
		score = (nid == sig_nid ? 100 : 0) + ca_md_strength(nid);
		if (score >= best_score) {
			best = x;
			best_score = score;
		}
	}
	if (best != NULL && !X509_up_ref(best))
		best = NULL;
	sk_X509_pop_free(sk, X509_free);
	return best;
}

static const char *
ca_root_of(struct ca *ca, X509 *cacert)
{
	for (size_t i = 0; i < ca->conf->nroots; i++) {
		struct store_ca *r = NULL;
		const unsigned char *p;
		X509_NAME *n;
		int match = 0;

		if (!store_ca_get(ca->store, ca->conf->roots[i].name, &r) ||
		    r == NULL)
			continue;
		p = r->subject_der;
		if ((n = d2i_X509_NAME(NULL, &p, (long)r->subject_len)) != NULL) {
			match = X509_NAME_cmp(n,
			    X509_get_issuer_name(cacert)) == 0;
			X509_NAME_free(n);
		}
		store_ca_free(r);
		if (match)
			return ca->conf->roots[i].name;
	}
	return NULL;
}

STACK_OF(X509) *
ca_chain_for(struct ca *ca, const char *issuer, int sig_nid)
{
	STACK_OF(X509) *chain = NULL;
	X509 *cacert = NULL, *root = NULL;
	const char *rootname;

	if ((cacert = ca_cert_pick(ca, issuer, sig_nid)) == NULL)
		goto err;
	if ((rootname = ca_root_of(ca, cacert)) == NULL ||
	    (root = ca_cert_pick(ca, rootname, NID_undef)) == NULL)
		goto err;
	if ((chain = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(chain, cacert))
		goto err;
	cacert = NULL;
	if (!sk_X509_push(chain, root))
		goto err;
	return chain;
 err:
	log_error("CA %s: cannot find its certificate chain", issuer);
	X509_free(cacert);
	X509_free(root);
	sk_X509_pop_free(chain, X509_free);
	return NULL;
}

char *
ca_repository_path(const struct ca *ca, const char *url)
{
	const char *base = ca->conf->base_url;
	size_t blen = strlen(base);
	char *rel, *repo, *path;

	if (url == NULL || strncmp(url, base, blen) != 0 ||
	    strncmp(url + blen, "/repository/", 12) != 0)
		return NULL;
	rel = (char *)url + blen + 12;
	if (*rel == '\0' || strstr(rel, "..") != NULL)
		return NULL;
	if ((repo = file_join(ca->dir, "repository")) == NULL)
		return NULL;
	path = file_join(repo, rel);
	free(repo);
	return path;
}

int
ca_write_cert(const char *path, X509 *x)
{
	unsigned char *der = NULL;
	char *pem_path = NULL, *dir, *slash;
	BIO *b = NULL;
	BUF_MEM *mem;
	int len, ok = 0;

	if ((dir = strdup(path)) == NULL)
		return 0;
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (!file_mkdirs(dir, 0755))
			goto out;
	}
	if ((len = i2d_X509(x, &der)) <= 0 ||
	    !file_write_atomic(path, der, (size_t)len, 0644, 0))
		goto out;
	if ((pem_path = malloc(strlen(path) + 5)) == NULL)
		goto out;
	strcpy(pem_path, path);
	if ((slash = strrchr(pem_path, '.')) != NULL &&
	    strchr(slash, '/') == NULL)
		strcpy(slash, ".pem");
	else
		strcat(pem_path, ".pem");
	if ((b = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(b, x))
		goto out;
	BIO_get_mem_ptr(b, &mem);
	ok = file_write_atomic(pem_path, mem->data, mem->length, 0644, 0);
 out:
	BIO_free(b);
	OPENSSL_free(der);
	free(pem_path);
	free(dir);
	return ok;
}
