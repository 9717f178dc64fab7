#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"
#include "x509/crlent.h"

/*
 * CRLs: RFC 5280 section 5, tables 7.2-1/7.2-2 (CP-7.2), CSBR/SBR 7.2.
 *
 * The CRL is read once, into struct lint_crl_view: the header through our
 * own template (X509_CRL hides the inner signature algorithm and whether
 * an empty revokedCertificates was encoded), the entries into one array.
 * From DER (the CRL builder) the entries are read in place
 * (x509/crlent.h) and each distinct encoding of entry extensions is
 * decoded once: a CRL of a million entries then costs no million
 * X509_REVOKED. From an X509_CRL (inkan lint), the entries are its own.
 * Every rule still looks at every entry.
 */

struct lint_tbscrl {
	ASN1_INTEGER	*version;
	X509_ALGOR	*sigalg;
	X509_NAME	*issuer;
	ASN1_TIME	*this_update;
	ASN1_TIME	*next_update;
	ASN1_STRING	*revoked;	/* the whole SEQUENCE OF, as encoded */
	STACK_OF(X509_EXTENSION) *extensions;
	ASN1_ENCODING	 enc;		/* what the signature covers */
};
typedef struct lint_tbscrl LINT_TBSCRL;

ASN1_SEQUENCE_enc(LINT_TBSCRL, enc, NULL) = {
	ASN1_OPT(LINT_TBSCRL, version, ASN1_INTEGER),
	ASN1_SIMPLE(LINT_TBSCRL, sigalg, X509_ALGOR),
	ASN1_SIMPLE(LINT_TBSCRL, issuer, X509_NAME),
	ASN1_SIMPLE(LINT_TBSCRL, this_update, ASN1_TIME),
	ASN1_OPT(LINT_TBSCRL, next_update, ASN1_TIME),
	ASN1_OPT(LINT_TBSCRL, revoked, ASN1_SEQUENCE),
	ASN1_EXP_SEQUENCE_OF_OPT(LINT_TBSCRL, extensions, X509_EXTENSION, 0)
} static_ASN1_SEQUENCE_END_ref(LINT_TBSCRL, LINT_TBSCRL)

typedef struct lint_crl_st {
	LINT_TBSCRL	*tbs;
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
} LINT_CRL;

