/*
 * Tests of the signer process (src/keys/): keys, binding, the checks
 * before each signature, pipelining, and hostile frames on the socket.
 * Every key is 2048 bits to keep the run short.
 */
#define _GNU_SOURCE	/* nftw */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/asn1t.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "keys/frame.h"
#include "keys/signer.h"
#include "keys/signer_impl.h"
#include "util/file.h"

#define DAY	(24L * 3600)
#define YEAR	(365L * DAY)

/* ResponseData (RFC 6960 §4.2.1) without version and extensions. */
typedef struct {
	OCSP_RESPID	*rid;
	ASN1_GENERALIZEDTIME *at;
	STACK_OF(OCSP_SINGLERESP) *responses;
} T_RESPDATA;

ASN1_SEQUENCE(T_RESPDATA) = {
	ASN1_SIMPLE(T_RESPDATA, rid, OCSP_RESPID),
	ASN1_SIMPLE(T_RESPDATA, at, ASN1_GENERALIZEDTIME),
	ASN1_SEQUENCE_OF(T_RESPDATA, responses, OCSP_SINGLERESP),
} static_ASN1_SEQUENCE_END(T_RESPDATA)

/*
 * TBSCertificate (RFC 5280 §4.1) with subjectPublicKeyInfo as ANY, so
 * that a test can put any element there.
 */
typedef struct {
	ASN1_INTEGER	*version;
	ASN1_INTEGER	*serial;
	X509_ALGOR	*sigalg;
	X509_NAME	*issuer;
	X509_VAL	*validity;
	X509_NAME	*subject;
	ASN1_TYPE	*spki;
	ASN1_BIT_STRING	*issuer_uid;
	ASN1_BIT_STRING	*subject_uid;
	STACK_OF(X509_EXTENSION) *exts;
} T_TBSCERT;

ASN1_SEQUENCE(T_TBSCERT) = {
	ASN1_EXP_OPT(T_TBSCERT, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(T_TBSCERT, serial, ASN1_INTEGER),
	ASN1_SIMPLE(T_TBSCERT, sigalg, X509_ALGOR),
	ASN1_SIMPLE(T_TBSCERT, issuer, X509_NAME),
	ASN1_SIMPLE(T_TBSCERT, validity, X509_VAL),
	ASN1_SIMPLE(T_TBSCERT, subject, X509_NAME),
	ASN1_SIMPLE(T_TBSCERT, spki, ASN1_ANY),
	ASN1_IMP_OPT(T_TBSCERT, issuer_uid, ASN1_BIT_STRING, 1),
	ASN1_IMP_OPT(T_TBSCERT, subject_uid, ASN1_BIT_STRING, 2),
	ASN1_EXP_SEQUENCE_OF_OPT(T_TBSCERT, exts, X509_EXTENSION, 3),
} static_ASN1_SEQUENCE_END(T_TBSCERT)

/*
 * SubjectPublicKeyInfo with the key as bits; ASN1_item_ndef_i2d() gives
 * it indefinite length (BER), ASN1_item_i2d() DER.
 */
typedef struct {
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*key;
} T_SPKI;

ASN1_NDEF_SEQUENCE(T_SPKI) = {
	ASN1_SIMPLE(T_SPKI, alg, X509_ALGOR),
	ASN1_SIMPLE(T_SPKI, key, ASN1_BIT_STRING),
} static_ASN1_NDEF_SEQUENCE_END(T_SPKI)

/* SubjectPublicKeyInfo with a field too many. */
typedef struct {
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*key;
	ASN1_INTEGER	*extra;
} T_SPKI3;

ASN1_SEQUENCE(T_SPKI3) = {
	ASN1_SIMPLE(T_SPKI3, alg, X509_ALGOR),
	ASN1_SIMPLE(T_SPKI3, key, ASN1_BIT_STRING),
	ASN1_SIMPLE(T_SPKI3, extra, ASN1_INTEGER),
} static_ASN1_SEQUENCE_END(T_SPKI3)

/* The ways a subjectPublicKeyInfo can be wrong (spki_variant). */
enum spki_kind {
	SPKI_SAME,		/* the key's own, DER */
	SPKI_NOT_SEQUENCE,	/* an INTEGER */
	SPKI_WRONG_FIELDS,	/* SEQUENCE { INTEGER } */
	SPKI_EXTRA_FIELD,	/* SEQUENCE { alg, key, INTEGER } */
	SPKI_BER,		/* indefinite length */
	SPKI_GARBAGE_KEY,	/* right shape, key bits that are no key */
	SPKI_MAX
};

struct fx {
	char		 dir[64];
	char		*keys;		/* dir/keys */
	char		*pass;		/* the right passphrase */
	char		*badpass;	/* another one */
	char		*shortpass;	/* too short */
	struct signer	*s;
	EVP_PKEY	*tmp;		/* throwaway key for TBS building */
	EVP_PKEY	*root_pub;	/* key "root" */
	X509		*root;		/* its self-signed certificate */
	EVP_PKEY	*resp_pub;	/* key "resp" */
	X509		*resp;		/* its OCSP responder certificate */
};

/* Helpers: files and the temporary folder. */

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static char *
write_text(const char *dir, const char *name, const char *text)
{
	char *path = file_join(dir, name);

	assert_non_null(path);
	assert_true(file_write_atomic(path, text, strlen(text), 0600, 0));
	return path;
}

/* Helpers: certificates, CRLs and responses built with OpenSSL. */

static X509_NAME *
name_cn(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	assert_non_null(n);
	assert_true(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0));
	return n;
}

static X509 *
cert_new(const char *subject, const char *issuer, EVP_PKEY *pub, int ca,
    long nb, long na, long serial)
{
	BASIC_CONSTRAINTS *bc;
	X509_NAME *sn = name_cn(subject), *in = name_cn(issuer);
	X509 *x = X509_new();

	assert_non_null(x);
	assert_true(X509_set_version(x, X509_VERSION_3));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), serial));
	assert_true(X509_set_subject_name(x, sn));
	assert_true(X509_set_issuer_name(x, in));
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), nb));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), na));
	assert_true(X509_set_pubkey(x, pub));
	if (ca) {
		assert_non_null(bc = BASIC_CONSTRAINTS_new());
		bc->ca = 0xff;
		assert_true(X509_add1_ext_i2d(x, NID_basic_constraints, bc,
		    1, X509V3_ADD_DEFAULT));
		BASIC_CONSTRAINTS_free(bc);
	}
	X509_NAME_free(sn);
	X509_NAME_free(in);
	return x;
}

/* TBS of x with md's algorithm: sign with a throwaway key, re-encode. */
static unsigned char *
cert_tbs(X509 *x, EVP_PKEY *tmp, const EVP_MD *md, size_t *len)
{
	unsigned char *der = NULL;
	int n;

	assert_true(X509_sign(x, tmp, md) > 0);
	assert_true((n = i2d_re_X509_tbs(x, &der)) > 0);
	*len = (size_t)n;
	return der;
}

