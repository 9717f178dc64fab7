#include "ca/crl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1t.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "ca/clock.h"
#include "audit/seal.h"
#include "lint/lint.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/cert.h"
#include "x509/signed.h"

/*
 * RFC 5280 §5.1.2 TBSCertList as our own template: OpenSSL's X509_CRL
 * offers no way to set the inner signature algorithm without signing,
 * and the signature comes from the signer.
 *
 * revokedCertificates is built as DER, entry by entry, while the store is
 * walked (crl_add_entry), and written into the TBS as it is: an ANY that
 * holds a whole SEQUENCE is encoded verbatim (as signed_encode does with
 * a TBS). A CRL of a million entries then costs a million small encodings
 * into one buffer, not a million X509_REVOKED objects with their own
 * serial, time and extension stack, sorted, encoded and freed one by one.
 * Each entry is SEQUENCE { serialNumber, revocationDate,
 * crlEntryExtensions OPTIONAL } (the DER of X509_REVOKED): the serial and
 * the time are encoded by i2d_ASN1_INTEGER and i2d_ASN1_TIME, the
 * extensions by i2d_X509_EXTENSIONS once per reason code, the SEQUENCE
 * header by ASN1_put_object.
 */
typedef struct inkan_tbscrl_st {
	ASN1_INTEGER	*version;
	X509_ALGOR	*sigalg;
	X509_NAME	*issuer;
	ASN1_TIME	*this_update;
	ASN1_TIME	*next_update;
	ASN1_TYPE	*revoked;	/* SEQUENCE OF entries, DER; NULL if none */
	STACK_OF(X509_EXTENSION) *extensions;
} INKAN_TBSCRL;

ASN1_SEQUENCE(INKAN_TBSCRL) = {
	ASN1_OPT(INKAN_TBSCRL, version, ASN1_INTEGER),
	ASN1_SIMPLE(INKAN_TBSCRL, sigalg, X509_ALGOR),
	ASN1_SIMPLE(INKAN_TBSCRL, issuer, X509_NAME),
	ASN1_SIMPLE(INKAN_TBSCRL, this_update, ASN1_TIME),
	ASN1_OPT(INKAN_TBSCRL, next_update, ASN1_TIME),
	ASN1_OPT(INKAN_TBSCRL, revoked, ASN1_ANY),
	ASN1_EXP_SEQUENCE_OF_OPT(INKAN_TBSCRL, extensions, X509_EXTENSION, 0)
} static_ASN1_SEQUENCE_END(INKAN_TBSCRL)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(INKAN_TBSCRL)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(INKAN_TBSCRL)

/* RFC 5280 §4.1.2.2: a serial number is at most 20 octets. */
#define CRL_SERIAL_MAX		20
/*
 * Most one entry can take: SEQUENCE header 4, serial 2 + 21, time 2 + 15,
 * extensions 4 + reasonCode 16 + invalidityDate 29; rounded up.
 */
#define CRL_ENTRY_MAX		256
/* Room before the entries for the SEQUENCE OF header (tag, 0x84, 4). */
#define CRL_LIST_HDR		6
#define CRL_REASON_MAX		10

/* What one CRL needs from its CA. */
struct crl_ctx {
	struct ca	*ca;
	const char	*issuer;
	char		*key;
	enum signer_md	 md;
	X509		*cacert;
	INKAN_TBSCRL	*tbs;
	time_t		 now;
	long		 entries;
	int		 shards;	/* 1: one CRL for the CA */
	int		 shard;		/* this CRL's partition */
	char		*url;		/* its distribution point */
	/* revokedCertificates being built, after CRL_LIST_HDR free bytes */
	unsigned char	*list;
	size_t		 list_len, list_cap;
	int		 unsorted;	/* an entry came before its predecessor */
	unsigned char	 last[CRL_SERIAL_MAX];	/* the previous serial */
	size_t		 last_len;
	ASN1_TIME	*date;		/* the revocationDate of date_at */
	int64_t		 date_at;
	/*
	 * The DER of the extension list of each reasonCode (none for
	 * unspecified), encoded once and shared by its entries.
	 */
	unsigned char	*reason_der[CRL_REASON_MAX + 1];
	int		 reason_der_len[CRL_REASON_MAX + 1];
};