ASN1_SEQUENCE(LINT_CRL) = {
	ASN1_SIMPLE(LINT_CRL, tbs, LINT_TBSCRL),
	ASN1_SIMPLE(LINT_CRL, alg, X509_ALGOR),
	ASN1_SIMPLE(LINT_CRL, sig, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(LINT_CRL)

static void
LINT_CRL_free(LINT_CRL *a)
{
	ASN1_item_free((ASN1_VALUE *)a, ASN1_ITEM_rptr(LINT_CRL));
}

IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(LINT_CRL)

/*
 * One entry's extensions, with what the entry rules ask of them read
 * once: shared by every entry whose extensions have the same encoding.
 */
struct lint_crl_exts {
	STACK_OF(X509_EXTENSION) *exts;
	int		 owned;		/* exts decoded here, not borrowed */
	int		 reason;	/* lint_exts_reason() */
	ASN1_GENERALIZEDTIME *inval;	/* invalidityDate, or NULL */
	int		 inval_crit;	/* as X509V3_get_d2i() sets it */
	const unsigned char *der;	/* the encoding, in the CRL; or NULL */
	size_t		 len;
	struct lint_crl_exts *next;	/* every one, for freeing */
};

struct lint_crl_entry {
	const ASN1_INTEGER *serial;
	const ASN1_TIME	*date;
	const struct lint_crl_exts *exts;	/* NULL: none */
	/*
	 * What the rules ask of date, from one ASN1_TIME_to_tm: as
	 * lint_time_type_ok() && lint_time_syntax_ok() would answer, and
	 * ASN1_TIME_compare(date, thisUpdate).
	 */
	signed char	 date_ok;
	signed char	 date_cmp;
	/* From DER: what serial and date point at, in the CRL. */
	int		 serial_view;	/* serial is &sv */
	ASN1_STRING	 sv, dv;
};

/* Extension encodings looked up before decoding another. */
#define LINT_EXTS_SEEN	32

struct lint_crl_view {
	LINT_CRL	*parsed;
	const LINT_TBSCRL *tbs;
	int		 alg_mismatch;	/* inner and outer algorithms differ */
	struct lint_crl_entry *e;
	size_t		 n, cap;
	STACK_OF(X509_REVOKED) *whole;	/* entries decoded whole (rare) */
	struct lint_crl_exts *all;
	struct lint_crl_exts *seen[LINT_EXTS_SEEN];
	size_t		 seen_next;
};

#define LINT_SKEW	300	/* seconds of clock difference tolerated */

/* The reasonCode of exts; -1 absent (or twice), -2 malformed. */
static int
lint_exts_reason(const STACK_OF(X509_EXTENSION) *exts)
{
	ASN1_ENUMERATED *e;
	int crit, v;

	e = X509V3_get_d2i(exts, NID_crl_reason, &crit, NULL);
	if (e == NULL)
		return crit == -1 || crit == -2 ? -1 : -2;
	v = (int)ASN1_ENUMERATED_get(e);
	ASN1_ENUMERATED_free(e);
	return v;
}

/* A new record for exts (taken over if owned), linked into v->all. */
static struct lint_crl_exts *
lint_crl_exts_new(struct lint_crl_view *v, STACK_OF(X509_EXTENSION) *exts,
    int owned)
{
	struct lint_crl_exts *x;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		if (owned)
			sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		return NULL;
	}
	x->exts = exts;
	x->owned = owned;
	x->reason = lint_exts_reason(exts);
	x->inval_crit = -1;
	x->inval = X509V3_get_d2i(exts, NID_invalidity_date, &x->inval_crit,
	    NULL);
	ERR_clear_error();
	x->next = v->all;
	v->all = x;
	return x;
}

/* The record of the extensions encoded as der[0..len), decoded once. */
static const struct lint_crl_exts *
lint_crl_exts_get(struct lint_crl_view *v, const unsigned char *der,
    size_t len)
{
	const unsigned char *p = der;
	STACK_OF(X509_EXTENSION) *exts;
	struct lint_crl_exts *x;

	for (size_t i = 0; i < LINT_EXTS_SEEN; i++)
		if ((x = v->seen[i]) != NULL && x->len == len &&
		    memcmp(x->der, der, len) == 0)
			return x;
	exts = d2i_X509_EXTENSIONS(NULL, &p, (long)len);
	if (exts == NULL || p != der + len) {
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		ERR_clear_error();
		return NULL;
	}
	if ((x = lint_crl_exts_new(v, exts, 1)) == NULL)
		return NULL;
	x->der = der;
	x->len = len;
	v->seen[v->seen_next] = x;
	v->seen_next = (v->seen_next + 1) % LINT_EXTS_SEEN;
	return x;
}

/*
 * An entry whose serial is negative, decoded whole, as OpenSSL would
 * (the rules compare and measure it as an ASN1_INTEGER).
 */
static int
lint_crl_entry_whole(struct lint_crl_view *v, const struct crlent *ce,
    struct lint_crl_entry *e)
{
	const unsigned char *p = ce->der;
	X509_REVOKED *r;

	if ((r = d2i_X509_REVOKED(NULL, &p, (long)ce->der_len)) == NULL ||
	    (v->whole == NULL &&
	    (v->whole = sk_X509_REVOKED_new_null()) == NULL) ||
	    !sk_X509_REVOKED_push(v->whole, r)) {
		X509_REVOKED_free(r);
		ERR_clear_error();
		return 0;
	}
	e->serial = X509_REVOKED_get0_serialNumber(r);
	return 1;
}

/*
 * Entry e from its DER: the serial and time as the ASN1_STRINGs OpenSSL
 * would decode (a positive INTEGER without its 0x00 pad), pointing into
 * the CRL; lint_crl_entries_der() points e->serial and e->date at them.
 */
static int
lint_crl_entry_set(struct lint_crl_view *v, struct lint_crl_entry *e,
    const struct crlent *ce)
{
	memset(e, 0, sizeof(*e));
	e->dv.type = ce->date_type;
	e->dv.data = (unsigned char *)ce->date;
	e->dv.length = (int)ce->date_len;
	if (ce->serial[0] & 0x80) {
		if (!lint_crl_entry_whole(v, ce, e))
			return 0;
	} else {
		e->sv.type = V_ASN1_INTEGER;
		e->sv.data = (unsigned char *)ce->serial;
		e->sv.length = (int)ce->serial_len;
		if (e->sv.length > 1 && e->sv.data[0] == 0) {
			e->sv.data++;
			e->sv.length--;
		}
		e->serial_view = 1;
	}
	if (ce->exts != NULL &&
	    (e->exts = lint_crl_exts_get(v, ce->exts, ce->exts_len)) == NULL)
		return 0;
	return 1;
}

/* Room for one more entry. */
static int
lint_crl_entries_grow(struct lint_crl_view *v)
{
	struct lint_crl_entry *e;
	size_t cap;

	if (v->n < v->cap)
		return 1;
	cap = v->cap != 0 ? v->cap * 2 : 1024;
	if ((e = reallocarray(v->e, cap, sizeof(*e))) == NULL)
		return 0;
	v->e = e;
	v->cap = cap;
	return 1;
}

/* The entries of the list as encoded, read in place, in one pass. */
static int
lint_crl_entries_der(struct lint_crl_view *v, const ASN1_STRING *list)
{
	struct crlent_iter it;
	struct crlent ce;
	int r;

	if (!crlent_begin(&it, ASN1_STRING_get0_data(list),
	    (size_t)ASN1_STRING_length(list)))
		return 0;
	while ((r = crlent_next(&it, &ce)) == 1) {
		if (!lint_crl_entries_grow(v) ||
		    !lint_crl_entry_set(v, &v->e[v->n], &ce))
			return 0;
		v->n++;
	}
	/* The array has stopped moving: point at the views. */
	for (size_t i = 0; i < v->n; i++) {
		v->e[i].date = &v->e[i].dv;
		if (v->e[i].serial_view)
			v->e[i].serial = &v->e[i].sv;
	}
	return r == 0;
}

/*
 * Reads every entry's date once (ASN1_TIME_to_tm is what
 * ASN1_TIME_check and ASN1_TIME_compare parse with), for the rules.
 */
static void
lint_crl_dates_read(struct lint_crl_view *v)
{
	struct tm this_tm, tm;
	int this_ok, ok, type, day, sec;

	this_ok = ASN1_TIME_to_tm(v->tbs->this_update, &this_tm);
	for (size_t i = 0; i < v->n; i++) {
		struct lint_crl_entry *e = &v->e[i];

		ok = ASN1_TIME_to_tm(e->date, &tm);
		type = ASN1_STRING_type(e->date);
		/* lint_time_type_ok, then lint_time_syntax_ok. */
		e->date_ok = ok && (tm.tm_year + 1900 < 2050 ?
		    type == V_ASN1_UTCTIME : type == V_ASN1_GENERALIZEDTIME) &&
		    lint_time_shape_ok(e->date);
		/* ASN1_TIME_compare: -2 if either time is invalid. */
		if (!ok || !this_ok ||
		    !OPENSSL_gmtime_diff(&day, &sec, &this_tm, &tm))
			e->date_cmp = -2;
		else
			e->date_cmp = (signed char)(day > 0 || sec > 0 ? 1 :
			    day < 0 || sec < 0 ? -1 : 0);
	}
	ERR_clear_error();
}

/* The entries of an X509_CRL, borrowed, each with its own record. */
static int
lint_crl_entries_x509(struct lint_crl_view *v, X509_CRL *crl)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(crl);
	const STACK_OF(X509_EXTENSION) *exts;
	const X509_REVOKED *r;
	size_t n;

	if (sk_X509_REVOKED_num(rev) <= 0)
		return 1;
	n = (size_t)sk_X509_REVOKED_num(rev);
	if ((v->e = calloc(n, sizeof(*v->e))) == NULL)
		return 0;
	v->cap = n;
	for (size_t i = 0; i < n; i++) {
		r = sk_X509_REVOKED_value(rev, (int)i);
		v->e[i].serial = X509_REVOKED_get0_serialNumber(r);
		v->e[i].date = X509_REVOKED_get0_revocationDate(r);
		exts = X509_REVOKED_get0_extensions(r);
		if (exts != NULL && (v->e[i].exts = lint_crl_exts_new(v,
		    (STACK_OF(X509_EXTENSION) *)exts, 0)) == NULL)
			return 0;
	}
	v->n = n;
	return 1;
}

