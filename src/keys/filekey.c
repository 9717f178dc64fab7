#include "keys/filekey.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "keys/passphrase.h"
#include "util/file.h"
#include "util/log.h"

/* A 4096-bit encrypted RSA key is about 3.3 KiB of PEM. */
#define FILEKEY_KEY_FILE_MAX	(64 * 1024)

struct filekey_store {
	char		*dir;
	char		*pass;
	size_t		 pass_len;
	struct filekey	*keys;
};

/* What the PEM password callback needs, and whether it was asked. */
struct filekey_pass {
	const struct filekey_store *st;
	int		 asked;
};

struct filekey_store *
filekey_store_new(const char *dir, char *pass, size_t pass_len)
{
	struct filekey_store *st;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->dir = strdup(dir)) == NULL) {
		log_error("signer: out of memory");
		free(st);
		passphrase_free(pass, pass_len);
		return NULL;
	}
	st->pass = pass;
	st->pass_len = pass_len;
	return st;
}

static void
filekey_free(struct filekey *fk)
{
	if (fk == NULL)
		return;
	EVP_PKEY_free(fk->pkey);
	sk_X509_pop_free(fk->_certs, X509_free);
	free(fk);
}

void
filekey_store_free(struct filekey_store *st)
{
	struct filekey *fk, *next;

	if (st == NULL)
		return;
	for (fk = st->keys; fk != NULL; fk = next) {
		next = fk->_next;
		filekey_free(fk);
	}
	passphrase_free(st->pass, st->pass_len);
	free(st->dir);
	free(st);
}

/* dir/NAME.ext as a new string; name is valid, so it fits. */
static char *
filekey_path(const struct filekey_store *st, const char *name,
    const char *ext)
{
	char file[SIGNER_KEY_NAME_MAX + 8];

	snprintf(file, sizeof(file), "%s%s", name, ext);
	return file_join(st->dir, file);
}

static int
filekey_pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct filekey_pass *p = u;

	p->asked = 1;
	if (size < 0 || p->st->pass_len > (size_t)size)
		return -1;
	memcpy(buf, p->st->pass, p->st->pass_len);
	return (int)p->st->pass_len;
}

/* Decrypts pem; refuses plaintext keys and keys other than RSA. */
static EVP_PKEY *
filekey_decode(struct filekey_store *st, const char *name,
    const unsigned char *pem, size_t len, struct signer_reason *why)
{
	struct filekey_pass arg = { st, 0 };
	EVP_PKEY *pkey = NULL;
	BIO *bio;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		log_openssl("key %s: cannot read key file", name);
		signer_refuse(why, name, "out of memory");
		return NULL;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, filekey_pass_cb, &arg);
	BIO_free(bio);
	/* The queue only says "bad decrypt"; the reason below says more. */
	ERR_clear_error();
	if (pkey == NULL)
		signer_refuse(why, name,
		    "wrong passphrase or damaged key file");
	else if (!arg.asked)
		signer_refuse(why, name, "key file is not encrypted");
	else if (!EVP_PKEY_is_a(pkey, "RSA"))
		signer_refuse(why, name, "not an RSA key");
	else
		return pkey;
	EVP_PKEY_free(pkey);
	return NULL;
}

static EVP_PKEY *
filekey_read(struct filekey_store *st, const char *name,
    struct signer_reason *why)
{
	unsigned char *pem = NULL;
	EVP_PKEY *pkey = NULL;
	char *path;
	size_t len = 0;

	if ((path = filekey_path(st, name, ".key")) == NULL) {
		signer_refuse(why, name, "out of memory");
		return NULL;
	}
	if (!file_exists(path))
		signer_refuse(why, name, "no such key in %s", st->dir);
	else if ((pem = file_read(path, FILEKEY_KEY_FILE_MAX, &len)) == NULL)
		signer_refuse(why, name, "cannot read %s", path);
	else
		pkey = filekey_decode(st, name, pem, len, why);
	if (pem != NULL)
		OPENSSL_cleanse(pem, len);
	free(pem);
	free(path);
	return pkey;
}