/* Code-signing entries stay 10 years after expiry (CSBR 4.10.1, 7.2). */
#define CRL_CODESIGN_KEEP	(10LL * 366 * 86400)

const char *
ca_crl_url(const struct ca *ca, const char *name)
{
	const struct conf_root *r = conf_root_get(ca->conf, name);
	const struct conf_issuing *i = conf_issuing_get(ca->conf, name);

	return r != NULL ? r->crl_url : i != NULL ? i->crl_url : NULL;
}

/* Roots sign with their own digest (7.2-1 sha1); issuing CAs sha256 (7.2-2). */
static enum signer_md
crl_md(const struct ca *ca, const char *name)
{
	const struct conf_root *r = conf_root_get(ca->conf, name);

	return r != NULL ? r->md : SIGNER_MD_SHA256;
}

static int
crl_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The store's hex serial (store.h: no leading zero octets) as the
 * big-endian octets of the positive integer, without a BIGNUM; an odd
 * number of digits has an implicit leading 0. Returns 0 if it is not a
 * positive number of at most CRL_SERIAL_MAX octets.
 */
static int
crl_serial_octets(const char *hex, unsigned char *out, size_t *len)
{
	size_t n = strlen(hex), i = 0, o = 0;
	int hi, lo;

	if (n == 0 || (n + 1) / 2 > CRL_SERIAL_MAX)
		return 0;
	if (n % 2 == 1) {
		if ((lo = crl_hex((unsigned char)hex[0])) < 0)
			return 0;
		out[o++] = (unsigned char)lo;
		i = 1;
	}
	for (; i < n; i += 2) {
		if ((hi = crl_hex((unsigned char)hex[i])) < 0 ||
		    (lo = crl_hex((unsigned char)hex[i + 1])) < 0)
			return 0;
		out[o++] = (unsigned char)(hi << 4 | lo);
	}
	/* Leading zero octets would make a different, non-DER INTEGER. */
	while (o > 1 && out[0] == 0) {
		memmove(out, out + 1, o - 1);
		o--;
	}
	if (o == 1 && out[0] == 0)
		return 0;
	*len = o;
	return 1;
}

/* Numeric order of two positive magnitudes without leading zeros. */
static int
crl_serial_cmp(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

/*
 * The DER of the extensions of an entry with reason code reason and no
 * invalidity date, borrowed: encoded once per code and shared by every
 * such entry. RFC 5280 §5.3.1: unspecified (0) is left out rather than
 * said (then *len is 0).
 */
static int
crl_reason_der(struct crl_ctx *c, int reason, const unsigned char **der,
    int *len)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	ASN1_ENUMERATED *e;
	int ok;

	*der = NULL;
	*len = 0;
	if (reason <= 0)
		return 1;
	if (reason > CRL_REASON_MAX)
		return 0;
	if (c->reason_der[reason] == NULL) {
		if ((e = ASN1_ENUMERATED_new()) == NULL)
			return 0;
		ok = ASN1_ENUMERATED_set(e, reason) &&
		    X509V3_add1_i2d(&exts, NID_crl_reason, e, 0,
		    X509V3_ADD_APPEND) == 1 &&
		    (c->reason_der_len[reason] = i2d_X509_EXTENSIONS(exts,
		    &c->reason_der[reason])) > 0;
		ASN1_ENUMERATED_free(e);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		if (!ok)
			return 0;
	}
	*der = c->reason_der[reason];
	*len = c->reason_der_len[reason];
	return 1;
}

/*
 * The DER of the extensions of an entry with an invalidity date
 * (keyCompromise, RFC 5280 §5.3.2: a GeneralizedTime), made for that
 * entry alone; the caller frees *der with OPENSSL_free.
 */
static int
crl_own_der(const struct store_revoked *r, unsigned char **der, int *len)
{
	STACK_OF(X509_EXTENSION) *own = NULL;
	ASN1_ENUMERATED *e = NULL;
	ASN1_GENERALIZEDTIME *t = NULL;
	int ok = 0;

	*der = NULL;
	if (r->reason > 0 && ((e = ASN1_ENUMERATED_new()) == NULL ||
	    !ASN1_ENUMERATED_set(e, r->reason) ||
	    X509V3_add1_i2d(&own, NID_crl_reason, e, 0, X509V3_ADD_APPEND) != 1))
		goto out;
	if ((t = ASN1_GENERALIZEDTIME_set(NULL,
	    (time_t)r->invalidity_at)) == NULL ||
	    X509V3_add1_i2d(&own, NID_invalidity_date, t, 0,
	    X509V3_ADD_APPEND) != 1)
		goto out;
	ok = (*len = i2d_X509_EXTENSIONS(own, der)) > 0;
 out:
	ASN1_ENUMERATED_free(e);
	ASN1_GENERALIZEDTIME_free(t);
	sk_X509_EXTENSION_pop_free(own, X509_EXTENSION_free);
	return ok;
}