static void
lint_crl_view_clear(struct lint_crl_view *v)
{
	struct lint_crl_exts *x, *next;

	for (x = v->all; x != NULL; x = next) {
		next = x->next;
		if (x->owned)
			sk_X509_EXTENSION_pop_free(x->exts,
			    X509_EXTENSION_free);
		ASN1_GENERALIZEDTIME_free(x->inval);
		free(x);
	}
	sk_X509_REVOKED_pop_free(v->whole, X509_REVOKED_free);
	free(v->e);
	LINT_CRL_free(v->parsed);
}

/* Reads der[0..len) into v (cleared by the caller in every case). */
static int
lint_crl_view_read(struct lint_crl_view *v, const unsigned char *der,
    long len, X509_CRL *crl)
{
	const unsigned char *p = der;

	if ((v->parsed = d2i_LINT_CRL(NULL, &p, len)) == NULL ||
	    p != der + len)
		return 0;
	v->tbs = v->parsed->tbs;
	v->alg_mismatch = X509_ALGOR_cmp(v->parsed->alg,
	    v->tbs->sigalg) != 0;
	if (crl != NULL) {
		if (!lint_crl_entries_x509(v, crl))
			return 0;
	} else if (v->tbs->revoked != NULL &&
	    !lint_crl_entries_der(v, v->tbs->revoked))
		return 0;
	lint_crl_dates_read(v);
	return 1;
}

