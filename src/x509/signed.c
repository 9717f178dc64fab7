#include "x509/signed.h"

#include <limits.h>

#include <openssl/asn1t.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

typedef struct signed_envelope_st {
	ASN1_TYPE	*tbs;	/* a complete SEQUENCE, written as is */
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
} SIGNED_ENVELOPE;

ASN1_SEQUENCE(SIGNED_ENVELOPE) = {
	ASN1_SIMPLE(SIGNED_ENVELOPE, tbs, ASN1_ANY),
	ASN1_SIMPLE(SIGNED_ENVELOPE, alg, X509_ALGOR),
	ASN1_SIMPLE(SIGNED_ENVELOPE, sig, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(SIGNED_ENVELOPE)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(SIGNED_ENVELOPE)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(SIGNED_ENVELOPE)

int
signed_encode(const unsigned char *tbs, size_t tbs_len, int sig_nid,
    const unsigned char *sig, size_t sig_len, unsigned char **out,
    size_t *out_len)
{
	SIGNED_ENVELOPE *env = NULL;
	ASN1_STRING *seq = NULL;
	unsigned char *der = NULL;
	int len, ok = 0;

	if (tbs_len == 0 || tbs_len > INT_MAX || sig_len > INT_MAX ||
	    tbs[0] != (V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED))
		return 0;
	if ((env = SIGNED_ENVELOPE_new()) == NULL ||
	    (seq = ASN1_STRING_new()) == NULL ||
	    !ASN1_STRING_set(seq, tbs, (int)tbs_len))
		goto out;
	ASN1_TYPE_set(env->tbs, V_ASN1_SEQUENCE, seq);
	seq = NULL;
	if (!X509_ALGOR_set0(env->alg, OBJ_nid2obj(sig_nid), V_ASN1_NULL, NULL))
		goto out;
	if (!ASN1_BIT_STRING_set(env->sig, (unsigned char *)sig, (int)sig_len))
		goto out;
	/*
	 * A signature is a whole number of octets: say "0 unused bits"
	 * explicitly, or OpenSSL would trim trailing zero bits.
	 */
	env->sig->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
	env->sig->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	if ((len = i2d_SIGNED_ENVELOPE(env, &der)) <= 0)
		goto out;
	*out = der;
	*out_len = (size_t)len;
	der = NULL;
	ok = 1;
 out:
	OPENSSL_free(der);
	ASN1_STRING_free(seq);
	SIGNED_ENVELOPE_free(env);
	return ok;
}