/* Puts the signer's signature into x and returns a fresh parse of it. */
static X509 *
cert_assemble(X509 *x, const unsigned char *sig, size_t sig_len)
{
	const ASN1_BIT_STRING *csig;
	const X509_ALGOR *calg;
	ASN1_BIT_STRING *bs;
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *y;
	int n;

	X509_get0_signature(&csig, &calg, x);
	bs = (ASN1_BIT_STRING *)csig;
	assert_true(ASN1_BIT_STRING_set(bs, (unsigned char *)sig,
	    (int)sig_len));
	/* No unused bits: a signature is whole octets. */
	bs->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
	bs->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	assert_true((n = i2d_X509(x, &der)) > 0);
	p = der;
	assert_non_null(y = d2i_X509(NULL, &p, n));
	OPENSSL_free(der);
	return y;
}

static unsigned char *
crl_tbs(const char *issuer, EVP_PKEY *tmp, const EVP_MD *md, size_t *len)
{
	X509_NAME *in = name_cn(issuer);
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rev = X509_REVOKED_new();
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	ASN1_TIME *t = ASN1_TIME_adj(NULL, time(NULL), 0, 0);
	ASN1_TIME *next = ASN1_TIME_adj(NULL, time(NULL), 7, 0);
	unsigned char *der = NULL;
	int n;

	assert_true(X509_CRL_set_version(crl, X509_CRL_VERSION_2));
	assert_true(X509_CRL_set_issuer_name(crl, in));
	assert_true(X509_CRL_set1_lastUpdate(crl, t));
	assert_true(X509_CRL_set1_nextUpdate(crl, next));
	assert_true(ASN1_INTEGER_set(serial, 4242));
	assert_true(X509_REVOKED_set_serialNumber(rev, serial));
	assert_true(X509_REVOKED_set_revocationDate(rev, t));
	assert_true(X509_CRL_add0_revoked(crl, rev));
	assert_true(X509_CRL_add1_ext_i2d(crl, NID_crl_number, serial, 0, 0));
	assert_true(X509_CRL_sign(crl, tmp, md) > 0);
	assert_true((n = i2d_re_X509_CRL_tbs(crl, &der)) > 0);
	*len = (size_t)n;
	X509_CRL_free(crl);
	X509_NAME_free(in);
	ASN1_INTEGER_free(serial);
	ASN1_TIME_free(t);
	ASN1_TIME_free(next);
	return der;
}

/* ResponseData naming cert (by key or by name), one good status. */
static unsigned char *
ocsp_tbs(X509 *cert, int by_key, X509 *subject, X509 *issuer, size_t *len)
{
	T_RESPDATA rd;
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_CERTID *cid = OCSP_cert_to_id(NULL, subject, issuer);
	ASN1_TIME *now = ASN1_TIME_adj(NULL, time(NULL), 0, 0);
	OCSP_SINGLERESP *single;
	unsigned char *der = NULL;
	int n;

	assert_non_null(cid);
	assert_non_null(single = OCSP_basic_add1_status(bs, cid,
	    V_OCSP_CERTSTATUS_GOOD, 0, NULL, now, NULL));
	assert_non_null(rd.rid = OCSP_RESPID_new());
	if (by_key)
		assert_true(OCSP_RESPID_set_by_key(rd.rid, cert));
	else
		assert_true(OCSP_RESPID_set_by_name(rd.rid, cert));
	assert_non_null(rd.at = ASN1_GENERALIZEDTIME_set(NULL, time(NULL)));
	assert_non_null(rd.responses = sk_OCSP_SINGLERESP_new_null());
	assert_true(sk_OCSP_SINGLERESP_push(rd.responses, single));
	assert_true((n = ASN1_item_i2d((ASN1_VALUE *)&rd, &der,
	    ASN1_ITEM_rptr(T_RESPDATA))) > 0);
	*len = (size_t)n;
	/* single belongs to bs. */
	sk_OCSP_SINGLERESP_free(rd.responses);
	OCSP_RESPID_free(rd.rid);
	ASN1_GENERALIZEDTIME_free(rd.at);
	ASN1_TIME_free(now);
	OCSP_CERTID_free(cid);
	OCSP_BASICRESP_free(bs);
	return der;
}