static struct filekey *
filekey_find(const struct filekey_store *st, const char *name)
{
	struct filekey *fk;

	for (fk = st->keys; fk != NULL; fk = fk->_next)
		if (strcmp(fk->name, name) == 0)
			return fk;
	return NULL;
}

/* Caches pkey under name; takes pkey over in every case. */
static struct filekey *
filekey_add(struct filekey_store *st, const char *name, EVP_PKEY *pkey,
    struct signer_reason *why)
{
	struct filekey *fk;

	if ((fk = calloc(1, sizeof(*fk))) == NULL) {
		EVP_PKEY_free(pkey);
		signer_refuse(why, name, "out of memory");
		return NULL;
	}
	snprintf(fk->name, sizeof(fk->name), "%s", name);
	fk->pkey = pkey;
	fk->_next = st->keys;
	st->keys = fk;
	return fk;
}

struct filekey *
filekey_get(struct filekey_store *st, const char *name,
    struct signer_reason *why)
{
	struct filekey *fk;
	EVP_PKEY *pkey;

	if ((fk = filekey_find(st, name)) != NULL)
		return fk;
	if ((pkey = filekey_read(st, name, why)) == NULL)
		return NULL;
	return filekey_add(st, name, pkey, why);
}

/* Writes pkey encrypted under the passphrase to a new file path. */
static int
filekey_write(struct filekey_store *st, const char *path, EVP_PKEY *pkey)
{
	char *data;
	long n;
	BIO *bio;
	int ok = 0;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_256_cbc(),
	    st->pass, (int)st->pass_len, NULL, NULL) ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0) {
		log_openssl("%s: cannot encrypt the new key", path);
		goto out;
	}
	/* Exclusive: a key is never overwritten, even by a race. */
	ok = file_write_atomic(path, data, (size_t)n, 0600, 1);
 out:
	BIO_free(bio);
	return ok;
}

struct filekey *
filekey_generate(struct filekey_store *st, const char *name,
    unsigned int bits, struct signer_reason *why)
{
	struct filekey *fk = NULL;
	EVP_PKEY *pkey = NULL;
	char *path;

	if (!FILEKEY_BITS_OK(bits)) {
		signer_refuse(why, name, "RSA key size %u not allowed "
		    "(2048, 3072 or 4096)", bits);
		return NULL;
	}
	if ((path = filekey_path(st, name, ".key")) == NULL) {
		signer_refuse(why, name, "out of memory");
		return NULL;
	}
	if (filekey_find(st, name) != NULL || file_exists(path))
		signer_refuse(why, name, "%s exists; keys are never "
		    "overwritten", path);
	else if (!file_mkdirs(st->dir, 0700))
		signer_refuse(why, name, "cannot create %s", st->dir);
	else if ((pkey = EVP_RSA_gen(bits)) == NULL) {
		log_openssl("key %s: RSA key generation failed", name);
		signer_refuse(why, name, "RSA key generation failed");
	} else if (!filekey_write(st, path, pkey))
		signer_refuse(why, name, "cannot write %s", path);
	else
		/* Read it back: a key that cannot be loaded is no key. */
		fk = filekey_get(st, name, why);
	if (fk != NULL && EVP_PKEY_eq(fk->pkey, pkey) != 1) {
		signer_refuse(why, name, "%s does not read back", path);
		fk = NULL;
	}
	EVP_PKEY_free(pkey);
	free(path);
	return fk;
}

/* A certificate may be bound to fk only with fk's key and one subject. */
static int
filekey_cert_fits(const struct filekey *fk, STACK_OF(X509) *certs, X509 *x,
    struct signer_reason *why)
{
	EVP_PKEY *pub = X509_get0_pubkey(x);

	if (pub == NULL || EVP_PKEY_eq(pub, fk->pkey) != 1)
		return signer_refuse(why, fk->name,
		    "certificate is for another key");
	/* Cross-certificates share key and subject (signer.h). */
	if (sk_X509_num(certs) > 0 &&
	    X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_subject_name(sk_X509_value(certs, 0))) != 0)
		return signer_refuse(why, fk->name, "certificate subject "
		    "differs from the key's other certificates");
	return 1;
}

