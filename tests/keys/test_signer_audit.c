/*
 * The signer's audit operation (SIGNER_OP_SIGN_AUDIT, src/keys/signer.h):
 * the audit key signs audit data and nothing else, and no other key signs
 * audit data (CP-5.4.4: the checkpoints are worth what the key is).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "keys/signer.h"
#include "util/file.h"

struct fx {
	char		 dir[PATH_MAX];
	char		 keys[PATH_MAX + 8];
	char		 pass[PATH_MAX + 8];
	struct signer	*s;
	EVP_PKEY	*audit_pub;
};

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct signer_config conf;
	unsigned char *spki = NULL;
	const unsigned char *p;
	size_t len = 0;
	struct fx *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/inkan-signer-audit-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->keys, sizeof(f->keys), "%s/keys", f->dir);
	snprintf(f->pass, sizeof(f->pass), "%s/pass", f->dir);
	if (!file_mkdirs(f->keys, 0700) || !file_write_atomic(f->pass,
	    "audit test passphrase\n", 22, 0600, 0))
		return -1;
	conf.key_dir = f->keys;
	conf.passphrase_file = f->pass;
	if ((f->s = signer_start(&conf)) == NULL ||
	    !signer_generate(f->s, SIGNER_AUDIT_KEY, 2048, &spki, &len))
		return -1;
	p = spki;
	f->audit_pub = d2i_PUBKEY(NULL, &p, (long)len);
	free(spki);
	spki = NULL;
	if (f->audit_pub == NULL ||
	    !signer_generate(f->s, "ca1", 2048, &spki, &len))
		return -1;
	free(spki);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	signer_stop(f->s);
	EVP_PKEY_free(f->audit_pub);
	file_remove_tree(f->dir);
	free(f);
	return 0;
}

static void
test_audit_key_signs_audit_data(void **state)
{
	static const unsigned char data[] = "inkan audit checkpoint v1\n";
	struct fx *f = *state;
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	EVP_MD_CTX *ctx;

	assert_true(signer_sign(f->s, SIGNER_OP_SIGN_AUDIT, SIGNER_AUDIT_KEY,
	    SIGNER_MD_SHA256, data, sizeof(data) - 1, &sig, &sig_len));
	assert_non_null(ctx = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    f->audit_pub), 1);
	assert_int_equal(EVP_DigestVerify(ctx, sig, sig_len, data,
	    sizeof(data) - 1), 1);
	EVP_MD_CTX_free(ctx);
	free(sig);
}

static void
test_refusals(void **state)
{
	static const unsigned char data[] = "not a TBS";
	struct fx *f = *state;
	unsigned char *sig = NULL;
	size_t sig_len = 0;

	/* Another key never signs audit data. */
	assert_false(signer_sign(f->s, SIGNER_OP_SIGN_AUDIT, "ca1",
	    SIGNER_MD_SHA256, data, sizeof(data), &sig, &sig_len));
	/* Nor SHA-1, nor nothing. */
	assert_false(signer_sign(f->s, SIGNER_OP_SIGN_AUDIT, SIGNER_AUDIT_KEY,
	    SIGNER_MD_SHA1, data, sizeof(data), &sig, &sig_len));
	assert_false(signer_sign(f->s, SIGNER_OP_SIGN_AUDIT, SIGNER_AUDIT_KEY,
	    SIGNER_MD_SHA256, data, 0, &sig, &sig_len));
	/* The audit key signs no certificate, CRL or OCSP response. */
	for (int op = SIGNER_OP_SIGN_CERT; op <= SIGNER_OP_SIGN_OCSP; op++)
		assert_false(signer_sign(f->s, (enum signer_op)op,
		    SIGNER_AUDIT_KEY, SIGNER_MD_SHA256, data, sizeof(data),
		    &sig, &sig_len));
	assert_null(sig);
	/* The session is still good. */
	assert_true(signer_sign(f->s, SIGNER_OP_SIGN_AUDIT, SIGNER_AUDIT_KEY,
	    SIGNER_MD_SHA384, data, sizeof(data), &sig, &sig_len));
	free(sig);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_key_signs_audit_data),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