static int
sig_verifies(EVP_PKEY *pub, const char *md, const unsigned char *tbs,
    size_t len, const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	assert_non_null(ctx);
	ok = EVP_DigestVerifyInit_ex(ctx, NULL, md, NULL, NULL, pub,
	    NULL) == 1 && EVP_DigestVerify(ctx, sig, sig_len, tbs, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static EVP_PKEY *
spki_key(const unsigned char *spki, size_t len)
{
	const unsigned char *p = spki;
	EVP_PKEY *pub;

	assert_non_null(pub = d2i_PUBKEY(NULL, &p, (long)len));
	assert_ptr_equal(p, spki + len);
	return pub;
}

/* A variant of pub's SubjectPublicKeyInfo, OPENSSL_malloc'd DER or BER. */
static unsigned char *
spki_variant(EVP_PKEY *pub, enum spki_kind kind, size_t *len)
{
	const unsigned char *p;
	unsigned char *own = NULL, *der = NULL;
	T_SPKI *spki;
	T_SPKI3 three;
	ASN1_SEQUENCE_ANY *seq;
	ASN1_INTEGER *one;
	ASN1_TYPE *any;
	int n;

	assert_true((n = i2d_PUBKEY(pub, &own)) > 0);
	p = own;
	assert_non_null(spki = (T_SPKI *)ASN1_item_d2i(NULL, &p, n,
	    ASN1_ITEM_rptr(T_SPKI)));
	assert_non_null(one = ASN1_INTEGER_new());
	assert_true(ASN1_INTEGER_set(one, 1));
	switch (kind) {
	case SPKI_SAME:
		n = ASN1_item_i2d((ASN1_VALUE *)spki, &der,
		    ASN1_ITEM_rptr(T_SPKI));
		break;
	case SPKI_NOT_SEQUENCE:
		n = i2d_ASN1_INTEGER(one, &der);
		break;
	case SPKI_WRONG_FIELDS:
		assert_non_null(seq = sk_ASN1_TYPE_new_null());
		assert_non_null(any = ASN1_TYPE_new());
		ASN1_TYPE_set(any, V_ASN1_INTEGER, one);
		one = NULL;
		assert_true(sk_ASN1_TYPE_push(seq, any));
		n = i2d_ASN1_SEQUENCE_ANY(seq, &der);
		sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
		break;
	case SPKI_EXTRA_FIELD:
		three = (T_SPKI3){ spki->alg, spki->key, one };
		n = ASN1_item_i2d((ASN1_VALUE *)&three, &der,
		    ASN1_ITEM_rptr(T_SPKI3));
		break;
	case SPKI_BER:
		n = ASN1_item_ndef_i2d((ASN1_VALUE *)spki, &der,
		    ASN1_ITEM_rptr(T_SPKI));
		break;
	default:
		assert_true(ASN1_BIT_STRING_set(spki->key,
		    (unsigned char *)"no key", 6));
		n = ASN1_item_i2d((ASN1_VALUE *)spki, &der,
		    ASN1_ITEM_rptr(T_SPKI));
		break;
	}
	assert_true(n > 0);
	*len = (size_t)n;
	ASN1_INTEGER_free(one);
	ASN1_item_free((ASN1_VALUE *)spki, ASN1_ITEM_rptr(T_SPKI));
	OPENSSL_free(own);
	return der;
}

/* tbs with its subjectPublicKeyInfo replaced by the element spki. */
static unsigned char *
tbs_set_spki(const unsigned char *tbs, size_t len, const unsigned char *spki,
    size_t spki_len, size_t *out_len)
{
	const unsigned char *p = tbs, *q = spki;
	unsigned char *der = NULL;
	T_TBSCERT *t;
	int n;

	assert_non_null(t = (T_TBSCERT *)ASN1_item_d2i(NULL, &p, (long)len,
	    ASN1_ITEM_rptr(T_TBSCERT)));
	ASN1_TYPE_free(t->spki);
	assert_non_null(t->spki = d2i_ASN1_TYPE(NULL, &q, (long)spki_len));
	assert_ptr_equal(q, spki + spki_len);
	assert_true((n = ASN1_item_i2d((ASN1_VALUE *)t, &der,
	    ASN1_ITEM_rptr(T_TBSCERT))) > 0);
	ASN1_item_free((ASN1_VALUE *)t, ASN1_ITEM_rptr(T_TBSCERT));
	*out_len = (size_t)n;
	return der;
}

/* cert_tbs() of x with pub's subjectPublicKeyInfo made into kind. */
static unsigned char *
cert_tbs_spki(X509 *x, EVP_PKEY *tmp, EVP_PKEY *pub, enum spki_kind kind,
    size_t *len)
{
	unsigned char *tbs, *spki, *res;
	size_t tbs_len, spki_len;

	tbs = cert_tbs(x, tmp, EVP_sha256(), &tbs_len);
	spki = spki_variant(pub, kind, &spki_len);
	res = tbs_set_spki(tbs, tbs_len, spki, spki_len, len);
	OPENSSL_free(spki);
	OPENSSL_free(tbs);
	return res;
}

/*
 * The signer re-reads NAME.crt at most once a second (filekey.c); a
 * change made by another process shows after this wait.
 */
static void
crt_recheck_wait(void)
{
	struct timespec ts = { 1, 200 * 1000 * 1000 };

	while (nanosleep(&ts, &ts) == -1)
		continue;
}

/* Helpers: talking to the signer. */

/* The refusal text of a request that must be refused (malloc'd). */
static char *
refusal(struct signer *s, enum signer_op op, enum signer_md md,
    const char *key, const unsigned char *tbs, size_t len)
{
	unsigned char status, *reply;
	size_t reply_len;
	char *text;

	assert_true(signer_request(s, op, md, key, tbs, len, &status, &reply,
	    &reply_len));
	assert_int_not_equal(status, 0);
	assert_non_null(text = calloc(1, reply_len + 1));
	memcpy(text, reply, reply_len);
	free(reply);
	return text;
}

static void
assert_refused(struct signer *s, enum signer_op op, enum signer_md md,
    const char *key, const unsigned char *tbs, size_t len, const char *why)
{
	char *text = refusal(s, op, md, key, tbs, len);

	if (strstr(text, why) == NULL)
		fail_msg("refusal \"%s\" does not say \"%s\"", text, why);
	free(text);
}

static unsigned char *
sign_ok(struct signer *s, enum signer_op op, enum signer_md md,
    const char *key, const unsigned char *tbs, size_t len, size_t *sig_len)
{
	unsigned char *sig = NULL;

	assert_true(signer_sign(s, op, key, md, tbs, len, &sig, sig_len));
	assert_non_null(sig);
	return sig;
}

static struct signer *
start(const struct fx *f, const char *pass)
{
	struct signer_config conf = { f->keys, pass };

	return signer_start(&conf);
}

/* Raw bytes on the socket; the reply read back as a frame. */
static void
raw_send(struct signer *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(signer_fd(s), p, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

static void
raw_len(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Sends a request frame built by hand (op, md and name unchecked). */
static void
raw_request(struct signer *s, unsigned int op, unsigned int md,
    const char *name, size_t name_len, const unsigned char *payload,
    size_t len)
{
	unsigned char hdr[7];

	raw_len(hdr, (uint32_t)(3 + name_len + len));
	hdr[4] = (unsigned char)op;
	hdr[5] = (unsigned char)md;
	hdr[6] = (unsigned char)name_len;
	raw_send(s, hdr, sizeof(hdr));
	raw_send(s, name, name_len);
	if (len > 0)
		raw_send(s, payload, len);
}

/* Reads one reply; returns its status and, if asked, its text. */
static int
raw_reply(struct signer *s, char **text)
{
	struct frame_in in;
	unsigned char *body;
	size_t len;
	int status;

	frame_in_init(&in);
	assert_int_equal(frame_in_recv(&in, signer_fd(s), 0), FRAME_IO_DONE);
	body = frame_in_take(&in, &len);
	status = body[0];
	if (text != NULL) {
		assert_non_null(*text = calloc(1, len));
		memcpy(*text, body + 1, len - 1);
	}
	free(body);
	return status;
}

/* The child ended the session on its own, by exit(1), not a crash. */
static void
assert_child_quit(struct signer *s)
{
	struct frame_in in;
	int st;

	frame_in_init(&in);
	assert_int_equal(frame_in_recv(&in, signer_fd(s), 0), FRAME_IO_EOF);
	assert_true(signer_stop_status(s, &st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
}

/* The session still works: the child neither died nor lost sync. */
static void
assert_alive(struct fx *f, struct signer *s)
{
	unsigned char *spki = NULL;
	size_t spki_len;
	EVP_PKEY *pub;

	assert_true(signer_pubkey(s, "root", &spki, &spki_len));
	pub = spki_key(spki, spki_len);
	assert_int_equal(EVP_PKEY_eq(pub, f->root_pub), 1);
	EVP_PKEY_free(pub);
	free(spki);
}

/* Keeps stderr quiet around calls whose refusals are expected. */
static int
quiet_begin(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	assert_true(saved != -1 && null != -1);
	fflush(stderr);
	dup2(null, STDERR_FILENO);
	close(null);
	return saved;
}

static void
quiet_end(int saved)
{
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

/* Fixture: a temporary key folder, passphrase files and one signer. */

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/inkan-keys-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_non_null(f->keys = file_join(f->dir, "keys"));
	f->pass = write_text(f->dir, "pass", "correct horse battery\n");
	f->badpass = write_text(f->dir, "badpass", "incorrect horse\r\n");
	f->shortpass = write_text(f->dir, "shortpass", "1234567\n");
	assert_non_null(f->tmp = EVP_RSA_gen(2048));
	assert_non_null(f->s = start(f, f->pass));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	assert_true(signer_stop(f->s));
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f->keys);
	free(f->pass);
	free(f->badpass);
	free(f->shortpass);
	EVP_PKEY_free(f->tmp);
	EVP_PKEY_free(f->root_pub);
	EVP_PKEY_free(f->resp_pub);
	X509_free(f->root);
	X509_free(f->resp);
	free(f);
	return 0;
}

/* Tests, in order: later ones use the keys the earlier ones made. */

static void
test_generate_pubkey(void **state)
{
	struct fx *f = *state;
	unsigned char *spki = NULL, *again = NULL, *pem;
	size_t spki_len, again_len, pem_len;
	struct stat sb;
	char *path;

	assert_true(signer_generate(f->s, "root", 2048, &spki, &spki_len));
	f->root_pub = spki_key(spki, spki_len);
	assert_true(EVP_PKEY_is_a(f->root_pub, "RSA"));
	assert_int_equal(EVP_PKEY_get_bits(f->root_pub), 2048);
	assert_true(signer_pubkey(f->s, "root", &again, &again_len));
	assert_int_equal(again_len, spki_len);
	assert_memory_equal(again, spki, spki_len);
	free(spki);
	free(again);

	/* NAME.key: encrypted PKCS#8, readable by the owner alone. */
	assert_non_null(path = file_join(f->keys, "root.key"));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_non_null(pem = file_read(path, 65536, &pem_len));
	assert_non_null(strstr((char *)pem,
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	free(pem);
	free(path);

	/* Never overwritten; only 2048, 3072 and 4096 bits. */
	assert_refused(f->s, SIGNER_OP_GENERATE, SIGNER_MD_SHA256, "root",
	    (const unsigned char *)"\0\0\x08\0", 4, "never overwritten");
	assert_false(signer_generate(f->s, "root", 2048, &spki, &spki_len));
	assert_refused(f->s, SIGNER_OP_GENERATE, SIGNER_MD_SHA256, "small",
	    (const unsigned char *)"\0\0\x04\0", 4, "not allowed");
	assert_refused(f->s, SIGNER_OP_GENERATE, SIGNER_MD_SHA256, "odd",
	    (const unsigned char *)"\0\0\x08\x01", 4, "not allowed");
	assert_refused(f->s, SIGNER_OP_GENERATE, SIGNER_MD_SHA256, "short",
	    (const unsigned char *)"\x08\0", 2, "4-byte");
	assert_refused(f->s, SIGNER_OP_PUBKEY, SIGNER_MD_SHA256, "small",
	    NULL, 0, "key small: no such key");
}

static void
test_root_self_signed(void **state)
{
	struct fx *f = *state;
	unsigned char *tbs, *sig, *other;
	size_t len, sig_len, other_len;
	X509 *x, *y;

	x = cert_new("Test Root", "Test Root", f->root_pub, 1, -3600,
	    10 * YEAR, 1);
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);

	/* Not yet bound: only SIGN_CA_CERT of the key's own root. */
	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, "cA TRUE");
	assert_refused(f->s, SIGNER_OP_SIGN_CA_CERT, SIGNER_MD_SHA384, "root",
	    tbs, len, "not sha384WithRSAEncryption");
	assert_refused(f->s, SIGNER_OP_SIGN_CRL, SIGNER_MD_SHA256, "root",
	    tbs, len, "no bound certificate");

	y = cert_new("Test Root", "Test Root", f->tmp, 1, 0, YEAR, 2);
	other = cert_tbs(y, f->tmp, EVP_sha256(), &other_len);
	assert_refused(f->s, SIGNER_OP_SIGN_CA_CERT, SIGNER_MD_SHA256, "root",
	    other, other_len, "not the key's own");
	OPENSSL_free(other);
	X509_free(y);
	y = cert_new("Test Sub", "Test Root", f->root_pub, 1, 0, YEAR, 3);
	other = cert_tbs(y, f->tmp, EVP_sha256(), &other_len);
	assert_refused(f->s, SIGNER_OP_SIGN_CA_CERT, SIGNER_MD_SHA256, "root",
	    other, other_len, "not self-issued");
	OPENSSL_free(other);
	X509_free(y);
	/* The one check that decodes the subject's key. */
	y = cert_new("Test Root", "Test Root", f->root_pub, 1, 0, YEAR, 4);
	other = cert_tbs_spki(y, f->tmp, f->root_pub, SPKI_GARBAGE_KEY,
	    &other_len);
	assert_refused(f->s, SIGNER_OP_SIGN_CA_CERT, SIGNER_MD_SHA256, "root",
	    other, other_len, "not the key's own");
	OPENSSL_free(other);
	X509_free(y);

	sig = sign_ok(f->s, SIGNER_OP_SIGN_CA_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, &sig_len);
	f->root = cert_assemble(x, sig, sig_len);
	assert_int_equal(X509_verify(f->root, f->root_pub), 1);
	free(sig);
	OPENSSL_free(tbs);
	X509_free(x);
}

static void
test_bind(void **state)
{
	struct fx *f = *state;
	unsigned char *der = NULL, *pem;
	size_t pem_len;
	char *path, *p;
	int n, count = 0;
	X509 *x;

	assert_non_null(f->root);
	assert_true((n = i2d_X509(f->root, &der)) > 0);
	assert_true(signer_bind_cert(f->s, "root", der, (size_t)n));
	/* Binding the same certificate twice stores it once. */
	assert_true(signer_bind_cert(f->s, "root", der, (size_t)n));
	assert_refused(f->s, SIGNER_OP_BIND_CERT, SIGNER_MD_SHA256, "root",
	    der, (size_t)n - 1, "not one DER certificate");
	OPENSSL_free(der);
	assert_non_null(path = file_join(f->keys, "root.crt"));
	assert_non_null(pem = file_read(path, 1 << 20, &pem_len));
	for (p = (char *)pem; (p = strstr(p, "BEGIN CERTIFICATE")); p++)
		count++;
	assert_int_equal(count, 1);
	free(pem);
	free(path);

	/* A certificate of another key is refused. */
	x = cert_new("Test Root", "Test Root", f->tmp, 1, 0, YEAR, 9);
	assert_true(X509_sign(x, f->tmp, EVP_sha256()) > 0);
	der = NULL;
	assert_true((n = i2d_X509(x, &der)) > 0);
	assert_refused(f->s, SIGNER_OP_BIND_CERT, SIGNER_MD_SHA256, "root",
	    der, (size_t)n, "another key");
	OPENSSL_free(der);
	X509_free(x);
}

static void
test_issue(void **state)
{
	struct fx *f = *state;
	unsigned char *tbs, *sig;
	size_t len, sig_len;
	X509 *x;

	/* An end entity inside the root's validity. */
	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 10);
	tbs = cert_tbs(x, f->tmp, EVP_sha384(), &len);
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA384, "root",
	    tbs, len, &sig_len);
	assert_true(sig_verifies(f->root_pub, "SHA384", tbs, len, sig,
	    sig_len));
	assert_false(sig_verifies(f->root_pub, "SHA256", tbs, len, sig,
	    sig_len));
	/* Truncated, it is no longer one DER element. */
	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA384, "root",
	    tbs, len - 1, "not one DER SEQUENCE");
	free(sig);
	OPENSSL_free(tbs);
	X509_free(x);

	x = cert_new("leaf.example", "Someone Else", f->tmp, 0, 0, YEAR, 11);
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, "key root: TBS issuer does not match the key's "
	    "certificate subject");
	OPENSSL_free(tbs);
	X509_free(x);

	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, 20 * YEAR,
	    12);
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, "notAfter is after");
	OPENSSL_free(tbs);
	X509_free(x);

	x = cert_new("leaf.example", "Test Root", f->tmp, 0, -2 * DAY, YEAR,
	    13);
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, "notBefore is before");
	OPENSSL_free(tbs);
	X509_free(x);

	/* A subordinate CA: SIGN_CERT refuses, SIGN_CA_CERT signs. */
	x = cert_new("Test Sub", "Test Root", f->tmp, 1, 0, YEAR, 14);
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, "cA TRUE");
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CA_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, &sig_len);
	assert_true(sig_verifies(f->root_pub, "SHA256", tbs, len, sig,
	    sig_len));
	free(sig);
	OPENSSL_free(tbs);
	X509_free(x);

	/* SIGN_CA_CERT is for CAs only. */
	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 15);
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	assert_refused(f->s, SIGNER_OP_SIGN_CA_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, "needs basicConstraints cA TRUE");
	OPENSSL_free(tbs);
	X509_free(x);
}

