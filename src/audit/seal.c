#include "audit/seal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "util/file.h"
#include "util/log.h"
#include "x509/cert.h"
#include "x509/name.h"

/* RSA-3072: the strength NIST SP 800-57 gives beyond 2030. */
#define AUDIT_KEY_BITS		3072
/* The archive is kept 7 years (CP-5.5.2); the key outlives it. */
#define AUDIT_CERT_YEARS	20

static char *
audit_path(const char *dir, const char *name)
{
	char *sub, *path;

	if ((sub = file_join(dir, "audit")) == NULL)
		return NULL;
	path = file_join(sub, name);
	free(sub);
	return path;
}

X509 *
audit_cert_load(const char *dir)
{
	char *path;
	X509 *x = NULL;
	FILE *fp;

	if ((path = audit_path(dir, "audit-signer.pem")) == NULL)
		return NULL;
	if ((fp = fopen(path, "r")) == NULL)
		log_error("%s: no audit certificate (run 'inkan audit "
		    "init-key')", path);
	else {
		if ((x = PEM_read_X509(fp, NULL, NULL, NULL)) == NULL)
			log_openssl("%s: not a PEM certificate", path);
		fclose(fp);
	}
	free(path);
	return x;
}

/* The self-signed certificate of the audit key, signed by it. */
static X509 *
audit_cert_make(struct ca *ca, EVP_PKEY *pub)
{
	static const enum cert_ext order[] = { CERT_EXT_SKI, CERT_EXT_KU,
	    CERT_EXT_BC, CERT_EXT_END };
	struct cert_spec spec;
	ASN1_INTEGER *serial = NULL;
	X509_NAME *name = NULL;
	X509 *tbs = NULL, *x = NULL;
	char err[128];
	time_t now = ca_now();

	if ((name = name_parse("/CN=inkan audit log signer", NAME_ATTR_ALL,
	    err, sizeof(err))) == NULL || (serial = cert_serial_new()) == NULL)
		goto out;
	memset(&spec, 0, sizeof(spec));
	spec.md = SIGNER_MD_SHA256;
	spec.subject = name;
	spec.issuer = name;
	spec.pubkey = pub;
	spec.serial = serial;
	spec.not_before = now;
	spec.not_after = cert_add_months(now, 12 * AUDIT_CERT_YEARS);
	spec.order = order;
	spec.ca = 0;
	spec.path_len = -1;
	spec.key_usage = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_NON_REPUDIATION;
	if ((tbs = cert_build(&spec)) == NULL)
		goto out;
	x = cert_sign(tbs, ca->signer, SIGNER_OP_SIGN_AUDIT, SIGNER_AUDIT_KEY,
	    SIGNER_MD_SHA256);
 out:
	X509_NAME_free(name);
	ASN1_INTEGER_free(serial);
	X509_free(tbs);
	return x;
}

/* The audit key's public half: a new key, or the one the signer holds. */
static EVP_PKEY *
audit_key_pub(struct ca *ca, int *made)
{
	unsigned char *spki = NULL;
	const unsigned char *p;
	size_t len = 0;
	EVP_PKEY *pub = NULL;
	char *keyfile;

	*made = 0;
	if ((keyfile = file_join(ca->dir, "keys/" SIGNER_AUDIT_KEY ".key")) ==
	    NULL)
		return NULL;
	if (file_exists(keyfile)) {
		if (!signer_pubkey(ca->signer, SIGNER_AUDIT_KEY, &spki, &len))
			goto out;
	} else {
		log_info("audit: generating the audit key (RSA-%d) in the "
		    "signer", AUDIT_KEY_BITS);
		if (!signer_generate(ca->signer, SIGNER_AUDIT_KEY,
		    AUDIT_KEY_BITS, &spki, &len))
			goto out;
		*made = 1;
	}
	p = spki;
	pub = d2i_PUBKEY(NULL, &p, (long)len);
 out:
	free(spki);
	free(keyfile);
	return pub;
}

