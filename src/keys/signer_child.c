/* close_range(2) is a GNU extension of glibc 2.34. */
#define _GNU_SOURCE

#include <sys/resource.h>
#include <sys/socket.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "keys/filekey.h"
#include "keys/frame.h"
#include "keys/passphrase.h"
#include "keys/signer_impl.h"
#include "keys/tbs.h"
#include "util/log.h"

/* The child's socket, always moved to this descriptor. */
#define SIGNER_CHILD_FD		3
/* Secure heap for private keys and the passphrase (power of two). */
#define SIGNER_SECURE_HEAP	(1024 * 1024)

struct signer_child {
	int			 fd;
	struct filekey_store	*store;
};

/* A handler's result on success: OPENSSL_malloc'd, or NULL if empty. */
struct signer_answer {
	unsigned char	*data;
	size_t		 len;
};

typedef int (*signer_handler)(struct signer_child *,
    const struct frame_req *, struct signer_answer *,
    struct signer_reason *);

int
signer_refuse(struct signer_reason *why, const char *key, const char *fmt,
    ...)
{
	va_list ap;
	int n = 0;

	if (key != NULL)
		n = snprintf(why->text, sizeof(why->text), "key %s: ", key);
	if (n < 0 || (size_t)n >= sizeof(why->text))
		return 0;
	va_start(ap, fmt);
	vsnprintf(why->text + n, sizeof(why->text) - (size_t)n, fmt, ap);
	va_end(ap);
	return 0;
}

static int
signer_child_reply(struct signer_child *c, unsigned char status,
    const void *data, size_t len)
{
	struct frame_out out;

	return frame_out_reply(&out, status, data, len) &&
	    frame_out_send(&out, c->fd, 0) == FRAME_IO_DONE;
}

static int
signer_child_reply_text(struct signer_child *c, const char *text)
{
	return signer_child_reply(c, 1, text, strlen(text));
}

static int
signer_child_spki(const struct filekey *fk, struct signer_answer *ans,
    struct signer_reason *why)
{
	unsigned char *der = NULL;
	int n;

	if ((n = i2d_PUBKEY(fk->pkey, &der)) <= 0) {
		log_openssl("key %s: cannot encode the public key", fk->name);
		return signer_refuse(why, fk->name, "cannot encode the "
		    "public key");
	}
	ans->data = der;
	ans->len = (size_t)n;
	return 1;
}

static int
signer_child_generate(struct signer_child *c, const struct frame_req *req,
    struct signer_answer *ans, struct signer_reason *why)
{
	struct filekey *fk;
	unsigned int bits;

	if (req->len != 4)
		return signer_refuse(why, req->name, "GENERATE takes a "
		    "4-byte key size");
	bits = (unsigned int)req->payload[0] << 24 |
	    (unsigned int)req->payload[1] << 16 |
	    (unsigned int)req->payload[2] << 8 | req->payload[3];
	if ((fk = filekey_generate(c->store, req->name, bits, why)) == NULL)
		return 0;
	return signer_child_spki(fk, ans, why);
}

static int
signer_child_pubkey(struct signer_child *c, const struct frame_req *req,
    struct signer_answer *ans, struct signer_reason *why)
{
	struct filekey *fk;

	if (req->len != 0)
		return signer_refuse(why, req->name, "PUBKEY takes no "
		    "payload");
	if ((fk = filekey_get(c->store, req->name, why)) == NULL)
		return 0;
	return signer_child_spki(fk, ans, why);
}

static int
signer_child_bind(struct signer_child *c, const struct frame_req *req,
    struct signer_answer *ans, struct signer_reason *why)
{
	struct filekey *fk;

	if ((fk = filekey_get(c->store, req->name, why)) == NULL)
		return 0;
	return filekey_bind_cert(c->store, fk, req->payload, req->len, why);
}

static int
signer_child_sign(struct signer_child *c, const struct frame_req *req,
    struct signer_answer *ans, struct signer_reason *why)
{
	struct tbs_check tc;
	struct filekey *fk;