/* Reads the CRL (der, or in->crl when der is NULL) and runs the rules. */
static int
lint_crl_run(const struct lint_crl_input *in, const unsigned char *der,
    size_t len, struct lint_report *rep)
{
	struct lint_crl_view v = { 0 };
	struct lint_ctx c = { 0 };
	unsigned char *own = NULL;
	int own_len, ok = 0;

	c.crl = &v;
	c.issuer = in->issuer;
	c.now = in->now;
	c.pre_issuance = in->pre_issuance;
	c.cabf = in->cabf != 0 ? in->cabf : lint_cert_cabf(in->issuer);
	if (der != NULL) {
		if (len > LONG_MAX ||
		    !lint_crl_view_read(&v, der, (long)len, NULL))
			goto out;
	} else if ((own_len = i2d_X509_CRL(in->crl, &own)) <= 0 ||
	    !lint_crl_view_read(&v, own, own_len, in->crl))
		goto out;
	lint_run(&c, LINT_KIND_CRL, rep);
	ok = 1;
 out:
	ERR_clear_error();
	lint_crl_view_clear(&v);
	OPENSSL_free(own);
	return ok;
}

int
lint_crl(const struct lint_crl_input *in, struct lint_report *rep)
{
	return lint_crl_run(in, NULL, 0, rep);
}

int
lint_crl_der(const struct lint_crl_input *in, const unsigned char *der,
    size_t len, struct lint_report *rep)
{
	return der != NULL && lint_crl_run(in, der, len, rep);
}

/* RFC 5280 §5.1.2.1 (v2 with extensions), CP-7.2.1. */
LINT_CHECK(lint_check_crl_version)
{
	if (c->crl->tbs->version == NULL ||
	    ASN1_INTEGER_get(c->crl->tbs->version) != 1)
		lint_fail(rep, rule, "CRL is not v2");
}

/* RFC 5280 §5.1.1.2; PKCS#1 v1.5 parameters NULL (RFC 4055 §5). */
LINT_CHECK(lint_check_crl_sigalg_match)
{
	if (c->crl->alg_mismatch)
		lint_fail(rep, rule, "signatureAlgorithm differs from the "
		    "TBSCertList signature field");
	else if (!lint_alg_params_null(c->crl->parsed->alg))
		lint_fail(rep, rule, "signature algorithm parameters are not "
		    "NULL");
}

static void
lint_crl_time(const ASN1_TIME *t, const char *what, struct lint_report *rep,
    const struct lint_rule *rule)
{
	if (t != NULL && (!lint_time_type_ok(t) || !lint_time_syntax_ok(t)))
		lint_fail(rep, rule, "%s is not UTCTime YYMMDDHHMMSSZ through "
		    "2049 or GeneralizedTime YYYYMMDDHHMMSSZ after", what);
}

/* RFC 5280 §5.1.2.4-§5.1.2.6. */
LINT_CHECK(lint_check_crl_time_encoding)
{
	const struct lint_crl_view *v = c->crl;

	lint_crl_time(v->tbs->this_update, "thisUpdate", rep, rule);
	lint_crl_time(v->tbs->next_update, "nextUpdate", rep, rule);
	/* lint_crl_time() of each, read once (lint_crl_dates_read). */
	for (size_t i = 0; i < v->n; i++)
		if (!v->e[i].date_ok)
			lint_fail(rep, rule, "revocationDate is not UTCTime "
			    "YYMMDDHHMMSSZ through 2049 or GeneralizedTime "
			    "YYYYMMDDHHMMSSZ after");
}

/* RFC 5280 §5.1.2.5: conforming CAs include nextUpdate, after thisUpdate. */
LINT_CHECK(lint_check_crl_next_update)
{
	const ASN1_TIME *next = c->crl->tbs->next_update;

	if (next == NULL)
		lint_fail(rep, rule, "nextUpdate is missing");
	else if (ASN1_TIME_compare(next, c->crl->tbs->this_update) <= 0)
		lint_fail(rep, rule, "nextUpdate is not after thisUpdate");
}

