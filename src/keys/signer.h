#ifndef INKAN_KEYS_SIGNER_H
#define INKAN_KEYS_SIGNER_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The signer: a separate process that alone holds CA private keys
 * (DESIGN.md "Processes", STYLE "The signer stands alone"). The CLI and
 * the daemon start it with signer_start() before they open anything else,
 * and from then on only send it to-be-signed bytes over a socketpair.
 *
 * Keys live in key_dir as NAME.key: PKCS#8 PEM encrypted with AES-256 under
 * the passphrase. Certificates bound to a key (NAME.crt, PEM, one or more:
 * cross-certificates share key and subject) let the signer check each TBS
 * before it signs: issuer name equal to the key's certificate subject, the
 * validity inside that of the bound certificates (notBefore not before the
 * earliest notBefore, notAfter not after the latest notAfter), the
 * signature algorithm matching the requested digest and the key (RSA,
 * PKCS#1 v1.5, parameters NULL), and the TBS encoded in DER. A
 * TBSCertificate must also hold no extension twice, none of those OpenSSL
 * vets malformed, and a subjectPublicKeyInfo of an AlgorithmIdentifier and
 * a BIT STRING. The key in it is decoded only for a root signed before it
 * is bound (SIGN_CA_CERT below); otherwise it is lint's business.
 *
 * Wire format (both directions), all integers big-endian:
 *   request:  u32 length of the rest | u8 op | u8 md | u8 name_len | name |
 *             payload
 *   reply:    u32 length of the rest | u8 status (0 ok) | payload
 *             (payload: the result, or a UTF-8 error message on failure)
 * The length counts the bytes after it, 1..SIGNER_FRAME_MAX; any other
 * length, or a request too short for its name, ends the session. Before
 * the first request the signer sends one reply of its own: status 0 once
 * it holds the passphrase (signer_start() waits for it), or the error.
 * Key names are 1..SIGNER_KEY_NAME_MAX of [A-Za-z0-9_-] (file names).
 */

/* A CRL of a million entries is ~45 MB: the TBS goes to the signer whole. */
#define SIGNER_FRAME_MAX	(64 * 1024 * 1024)
#define SIGNER_KEY_NAME_MAX	64

/* The audit log's signing key (src/audit/): SIGNER_OP_SIGN_AUDIT only. */
#define SIGNER_AUDIT_KEY	"audit"

enum signer_op {
	/*
	 * payload u32 bits (2048, 3072 or 4096); makes NAME.key, never
	 * over an existing file; reply SPKI DER
	 */
	SIGNER_OP_GENERATE,
	/* no payload; reply SPKI DER of NAME.key */
	SIGNER_OP_PUBKEY,
	/*
	 * payload certificate DER whose public key must be NAME's; appended
	 * to NAME.crt (once per distinct certificate); reply empty. This
	 * signer uses it at once, other signer processes within a second.
	 */
	SIGNER_OP_BIND_CERT,
	/*
	 * payload TBSCertificate DER of an end-entity certificate (refused
	 * if basicConstraints cA is TRUE); reply signature
	 */
	SIGNER_OP_SIGN_CERT,
	/*
	 * payload TBSCertificate DER of a CA certificate (basicConstraints
	 * cA TRUE), including a self-signed root whose key has no bound
	 * certificate yet (then the TBS subject public key must be NAME's
	 * own); only the deliberate operator commands (init, key ceremony)
	 * use it; reply signature
	 */
	SIGNER_OP_SIGN_CA_CERT,
	/* payload TBSCertList DER; reply signature */
	SIGNER_OP_SIGN_CRL,
	/* payload ResponseData DER (RFC 6960 tbsResponseData); reply signature */
	SIGNER_OP_SIGN_OCSP,
	/*
	 * payload: bytes of the audit log to seal (a checkpoint, the
	 * signed attributes of an archive manifest's CMS SignedData, the
	 * audit key's own self-signed certificate); reply signature. Only
	 * the key SIGNER_AUDIT_KEY signs these, and that key signs nothing
	 * else: its signatures vouch for the audit log, never for a
	 * certificate a relying party would trust.
	 */
	SIGNER_OP_SIGN_AUDIT,
	SIGNER_OP_MAX
};

enum signer_md {
	SIGNER_MD_SHA1,
	SIGNER_MD_SHA256,
	SIGNER_MD_SHA384,
	SIGNER_MD_SHA512,
	SIGNER_MD_MAX
};

struct signer_config {
	const char	*key_dir;		/* folder of NAME.key, NAME.crt */
	const char	*passphrase_file;	/* NULL: prompt on /dev/tty */
};

/* One request of a pipelined batch (signer_sign_many). */
struct signer_job {
	enum signer_op	 op;
	enum signer_md	 md;
	const char	*key;
	const unsigned char *tbs;
	size_t		 tbs_len;
	unsigned char	*sig;		/* out: malloc'd signature, or NULL */
	size_t		 sig_len;	/* out */
	int		 ok;		/* out: 1 if signed */
};

struct signer;

/*
 * Forks the signer process. The child closes every other descriptor,
 * reads the passphrase and serves requests until its socket closes; it
 * never returns. The parent returns once the child holds the passphrase
 * (so a prompt on the terminal is over): the handle, or NULL (logged) if
 * the passphrase could not be read.
 */
struct signer *signer_start(const struct signer_config *conf);

/*
 * Shuts the socket down and waits for the child. 1 if it exited 0;
 * accepts NULL (then 1).
 */
int signer_stop(struct signer *s);

/* Process id of the child, for tests that kill it. */
pid_t signer_pid(const struct signer *s);

/* Generates an RSA key NAME of the given size; *spki is malloc'd DER. */
int signer_generate(struct signer *s, const char *key, unsigned int bits,
    unsigned char **spki, size_t *spki_len);

/* Returns the public key of NAME as malloc'd SubjectPublicKeyInfo DER. */
int signer_pubkey(struct signer *s, const char *key, unsigned char **spki,
    size_t *spki_len);

/* Binds a certificate for NAME's key (see SIGNER_OP_BIND_CERT). */
int signer_bind_cert(struct signer *s, const char *key,
    const unsigned char *der, size_t der_len);

/*
 * Signs tbs with NAME's key using op (one of the SIGN ops) and md.
 * *sig is malloc'd. On refusal returns 0 and logs the signer's reason.
 */
int signer_sign(struct signer *s, enum signer_op op, const char *key,
    enum signer_md md, const unsigned char *tbs, size_t tbs_len,
    unsigned char **sig, size_t *sig_len);

/*
 * Sends all n jobs and collects their replies in order, keeping the
 * socket full in both directions so the signer never waits on us (group
 * issuance). Returns 1 if every job was answered (each job's ok says
 * whether it was signed), 0 if the session broke. A job with a bad op,
 * digest or key name is refused locally (ok 0) and never sent. The
 * outputs are overwritten, not freed: free them with signer_jobs_clear().
 */
int signer_sign_many(struct signer *s, struct signer_job *jobs, size_t n);

/* Frees the outputs of each job. */
void signer_jobs_clear(struct signer_job *jobs, size_t n);

/* The EVP digest name for md ("SHA256"...), NULL if out of range. */
const char *signer_md_name(enum signer_md md);

#endif
