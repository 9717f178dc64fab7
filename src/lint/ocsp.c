#include <string.h>
#include <time.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"

/*
 * OCSP responses: RFC 6960 §4.2, the RFC 5019 profile, table 7.3-1 and
 * CSBR/SBR 4.9.9, 4.9.10, 7.3. The outer layers are read through our own
 * templates (OpenSSL hides responseType, the version and whether certs
 * was encoded); the rest through OpenSSL's OCSP_BASICRESP accessors.
 */

typedef struct lint_respbytes_st {
	ASN1_OBJECT	*type;
	ASN1_OCTET_STRING *response;
} LINT_RESPBYTES;

ASN1_SEQUENCE(LINT_RESPBYTES) = {
	ASN1_SIMPLE(LINT_RESPBYTES, type, ASN1_OBJECT),
	ASN1_SIMPLE(LINT_RESPBYTES, response, ASN1_OCTET_STRING)
} static_ASN1_SEQUENCE_END(LINT_RESPBYTES)

typedef struct lint_ocspresp_st {
	ASN1_ENUMERATED	*status;
	LINT_RESPBYTES	*bytes;
} LINT_OCSPRESP;

ASN1_SEQUENCE(LINT_OCSPRESP) = {
	ASN1_SIMPLE(LINT_OCSPRESP, status, ASN1_ENUMERATED),
	ASN1_EXP_OPT(LINT_OCSPRESP, bytes, LINT_RESPBYTES, 0)
} static_ASN1_SEQUENCE_END(LINT_OCSPRESP)

static void
LINT_OCSPRESP_free(LINT_OCSPRESP *a)
{
	ASN1_item_free((ASN1_VALUE *)a, ASN1_ITEM_rptr(LINT_OCSPRESP));
}

IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(LINT_OCSPRESP)

typedef struct lint_respdata_st {
	ASN1_INTEGER	*version;
	OCSP_RESPID	*responder;
	ASN1_GENERALIZEDTIME *produced_at;
	STACK_OF(OCSP_SINGLERESP) *responses;
	STACK_OF(X509_EXTENSION) *extensions;
} LINT_RESPDATA;