int
audit_key_init(struct ca *ca)
{
	char *path = NULL, *pub_path = NULL, *repo = NULL, *dir = NULL;
	EVP_PKEY *pub = NULL;
	X509 *x = NULL;
	int made = 0, ok = 0;

	if ((path = audit_path(ca->dir, "audit-signer.pem")) == NULL)
		return 0;
	if (file_exists(path)) {
		free(path);
		return 1;
	}
	if (ca->signer == NULL) {
		log_error("audit: no audit key yet, and no signer to make one");
		goto out;
	}
	if ((dir = file_join(ca->dir, "audit")) == NULL ||
	    !file_mkdirs(dir, 0755) ||
	    (pub = audit_key_pub(ca, &made)) == NULL ||
	    (x = audit_cert_make(ca, pub)) == NULL ||
	    (pub_path = audit_path(ca->dir, "audit-signer.cer")) == NULL ||
	    !ca_write_cert(pub_path, x) ||
	    (repo = file_join(ca->dir,
	    "repository/audit/audit-signer.cer")) == NULL ||
	    !ca_write_cert(repo, x))
		goto out;
	log_info("audit: audit key certificate in %s", path);
	ok = 1;
 out:
	audit_ca(ca, made ? "audit.key.generate" : "audit.key.certify",
	    "key:" SIGNER_AUDIT_KEY, ok ? "ok" : "failed", NULL);
	EVP_PKEY_free(pub);
	X509_free(x);
	free(path);
	free(pub_path);
	free(repo);
	free(dir);
	return ok;
}

int
audit_last_checkpoint(struct store *st, int64_t *seq)
{
	return store_audit_checkpoint_last(st, seq);
}

/* The newest checkpoint outside the database too (audit_verify). */
static int
audit_head_files(struct ca *ca, const char *text, const unsigned char *sig,
    size_t sig_len)
{
	char *t = NULL, *s = NULL;
	int ok = 0;

	if ((t = audit_path(ca->dir, "last-checkpoint.txt")) != NULL &&
	    (s = audit_path(ca->dir, "last-checkpoint.sig")) != NULL)
		ok = file_write_atomic(s, sig, sig_len, 0644, 0) &&
		    file_write_atomic(t, text, strlen(text), 0644, 0);
	free(t);
	free(s);
	return ok;
}

int
audit_checkpoint_make(struct ca *ca, const char *kind, int64_t seq,
    const unsigned char head[32])
{
	struct store_audit_checkpoint cp;
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	char *text = NULL;
	int ok = 0;

	memset(&cp, 0, sizeof(cp));
	cp.seq = seq;
	memcpy(cp.head_hash, head, 32);
	cp.time = ca_now();
	cp.kind = (char *)kind;
	if ((text = audit_checkpoint_text(&cp)) == NULL)
		goto out;
	if (!signer_sign(ca->signer, SIGNER_OP_SIGN_AUDIT, SIGNER_AUDIT_KEY,
	    SIGNER_MD_SHA256, (const unsigned char *)text, strlen(text), &sig,
	    &sig_len))
		goto out;
	cp.sig = sig;
	cp.sig_len = sig_len;
	if (!store_audit_checkpoint_insert(ca->store, &cp))
		goto out;
	/* The newest seal only: a purge's mark lies further back. */
	if (strcmp(kind, "seal") == 0 &&
	    !audit_head_files(ca, text, sig, sig_len))
		log_warn("audit: checkpoint %lld stored, but not copied to "
		    "%s/audit", (long long)seq, ca->dir);
	log_debug("audit: checkpoint (%s) at record %lld", kind,
	    (long long)seq);
	ok = 1;
 out:
	free(sig);
	free(text);
	return ok;
}

int
audit_unsealed(struct store *st, int64_t *n)
{
	unsigned char head[32];
	int64_t seq, last;

	if (!store_audit_head(st, &seq, head) ||
	    !audit_last_checkpoint(st, &last))
		return 0;
	*n = seq > last ? seq - last : 0;
	return 1;
}

int
audit_seal(struct ca *ca)
{
	unsigned char head[32];
	int64_t seq, n;

	if (ca->signer == NULL)
		return 1;
	if (!audit_unsealed(ca->store, &n))
		return 0;
	if (n == 0)
		return 1;
	if (!audit_key_init(ca))
		return 0;
	/* audit_key_init may have added a record: seal that too. */
	if (!store_audit_head(ca->store, &seq, head))
		return 0;
	return audit_checkpoint_make(ca, "seal", seq, head);
}

bool
audit_ca(struct ca *ca, const char *type, const char *object,
    const char *outcome, const char *detail)
{
	struct audit_event ev = { type, ca->who.actor, ca->who.role,
	    ca->who.auth, ca->who.source, object, outcome, detail };

	return audit_record(ca->store, &ev);
}