static void
test_crl(void **state)
{
	struct fx *f = *state;
	unsigned char *tbs, *sig;
	size_t len, sig_len;

	tbs = crl_tbs("Test Root", f->tmp, EVP_sha256(), &len);
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CRL, SIGNER_MD_SHA256, "root", tbs,
	    len, &sig_len);
	assert_true(sig_verifies(f->root_pub, "SHA256", tbs, len, sig,
	    sig_len));
	free(sig);
	assert_refused(f->s, SIGNER_OP_SIGN_CRL, SIGNER_MD_SHA512, "root",
	    tbs, len, "not sha512WithRSAEncryption");
	/* A TBSCertList is no TBSCertificate, and the reverse. */
	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, "not a TBSCertificate");
	OPENSSL_free(tbs);

	tbs = crl_tbs("Someone Else", f->tmp, EVP_sha256(), &len);
	assert_refused(f->s, SIGNER_OP_SIGN_CRL, SIGNER_MD_SHA256, "root",
	    tbs, len, "TBS issuer does not match");
	OPENSSL_free(tbs);
}

/*
 * The entries are read in place (x509/crlent.c), and each must still be
 * a DER CRL entry: a serial with a needless 0x00 or a constructed time
 * is refused, naming the entry.
 */
static void
test_crl_entry_not_der(void **state)
{
	static const unsigned char serial[] = { 0x02, 0x02, 0x10, 0x92 };
	struct fx *f = *state;
	unsigned char *tbs, *at = NULL;
	size_t len;

	tbs = crl_tbs("Test Root", f->tmp, EVP_sha256(), &len);
	for (size_t i = 0; i + sizeof(serial) + 1 < len; i++)
		if (memcmp(tbs + i, serial, sizeof(serial)) == 0 &&
		    tbs[i + sizeof(serial)] == V_ASN1_UTCTIME)
			at = tbs + i;
	assert_non_null(at);
	at[2] = 0x00;		/* 0x1092 as 00 12: not minimal */
	at[3] = 0x12;
	assert_refused(f->s, SIGNER_OP_SIGN_CRL, SIGNER_MD_SHA256, "root",
	    tbs, len, "revokedCertificates entry 0 is not a DER CRL entry");
	at[2] = 0x10;
	at[3] = 0x92;
	at[4] = V_ASN1_UTCTIME | V_ASN1_CONSTRUCTED;
	assert_refused(f->s, SIGNER_OP_SIGN_CRL, SIGNER_MD_SHA256, "root",
	    tbs, len, "revokedCertificates entry 0 is not a DER CRL entry");
	OPENSSL_free(tbs);
}