ASN1_SEQUENCE(LINT_RESPDATA) = {
	ASN1_EXP_OPT(LINT_RESPDATA, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(LINT_RESPDATA, responder, OCSP_RESPID),
	ASN1_SIMPLE(LINT_RESPDATA, produced_at, ASN1_GENERALIZEDTIME),
	ASN1_SEQUENCE_OF(LINT_RESPDATA, responses, OCSP_SINGLERESP),
	ASN1_EXP_SEQUENCE_OF_OPT(LINT_RESPDATA, extensions, X509_EXTENSION, 1)
} static_ASN1_SEQUENCE_END(LINT_RESPDATA)

typedef struct lint_basicresp_st {
	LINT_RESPDATA	*tbs;
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
	STACK_OF(X509)	*certs;
} LINT_BASICRESP;

ASN1_SEQUENCE(LINT_BASICRESP) = {
	ASN1_SIMPLE(LINT_BASICRESP, tbs, LINT_RESPDATA),
	ASN1_SIMPLE(LINT_BASICRESP, alg, X509_ALGOR),
	ASN1_SIMPLE(LINT_BASICRESP, sig, ASN1_BIT_STRING),
	ASN1_EXP_SEQUENCE_OF_OPT(LINT_BASICRESP, certs, X509, 0)
} static_ASN1_SEQUENCE_END(LINT_BASICRESP)

static void
LINT_BASICRESP_free(LINT_BASICRESP *a)
{
	ASN1_item_free((ASN1_VALUE *)a, ASN1_ITEM_rptr(LINT_BASICRESP));
}

IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(LINT_BASICRESP)

#define LINT_SKEW	300	/* seconds of clock difference tolerated */

/* The certificate responderID names: in certs, else the CA itself. */
static void
lint_ocsp_find_signer(struct lint_ocsp_parsed *o, LINT_BASICRESP *br,
    X509 *issuer)
{
	const ASN1_OCTET_STRING *key;
	const X509_NAME *name;

	if (!OCSP_resp_get0_id(o->basic, &key, &name))
		return;
	o->by_key = key != NULL;
	for (int i = 0; i < sk_X509_num(br->certs) && o->signer == NULL; i++)
		if (OCSP_RESPID_match(br->tbs->responder,
		    sk_X509_value(br->certs, i)))
			o->signer = sk_X509_value(br->certs, i);
	if (o->signer == NULL && issuer != NULL &&
	    OCSP_RESPID_match(br->tbs->responder, issuer))
		o->signer = issuer;
	o->delegated = o->signer != NULL && o->signer != issuer;
	if (o->signer != NULL)
		o->sig_ok = ASN1_item_verify(ASN1_ITEM_rptr(LINT_RESPDATA),
		    br->alg, br->sig, br->tbs, X509_get0_pubkey(o->signer)) == 1;
	ERR_clear_error();
}

/* Decodes the layers; what fails stays 0/NULL for e_rfc6960_decode. */
static LINT_BASICRESP *
lint_ocsp_parse(const struct lint_ocsp_input *in, struct lint_ocsp_parsed *o)
{
	const unsigned char *p = in->der, *q;
	LINT_OCSPRESP *resp;
	LINT_BASICRESP *br = NULL;
	long len;

	if ((resp = d2i_LINT_OCSPRESP(NULL, &p, (long)in->len)) == NULL ||
	    p != in->der + in->len)
		goto out;
	o->decoded = 1;
	o->status = (int)ASN1_ENUMERATED_get(resp->status);
	o->has_bytes = resp->bytes != NULL;
	if (resp->bytes == NULL ||
	    OBJ_obj2nid(resp->bytes->type) != NID_id_pkix_OCSP_basic)
		goto out;
	o->basic_type = 1;
	q = p = ASN1_STRING_get0_data(resp->bytes->response);
	len = ASN1_STRING_length(resp->bytes->response);
	if ((br = d2i_LINT_BASICRESP(NULL, &p, len)) == NULL ||
	    p != q + len || (o->basic = d2i_OCSP_BASICRESP(NULL, &q, len)) ==
	    NULL) {
		LINT_BASICRESP_free(br);
		br = NULL;
		goto out;
	}
	o->version = br->tbs->version != NULL ?
	    ASN1_INTEGER_get(br->tbs->version) : 0;
	o->certs_present = br->certs != NULL;
	o->certs_n = sk_X509_num(br->certs);
	lint_ocsp_find_signer(o, br, in->issuer);
 out:
	if (o->decoded && o->has_bytes && o->basic_type && o->basic == NULL)
		o->decoded = 0;
	LINT_OCSPRESP_free(resp);
	ERR_clear_error();
	return br;
}

int
lint_ocsp(const struct lint_ocsp_input *in, struct lint_report *rep)
{
	struct lint_ocsp_parsed o = { 0 };
	struct lint_ctx c = { 0 };
	struct lint_input cin = { 0 };
	LINT_BASICRESP *br;

	br = lint_ocsp_parse(in, &o);
	c.ocsp = &o;
	c.issuer = in->issuer;
	c.now = in->now;
	c.pre_issuance = in->pre_issuance;
	c.cabf = in->cabf != 0 ? in->cabf : lint_cert_cabf(in->issuer);
	lint_run(&c, LINT_KIND_OCSP_RESPONSE, rep);
	/*
	 * Table 7.3-1 on the delegated responder certificate it carries;
	 * its chain to the CA is e_rfc6960_responder_issuer's, and one
	 * without OCSPSigning is no responder (e_rfc6960_responder_eku).
	 */
	if (o.signer != NULL && o.delegated &&
	    lint_eku_has(o.signer, NID_OCSP_sign)) {
		cin.cert = o.signer;
		cin.profile = profile_get(PROFILE_OCSP);
		cin.now = in->now;
		lint_cert(&cin, rep);
	}
	OCSP_BASICRESP_free(o.basic);
	LINT_BASICRESP_free(br);
	return 1;
}

/* Whether the basic-response checks have something to look at. */
#define LINT_OCSP_BASIC(c) ((c)->ocsp->basic != NULL)

LINT_CHECK(lint_check_ocsp_decode)
{
	if (!c->ocsp->decoded)
		lint_fail(rep, rule, "not a DER OCSPResponse with a decodable "
		    "BasicOCSPResponse");
}

/* RFC 6960 §4.2.1: responseBytes with successful, and only then. */
LINT_CHECK(lint_check_ocsp_status)
{
	const struct lint_ocsp_parsed *o = c->ocsp;

	if (!o->decoded)
		return;
	if (o->status == OCSP_RESPONSE_STATUS_SUCCESSFUL && !o->has_bytes)
		lint_fail(rep, rule, "successful response without "
		    "responseBytes");
	else if (o->status != OCSP_RESPONSE_STATUS_SUCCESSFUL && o->has_bytes)
		lint_fail(rep, rule, "responseStatus %d with responseBytes",
		    o->status);
	else if (o->status < 0 || o->status > 6 || o->status == 4)
		lint_fail(rep, rule, "responseStatus %d is not defined",
		    o->status);
}

/* RFC 6960 §4.2.1, RFC 5019 §2.2.1: id-pkix-ocsp-basic. */
LINT_CHECK(lint_check_ocsp_type)
{
	if (c->ocsp->decoded && c->ocsp->has_bytes && !c->ocsp->basic_type)
		lint_fail(rep, rule, "responseType is not id-pkix-ocsp-basic");
}

/* RFC 6960 §4.2.1, CP-7.3.1: v1. */
LINT_CHECK(lint_check_ocsp_version)
{
	if (LINT_OCSP_BASIC(c) && c->ocsp->version != 0)
		lint_fail(rep, rule, "ResponseData version is v%ld, not v1",
		    c->ocsp->version + 1);
}

/* RFC 6960 §4.2.2.3: responderID names the certificate that signed. */
LINT_CHECK(lint_check_ocsp_responder_id)
{
	if (LINT_OCSP_BASIC(c) && c->ocsp->signer == NULL)
		lint_fail(rep, rule, "responderID matches no certificate in "
		    "certs%s", c->issuer != NULL ? " nor the CA" : "");
}

/* RFC 5019 §2.2.3: byKey SHOULD be used. */
LINT_CHECK(lint_check_ocsp_by_key)
{
	if (LINT_OCSP_BASIC(c) && !c->ocsp->by_key)
		lint_fail(rep, rule, "responderID is byName, not byKey");
}

LINT_CHECK(lint_check_ocsp_certs_empty)
{
	if (LINT_OCSP_BASIC(c) && c->ocsp->certs_present &&
	    c->ocsp->certs_n == 0)
		lint_fail(rep, rule, "certs is present but empty");
}

/* RFC 6960 §4.2.1: the signature over ResponseData verifies. */
LINT_CHECK(lint_check_ocsp_signature)
{
	if (LINT_OCSP_BASIC(c) && c->ocsp->signer != NULL && !c->ocsp->sig_ok)
		lint_fail(rep, rule, "signature does not verify with the "
		    "responder's key");
}

LINT_CHECK(lint_check_ocsp_sigalg_params)
{
	if (LINT_OCSP_BASIC(c) &&
	    !lint_alg_params_null(OCSP_resp_get0_tbs_sigalg(c->ocsp->basic)))
		lint_fail(rep, rule, "signature algorithm parameters are not "
		    "NULL");
}

/* RFC 6960 §4.2.2.2, SBR 4.9.9: a delegate carries id-kp-OCSPSigning. */
LINT_CHECK(lint_check_ocsp_responder_eku)
{
	if (!LINT_OCSP_BASIC(c) || !c->ocsp->delegated)
		return;
	if (!lint_eku_has(c->ocsp->signer, NID_OCSP_sign))
		lint_fail(rep, rule, "delegated responder certificate without "
		    "id-kp-OCSPSigning");
}

/* RFC 6960 §4.2.2.2, CSBR/SBR 4.9.9: issued directly by the CA. */
LINT_CHECK(lint_check_ocsp_responder_issuer)
{
	X509 *s;

	if (!LINT_OCSP_BASIC(c) || !c->ocsp->delegated || c->issuer == NULL)
		return;
	s = c->ocsp->signer;
	if (X509_NAME_cmp(X509_get_issuer_name(s),
	    X509_get_subject_name(c->issuer)) != 0 ||
	    X509_verify(s, X509_get0_pubkey(c->issuer)) != 1)
		lint_fail(rep, rule, "responder certificate is not issued by "
		    "the CA the response is about");
	ERR_clear_error();
}

/* The responder certificate is valid when the response is produced. */
LINT_CHECK(lint_check_ocsp_responder_valid)
{
	const ASN1_GENERALIZEDTIME *pa;
	X509 *s;

	if (!LINT_OCSP_BASIC(c) || (s = c->ocsp->signer) == NULL)
		return;
	pa = OCSP_resp_get0_produced_at(c->ocsp->basic);
	if (ASN1_TIME_compare(pa, X509_get0_notBefore(s)) < 0 ||
	    ASN1_TIME_compare(pa, X509_get0_notAfter(s)) > 0)
		lint_fail(rep, rule, "producedAt is outside the responder "
		    "certificate's validity");
}

/* RFC 5019 §2.2.2: one SingleResponse. */
LINT_CHECK(lint_check_ocsp_single_count)
{
	if (LINT_OCSP_BASIC(c) && OCSP_resp_count(c->ocsp->basic) != 1)
		lint_fail(rep, rule, "%d SingleResponses",
		    OCSP_resp_count(c->ocsp->basic));
}

/* The status fields of SingleResponse i. */
static int
lint_single(const struct lint_ctx *c, int i, int *reason,
    ASN1_GENERALIZEDTIME **rev, ASN1_GENERALIZEDTIME **thisu,
    ASN1_GENERALIZEDTIME **nextu)
{
	OCSP_SINGLERESP *s = OCSP_resp_get0(c->ocsp->basic, i);

	*reason = -1;
	*rev = *thisu = *nextu = NULL;
	return s == NULL ? -1 : OCSP_single_get0_status(s, reason, rev, thisu,
	    nextu);
}

/* RFC 6960 §4.2.2.1: thisUpdate <= producedAt <= now. */
LINT_CHECK(lint_check_ocsp_times)
{
	ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
	const ASN1_GENERALIZEDTIME *pa;
	time_t t, p;
	int reason;

	if (!LINT_OCSP_BASIC(c))
		return;
	pa = OCSP_resp_get0_produced_at(c->ocsp->basic);
	if (!lint_time_get(pa, &p))
		return;
	if (p > c->now + LINT_SKEW)
		lint_fail(rep, rule, "producedAt is in the future");
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++) {
		if (lint_single(c, i, &reason, &rev, &thisu, &nextu) < 0 ||
		    !lint_time_get(thisu, &t))
			continue;
		if (t > c->now + LINT_SKEW)
			lint_fail(rep, rule, "response %d: thisUpdate is in the "
			    "future", i);
		else if (t > p + LINT_SKEW)
			lint_fail(rep, rule, "response %d: thisUpdate is after "
			    "producedAt", i);
	}
}