/* RFC 5280 §5.2.3: present, not critical, 0 .. 2^159 (20 octets). */
LINT_CHECK(lint_check_crl_number)
{
	ASN1_INTEGER *n;
	int crit = -1;

	n = X509V3_get_d2i(c->crl->tbs->extensions, NID_crl_number, &crit,
	    NULL);
	if (n == NULL && crit == -2)
		return;		/* twice: e_rfc5280_crl_ext_duplicate */
	if (n == NULL)
		lint_fail(rep, rule, "cRLNumber is missing");
	else if (crit == 1)
		lint_fail(rep, rule, "cRLNumber is critical");
	else if (ASN1_STRING_type(n) == V_ASN1_NEG_INTEGER ||
	    ASN1_STRING_length(n) > 20 || (ASN1_STRING_length(n) == 20 &&
	    (ASN1_STRING_get0_data(n)[0] & 0x80)))
		lint_fail(rep, rule, "cRLNumber is negative or longer than 20 "
		    "octets");
	ASN1_INTEGER_free(n);
}

/* RFC 5280 §5.2.1: keyIdentifier, not critical. */
LINT_CHECK(lint_check_crl_aki)
{
	AUTHORITY_KEYID *ak;
	int crit = -1;

	ak = X509V3_get_d2i(c->crl->tbs->extensions,
	    NID_authority_key_identifier, &crit, NULL);
	if (ak == NULL && crit == -2)
		return;		/* twice: e_rfc5280_crl_ext_duplicate */
	if (ak == NULL || ak->keyid == NULL)
		lint_fail(rep, rule, "authorityKeyIdentifier keyIdentifier is "
		    "missing");
	else if (crit == 1)
		lint_fail(rep, rule, "authorityKeyIdentifier is critical");
	AUTHORITY_KEYID_free(ak);
}

/* The extensions of entry i, or NULL. */
static const STACK_OF(X509_EXTENSION) *
lint_entry_exts(const struct lint_crl_view *v, size_t i)
{
	return v->e[i].exts != NULL ? v->e[i].exts->exts : NULL;
}

/* RFC 5280 §4.2 applied to CRL and entry extensions. */
static int
lint_exts_dup(const STACK_OF(X509_EXTENSION) *exts)
{
	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++)
		for (int j = 0; j < i; j++)
			if (OBJ_cmp(X509_EXTENSION_get_object(
			    sk_X509_EXTENSION_value(exts, i)),
			    X509_EXTENSION_get_object(
			    sk_X509_EXTENSION_value(exts, j))) == 0)
				return 1;
	return 0;
}

LINT_CHECK(lint_check_crl_ext_duplicate)
{
	const struct lint_crl_view *v = c->crl;

	if (lint_exts_dup(v->tbs->extensions))
		lint_fail(rep, rule, "a CRL extension appears twice");
	for (size_t i = 0; i < v->n; i++)
		if (lint_exts_dup(lint_entry_exts(v, i)))
			lint_fail(rep, rule, "a CRL entry extension appears "
			    "twice");
}

static int
lint_exts_unknown_critical(const STACK_OF(X509_EXTENSION) *exts)
{
	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);

		if (X509_EXTENSION_get_critical(e) && X509V3_EXT_get(e) == NULL)
			return 1;
	}
	return 0;
}

/* RFC 5280 §5.2: a relying party rejects unknown critical extensions. */
LINT_CHECK(lint_check_crl_ext_unknown)
{
	const struct lint_crl_view *v = c->crl;

	if (lint_exts_unknown_critical(v->tbs->extensions))
		lint_fail(rep, rule, "unknown critical CRL extension");
	for (size_t i = 0; i < v->n; i++)
		if (lint_exts_unknown_critical(lint_entry_exts(v, i)))
			lint_fail(rep, rule, "unknown critical CRL entry "
			    "extension");
}

/* RFC 5280 §5.1.2.6: absent, not empty, when there are none. */
LINT_CHECK(lint_check_crl_entries_empty)
{
	if (c->crl->tbs->revoked != NULL && c->crl->n == 0)
		lint_fail(rep, rule, "revokedCertificates is present but empty");
}

static int
lint_serial_cmp(const void *a, const void *b)
{
	return ASN1_INTEGER_cmp(*(const ASN1_INTEGER *const *)a,
	    *(const ASN1_INTEGER *const *)b);
}