/* A whole path validation (RFC 5280 §6) of leaf under trust anchor root. */
static void
assert_chain(X509 *root, X509 *leaf)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();

	assert_true(store != NULL && ctx != NULL);
	assert_true(X509_STORE_add_cert(store, root));
	assert_true(X509_STORE_CTX_init(ctx, store, leaf, NULL));
	if (X509_verify_cert(ctx) != 1)
		fail_msg("path validation: %s", X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
}

/* Key "resp": a delegated OCSP responder certified by "root". */
static void
make_responder(struct fx *f)
{
	unsigned char *spki = NULL, *tbs, *sig, *der = NULL;
	size_t spki_len, len, sig_len;
	X509 *x;
	int n;

	assert_true(signer_generate(f->s, "resp", 2048, &spki, &spki_len));
	f->resp_pub = spki_key(spki, spki_len);
	free(spki);
	x = cert_new("Test OCSP", "Test Root", f->resp_pub, 0, 0, YEAR, 20);
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, &sig_len);
	f->resp = cert_assemble(x, sig, sig_len);
	assert_int_equal(X509_verify(f->resp, f->root_pub), 1);
	assert_chain(f->root, f->resp);
	free(sig);
	OPENSSL_free(tbs);
	X509_free(x);
	assert_true((n = i2d_X509(f->resp, &der)) > 0);
	assert_true(signer_bind_cert(f->s, "resp", der, (size_t)n));
	OPENSSL_free(der);
}

static void
test_ocsp(void **state)
{
	struct fx *f = *state;
	unsigned char *tbs, *sig;
	size_t len, sig_len;
	int by_key;

	make_responder(f);
	for (by_key = 0; by_key <= 1; by_key++) {
		tbs = ocsp_tbs(f->resp, by_key, f->resp, f->root, &len);
		sig = sign_ok(f->s, SIGNER_OP_SIGN_OCSP, SIGNER_MD_SHA256,
		    "resp", tbs, len, &sig_len);
		assert_true(sig_verifies(f->resp_pub, "SHA256", tbs, len, sig,
		    sig_len));
		free(sig);
		/* The root's key did not sign this response. */
		assert_refused(f->s, SIGNER_OP_SIGN_OCSP, SIGNER_MD_SHA256,
		    "root", tbs, len, by_key ? "byKey" : "byName");
		OPENSSL_free(tbs);
	}
	tbs = ocsp_tbs(f->root, 1, f->resp, f->root, &len);
	sig = sign_ok(f->s, SIGNER_OP_SIGN_OCSP, SIGNER_MD_SHA1, "root", tbs,
	    len, &sig_len);
	assert_true(sig_verifies(f->root_pub, "SHA1", tbs, len, sig,
	    sig_len));
	free(sig);
	assert_refused(f->s, SIGNER_OP_SIGN_OCSP, SIGNER_MD_SHA256, "resp",
	    tbs, len - 3, "not an OCSP ResponseData");
	OPENSSL_free(tbs);
}

static void
test_sign_many(void **state)
{
	struct fx *f = *state;
	struct signer_job jobs[50];
	unsigned char *tbs[50];
	size_t len[50], i;
	X509 *x;

	for (i = 0; i < 50; i++) {
		x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR,
		    (long)(100 + i));
		tbs[i] = cert_tbs(x, f->tmp, EVP_sha256(), &len[i]);
		X509_free(x);
		jobs[i] = (struct signer_job){ SIGNER_OP_SIGN_CERT,
		    SIGNER_MD_SHA256, "root", tbs[i], len[i], NULL, 0, 0 };
	}
	assert_true(signer_sign_many(f->s, jobs, 50));
	for (i = 0; i < 50; i++) {
		assert_true(jobs[i].ok);
		assert_true(sig_verifies(f->root_pub, "SHA256", tbs[i], len[i],
		    jobs[i].sig, jobs[i].sig_len));
	}
	/* Refusals, local or by the child, do not shift the others. */
	signer_jobs_clear(jobs, 50);
	for (i = 0; i < 50; i++)
		jobs[i].sig = (unsigned char *)"stale, must not be freed";
	jobs[7].key = "../x";
	jobs[8].key = "resp";
	jobs[9].op = SIGNER_OP_PUBKEY;
	jobs[30].md = SIGNER_MD_SHA512;
	assert_true(signer_sign_many(f->s, jobs, 50));
	for (i = 0; i < 50; i++) {
		if (i == 7 || i == 8 || i == 9 || i == 30) {
			assert_false(jobs[i].ok);
			assert_null(jobs[i].sig);
			continue;
		}
		assert_true(jobs[i].ok);
		assert_true(sig_verifies(f->root_pub, "SHA256", tbs[i], len[i],
		    jobs[i].sig, jobs[i].sig_len));
	}
	signer_jobs_clear(jobs, 50);
	for (i = 0; i < 50; i++)
		OPENSSL_free(tbs[i]);
}