/* RFC 6960 §4.2.1 GeneralizedTime, RFC 5280 §4.1.2.5.2 syntax. */
LINT_CHECK(lint_check_ocsp_time_syntax)
{
	ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
	int reason;

	if (!LINT_OCSP_BASIC(c))
		return;
	if (!lint_time_syntax_ok(OCSP_resp_get0_produced_at(c->ocsp->basic)))
		lint_fail(rep, rule, "producedAt is not YYYYMMDDHHMMSSZ");
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++) {
		if (lint_single(c, i, &reason, &rev, &thisu, &nextu) < 0)
			continue;
		if ((thisu != NULL && !lint_time_syntax_ok(thisu)) ||
		    (nextu != NULL && !lint_time_syntax_ok(nextu)) ||
		    (rev != NULL && !lint_time_syntax_ok(rev)))
			lint_fail(rep, rule, "response %d: a time is not "
			    "YYYYMMDDHHMMSSZ", i);
	}
}

/* RFC 5019 §2.2.4: nextUpdate always, after thisUpdate. */
LINT_CHECK(lint_check_ocsp_next_update)
{
	ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
	int reason;

	if (!LINT_OCSP_BASIC(c))
		return;
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++) {
		if (lint_single(c, i, &reason, &rev, &thisu, &nextu) < 0)
			continue;
		if (nextu == NULL)
			lint_fail(rep, rule, "response %d: nextUpdate is "
			    "missing", i);
		else if (ASN1_TIME_compare(nextu, thisu) <= 0)
			lint_fail(rep, rule, "response %d: nextUpdate is not "
			    "after thisUpdate", i);
	}
}