	/* The audit key seals the log and nothing else. */
	if (strcmp(req->name, SIGNER_AUDIT_KEY) == 0)
		return signer_refuse(why, req->name, "the audit key signs "
		    "only the audit log");
	if ((fk = filekey_get(c->store, req->name, why)) == NULL)
		return 0;
	memset(&tc, 0, sizeof(tc));
	tc.key = fk->name;
	tc.pkey = fk->pkey;
	tc.op = req->op;
	tc.md = req->md;
	tc.tbs = req->payload;
	tc.len = req->len;
	if ((tc.certs = filekey_get0_certs(c->store, fk, why)) == NULL ||
	    !tbs_check(&tc, why))
		return 0;
	/*
	 * The signer has no store: its caller writes the audit record in
	 * the transaction that stores what was signed (src/ca/sign.c, CRL,
	 * OCSP), and a refusal here reaches the caller as a failure that
	 * it records. The signer itself keeps no log a compromise of the
	 * caller could not also forge; the chain's checkpoints, signed
	 * here by the audit key, are what protects the log.
	 */
	if (!tbs_sign(fk->pkey, tc.md, tc.tbs, tc.len, &ans->data, &ans->len))
		return signer_refuse(why, fk->name, "signature failed");
	return 1;
}

/*
 * Seals audit data with the audit key (SIGNER_OP_SIGN_AUDIT). The bytes
 * are not parsed: the key certifies nothing, so what it signs can only
 * be checked against the audit key itself.
 */
static int
signer_child_sign_audit(struct signer_child *c, const struct frame_req *req,
    struct signer_answer *ans, struct signer_reason *why)
{
	struct filekey *fk;

	if (strcmp(req->name, SIGNER_AUDIT_KEY) != 0)
		return signer_refuse(why, req->name, "only the audit key "
		    "signs audit data");
	if (req->md == SIGNER_MD_SHA1)
		return signer_refuse(why, req->name, "audit data is signed "
		    "with SHA-256 or stronger");
	if (req->len == 0)
		return signer_refuse(why, req->name, "nothing to sign");
	if ((fk = filekey_get(c->store, req->name, why)) == NULL)
		return 0;
	if (!tbs_sign(fk->pkey, req->md, req->payload, req->len, &ans->data,
	    &ans->len))
		return signer_refuse(why, fk->name, "signature failed");
	return 1;
}

/* The allowlist of operations (STYLE "The signer stands alone"). */
static const signer_handler signer_handlers[SIGNER_OP_MAX] = {
	[SIGNER_OP_GENERATE] = signer_child_generate,
	[SIGNER_OP_PUBKEY] = signer_child_pubkey,
	[SIGNER_OP_BIND_CERT] = signer_child_bind,
	[SIGNER_OP_SIGN_CERT] = signer_child_sign,
	[SIGNER_OP_SIGN_CA_CERT] = signer_child_sign,
	[SIGNER_OP_SIGN_CRL] = signer_child_sign,
	[SIGNER_OP_SIGN_OCSP] = signer_child_sign,
	[SIGNER_OP_SIGN_AUDIT] = signer_child_sign_audit,
};

static int
signer_child_dispatch(struct signer_child *c, const struct frame_req *req,
    struct signer_answer *ans, struct signer_reason *why)
{
	if (!req->name_ok)
		return signer_refuse(why, NULL, "invalid key name (1 to %d "
		    "of A-Z a-z 0-9 _ -)", SIGNER_KEY_NAME_MAX);
	if (req->op >= SIGNER_OP_MAX)
		return signer_refuse(why, req->name, "unknown operation %u",
		    req->op);
	if (req->md >= SIGNER_MD_MAX)
		return signer_refuse(why, req->name, "unknown digest %u",
		    req->md);
	return signer_handlers[req->op](c, req, ans, why);
}

/* Answers one request; 0 if the session must end. */
static int
signer_child_handle(struct signer_child *c, const unsigned char *body,
    size_t len)
{
	struct signer_answer ans = { NULL, 0 };
	struct signer_reason why;
	struct frame_req req;
	int ok;

	ERR_clear_error();
	memset(&why, 0, sizeof(why));
	if (!frame_req_parse(body, len, &req)) {
		signer_child_reply_text(c, "malformed request frame; closing the "
		    "session");
		return 0;
	}
	if (signer_child_dispatch(c, &req, &ans, &why))
		ok = signer_child_reply(c, 0, ans.data, ans.len);
	else {
		if (why.text[0] == '\0')
			signer_refuse(&why, req.name, "request failed");
		ok = signer_child_reply_text(c, why.text);
	}
	OPENSSL_free(ans.data);
	ERR_clear_error();
	return ok;
}