static STACK_OF(X509) *
filekey_parse_certs(const struct filekey *fk, const char *path,
    const unsigned char *pem, size_t len, struct signer_reason *why)
{
	STACK_OF(X509) *certs = NULL, *res = NULL;
	BIO *bio;
	X509 *x;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (certs = sk_X509_new_null()) == NULL) {
		log_openssl("%s: cannot read", path);
		signer_refuse(why, fk->name, "out of memory");
		goto out;
	}
	ERR_clear_error();
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!filekey_cert_fits(fk, certs, x, why)) {
			X509_free(x);
			goto out;
		}
		if (!sk_X509_push(certs, x)) {
			X509_free(x);
			signer_refuse(why, fk->name, "out of memory");
			goto out;
		}
	}
	/* The normal end of the file is "no start line"; anything else
	 * is a damaged certificate. */
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
		log_openssl("%s: damaged certificate", path);
		signer_refuse(why, fk->name, "%s: damaged certificate", path);
		goto out;
	}
	ERR_clear_error();
	if (sk_X509_num(certs) == 0) {
		signer_refuse(why, fk->name, "%s holds no certificate", path);
		goto out;
	}
	res = certs;
	certs = NULL;
 out:
	sk_X509_pop_free(certs, X509_free);
	BIO_free(bio);
	return res;
}

static int
filekey_same_file(const struct filekey *fk, const struct stat *sb)
{
	return fk->_crt_dev == sb->st_dev && fk->_crt_ino == sb->st_ino &&
	    fk->_crt_size == sb->st_size &&
	    fk->_crt_mtime.tv_sec == sb->st_mtim.tv_sec &&
	    fk->_crt_mtime.tv_nsec == sb->st_mtim.tv_nsec;
}

/* Reads NAME.crt into a new stack: empty if the file does not exist. */
static STACK_OF(X509) *
filekey_read_certs(const struct filekey *fk, const char *path,
    const struct stat *sb, struct signer_reason *why)
{
	STACK_OF(X509) *certs;
	unsigned char *pem;
	size_t len;

	if (sb->st_ino == 0) {
		if ((certs = sk_X509_new_null()) == NULL)
			signer_refuse(why, fk->name, "out of memory");
		return certs;
	}
	if ((pem = file_read(path, FILE_READ_MAX, &len)) == NULL) {
		signer_refuse(why, fk->name, "cannot read %s", path);
		return NULL;
	}
	certs = filekey_parse_certs(fk, path, pem, len, why);
	free(pem);
	return certs;
}

/*
 * Whether fk's certificates were compared with NAME.crt less than
 * FILEKEY_CRT_RECHECK_NS ago; *now is the time (zero if unknown).
 */
static int
filekey_certs_fresh(const struct filekey *fk, struct timespec *now)
{
	long long ns;

	if (clock_gettime(CLOCK_MONOTONIC, now) == -1) {
		now->tv_sec = 0;
		now->tv_nsec = 0;
		return 0;
	}
	if (fk->_certs == NULL)
		return 0;
	ns = (long long)(now->tv_sec - fk->_crt_checked.tv_sec) *
	    1000000000LL + (now->tv_nsec - fk->_crt_checked.tv_nsec);
	return ns >= 0 && ns < FILEKEY_CRT_RECHECK_NS;
}

/* filekey_get0_certs(); if recheck, NAME.crt is looked at in any case. */
static STACK_OF(X509) *
filekey_certs(struct filekey_store *st, struct filekey *fk, int recheck,
    struct signer_reason *why)
{
	STACK_OF(X509) *certs = NULL;
	struct timespec now;
	struct stat sb;
	char *path;