/* RFC 6960 §4.2.1: revocationTime not after thisUpdate, a CRLReason. */
LINT_CHECK(lint_check_ocsp_cert_status)
{
	ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
	int reason, status;

	if (!LINT_OCSP_BASIC(c))
		return;
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++) {
		status = lint_single(c, i, &reason, &rev, &thisu, &nextu);
		if (status != V_OCSP_CERTSTATUS_REVOKED)
			continue;
		if (ASN1_TIME_compare(rev, thisu) > 0)
			lint_fail(rep, rule, "response %d: revocationTime after "
			    "thisUpdate", i);
		if (reason != -1 && (reason < 0 || reason > 10 || reason == 7))
			lint_fail(rep, rule, "response %d: revocationReason %d "
			    "is not a CRLReason", i, reason);
	}
}

/* RFC 6960 §4.1.1, RFC 5019 §2.1.1: SHA-1 (or SHA-256) CertIDs. */
LINT_CHECK(lint_check_ocsp_certid_hash)
{
	const ASN1_OBJECT *md;
	ASN1_OCTET_STRING *nh, *kh;
	ASN1_INTEGER *sn;
	int nid;

	if (!LINT_OCSP_BASIC(c))
		return;
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++) {
		const OCSP_CERTID *id = OCSP_SINGLERESP_get0_id(
		    OCSP_resp_get0(c->ocsp->basic, i));

		if (!OCSP_id_get0_info(&nh, (ASN1_OBJECT **)&md, &kh, &sn,
		    (OCSP_CERTID *)id))
			continue;
		nid = OBJ_obj2nid(md);
		if ((nid != NID_sha1 && nid != NID_sha256) ||
		    ASN1_STRING_length(nh) != (nid == NID_sha1 ? 20 : 32) ||
		    ASN1_STRING_length(kh) != (nid == NID_sha1 ? 20 : 32))
			lint_fail(rep, rule, "response %d: CertID hash is not "
			    "SHA-1 or SHA-256 of the right length", i);
	}
}