/* Entries in strictly ascending serial order, as encoded. */
static int
lint_entries_ascending(const struct lint_crl_view *v)
{
	for (size_t i = 1; i < v->n; i++)
		if (ASN1_INTEGER_cmp(v->e[i - 1].serial, v->e[i].serial) >= 0)
			return 0;
	return 1;
}

/*
 * RFC 5280 §5.1.2.6: a certificate is listed once. Strictly ascending
 * serials (inkan's own order) are distinct; others are sorted, a copy,
 * and compared side by side: O(n log n), for million-entry CRLs.
 */
LINT_CHECK(lint_check_crl_entries_unique)
{
	const struct lint_crl_view *v = c->crl;
	const ASN1_INTEGER **s;
	size_t n = v->n;

	if (n < 2 || lint_entries_ascending(v))
		return;
	if ((s = calloc(n, sizeof(*s))) == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		s[i] = v->e[i].serial;
	qsort(s, n, sizeof(*s), lint_serial_cmp);
	for (size_t i = 1; i < n; i++)
		if (ASN1_INTEGER_cmp(s[i - 1], s[i]) == 0) {
			lint_fail(rep, rule, "a serial number is listed twice");
			break;
		}
	free(s);
}

/* CP-7.2: inkan lists entries in serial order, for binary search. */
LINT_CHECK(lint_check_crl_entries_sorted)
{
	const struct lint_crl_view *v = c->crl;

	/* As encoded, never re-sorted. */
	for (size_t i = 1; i < v->n; i++)
		if (ASN1_INTEGER_cmp(v->e[i - 1].serial, v->e[i].serial) > 0) {
			lint_fail(rep, rule, "entries are not in ascending "
			    "serial order");
			return;
		}
}

/* RFC 5280 §4.1.2.2 for the serials a CRL lists. */
LINT_CHECK(lint_check_crl_serial)
{
	const struct lint_crl_view *v = c->crl;

	for (size_t i = 0; i < v->n; i++) {
		const ASN1_INTEGER *s = v->e[i].serial;
		int len = ASN1_STRING_length(s);

		if (len > 0 && (ASN1_STRING_get0_data(s)[0] & 0x80))
			len++;
		if (ASN1_STRING_type(s) == V_ASN1_NEG_INTEGER || len > 20 ||
		    len == 0) {
			lint_fail(rep, rule, "entry %zu: serial number negative, "
			    "zero-length or longer than 20 octets", i);
			return;
		}
	}
}

/* RFC 5280 §5.1.2.6: revoked no later than this CRL says it was made. */
LINT_CHECK(lint_check_crl_revocation_date)
{
	const struct lint_crl_view *v = c->crl;

	/* ASN1_TIME_compare(date, thisUpdate), read once. */
	for (size_t i = 0; i < v->n; i++)
		if (v->e[i].date_cmp > 0) {
			lint_fail(rep, rule, "entry %zu: revocationDate after "
			    "thisUpdate", i);
			return;
		}
}

/* The reasonCode of entry i; -1 absent, -2 malformed. */
static int
lint_entry_reason(const struct lint_crl_view *v, size_t i)
{
	return v->e[i].exts != NULL ? v->e[i].exts->reason : -1;
}

/* RFC 5280 §5.3.1: 0..10 without 7. */
LINT_CHECK(lint_check_crl_reason_valid)
{
	const struct lint_crl_view *v = c->crl;
	int reason;

	for (size_t i = 0; i < v->n; i++) {
		reason = lint_entry_reason(v, i);
		if (reason == -2 || reason > 10 || reason == 7 ||
		    reason < -2)
			lint_fail(rep, rule, "entry %zu: reasonCode %d is not a "
			    "CRLReason", i, reason);
	}
}

/* RFC 5280 §5.3.1: unspecified SHOULD be left out. */
LINT_CHECK(lint_check_crl_reason_unspecified)
{
	const struct lint_crl_view *v = c->crl;

	for (size_t i = 0; i < v->n; i++)
		if (lint_entry_reason(v, i) == 0)
			lint_fail(rep, rule, "entry %zu: reasonCode "
			    "unspecified", i);
}

/* RFC 5280 §5.3.1, §5.3.2: reasonCode and invalidityDate not critical. */
LINT_CHECK(lint_check_crl_entry_ext)
{
	const struct lint_crl_view *v = c->crl;

	for (size_t i = 0; i < v->n; i++) {
		const STACK_OF(X509_EXTENSION) *exts = lint_entry_exts(v, i);

		for (int j = 0; j < sk_X509_EXTENSION_num(exts); j++) {
			X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, j);
			int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));

			if ((nid == NID_crl_reason || nid == NID_invalidity_date)
			    && X509_EXTENSION_get_critical(e))
				lint_fail(rep, rule, "entry %zu: %s is critical",
				    i, OBJ_nid2sn(nid));
		}
	}
}

