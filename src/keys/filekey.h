#ifndef INKAN_KEYS_FILEKEY_H
#define INKAN_KEYS_FILEKEY_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "keys/signer_impl.h"

/*
 * File keys of the signer child: NAME.key (encrypted PKCS#8 PEM) and the
 * certificates bound to it, NAME.crt, in one folder under one passphrase.
 * Keys are loaded on first use and kept. NAME.crt is read again when the
 * file changes: a signature checks that at most once a second (another
 * signer process may bind a certificate), a bind through this store
 * always. Failures fill a signer_reason naming the key.
 */

/* How long NAME.crt as read serves signatures before a stat(2). */
#define FILEKEY_CRT_RECHECK_NS	(1000L * 1000 * 1000)

/* Allowed RSA sizes for new keys. */
#define FILEKEY_BITS_OK(b)	((b) == 2048 || (b) == 3072 || (b) == 4096)

struct filekey {
	char		 name[SIGNER_KEY_NAME_MAX + 1];
	EVP_PKEY	*pkey;
	STACK_OF(X509)	*_certs;	/* NULL: not read, or stale */
	dev_t		 _crt_dev;	/* NAME.crt when read */
	ino_t		 _crt_ino;
	off_t		 _crt_size;
	struct timespec	 _crt_mtime;
	struct timespec	 _crt_checked;	/* CLOCK_MONOTONIC of the last stat */
	struct filekey	*_next;
};

struct filekey_store;

/*
 * Opens the store of dir. Takes over pass (from passphrase_read(), pass_len
 * bytes) in every case. Returns NULL on allocation failure (logged).
 */
struct filekey_store *filekey_store_new(const char *dir, char *pass,
    size_t pass_len);

/* Frees every cached key and cleanses the passphrase; accepts NULL. */
void filekey_store_free(struct filekey_store *st);

/* Returns key name, loading it on first use; NULL with a reason. */
struct filekey *filekey_get(struct filekey_store *st, const char *name,
    struct signer_reason *why);

/*
 * Generates RSA key name of bits (FILEKEY_BITS_OK) and writes NAME.key,
 * never over an existing file. Returns the cached key or NULL.
 */
struct filekey *filekey_generate(struct filekey_store *st, const char *name,
    unsigned int bits, struct signer_reason *why);

/*
 * The certificates bound to fk, all with fk's public key and one subject;
 * empty if none. Borrowed until the next call. NULL with a reason if
 * NAME.crt cannot be read or holds anything else. Up to a second old if
 * another process changed NAME.crt (FILEKEY_CRT_RECHECK_NS).
 */
STACK_OF(X509) *filekey_get0_certs(struct filekey_store *st,
    struct filekey *fk, struct signer_reason *why);

/*
 * Adds certificate der to NAME.crt unless it is there already. It must
 * carry fk's public key and the subject of the certificates already bound.
 */
int filekey_bind_cert(struct filekey_store *st, struct filekey *fk,
    const unsigned char *der, size_t len, struct signer_reason *why);

#endif