/* RFC 6960 §4.1.1: issuerNameHash and issuerKeyHash are the CA's. */
LINT_CHECK(lint_check_ocsp_certid_issuer)
{
	const OCSP_CERTID *id;
	ASN1_OBJECT *md;
	ASN1_OCTET_STRING *nh, *kh;
	ASN1_INTEGER *sn;
	OCSP_CERTID *want;
	const EVP_MD *dgst;

	if (!LINT_OCSP_BASIC(c) || c->issuer == NULL)
		return;
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++) {
		id = OCSP_SINGLERESP_get0_id(OCSP_resp_get0(c->ocsp->basic, i));
		if (!OCSP_id_get0_info(&nh, &md, &kh, &sn, (OCSP_CERTID *)id) ||
		    (dgst = EVP_get_digestbyobj(md)) == NULL)
			continue;
		want = OCSP_cert_id_new(dgst, X509_get_subject_name(c->issuer),
		    X509_get0_pubkey_bitstr(c->issuer), sn);
		if (want != NULL && OCSP_id_issuer_cmp(want, id) != 0)
			lint_fail(rep, rule, "response %d: CertID does not name "
			    "the CA", i);
		OCSP_CERTID_free(want);
	}
}

static int
lint_ocsp_exts_bad(const struct lint_ctx *c, int i)
{
	int n, nid;
	X509_EXTENSION *e;

	if (i < 0)
		n = OCSP_BASICRESP_get_ext_count(c->ocsp->basic);
	else
		n = OCSP_SINGLERESP_get_ext_count(OCSP_resp_get0(
		    c->ocsp->basic, i));
	for (int j = 0; j < n; j++) {
		e = i < 0 ? OCSP_BASICRESP_get_ext(c->ocsp->basic, j) :
		    OCSP_SINGLERESP_get_ext(OCSP_resp_get0(c->ocsp->basic, i),
		    j);
		nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		if (X509_EXTENSION_get_critical(e) && nid != NID_id_pkix_OCSP_Nonce &&
		    X509V3_EXT_get(e) == NULL)
			return 1;
	}
	return 0;
}

/* RFC 6960 §4.4: no critical extension a client cannot understand. */
LINT_CHECK(lint_check_ocsp_ext_unknown)
{
	if (!LINT_OCSP_BASIC(c))
		return;
	if (lint_ocsp_exts_bad(c, -1))
		lint_fail(rep, rule, "unknown critical responseExtension");
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++)
		if (lint_ocsp_exts_bad(c, i))
			lint_fail(rep, rule, "response %d: unknown critical "
			    "singleExtension", i);
}