/* RFC 5280 §5.3.2: invalidityDate is a GeneralizedTime. */
LINT_CHECK(lint_check_crl_invalidity_date)
{
	const struct lint_crl_view *v = c->crl;
	const struct lint_crl_exts *x;

	for (size_t i = 0; i < v->n; i++) {
		if ((x = v->e[i].exts) == NULL)
			continue;
		if (x->inval == NULL && x->inval_crit >= 0)
			lint_fail(rep, rule, "entry %zu: invalidityDate is not a "
			    "GeneralizedTime", i);
		else if (x->inval != NULL && !lint_time_syntax_ok(x->inval))
			lint_fail(rep, rule, "entry %zu: invalidityDate is not "
			    "YYYYMMDDHHMMSSZ", i);
	}
	ERR_clear_error();
}

/* RFC 5280 §5.1.2.3, SBR/CSBR 7.1.4.1: the CA's subject, byte for byte. */
LINT_CHECK(lint_check_crl_issuer_name)
{
	unsigned char *a = NULL, *b = NULL;
	int la, lb;

	if (c->issuer == NULL)
		return;
	la = i2d_X509_NAME(c->crl->tbs->issuer, &a);
	lb = i2d_X509_NAME(X509_get_subject_name(c->issuer), &b);
	if (la <= 0 || la != lb || memcmp(a, b, (size_t)la) != 0)
		lint_fail(rep, rule, "CRL issuer is not byte-for-byte the CA's "
		    "subject");
	OPENSSL_free(a);
	OPENSSL_free(b);
}

LINT_CHECK(lint_check_crl_aki_issuer)
{
	AUTHORITY_KEYID *ak;
	const ASN1_OCTET_STRING *ski;

	if (c->issuer == NULL ||
	    (ski = X509_get0_subject_key_id(c->issuer)) == NULL)
		return;
	ak = X509V3_get_d2i(c->crl->tbs->extensions,
	    NID_authority_key_identifier, NULL, NULL);
	if (ak != NULL && ak->keyid != NULL &&
	    ASN1_OCTET_STRING_cmp(ak->keyid, ski) != 0)
		lint_fail(rep, rule, "authorityKeyIdentifier is not the CA's "
		    "subjectKeyIdentifier");
	AUTHORITY_KEYID_free(ak);
}

/*
 * As X509_CRL_verify: both algorithms the same, then the signature over
 * the TBSCertList as it was encoded.
 */
LINT_CHECK(lint_check_crl_signature)
{
	const struct lint_crl_view *v = c->crl;

	if (c->issuer == NULL)
		return;
	if (v->alg_mismatch || ASN1_item_verify(ASN1_ITEM_rptr(LINT_TBSCRL),
	    v->parsed->alg, v->parsed->sig, v->tbs,
	    X509_get0_pubkey(c->issuer)) != 1)
		lint_fail(rep, rule, "signature does not verify with the CA's "
		    "key");
	ERR_clear_error();
}

/* RFC 5280 §4.2.1.3: the CRL signer asserts cRLSign. */
LINT_CHECK(lint_check_crl_issuer_crlsign)
{
	uint32_t ku;

	if (c->issuer == NULL)
		return;
	ku = X509_get_key_usage(c->issuer);
	if (ku != UINT32_MAX && (ku & KU_CRL_SIGN) == 0)
		lint_fail(rep, rule, "the CA's keyUsage lacks cRLSign");
}

/* Tables 7.2-1/7.2-2: validity 96 hours (CSBR/SBR 4.9.7 allow 10 days). */
LINT_CHECK(lint_check_crl_validity_96h)
{
	time_t t, n;

	if (!lint_time_get(c->crl->tbs->this_update, &t) ||
	    !lint_time_get(c->crl->tbs->next_update, &n) || n <= t)
		return;		/* e_rfc5280_crl_next_update */
	if (n - t != 96 * 3600)
		lint_fail(rep, rule, "nextUpdate - thisUpdate is %lld s, not "
		    "96 h", (long long)(n - t));
}