/* n as two decimal digits at p. */
static void
crl_digits2(char *p, int n)
{
	p[0] = (char)('0' + n / 10 % 10);
	p[1] = (char)('0' + n % 10);
}

/*
 * Sets c->date to revocationDate at, as ASN1_TIME_set would (RFC 5280
 * §5.1.2.6, §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050),
 * without its formatting through BIO_snprintf: a million entries have
 * nearly a million different dates.
 */
static int
crl_date_set(struct crl_ctx *c, int64_t at)
{
	time_t t = (time_t)at;
	struct tm tm;
	char buf[16], *p = buf;
	int year, utc;

	if (OPENSSL_gmtime(&t, &tm) == NULL)
		return 0;
	year = tm.tm_year + 1900;
	if (year < 0 || year > 9999)
		return 0;
	utc = year >= 1950 && year < 2050;
	if (!utc) {
		crl_digits2(p, year / 100);
		p += 2;
	}
	crl_digits2(p, year % 100);
	crl_digits2(p + 2, tm.tm_mon + 1);
	crl_digits2(p + 4, tm.tm_mday);
	crl_digits2(p + 6, tm.tm_hour);
	crl_digits2(p + 8, tm.tm_min);
	crl_digits2(p + 10, tm.tm_sec);
	p[12] = 'Z';
	p += 13;
	if (c->date == NULL && (c->date = ASN1_TIME_new()) == NULL)
		return 0;
	if (!ASN1_STRING_set(c->date, buf, (int)(p - buf)))
		return 0;
	c->date->type = utc ? V_ASN1_UTCTIME : V_ASN1_GENERALIZEDTIME;
	c->date_at = at;
	return 1;
}

/* Room for one more entry in the list. */
static int
crl_list_reserve(struct crl_ctx *c)
{
	unsigned char *p;
	size_t cap;

	if (c->list != NULL && c->list_cap - c->list_len >= CRL_ENTRY_MAX)
		return 1;
	cap = c->list_cap != 0 ? c->list_cap * 2 :
	    CRL_LIST_HDR + 64 * CRL_ENTRY_MAX;
	if ((p = OPENSSL_realloc(c->list, cap)) == NULL)
		return 0;
	if (c->list == NULL)
		c->list_len = CRL_LIST_HDR;
	c->list = p;
	c->list_cap = cap;
	return 1;
}