/* Validity interval, inclusive (CSBR/SBR 4.9.10); -1 without nextUpdate. */
static long
lint_ocsp_interval(const struct lint_ctx *c, int i)
{
	ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
	time_t t, n;
	int reason;

	if (lint_single(c, i, &reason, &rev, &thisu, &nextu) < 0 ||
	    !lint_time_get(thisu, &t) || !lint_time_get(nextu, &n) || n < t)
		return -1;
	return (long)(n - t) + 1;
}

/* CSBR 4.9.10 (at most 10 days), SBR 4.9.10 (8 hours to 10 days). */
LINT_CHECK(lint_check_ocsp_cabf_validity)
{
	long iv;

	if (!LINT_OCSP_BASIC(c) || c->cabf == 0)
		return;
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++) {
		if ((iv = lint_ocsp_interval(c, i)) < 0)
			continue;
		if (iv > 10 * 86400)
			lint_fail(rep, rule, "response %d: validity interval "
			    "over ten days", i);
		else if ((c->cabf & LINT_CABF_SBR) && iv < 8 * 3600)
			lint_fail(rep, rule, "response %d: validity interval "
			    "under eight hours", i);
	}
}

/* SBR 7.1.3.2: the BasicOCSPResponse algorithm (CSBR allows SHA-1 here). */
LINT_CHECK(lint_check_ocsp_cabf_sigalg)
{
	int nid;

	if (!LINT_OCSP_BASIC(c) || !(c->cabf & LINT_CABF_SBR))
		return;
	nid = OBJ_obj2nid(OCSP_resp_get0_tbs_sigalg(c->ocsp->basic)->algorithm);
	if (!lint_sigalg_cabf_ok(nid))
		lint_fail(rep, rule, "signature algorithm %s is not allowed "
		    "for S/MIME", OBJ_nid2ln(nid));
}

/* SBR 7.3.2: singleExtensions never carry reasonCode. */
LINT_CHECK(lint_check_ocsp_single_reason)
{
	if (!LINT_OCSP_BASIC(c))
		return;
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++)
		if (OCSP_SINGLERESP_get_ext_by_NID(OCSP_resp_get0(
		    c->ocsp->basic, i), NID_crl_reason, -1) >= 0)
			lint_fail(rep, rule, "response %d: reasonCode in "
			    "singleExtensions", i);
}

/* SBR 7.3 with 7.2.2: revocationReason never unspecified. */
LINT_CHECK(lint_check_ocsp_reason)
{
	ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
	int reason;

	if (!LINT_OCSP_BASIC(c) || !(c->cabf & LINT_CABF_SBR))
		return;
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++)
		if (lint_single(c, i, &reason, &rev, &thisu, &nextu) ==
		    V_OCSP_CERTSTATUS_REVOKED && reason == 0)
			lint_fail(rep, rule, "response %d: revocationReason "
			    "unspecified", i);
}

/* CP-4.10, table 7.3-1 operation: answers last at most 4 days. */
LINT_CHECK(lint_check_ocsp_cp_validity)
{
	long iv;

	if (!LINT_OCSP_BASIC(c))
		return;
	for (int i = 0; i < OCSP_resp_count(c->ocsp->basic); i++) {
		if ((iv = lint_ocsp_interval(c, i)) < 0)
			continue;
		if (c->cabf != 0 && iv > 10 * 86400)
			continue;	/* e_cabf_ocsp_validity */
		if (iv - 1 > 4 * 86400)
			lint_fail(rep, rule, "response %d: nextUpdate - "
			    "thisUpdate over 4 days", i);
	}
}

/* Table 7.3-1: sha256WithRSAEncryption. */
LINT_CHECK(lint_check_ocsp_cp_sigalg)
{
	int nid;

	if (!LINT_OCSP_BASIC(c))
		return;
	nid = OBJ_obj2nid(OCSP_resp_get0_tbs_sigalg(c->ocsp->basic)->algorithm);
	if ((c->cabf & LINT_CABF_SBR) && !lint_sigalg_cabf_ok(nid))
		return;		/* e_sbr_ocsp_sigalg */
	if (nid != NID_sha256WithRSAEncryption)
		lint_fail(rep, rule, "signature algorithm %s, table 7.3-1 "
		    "requires sha256WithRSAEncryption", OBJ_nid2ln(nid));
}
