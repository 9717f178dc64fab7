#ifndef INKAN_CA_CA_H
#define INKAN_CA_CA_H

#include <openssl/x509.h>

#include "audit/audit.h"
#include "conf/conf.h"
#include "keys/signer.h"
#include "store/store.h"

/*
 * An opened CA directory: its configuration, its store and its signer
 * process. DIR holds inkan.conf (the configuration in force, copied at
 * init), inkan.db (the SQLite store), keys/ (encrypted CA keys, read only
 * by the signer) and repository/ (what is published).
 */
#define CA_READY_MAX	32

struct ca {
	char		*dir;
	char		*conf_path;
	struct conf	*conf;
	struct store	*store;
	struct signer	*signer;
	/* Signer keys already unlocked and matched to their certificate. */
	char		 ready[CA_READY_MAX][SIGNER_KEY_NAME_MAX + 1];
	size_t		 nready;
	/* DIR/inkan.lock, held shared by every process that signs. */
	int		 lock_fd;
	/* The clock check's newest event (src/ca/clock.c), once known. */
	int64_t		 clock_last;
	int		 clock_known;
	/* A certificate or a revocation was stored: back up (CP-5.5.4). */
	int		 changed;
	/* Who acts, for the audit log (CP-5.4): the OS user by default. */
	struct audit_who who;
};

struct ca_open_opts {
	const char	*dir;
	const char	*config;		/* NULL: DIR/inkan.conf */
	const char	*passphrase_file;	/* NULL: prompt */
	int		 create;		/* init: DIR must be new */
	int		 no_signer;		/* read-only commands */
};

/*
 * Opens a CA directory: starts the signer first (so it inherits nothing
 * else), then loads the configuration and opens the store. With create,
 * refuses a directory that already holds a store. NULL on failure (logged).
 */
struct ca *ca_open(const struct ca_open_opts *opts);

/* Stops the signer and closes everything. Accepts NULL. */
void ca_close(struct ca *ca);

/*
 * The issued certificates of CA entity name (cross-certificates
 * included), oldest first, in a new stack; NULL on failure or if none.
 */
STACK_OF(X509) *ca_certs_of(struct ca *ca, const char *name);

/*
 * The certificate of CA entity name best matching md: one signed with md
 * if there is one, else the one signed with the strongest digest.
 * Returns a new reference, or NULL.
 */
X509 *ca_cert_pick(struct ca *ca, const char *name, int sig_nid);

/*
 * The chain above cert's issuer CA entity: the chosen CA certificate and
 * the root that signed it (for subscriber output and verification).
 */
STACK_OF(X509) *ca_chain_for(struct ca *ca, const char *issuer, int sig_nid);

/* Path under DIR/repository for a URL under base_url/repository/, or NULL. */
char *ca_repository_path(const struct ca *ca, const char *url);

/* Writes x as DER at path and PEM beside it (path with .pem). */
int ca_write_cert(const char *path, X509 *x);

/* Current time, UTC seconds. One place so tests can reason about it. */
time_t ca_now(void);

#endif