/* The outer signatureAlgorithm, as X509_CRL_get_signature_nid. */
static int
lint_crl_sig_nid(const struct lint_crl_view *v)
{
	const ASN1_OBJECT *obj;

	X509_ALGOR_get0(&obj, NULL, NULL, v->parsed->alg);
	return OBJ_obj2nid(obj);
}

/* CP-7.1.3, 7.2: sha1, sha256 (or sha384 for the sha384 root) with RSA. */
LINT_CHECK(lint_check_crl_sigalg_cp)
{
	int nid = lint_crl_sig_nid(c->crl);

	if ((c->cabf & LINT_CABF_SBR) && !lint_sigalg_cabf_ok(nid))
		return;		/* e_sbr_crl_sigalg */
	if (nid != NID_sha1WithRSAEncryption &&
	    nid != NID_sha256WithRSAEncryption &&
	    nid != NID_sha384WithRSAEncryption)
		lint_fail(rep, rule, "signature algorithm %s is not in CP "
		    "7.1.3", OBJ_nid2ln(nid));
}

/* Tables 7.2-1/7.2-2: CRL Number and AKI; entries reasonCode, invalidityDate. */
LINT_CHECK(lint_check_crl_cp_extensions)
{
	const struct lint_crl_view *v = c->crl;
	const STACK_OF(X509_EXTENSION) *exts = v->tbs->extensions;
	int nid;

	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);

		nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		if (X509_EXTENSION_get_critical(e) && X509V3_EXT_get(e) == NULL)
			continue;	/* e_rfc5280_crl_ext_unknown */
		/* issuingDistributionPoint: only in partitioned CRLs. */
		if (nid != NID_crl_number && nid != NID_authority_key_identifier &&
		    nid != NID_issuing_distribution_point)
			lint_fail(rep, rule, "CRL extension %s is not in tables "
			    "7.2-1/7.2-2", nid != NID_undef ? OBJ_nid2sn(nid) :
			    "(unknown)");
	}
	for (size_t i = 0; i < v->n; i++) {
		exts = lint_entry_exts(v, i);
		for (int j = 0; j < sk_X509_EXTENSION_num(exts); j++) {
			nid = OBJ_obj2nid(X509_EXTENSION_get_object(
			    sk_X509_EXTENSION_value(exts, j)));
			if (nid != NID_crl_reason && nid != NID_invalidity_date)
				lint_fail(rep, rule, "entry %zu: extension %s is "
				    "not in tables 7.2-1/7.2-2", i,
				    nid != NID_undef ? OBJ_nid2sn(nid) :
				    "(unknown)");
		}
	}
}

/* CP-4.9.7: thisUpdate is when the CRL is issued, not ahead or behind. */
LINT_CHECK(lint_check_crl_this_update)
{
	time_t t;

	if (!lint_time_get(c->crl->tbs->this_update, &t))
		return;
	if (t > c->now + LINT_SKEW)
		lint_fail(rep, rule, "thisUpdate is in the future");
	else if (c->pre_issuance && t < c->now - 120)
		lint_fail(rep, rule, "thisUpdate is in the past (backdated)");
}

/* CSBR 7.2.2: for code signing, invalidityDate equals revocationDate. */
LINT_CHECK(lint_check_csbr_crl_invalidity)
{
	const struct lint_crl_view *v = c->crl;
	const struct lint_crl_exts *x;

	if (!(c->cabf & LINT_CABF_CSBR))
		return;
	for (size_t i = 0; i < v->n; i++) {
		x = v->e[i].exts;
		if (x != NULL && x->inval != NULL && ASN1_TIME_compare(x->inval,
		    v->e[i].date) != 0)
			lint_fail(rep, rule, "entry %zu: invalidityDate differs "
			    "from revocationDate", i);
	}
}

/* SBR 7.2.2: reasonCode not critical and never unspecified. */
LINT_CHECK(lint_check_sbr_crl_reason)
{
	const struct lint_crl_view *v = c->crl;

	if (!(c->cabf & LINT_CABF_SBR))
		return;
	for (size_t i = 0; i < v->n; i++)
		if (lint_entry_reason(v, i) == 0)
			lint_fail(rep, rule, "entry %zu: reasonCode unspecified",
			    i);
}

/* SBR 7.1.3.2 applies to the CertificateList too. */
LINT_CHECK(lint_check_cabf_crl_sigalg)
{
	int nid = lint_crl_sig_nid(c->crl);

	if ((c->cabf & LINT_CABF_SBR) && !lint_sigalg_cabf_ok(nid))
		lint_fail(rep, rule, "signature algorithm %s is not allowed "
		    "for S/MIME", OBJ_nid2ln(nid));
}