	/* A stat(2) per signature is a system call for nothing. */
	if (filekey_certs_fresh(fk, &now) && !recheck)
		return fk->_certs;
	if ((path = filekey_path(st, fk->name, ".crt")) == NULL) {
		signer_refuse(why, fk->name, "out of memory");
		return NULL;
	}
	memset(&sb, 0, sizeof(sb));
	if (stat(path, &sb) == -1 && errno != ENOENT) {
		signer_refuse(why, fk->name, "cannot read %s: %s", path,
		    strerror(errno));
		goto out;
	}
	/* Another signer (the CLI's, say) may have bound a certificate. */
	if (fk->_certs != NULL && filekey_same_file(fk, &sb)) {
		certs = fk->_certs;
		fk->_crt_checked = now;
		goto out;
	}
	if ((certs = filekey_read_certs(fk, path, &sb, why)) == NULL)
		goto out;
	sk_X509_pop_free(fk->_certs, X509_free);
	fk->_certs = certs;
	fk->_crt_dev = sb.st_dev;
	fk->_crt_ino = sb.st_ino;
	fk->_crt_size = sb.st_size;
	fk->_crt_mtime = sb.st_mtim;
	fk->_crt_checked = now;
 out:
	free(path);
	return certs;
}

STACK_OF(X509) *
filekey_get0_certs(struct filekey_store *st, struct filekey *fk,
    struct signer_reason *why)
{
	return filekey_certs(st, fk, 0, why);
}

/* PEM of the certificates in old[0..len) followed by x, in a new BIO. */
static BIO *
filekey_certs_pem(const unsigned char *old, size_t len, X509 *x)
{
	BIO *bio;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (len > 0 && BIO_write(bio, old, (int)len) != (int)len)
		goto fail;
	if (len > 0 && old[len - 1] != '\n' && BIO_puts(bio, "\n") != 1)
		goto fail;
	if (!PEM_write_bio_X509(bio, x))
		goto fail;
	return bio;
 fail:
	BIO_free(bio);
	return NULL;
}

/* Rewrites NAME.crt atomically with x appended to what it holds. */
static int
filekey_append_cert(struct filekey_store *st, struct filekey *fk, X509 *x,
    struct signer_reason *why)
{
	unsigned char *old = NULL;
	char *path, *data;
	size_t old_len = 0;
	long n;
	BIO *bio = NULL;
	int ok = 0;

	if ((path = filekey_path(st, fk->name, ".crt")) == NULL)
		return signer_refuse(why, fk->name, "out of memory");
	if (file_exists(path) &&
	    (old = file_read(path, FILE_READ_MAX, &old_len)) == NULL) {
		signer_refuse(why, fk->name, "cannot read %s", path);
		goto out;
	}
	if ((bio = filekey_certs_pem(old, old_len, x)) == NULL ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0) {
		log_openssl("%s: cannot encode", path);
		signer_refuse(why, fk->name, "out of memory");
		goto out;
	}
	if (!file_write_atomic(path, data, (size_t)n, 0644, 0)) {
		signer_refuse(why, fk->name, "cannot write %s", path);
		goto out;
	}
	/* Read the file again next time rather than trust its identity. */
	sk_X509_pop_free(fk->_certs, X509_free);
	fk->_certs = NULL;
	ok = 1;
 out:
	BIO_free(bio);
	free(old);
	free(path);
	return ok;
}

int
filekey_bind_cert(struct filekey_store *st, struct filekey *fk,
    const unsigned char *der, size_t len, struct signer_reason *why)
{
	const unsigned char *p = der;
	STACK_OF(X509) *certs;
	X509 *x = NULL;
	int i, ok = 0;

	if (len == 0 || len > LONG_MAX ||
	    (x = d2i_X509(NULL, &p, (long)len)) == NULL || p != der + len) {
		ERR_clear_error();
		signer_refuse(why, fk->name,
		    "certificate to bind is not one DER certificate");
		goto out;
	}
	/* Not a second old: another signer may have bound it already. */
	if ((certs = filekey_certs(st, fk, 1, why)) == NULL ||
	    !filekey_cert_fits(fk, certs, x, why))
		goto out;
	for (i = 0; i < sk_X509_num(certs); i++) {
		if (X509_cmp(sk_X509_value(certs, i), x) == 0) {
			ok = 1;
			goto out;
		}
	}
	ok = filekey_append_cert(st, fk, x, why);
 out:
	X509_free(x);
	return ok;
}