/* More than both socket buffers hold, in both directions. */
static void
test_sign_many_full_buffers(void **state)
{
	struct fx *f = *state;
	enum { N = 1000 };
	struct signer_job *jobs;
	unsigned char *tbs, *pad;
	size_t len, i;
	X509 *x;
	ASN1_OCTET_STRING *os;

	/* A 2 KiB extension makes each request bigger than its reply. */
	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 7);
	assert_non_null(pad = calloc(1, 2048));
	assert_non_null(os = ASN1_OCTET_STRING_new());
	assert_true(ASN1_OCTET_STRING_set(os, pad, 2048));
	assert_true(X509_add1_ext_i2d(x, NID_subject_key_identifier, os, 0,
	    X509V3_ADD_DEFAULT));
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	assert_non_null(jobs = calloc(N, sizeof(*jobs)));
	for (i = 0; i < N; i++)
		jobs[i] = (struct signer_job){ SIGNER_OP_SIGN_CERT,
		    SIGNER_MD_SHA256, "root", tbs, len, NULL, 0, 0 };
	assert_true(signer_sign_many(f->s, jobs, N));
	for (i = 0; i < N; i++)
		assert_true(jobs[i].ok && jobs[i].sig_len == 256);
	assert_true(sig_verifies(f->root_pub, "SHA256", tbs, len,
	    jobs[N - 1].sig, jobs[N - 1].sig_len));
	signer_jobs_clear(jobs, N);
	free(jobs);
	free(pad);
	ASN1_OCTET_STRING_free(os);
	OPENSSL_free(tbs);
	X509_free(x);
}

/*
 * subjectPublicKeyInfo must be a DER SEQUENCE of an AlgorithmIdentifier
 * and a BIT STRING (RFC 5280 §4.1.2.7); the key in it is not decoded.
 */
static void
test_spki(void **state)
{
	static const struct {
		enum spki_kind	 kind;
		const char	*why;
	} bad[] = {
		{ SPKI_NOT_SEQUENCE, "payload is not a TBSCertificate" },
		{ SPKI_WRONG_FIELDS, "payload is not a TBSCertificate" },
		{ SPKI_EXTRA_FIELD, "payload is not a TBSCertificate" },
		{ SPKI_BER, "TBSCertificate is not DER (X.690 §10)" },
	};
	struct fx *f = *state;
	unsigned char *tbs, *same, *sig;
	size_t len, same_len, sig_len, i;
	X509 *x;

	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 40);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tbs = cert_tbs_spki(x, f->tmp, f->tmp, bad[i].kind, &len);
		assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256,
		    "root", tbs, len, bad[i].why);
		OPENSSL_free(tbs);
	}

	/* The helpers change nothing else: the key's own SPKI is signed. */
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	same = cert_tbs_spki(x, f->tmp, f->tmp, SPKI_SAME, &same_len);
	assert_int_equal(same_len, len);
	assert_memory_equal(same, tbs, len);
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    same, same_len, &sig_len);
	free(sig);
	OPENSSL_free(same);
	OPENSSL_free(tbs);

	/*
	 * Bits that are no key: lint's to refuse, before the signer, which
	 * decodes a key only for an unbound root (test_root_self_signed).
	 */
	tbs = cert_tbs_spki(x, f->tmp, f->tmp, SPKI_GARBAGE_KEY, &len);
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, &sig_len);
	assert_true(sig_verifies(f->root_pub, "SHA256", tbs, len, sig,
	    sig_len));
	free(sig);
	OPENSSL_free(tbs);
	X509_free(x);
}

/* An extension with value der (or junk if NULL), appended to x. */
static void
ext_add(X509 *x, ASN1_OBJECT *obj, int crit, const char *junk)
{
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ex;

	assert_non_null(os);
	assert_true(ASN1_OCTET_STRING_set(os, (const unsigned char *)junk,
	    (int)strlen(junk)));
	assert_non_null(ex = X509_EXTENSION_create_by_OBJ(NULL, obj, crit,
	    os));
	assert_true(X509_add_ext(x, ex, -1));
	X509_EXTENSION_free(ex);
	ASN1_OCTET_STRING_free(os);
}

/* x signed with op must be refused for its extensions. */
static void
assert_ext_refused(struct fx *f, X509 *x, enum signer_op op)
{
	unsigned char *tbs;
	size_t len;

	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	assert_refused(f->s, op, SIGNER_MD_SHA256, "root", tbs, len,
	    "TBS has a malformed or repeated extension (RFC 5280 §4.2)");
	OPENSSL_free(tbs);
	X509_free(x);
}

/*
 * No extension twice (RFC 5280 §4.2), and the extensions that OpenSSL's
 * X509_get_extension_flags() vets well formed, as when the signer
 * parsed the TBS with d2i_X509.
 */
static void
test_extensions(void **state)
{
	struct fx *f = *state;
	BASIC_CONSTRAINTS *bc;
	ASN1_BIT_STRING *ku;
	CRL_DIST_POINTS *dps;
	DIST_POINT *dp;
	PROXY_CERT_INFO_EXTENSION *pci;
	ASN1_OBJECT *priv;
	unsigned char *tbs, *sig;
	size_t len, sig_len;
	X509 *x;

	assert_non_null(priv = OBJ_txt2obj("1.3.6.1.4.1.99999.7.1", 1));

	/* An extension OpenSSL does not know, once: signed. */
	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 50);
	ext_add(x, priv, 0, "opaque");
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &len);
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root",
	    tbs, len, &sig_len);
	free(sig);
	OPENSSL_free(tbs);
	/* Twice: refused, known or not. */
	ext_add(x, priv, 0, "opaque");
	assert_ext_refused(f, x, SIGNER_OP_SIGN_CERT);
	x = cert_new("Test Sub", "Test Root", f->tmp, 1, 0, YEAR, 51);
	assert_non_null(bc = BASIC_CONSTRAINTS_new());
	bc->ca = 0xff;
	assert_true(X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1,
	    X509V3_ADD_APPEND));
	assert_ext_refused(f, x, SIGNER_OP_SIGN_CA_CERT);

	/* Malformed: basicConstraints, or a vetted one that is not it. */
	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 52);
	ext_add(x, OBJ_nid2obj(NID_basic_constraints), 1, "junk");
	assert_ext_refused(f, x, SIGNER_OP_SIGN_CERT);
	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 53);
	ext_add(x, OBJ_nid2obj(NID_subject_alt_name), 0, "junk");
	assert_ext_refused(f, x, SIGNER_OP_SIGN_CERT);

	/* RFC 5280 §4.2.1.9: a negative pathLenConstraint. */
	x = cert_new("Test Sub", "Test Root", f->tmp, 0, 0, YEAR, 54);
	bc->pathlen = ASN1_INTEGER_new();
	assert_true(ASN1_INTEGER_set(bc->pathlen, -1));
	assert_true(X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1,
	    X509V3_ADD_DEFAULT));
	assert_ext_refused(f, x, SIGNER_OP_SIGN_CA_CERT);
	BASIC_CONSTRAINTS_free(bc);

	/* RFC 5280 §4.2.1.3: keyUsage with no bit set. */
	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 55);
	assert_non_null(ku = ASN1_BIT_STRING_new());
	assert_true(X509_add1_ext_i2d(x, NID_key_usage, ku, 1,
	    X509V3_ADD_DEFAULT));
	ASN1_BIT_STRING_free(ku);
	assert_ext_refused(f, x, SIGNER_OP_SIGN_CERT);

	/* RFC 5280 §4.2.1.13: a DistributionPoint of only reasons. */
	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 56);
	assert_non_null(dps = sk_DIST_POINT_new_null());
	assert_non_null(dp = DIST_POINT_new());
	assert_non_null(dp->reasons = ASN1_BIT_STRING_new());
	assert_true(ASN1_BIT_STRING_set_bit(dp->reasons, 1, 1));
	assert_true(sk_DIST_POINT_push(dps, dp));
	assert_true(X509_add1_ext_i2d(x, NID_crl_distribution_points, dps, 0,
	    X509V3_ADD_DEFAULT));
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	assert_ext_refused(f, x, SIGNER_OP_SIGN_CERT);

	/* RFC 3820 §3.7: a proxy certificate is no CA. */
	x = cert_new("Test Sub", "Test Root", f->tmp, 1, 0, YEAR, 57);
	assert_non_null(pci = PROXY_CERT_INFO_EXTENSION_new());
	pci->proxyPolicy->policyLanguage = OBJ_nid2obj(NID_id_ppl_inheritAll);
	assert_true(X509_add1_ext_i2d(x, NID_proxyCertInfo, pci, 1,
	    X509V3_ADD_DEFAULT));
	PROXY_CERT_INFO_EXTENSION_free(pci);
	assert_ext_refused(f, x, SIGNER_OP_SIGN_CA_CERT);
	ASN1_OBJECT_free(priv);
}