/* Serves requests until EOF (1) or a broken or malformed frame (0). */
static int
signer_child_serve(struct signer_child *c)
{
	struct frame_in in;
	unsigned char *body;
	size_t len;
	int ok;

	for (;;) {
		frame_in_init(&in);
		switch (frame_in_recv(&in, c->fd, 0)) {
		case FRAME_IO_DONE:
			break;
		case FRAME_IO_EOF:
			return 1;
		default:
			frame_in_clear(&in);
			signer_child_reply_text(c, "malformed or oversized "
			    "frame; closing the session");
			return 0;
		}
		body = frame_in_take(&in, &len);
		ok = signer_child_handle(c, body, len);
		free(body);
		if (!ok)
			return 0;
	}
}

/* Closes every descriptor from lowfd up. */
static void
signer_child_close_from(int lowfd)
{
	long max, fd;

	if (close_range((unsigned int)lowfd, ~0U, 0) == 0)
		return;
	/* Kernels before 5.9 lack close_range(2). */
	if ((max = sysconf(_SC_OPEN_MAX)) < 0)
		max = 65536;
	for (fd = lowfd; fd < max; fd++)
		close((int)fd);
}

/*
 * Keeps only the socket (as SIGNER_CHILD_FD) and stderr; stdin and stdout
 * become /dev/null so that nothing opened later lands on 0 or 1.
 */
static int
signer_child_descriptors(int fd)
{
	int null;

	if (fd != SIGNER_CHILD_FD) {
		if (dup2(fd, SIGNER_CHILD_FD) == -1)
			return 0;
		if (fd != STDERR_FILENO)
			close(fd);
	}
	if ((null = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1)
		return 0;
	if (null > STDERR_FILENO && null != SIGNER_CHILD_FD)
		close(null);
	signer_child_close_from(SIGNER_CHILD_FD + 1);
	return 1;
}

static int
signer_child_setup(int fd)
{
	struct rlimit rl = { 0, 0 };

	/*
	 * The parent owns the terminal and decides when to stop us: a
	 * SIGTERM to the whole group (Ctrl-C's cousin, systemd's stop) must
	 * not kill the signer under a daemon that is still draining; we exit
	 * when the parent closes the socket, and SIGKILL still works.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_DFL);
	if (!signer_child_descriptors(fd))
		return 0;
	/* Key material must not end up in a core file. */
	setrlimit(RLIMIT_CORE, &rl);
#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__)
	/* Not under ASan: LeakSanitizer must ptrace the process. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	/* Without mlock (RLIMIT_MEMLOCK) the heap still guards its pages. */
	if (CRYPTO_secure_malloc_init(SIGNER_SECURE_HEAP, 32) == 0)
		log_debug("signer: no secure heap; secrets are cleansed only");
	return 1;
}

/*
 * _exit(2), not exit(3): atexit handlers and stdio buffers belong to the
 * parent. OPENSSL_cleanup() wipes the DRBGs and the secure heap, which
 * LeakSanitizer cannot see into; sanitizer builds then check for leaks.
 */
static void __attribute__((noreturn))
signer_child_exit(int status)
{
	OPENSSL_cleanup();
#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
#endif
	_exit(status);
}

void
signer_child_main(int fd, const struct signer_config *conf)
{
	struct signer_child c = { SIGNER_CHILD_FD, NULL };
	size_t pass_len = 0;
	char *pass;
	int status = 1;

	if (!signer_child_setup(fd)) {
		log_error("signer: cannot set up the signer process");
		signer_child_exit(1);
	}
	if ((pass = passphrase_read(conf->passphrase_file, conf->key_dir,
	    &pass_len)) == NULL) {
		signer_child_reply_text(&c, "cannot read the passphrase");
		goto out;
	}
	if ((c.store = filekey_store_new(conf->key_dir, pass,
	    pass_len)) == NULL) {
		signer_child_reply_text(&c, "out of memory");
		goto out;
	}
	/* The ready reply: the parent may use the terminal again. */
	if (signer_child_reply(&c, 0, NULL, 0))
		status = signer_child_serve(&c) ? 0 : 1;
 out:
	filekey_store_free(c.store);
	close(c.fd);
	signer_child_exit(status);
}