/* Encodes one entry at the end of the list (store_revoked_fn). */
static int
crl_add_entry(const struct store_revoked *r, void *arg)
{
	struct crl_ctx *c = arg;
	unsigned char octets[CRL_SERIAL_MAX], body[CRL_ENTRY_MAX], *p;
	unsigned char *own = NULL;
	const unsigned char *exts;
	ASN1_INTEGER sn;
	size_t n;
	int exts_len, body_len;

	if (c->shards > 1 && ca_crl_shard(r->serial, c->shards) != c->shard)
		return 1;
	if (!crl_serial_octets(r->serial, octets, &n)) {
		log_error("crl %s: serial %s in the store is not a positive "
		    "number of at most %d octets", c->issuer, r->serial,
		    CRL_SERIAL_MAX);
		return 0;
	}
	/* A view of octets: nothing allocated per entry. */
	sn.length = (int)n;
	sn.type = V_ASN1_INTEGER;
	sn.data = octets;
	sn.flags = 0;
	if ((c->date == NULL || r->revoked_at != c->date_at) &&
	    !crl_date_set(c, r->revoked_at))
		goto fail;
	if (r->invalidity_at != 0) {
		if (!crl_own_der(r, &own, &exts_len))
			goto fail;
		exts = own;
	} else if (!crl_reason_der(c, r->reason, &exts, &exts_len))
		goto fail;
	/* Serial 2 + 21, time 2 + 15: the extensions get the rest. */
	if (exts_len > CRL_ENTRY_MAX - 48)
		goto fail;
	p = body;
	if (i2d_ASN1_INTEGER(&sn, &p) <= 0 || i2d_ASN1_TIME(c->date, &p) <= 0)
		goto fail;
	if (exts_len > 0) {
		memcpy(p, exts, (size_t)exts_len);
		p += exts_len;
	}
	body_len = (int)(p - body);
	if (!crl_list_reserve(c))
		goto fail;
	p = c->list + c->list_len;
	ASN1_put_object(&p, 1, body_len, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	memcpy(p, body, (size_t)body_len);
	c->list_len = (size_t)(p + body_len - c->list);
	OPENSSL_free(own);
	/* The store walks in serial order; note it if it did not. */
	if (c->entries > 0 &&
	    crl_serial_cmp(c->last, c->last_len, octets, n) >= 0)
		c->unsorted = 1;
	memcpy(c->last, octets, n);
	c->last_len = n;
	c->entries++;
	return 1;
 fail:
	OPENSSL_free(own);
	log_openssl("crl %s: cannot encode the entry of %s", c->issuer,
	    r->serial);
	return 0;
}

/* One encoded entry and its serial's magnitude, for sorting. */
struct crl_sort_item {
	const unsigned char *der, *serial;
	size_t		 der_len, serial_len;
};

static int
crl_sort_cmp(const void *a, const void *b)
{
	const struct crl_sort_item *x = a, *y = b;

	return crl_serial_cmp(x->serial, x->serial_len, y->serial,
	    y->serial_len);
}

/*
 * Puts the entries in serial order when the store did not give them so
 * (store.h guarantees it only among serials of one length): each entry
 * is found again in the list, then the list is rewritten in order.
 */
static int
crl_sort_list(struct crl_ctx *c)
{
	struct crl_sort_item *items;
	unsigned char *sorted = NULL;
	const unsigned char *p = c->list + CRL_LIST_HDR, *q;
	const unsigned char *end = c->list + c->list_len;
	long len, ilen;
	int tag, xclass;
	size_t i, n = 0, off = CRL_LIST_HDR;
	int ok = 0;

	if ((items = calloc((size_t)c->entries, sizeof(*items))) == NULL)
		return 0;
	while (p < end && n < (size_t)c->entries) {
		q = p;
		if ((ASN1_get_object(&q, &len, &tag, &xclass, end - p) & 0x80) ||
		    tag != V_ASN1_SEQUENCE)
			goto out;
		items[n].der = p;
		items[n].der_len = (size_t)(q - p) + (size_t)len;
		if ((ASN1_get_object(&q, &ilen, &tag, &xclass, len) & 0x80) ||
		    tag != V_ASN1_INTEGER || ilen < 1)
			goto out;
		/* DER pads a positive integer with one 0x00: skip it. */
		if (ilen > 1 && q[0] == 0) {
			q++;
			ilen--;
		}
		items[n].serial = q;
		items[n].serial_len = (size_t)ilen;
		p += items[n].der_len;
		n++;
	}
	if (n != (size_t)c->entries || p != end)
		goto out;
	qsort(items, n, sizeof(*items), crl_sort_cmp);
	if ((sorted = OPENSSL_malloc(c->list_cap)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		memcpy(sorted + off, items[i].der, items[i].der_len);
		off += items[i].der_len;
	}
	OPENSSL_free(c->list);
	c->list = sorted;
	c->unsorted = 0;
	ok = 1;
 out:
	if (!ok) {
		OPENSSL_free(sorted);
		log_error("crl %s: cannot sort the entries", c->issuer);
	}
	free(items);
	return ok;
}

/*
 * Closes the list: its SEQUENCE OF header goes into the free room in
 * front, and the whole becomes the TBS's revokedCertificates.
 */
static int
crl_list_finish(struct crl_ctx *c)
{
	size_t body = c->list_len - CRL_LIST_HDR, hlen;
	unsigned char *p;
	ASN1_STRING *seq;

	if (body > 0x7fffffff - CRL_LIST_HDR)
		return 0;
	hlen = (size_t)ASN1_object_size(1, (int)body, V_ASN1_SEQUENCE) - body;
	if (hlen > CRL_LIST_HDR)
		return 0;
	p = c->list + CRL_LIST_HDR - hlen;
	ASN1_put_object(&p, 1, (int)body, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	memmove(c->list, c->list + CRL_LIST_HDR - hlen, hlen + body);
	if ((seq = ASN1_STRING_new()) == NULL ||
	    (c->tbs->revoked = ASN1_TYPE_new()) == NULL) {
		ASN1_STRING_free(seq);
		return 0;
	}
	/* The string takes the list over. */
	ASN1_STRING_set0(seq, c->list, (int)(hlen + body));
	c->list = NULL;
	ASN1_TYPE_set(c->tbs->revoked, V_ASN1_SEQUENCE, seq);
	return 1;
}

/*
 * A partition's scope: issuingDistributionPoint, critical (RFC 5280
 * §5.2.5), naming the URL its certificates' CRL DP names.
 */
static int
crl_add_idp(struct crl_ctx *c)
{
	ISSUING_DIST_POINT *idp;
	GENERAL_NAME *gn = NULL;
	ASN1_IA5STRING *uri = NULL;
	int ok = 0;

	if ((idp = ISSUING_DIST_POINT_new()) == NULL ||
	    (idp->distpoint = DIST_POINT_NAME_new()) == NULL ||
	    (idp->distpoint->name.fullname = GENERAL_NAMES_new()) == NULL ||
	    (uri = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(uri, c->url, -1) || (gn = GENERAL_NAME_new()) == NULL)
		goto out;
	idp->distpoint->type = 0;
	GENERAL_NAME_set0_value(gn, GEN_URI, uri);
	uri = NULL;
	if (!sk_GENERAL_NAME_push(idp->distpoint->name.fullname, gn))
		goto out;
	gn = NULL;
	ok = X509V3_add1_i2d(&c->tbs->extensions, NID_issuing_distribution_point,
	    idp, 1, X509V3_ADD_APPEND);
 out:
	ASN1_IA5STRING_free(uri);
	GENERAL_NAME_free(gn);
	ISSUING_DIST_POINT_free(idp);
	return ok;
}

int
ca_crl_shard(const char *serial_hex, int shards)
{
	uint32_t h = 2166136261u;

	for (; *serial_hex != '\0'; serial_hex++)
		h = (h ^ (unsigned char)*serial_hex) * 16777619u;
	return shards > 1 ? (int)(h % (uint32_t)shards) : 0;
}

char *
ca_crl_shard_url(const char *url, int shard)
{
	const char *hit = strstr(url, "{shard}");
	size_t len;
	char *out;

	if (hit == NULL)
		return strdup(url);
	len = strlen(url) + 16;
	if ((out = malloc(len)) == NULL)
		return NULL;
	snprintf(out, len, "%.*s%d%s", (int)(hit - url), url, shard, hit + 7);
	return out;
}

/* CRL Number and AKI (tables 7.2-1/7.2-2), neither critical. */
static int
crl_set_extensions(struct crl_ctx *c, int64_t number)
{
	AUTHORITY_KEYID *aki = NULL;
	ASN1_INTEGER *num = NULL;
	int ok = 0;

	if ((c->tbs->extensions = sk_X509_EXTENSION_new_null()) == NULL)
		return 0;
	if ((num = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set_int64(num, number) ||
	    !X509V3_add1_i2d(&c->tbs->extensions, NID_crl_number, num, 0,
	    X509V3_ADD_APPEND))
		goto out;
	if ((aki = AUTHORITY_KEYID_new()) == NULL ||
	    (aki->keyid = ASN1_OCTET_STRING_dup(
	    X509_get0_subject_key_id(c->cacert))) == NULL ||
	    !X509V3_add1_i2d(&c->tbs->extensions,
	    NID_authority_key_identifier, aki, 0, X509V3_ADD_APPEND))
		goto out;
	if (c->shards > 1 && !crl_add_idp(c))
		goto out;
	ok = 1;
 out:
	ASN1_INTEGER_free(num);
	AUTHORITY_KEYID_free(aki);
	return ok;
}

/* The unsigned CRL: header, every entry the scope covers, extensions. */
static int
crl_build(struct crl_ctx *c, int64_t number)
{
	struct store_status_scope scope = { c->now, "codesign",
	    c->now - CRL_CODESIGN_KEEP };

	INKAN_TBSCRL *t;

	if ((t = c->tbs = INKAN_TBSCRL_new()) == NULL ||
	    (t->version = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set(t->version, X509_CRL_VERSION_2) ||
	    !X509_ALGOR_set0(t->sigalg, OBJ_nid2obj(cert_sig_nid(c->md)),
	    V_ASN1_NULL, NULL) ||
	    !X509_NAME_set(&t->issuer, X509_get_subject_name(c->cacert)) ||
	    (ASN1_TIME_free(t->this_update),
	    t->this_update = ASN1_TIME_set(NULL, c->now)) == NULL ||
	    (t->next_update = ASN1_TIME_set(NULL, c->now + CRL_VALIDITY))
	    == NULL)
		return 0;
	if (!store_revoked_each_piped(c->ca->store, c->issuer, &scope,
	    crl_add_entry, c))
		return 0;
	/* Entries in serial order, so relying parties can search them. */
	if (c->unsorted && !crl_sort_list(c))
		return 0;
	/* RFC 5280 §5.1.2.6: absent, not empty, when none. */
	if (c->entries > 0 && !crl_list_finish(c))
		return 0;
	return crl_set_extensions(c, number);
}

/*
 * Signs the built CRL; returns its DER (OPENSSL_malloc'd), whose
 * signature verifies with the CA certificate's key over exactly the TBS
 * bytes sent, as for certificates (ca/sign.c). The caller parses it once,
 * for the linter, and publishes these bytes, not a re-encoding.
 */
static unsigned char *
crl_sign(struct crl_ctx *c, size_t *der_len)
{
	unsigned char *tbs = NULL, *sig = NULL, *der = NULL;
	EVP_MD_CTX *ctx = NULL;
	size_t sig_len;
	int len, ok = 0;

	if ((len = i2d_INKAN_TBSCRL(c->tbs, &tbs)) <= 0 ||
	    !signer_sign(c->ca->signer, SIGNER_OP_SIGN_CRL, c->key, c->md, tbs,
	    (size_t)len, &sig, &sig_len))
		goto out;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, EVP_get_digestbyname(
	    signer_md_name(c->md)), NULL, X509_get0_pubkey(c->cacert)) != 1 ||
	    EVP_DigestVerify(ctx, sig, sig_len, tbs, (size_t)len) != 1) {
		log_openssl("crl %s: signature does not verify with the CA "
		    "certificate's key; discarded", c->issuer);
		goto out;
	}
	ok = signed_encode(tbs, (size_t)len, cert_sig_nid(c->md), sig,
	    sig_len, &der, der_len);
 out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(tbs);
	free(sig);
	if (!ok) {
		OPENSSL_free(der);
		der = NULL;
	}
	return der;
}

/* crl.issue, with the entry count, partition and the CRL's SHA-256. */
static int
crl_audit(struct crl_ctx *c, int64_t number, const unsigned char *der,
    size_t len, const char *outcome)
{
	char object[160], detail[256], hex[65];
	unsigned char h[32];

	snprintf(object, sizeof(object), "crl:%s:%lld", c->issuer,
	    (long long)number);
	if (der != NULL)
		SHA256(der, len, h);
	else
		memset(h, 0, sizeof(h));
	audit_hex(h, 32, hex);
	snprintf(detail, sizeof(detail), "{\"entries\":%ld,\"partition\":%d,"
	    "\"sha256\":\"%s\"}", c->entries, c->shards > 1 ? c->shard : -1,
	    hex);
	return audit_ca(c->ca, "crl.issue", object, outcome, detail);
}

/*
 * CP-4.3.1 for CRLs: a CRL the linter finds wrong is never published (the
 * signer had to sign it first, as a CRL has no TBS-only lint form).
 */
static int
crl_lint(struct crl_ctx *c, const unsigned char *der, size_t len)
{
	struct lint_crl_input in = { .issuer = c->cacert, .now = c->now,
	    .pre_issuance = 1 };
	struct lint_report rep = { 0 };
	char buf[1024];
	int ok;

	if (!lint_crl_der(&in, der, len, &rep)) {
		log_openssl("crl %s: signed CRL does not parse with DER "
		    "entries; discarded", c->issuer);
		lint_report_clear(&rep);
		return 0;
	}
	if (!(ok = rep.count[LINT_ERROR] == 0)) {
		lint_report_summary(&rep, LINT_ERROR, buf, sizeof(buf));
		log_error("crl %s: refused by the linter, not published: %s",
		    c->issuer, buf);
	}
	lint_report_clear(&rep);
	return ok;
}

/* The linter's verdict on a signed CRL, reached on a thread of its own. */
struct crl_lint_job {
	struct crl_ctx	*c;
	const unsigned char *der;
	size_t		 len;
	int		 ok;
};

static void *
crl_lint_thread(void *arg)
{
	struct crl_lint_job *j = arg;

	j->ok = crl_lint(j->c, j->der, j->len);
	return NULL;
}

/*
 * Lints, stores and publishes a signed CRL (CP-2.3, 4.3.1, 5.4). The
 * linter reads it on a second thread while this one stores it (the row
 * and its audit record, in a transaction left open) and writes it to a
 * synced temporary file beside the path its URL names: for a million
 * entries each side takes most of a second. Only once the linter has
 * passed it is the transaction committed and the file renamed into
 * place; otherwise both are undone, so a CRL the linter refuses is
 * neither stored nor published.
 */
static int
crl_lint_publish(struct crl_ctx *c, const unsigned char *der, size_t len,
    int64_t number)
{
	struct crl_lint_job job = { c, der, len, 0 };
	struct store *st = c->ca->store;
	char *path = NULL, *dir = NULL, *slash, *tmp = NULL;
	int threaded, began = 0, staged = 0, ok = 0;
	pthread_t t;

	if (!(threaded = pthread_create(&t, NULL, crl_lint_thread, &job) == 0)
	    && (crl_lint_thread(&job), !job.ok))
		return 0;
	/* The CRL and its audit record commit together (CP-5.4). */
	if ((began = store_begin(st)) &&
	    store_crl_insert(st, c->issuer, number, c->now,
	    c->now + CRL_VALIDITY, der, len) &&
	    crl_audit(c, number, der, len, "ok")) {
		staged = 1;
		/* NULL: served from elsewhere, stored only. */
		if ((path = ca_repository_path(c->ca, c->url)) != NULL) {
			staged = (dir = strdup(path)) != NULL;
			if (staged && (slash = strrchr(dir, '/')) != NULL)
				*slash = '\0';
			staged = staged && file_mkdirs(dir, 0755) &&
			    (tmp = file_stage(path, der, len, 0644)) != NULL;
		}
	}
	if (threaded)
		pthread_join(t, NULL);
	if (!job.ok || !staged || !store_commit(st)) {
		if (began)
			store_rollback(st);
		file_stage_abort(tmp);
		goto out;
	}
	ok = tmp == NULL || file_stage_commit(tmp, path);
 out:
	free(path);
	free(dir);
	return ok;
}

static void
crl_ctx_clear(struct crl_ctx *c)
{
	INKAN_TBSCRL_free(c->tbs);
	X509_free(c->cacert);
	free(c->key);
	free(c->url);
	OPENSSL_free(c->list);
	ASN1_TIME_free(c->date);
	for (size_t i = 0; i <= CRL_REASON_MAX; i++)
		OPENSSL_free(c->reason_der[i]);
}

static int
crl_ctx_load(struct ca *ca, const char *issuer, time_t now,
    struct crl_ctx *c)
{
	struct store_ca *rec = NULL;

	memset(c, 0, sizeof(*c));
	c->ca = ca;
	c->issuer = issuer;
	c->now = now;
	c->md = crl_md(ca, issuer);
	if (!store_ca_get(ca->store, issuer, &rec) || rec == NULL ||
	    rec->kind == STORE_CA_RESPONDER) {
		log_error("crl: %s is not a CA of this store", issuer);
		store_ca_free(rec);
		return 0;
	}
	c->key = strdup(rec->key_name);
	store_ca_free(rec);
	c->cacert = ca_cert_pick(ca, issuer, cert_sig_nid(c->md));
	return c->key != NULL && c->cacert != NULL;
}

/*
 * The clock in microseconds since the epoch. A CA signs far fewer than
 * one CRL a microsecond, so max(last + 1, this) never runs ahead of the
 * clock, and a number taken later is larger whatever the counter held.
 */
static int64_t
crl_number_floor(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One CRL: of the whole CA, or of partition c->shard. */
static int
crl_issue_one(struct crl_ctx *c, int64_t *number)
{
	unsigned char *der = NULL;
	char counter[96];
	size_t der_len = 0;
	int64_t n = 0;
	int ok = 0;

	/*
	 * Taken and committed before signing: a crash only skips a number.
	 * Partitions share the CA's counter, so each one's numbers rise too.
	 * The clock in microseconds is the floor: a CA restored from an
	 * older backup, whose counter lags behind CRLs already published,
	 * still numbers above them (docs/operations.md).
	 */
	snprintf(counter, sizeof(counter), "crl:%s", c->issuer);
	if (!store_counter_advance(c->ca->store, counter, crl_number_floor(),
	    &n))
		goto out;
	if (!crl_build(c, n)) {
		log_openssl("crl %s: cannot build CRL %lld", c->issuer,
		    (long long)n);
		goto out;
	}
	if ((der = crl_sign(c, &der_len)) == NULL)
		goto out;
	if (!crl_lint_publish(c, der, der_len, n))
		goto out;
	if (c->shards > 1)
		log_info("crl %s: CRL %lld of partition %d issued with %ld "
		    "entries", c->issuer, (long long)n, c->shard, c->entries);
	else
		log_info("crl %s: CRL %lld issued with %ld entries", c->issuer,
		    (long long)n, c->entries);
	if (number != NULL)
		*number = n;
	ok = 1;
 out:
	if (!ok && n > 0)
		crl_audit(c, n, NULL, 0, "failed");
	OPENSSL_free(der);
	/* The next partition starts from an empty list. */
	INKAN_TBSCRL_free(c->tbs);
	c->tbs = NULL;
	OPENSSL_free(c->list);
	c->list = NULL;
	c->list_len = c->list_cap = 0;
	c->unsorted = 0;
	c->last_len = 0;
	c->entries = 0;
	return ok;
}

int
ca_crl_issue(struct ca *ca, const char *issuer, time_t now, int64_t *number)
{
	const struct conf_issuing *ic = conf_issuing_get(ca->conf, issuer);
	struct crl_ctx c;
	char what[96];
	int ok = 0;

	snprintf(what, sizeof(what), "crl %s", issuer);
	if (!crl_ctx_load(ca, issuer, now, &c) ||
	    !ca_clock_ok(ca, what, c.cacert))
		goto out;
	c.shards = ic != NULL && ic->crl_shards > 1 ? ic->crl_shards : 1;
	ok = 1;
	for (c.shard = 0; ok && c.shard < c.shards; c.shard++) {
		free(c.url);
		if ((c.url = ca_crl_shard_url(ca_crl_url(ca, issuer), c.shard))
		    == NULL)
			ok = 0;
		else
			ok = crl_issue_one(&c, number);
	}
 out:
	crl_ctx_clear(&c);
	return ok;
}

int
ca_crl_issue_all(struct ca *ca, time_t now)
{
	int ok = 1;

	for (size_t i = 0; i < ca->conf->nroots; i++)
		ok &= ca_crl_issue(ca, ca->conf->roots[i].name, now, NULL);
	for (size_t i = 0; i < ca->conf->nissuing; i++)
		ok &= ca_crl_issue(ca, ca->conf->issuing[i].name, now, NULL);
	return ok;
}

/*
 * Asked every second by inkand's worker: reads the newest CRL's number
 * and thisUpdate only, not its DER (tens of megabytes for a large CRL).
 */
static int
crl_due(struct ca *ca, const char *issuer, time_t now)
{
	int64_t number, this_update;
	int found;

	if (!store_crl_latest_info(ca->store, issuer, &found, &number,
	    &this_update))
		return 0;
	return !found || this_update + CRL_INTERVAL <= now;
}

int
ca_crl_tick(struct ca *ca, time_t now)
{
	int issued = 0;

	for (size_t i = 0; i < ca->conf->nroots + ca->conf->nissuing; i++) {
		const char *name = i < ca->conf->nroots ?
		    ca->conf->roots[i].name :
		    ca->conf->issuing[i - ca->conf->nroots].name;

		if (!crl_due(ca, name, now))
			continue;
		if (!ca_crl_issue(ca, name, now, NULL))
			return -1;
		issued++;
	}
	return issued;
}