/* A certificate of "sub", issued by "root" (DER, OPENSSL_malloc'd). */
static unsigned char *
sub_cert(struct fx *f, EVP_PKEY *pub, long na, long serial, int *len)
{
	unsigned char *tbs, *sig, *der = NULL;
	size_t tbs_len, sig_len;
	X509 *x, *y;

	x = cert_new("Test Sub", "Test Root", pub, 1, 0, na, serial);
	tbs = cert_tbs(x, f->tmp, EVP_sha256(), &tbs_len);
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CA_CERT, SIGNER_MD_SHA256, "root",
	    tbs, tbs_len, &sig_len);
	y = cert_assemble(x, sig, sig_len);
	assert_true((*len = i2d_X509(y, &der)) > 0);
	X509_free(y);
	X509_free(x);
	free(sig);
	OPENSSL_free(tbs);
	return der;
}

/*
 * NAME.crt is not read again for every signature: a bind in this signer
 * shows at once, one by another signer process within a second.
 */
static void
test_bound_elsewhere(void **state)
{
	struct fx *f = *state;
	unsigned char *spki = NULL, *one, *two, *tbs1, *tbs2, *sig;
	size_t spki_len, len1, len2, sig_len;
	struct signer *s2;
	EVP_PKEY *pub;
	X509 *x;
	int n1, n2;

	assert_true(signer_generate(f->s, "sub", 2048, &spki, &spki_len));
	pub = spki_key(spki, spki_len);
	free(spki);
	one = sub_cert(f, pub, YEAR, 60, &n1);
	two = sub_cert(f, pub, 2 * YEAR, 61, &n2);
	x = cert_new("leaf.example", "Test Sub", f->tmp, 0, 0, YEAR / 2, 62);
	tbs1 = cert_tbs(x, f->tmp, EVP_sha256(), &len1);
	X509_free(x);
	x = cert_new("leaf.example", "Test Sub", f->tmp, 0, 0, YEAR * 3 / 2,
	    63);
	tbs2 = cert_tbs(x, f->tmp, EVP_sha256(), &len2);
	X509_free(x);

	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "sub",
	    tbs1, len1, "no bound certificate");
	assert_true(signer_bind_cert(f->s, "sub", one, (size_t)n1));
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "sub",
	    tbs1, len1, &sig_len);
	assert_true(sig_verifies(pub, "SHA256", tbs1, len1, sig, sig_len));
	free(sig);
	assert_refused(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "sub",
	    tbs2, len2, "notAfter is after");

	/* The longer cross-certificate, bound by another process. */
	assert_non_null(s2 = start(f, f->pass));
	assert_true(signer_bind_cert(s2, "sub", two, (size_t)n2));
	assert_true(signer_stop(s2));
	crt_recheck_wait();
	sig = sign_ok(f->s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "sub",
	    tbs2, len2, &sig_len);
	assert_true(sig_verifies(pub, "SHA256", tbs2, len2, sig, sig_len));
	free(sig);

	OPENSSL_free(one);
	OPENSSL_free(two);
	OPENSSL_free(tbs1);
	OPENSSL_free(tbs2);
	EVP_PKEY_free(pub);
}

