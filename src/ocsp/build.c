#include "ocsp/build.h"

#include <limits.h>

#include <openssl/asn1t.h>
#include <openssl/x509v3.h>

#include "util/log.h"
#include "x509/cert.h"

/* RFC 6960 §4.2.1 ResponseData, version absent (v1). */
typedef struct inkan_respdata_st {
	ASN1_INTEGER	*version;
	OCSP_RESPID	*responder;
	ASN1_GENERALIZEDTIME *produced_at;
	STACK_OF(OCSP_SINGLERESP) *responses;
	STACK_OF(X509_EXTENSION) *extensions;
} INKAN_RESPDATA;

ASN1_SEQUENCE(INKAN_RESPDATA) = {
	ASN1_EXP_OPT(INKAN_RESPDATA, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(INKAN_RESPDATA, responder, OCSP_RESPID),
	ASN1_SIMPLE(INKAN_RESPDATA, produced_at, ASN1_GENERALIZEDTIME),
	ASN1_SEQUENCE_OF(INKAN_RESPDATA, responses, OCSP_SINGLERESP),
	ASN1_EXP_SEQUENCE_OF_OPT(INKAN_RESPDATA, extensions, X509_EXTENSION, 1)
} static_ASN1_SEQUENCE_END(INKAN_RESPDATA)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(INKAN_RESPDATA)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(INKAN_RESPDATA)

/* RFC 6960 §4.2.1 BasicOCSPResponse, the ResponseData kept as signed. */
typedef struct inkan_basicresp_st {
	ASN1_TYPE	*tbs;
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
	STACK_OF(X509)	*certs;
} INKAN_BASICRESP;

ASN1_SEQUENCE(INKAN_BASICRESP) = {
	ASN1_SIMPLE(INKAN_BASICRESP, tbs, ASN1_ANY),
	ASN1_SIMPLE(INKAN_BASICRESP, alg, X509_ALGOR),
	ASN1_SIMPLE(INKAN_BASICRESP, sig, ASN1_BIT_STRING),
	ASN1_EXP_SEQUENCE_OF_OPT(INKAN_BASICRESP, certs, X509, 0)
} static_ASN1_SEQUENCE_END(INKAN_BASICRESP)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(INKAN_BASICRESP)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(INKAN_BASICRESP)

static ASN1_GENERALIZEDTIME *
ocsp_gentime(time_t t)
{
	return ASN1_GENERALIZEDTIME_set(NULL, t);
}

/*
 * SingleResponses come from OpenSSL's own builder (the structure is
 * opaque) on a scratch BasicOCSPResponse, then copied out.
 */
static OCSP_SINGLERESP *
ocsp_single_new(OCSP_BASICRESP *scratch, const struct ocsp_single *s)
{
	ASN1_GENERALIZEDTIME *rev = NULL, *thisu = NULL, *nextu = NULL;
	ASN1_GENERALIZEDTIME *inval = NULL;
	OCSP_SINGLERESP *one, *res = NULL;

	if ((thisu = ocsp_gentime(s->this_update)) == NULL ||
	    (nextu = ocsp_gentime(s->next_update)) == NULL)
		goto out;
	if (s->status == V_OCSP_CERTSTATUS_REVOKED &&
	    (rev = ocsp_gentime(s->revoked_at)) == NULL)
		goto out;
	one = OCSP_basic_add1_status(scratch, s->cid, s->status,
	    s->status == V_OCSP_CERTSTATUS_REVOKED ? s->reason : -1, rev,
	    thisu, nextu);
	if (one == NULL)
		goto out;
	/* RFC 5280 §5.3.2 invalidityDate, as a singleExtension. */
	if (s->status == V_OCSP_CERTSTATUS_REVOKED && s->invalidity != 0) {
		if ((inval = ocsp_gentime(s->invalidity)) == NULL ||
		    !OCSP_SINGLERESP_add1_ext_i2d(one, NID_invalidity_date,
		    inval, 0, 0))
			goto out;
	}
	res = ASN1_item_dup(ASN1_ITEM_rptr(OCSP_SINGLERESP), one);
 out:
	ASN1_GENERALIZEDTIME_free(rev);
	ASN1_GENERALIZEDTIME_free(thisu);
	ASN1_GENERALIZEDTIME_free(nextu);
	ASN1_GENERALIZEDTIME_free(inval);
	return res;
}

static int
ocsp_add_nonce(INKAN_RESPDATA *rd, const ASN1_OCTET_STRING *nonce)
{
	X509_EXTENSION *ext;

	if (nonce == NULL)
		return 1;
	if ((rd->extensions = sk_X509_EXTENSION_new_null()) == NULL)
		return 0;
	ext = X509_EXTENSION_create_by_NID(NULL, NID_id_pkix_OCSP_Nonce, 0,
	    (ASN1_OCTET_STRING *)nonce);
	if (ext == NULL)
		return 0;
	if (!sk_X509_EXTENSION_push(rd->extensions, ext)) {
		X509_EXTENSION_free(ext);
		return 0;
	}
	return 1;
}

int
ocsp_tbs_build(X509 *responder, time_t produced_at,
    const struct ocsp_single *singles, size_t n,
    const ASN1_OCTET_STRING *nonce, unsigned char **tbs, size_t *tbs_len)
{
	INKAN_RESPDATA *rd = NULL;
	OCSP_BASICRESP *scratch = NULL;
	OCSP_SINGLERESP *one;
	int len, ok = 0;

	*tbs = NULL;
	if ((rd = INKAN_RESPDATA_new()) == NULL ||
	    (scratch = OCSP_BASICRESP_new()) == NULL)
		goto out;
	if (!OCSP_RESPID_set_by_key(rd->responder, responder))
		goto out;
	ASN1_GENERALIZEDTIME_free(rd->produced_at);
	if ((rd->produced_at = ocsp_gentime(produced_at)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((one = ocsp_single_new(scratch, &singles[i])) == NULL)
			goto out;
		if (!sk_OCSP_SINGLERESP_push(rd->responses, one)) {
			OCSP_SINGLERESP_free(one);
			goto out;
		}
	}
	if (!ocsp_add_nonce(rd, nonce))
		goto out;
	if ((len = i2d_INKAN_RESPDATA(rd, tbs)) <= 0)
		goto out;
	*tbs_len = (size_t)len;
	ok = 1;
 out:
	if (!ok)
		log_openssl("ocsp: cannot build the ResponseData");
	OCSP_BASICRESP_free(scratch);
	INKAN_RESPDATA_free(rd);
	return ok;
}

static int
ocsp_wrap(OCSP_BASICRESP *bs, int status, unsigned char **der,
    size_t *der_len)
{
	OCSP_RESPONSE *resp;
	int len;

	*der = NULL;
	if ((resp = OCSP_response_create(status, bs)) == NULL)
		return 0;
	len = i2d_OCSP_RESPONSE(resp, der);
	OCSP_RESPONSE_free(resp);
	if (len <= 0)
		return 0;
	*der_len = (size_t)len;
	return 1;
}

int
ocsp_response_assemble(const unsigned char *tbs, size_t tbs_len,
    enum signer_md md, const unsigned char *sig, size_t sig_len,
    X509 *responder, unsigned char **der, size_t *der_len)
{
	INKAN_BASICRESP *br = NULL;
	ASN1_STRING *seq = NULL;
	OCSP_BASICRESP *bs = NULL;
	unsigned char *enc = NULL;
	const unsigned char *p;
	int len, ok = 0;

	if (tbs_len > INT_MAX || sig_len > INT_MAX ||
	    (br = INKAN_BASICRESP_new()) == NULL ||
	    (seq = ASN1_STRING_new()) == NULL ||
	    !ASN1_STRING_set(seq, tbs, (int)tbs_len))
		goto out;
	ASN1_TYPE_set(br->tbs, V_ASN1_SEQUENCE, seq);
	seq = NULL;
	if (!X509_ALGOR_set0(br->alg, OBJ_nid2obj(cert_sig_nid(md)),
	    V_ASN1_NULL, NULL) ||
	    !ASN1_BIT_STRING_set(br->sig, (unsigned char *)sig, (int)sig_len))
		goto out;
	br->sig->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
	br->sig->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	/*
	 * RFC 6960 §4.2.2.2: the delegated responder's certificate rides
	 * along; a CA answering for itself (responder NULL) needs none.
	 */
	if (responder != NULL && ((br->certs = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(br->certs, responder) || !X509_up_ref(responder))) {
		if (br->certs != NULL)
			(void)sk_X509_pop(br->certs);
		goto out;
	}
	if ((len = i2d_INKAN_BASICRESP(br, &enc)) <= 0)
		goto out;
	p = enc;
	if ((bs = d2i_OCSP_BASICRESP(NULL, &p, len)) == NULL ||
	    p != enc + len)
		goto out;
	ok = ocsp_wrap(bs, OCSP_RESPONSE_STATUS_SUCCESSFUL, der, der_len);
 out:
	if (!ok)
		log_openssl("ocsp: cannot assemble the response");
	OPENSSL_free(enc);
	OCSP_BASICRESP_free(bs);
	ASN1_STRING_free(seq);
	INKAN_BASICRESP_free(br);
	return ok;
}

int
ocsp_response_status_only(int status, unsigned char **der, size_t *der_len)
{
	return ocsp_wrap(NULL, status, der, der_len);
}