static void
test_bad_names(void **state)
{
	struct fx *f = *state;
	char long_name[SIGNER_KEY_NAME_MAX + 2], *text, *path;
	const char *bad[] = { "../x", "", "a.b", "a/b", "a b", "root\n" };
	unsigned char *spki = NULL;
	size_t spki_len, i;

	memset(long_name, 'k', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	/* Refused by the client before anything is sent... */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(signer_pubkey(f->s, bad[i], &spki, &spki_len));
	assert_false(signer_pubkey(f->s, long_name, &spki, &spki_len));
	assert_false(signer_generate(f->s, "../x", 2048, &spki, &spki_len));
	assert_null(spki);
	/* ...and by the child, if a request gets through anyway. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		raw_request(f->s, SIGNER_OP_PUBKEY, SIGNER_MD_SHA256, bad[i],
		    strlen(bad[i]), NULL, 0);
		assert_int_equal(raw_reply(f->s, &text), 1);
		assert_non_null(strstr(text, "invalid key name"));
		free(text);
	}
	raw_request(f->s, SIGNER_OP_PUBKEY, SIGNER_MD_SHA256, long_name,
	    SIGNER_KEY_NAME_MAX + 1, NULL, 0);
	assert_int_equal(raw_reply(f->s, NULL), 1);
	raw_request(f->s, SIGNER_OP_GENERATE, SIGNER_MD_SHA256, "../x", 4,
	    (const unsigned char *)"\0\0\x08\0", 4);
	assert_int_equal(raw_reply(f->s, NULL), 1);
	assert_non_null(path = file_join(f->dir, "x.key"));
	assert_false(file_exists(path));
	free(path);
	assert_alive(f, f->s);
}

static void
test_wrong_passphrase(void **state)
{
	struct fx *f = *state;
	unsigned char *spki = NULL;
	size_t spki_len;
	struct signer *s;
	int saved;

	assert_non_null(s = start(f, f->badpass));
	assert_refused(s, SIGNER_OP_PUBKEY, SIGNER_MD_SHA256, "root", NULL, 0,
	    "key root: wrong passphrase or damaged key file");
	assert_false(signer_pubkey(s, "root", &spki, &spki_len));
	assert_true(signer_stop(s));

	saved = quiet_begin();
	assert_null(start(f, f->shortpass));
	assert_null(start(f, "/nonexistent/pass"));
	quiet_end(saved);
}

static void
test_damaged_key_files(void **state)
{
	struct fx *f = *state;
	char *path;
	BIO *bio;
	char *data;
	long n;

	free(write_text(f->keys, "junk.key", "-----BEGIN ENCRYPTED PRIVATE "
	    "KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"));
	assert_refused(f->s, SIGNER_OP_PUBKEY, SIGNER_MD_SHA256, "junk", NULL,
	    0, "key junk: wrong passphrase or damaged key file");

	/* A key in plain text was not made by the signer: refused. */
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_true(PEM_write_bio_PrivateKey(bio, f->tmp, NULL, NULL, 0, NULL,
	    NULL));
	assert_true((n = BIO_get_mem_data(bio, &data)) > 0);
	assert_non_null(path = file_join(f->keys, "plain.key"));
	assert_true(file_write_atomic(path, data, (size_t)n, 0600, 1));
	assert_refused(f->s, SIGNER_OP_PUBKEY, SIGNER_MD_SHA256, "plain",
	    NULL, 0, "not encrypted");
	BIO_free(bio);
	free(path);

	/* A damaged NAME.crt stops signing with that key. */
	free(write_text(f->keys, "resp.crt", "-----BEGIN CERTIFICATE-----\n"
	    "!!!!\n-----END CERTIFICATE-----\n"));
	crt_recheck_wait();
	assert_refused(f->s, SIGNER_OP_SIGN_OCSP, SIGNER_MD_SHA256, "resp",
	    (const unsigned char *)"\x30\x00", 2, "damaged certificate");
}

/* Random and mutated requests, all framed correctly: all answered. */
static void
fuzz_session(struct fx *f, struct signer *s)
{
	enum { N = 400 };
	const enum signer_op ops[4] = { SIGNER_OP_SIGN_CERT,
	    SIGNER_OP_SIGN_CA_CERT, SIGNER_OP_SIGN_CRL, SIGNER_OP_SIGN_OCSP };
	struct signer_job jobs[N];
	unsigned char *bufs[N], *tbs[3];
	size_t lens[3], i, j;
	uint32_t r = 0x12345678;
	X509 *x;
	int saved;

	x = cert_new("leaf.example", "Test Root", f->tmp, 0, 0, YEAR, 30);
	tbs[0] = cert_tbs(x, f->tmp, EVP_sha256(), &lens[0]);
	X509_free(x);
	tbs[1] = crl_tbs("Test Root", f->tmp, EVP_sha256(), &lens[1]);
	tbs[2] = ocsp_tbs(f->resp, 1, f->resp, f->root, &lens[2]);
	for (i = 0; i < N; i++) {
		j = i % 3;
		assert_non_null(bufs[i] = malloc(lens[j]));
		memcpy(bufs[i], tbs[j], lens[j]);
		/* xorshift32: a few bytes flipped, sometimes truncated. */
		for (int k = 0; k < 3; k++) {
			r ^= r << 13, r ^= r >> 17, r ^= r << 5;
			bufs[i][r % lens[j]] ^= (unsigned char)(r >> 8);
		}
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].op = ops[r % 4];
		jobs[i].md = SIGNER_MD_SHA256;
		jobs[i].key = jobs[i].op == SIGNER_OP_SIGN_OCSP ? "resp" :
		    "root";
		jobs[i].tbs = bufs[i];
		jobs[i].tbs_len = i % 5 == 0 ? r % lens[j] : lens[j];
	}
	saved = quiet_begin();
	assert_true(signer_sign_many(s, jobs, N));
	quiet_end(saved);
	signer_jobs_clear(jobs, N);
	for (i = 0; i < N; i++)
		free(bufs[i]);
	for (j = 0; j < 3; j++)
		OPENSSL_free(tbs[j]);
}

static void
test_garbage(void **state)
{
	struct fx *f = *state;
	static unsigned char big[SIGNER_FRAME_MAX];
	unsigned char hdr[8];
	struct signer *s;
	char *text;

	assert_non_null(s = start(f, f->pass));
	fuzz_session(f, s);
	assert_alive(f, s);
	/* Unknown op and digest: refused, the session goes on. */
	raw_request(s, 200, SIGNER_MD_SHA256, "root", 4, NULL, 0);
	assert_int_equal(raw_reply(s, &text), 1);
	assert_non_null(strstr(text, "unknown operation"));
	free(text);
	raw_request(s, SIGNER_OP_SIGN_CERT, 77, "root", 4, NULL, 0);
	assert_int_equal(raw_reply(s, NULL), 1);
	/* The largest frame allowed, full of junk. */
	memset(big, 0x30, sizeof(big));
	raw_request(s, SIGNER_OP_SIGN_CERT, SIGNER_MD_SHA256, "root", 4, big,
	    SIGNER_FRAME_MAX - 7);
	assert_int_equal(raw_reply(s, NULL), 1);
	assert_alive(f, s);
	/* Body too short for op, md and name length: session over. */
	raw_len(hdr, 2);
	hdr[4] = hdr[5] = 0;
	raw_send(s, hdr, 6);
	assert_int_equal(raw_reply(s, NULL), 1);
	assert_child_quit(s);

	/* Name length past the end of the frame. */
	assert_non_null(s = start(f, f->pass));
	raw_len(hdr, 4);
	memcpy(hdr + 4, "\x01\x01\x09x", 4);
	raw_send(s, hdr, 8);
	assert_int_equal(raw_reply(s, NULL), 1);
	assert_child_quit(s);

	/* Oversized length: refused without reading on. */
	assert_non_null(s = start(f, f->pass));
	raw_len(hdr, SIGNER_FRAME_MAX + 1);
	raw_send(s, hdr, 4);
	assert_int_equal(raw_reply(s, &text), 1);
	assert_non_null(strstr(text, "oversized"));
	free(text);
	assert_child_quit(s);

	/* Zero length. */
	assert_non_null(s = start(f, f->pass));
	raw_len(hdr, 0);
	raw_send(s, hdr, 4);
	assert_int_equal(raw_reply(s, NULL), 1);
	assert_child_quit(s);

	/* Truncated: 100 bytes announced, 10 sent, then EOF. */
	assert_non_null(s = start(f, f->pass));
	raw_len(hdr, 100);
	raw_send(s, hdr, 4);
	raw_send(s, "\x03\x01\x04rootxyz", 10);
	shutdown(signer_fd(s), SHUT_WR);
	assert_int_equal(raw_reply(s, NULL), 1);
	assert_child_quit(s);
}

static void
test_stop(void **state)
{
	struct fx *f = *state;
	struct signer *s;
	int st;

	assert_true(signer_stop(NULL));
	assert_null(signer_start(NULL));
	assert_non_null(s = start(f, f->pass));
	assert_true(signer_pid(s) > 0);
	/* A killed signer fails the next request instead of hanging. */
	assert_int_equal(kill(signer_pid(s), SIGKILL), 0);
	st = quiet_begin();
	assert_false(signer_bind_cert(s, "root", (const unsigned char *)"x",
	    1));
	quiet_end(st);
	assert_true(signer_stop_status(s, &st));
	assert_true(WIFSIGNALED(st));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_pubkey),
		cmocka_unit_test(test_root_self_signed),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_issue),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_crl_entry_not_der),
		cmocka_unit_test(test_ocsp),
		cmocka_unit_test(test_sign_many),
		cmocka_unit_test(test_sign_many_full_buffers),
		cmocka_unit_test(test_spki),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_bound_elsewhere),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_damaged_key_files),
		cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
