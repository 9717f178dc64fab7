#ifndef INKAN_X509_CRLENT_H
#define INKAN_X509_CRLENT_H

#include <stddef.h>

/*
 * The entries of a CRL's revokedCertificates (RFC 5280 §5.1.2.6), read in
 * place: a CRL of a million entries is a million small SEQUENCEs, and
 * decoding each into an X509_REVOKED (serial, time, extension stack)
 * costs several microseconds, more than building and signing the CRL
 * (docs/performance.md). The signer, the linter and the builder walk the
 * list with this reader instead, once, allocating nothing.
 *
 * Each TLV is read with OpenSSL's ASN1_get_object. An entry is accepted
 * exactly when OpenSSL 3.0's X509_REVOKED template would decode it and
 * encode it back to the same bytes (X.690 §10, DER): definite, minimal
 * lengths; SEQUENCE { INTEGER, UTCTime or GeneralizedTime (primitive),
 * SEQUENCE OPTIONAL } and nothing after; the INTEGER non-empty and
 * minimal. The extensions are returned as bytes; their contents are the
 * caller's to decode (with d2i, once per distinct encoding).
 */

/* One entry: views into the list, valid while it is. */
struct crlent {
	const unsigned char *der;	/* the whole entry */
	size_t		 der_len;
	const unsigned char *serial;	/* the INTEGER's content octets */
	size_t		 serial_len;
	int		 date_type;	/* V_ASN1_UTCTIME or _GENERALIZEDTIME */
	const unsigned char *date;	/* its content octets */
	size_t		 date_len;
	const unsigned char *exts;	/* crlEntryExtensions TLV, or NULL */
	size_t		 exts_len;
};

struct crlent_iter {
	const unsigned char *_p, *_end;
};

/*
 * Starts a walk of list[0..len), the whole revokedCertificates TLV (a
 * DER SEQUENCE OF, nothing after it). Returns 0 if that header is not
 * DER.
 */
int crlent_begin(struct crlent_iter *it, const unsigned char *list,
    size_t len);

/*
 * Reads the next entry into *e. Returns 1 for an entry, 0 at the end of
 * the list, -1 if the next entry is not DER as above.
 */
int crlent_next(struct crlent_iter *it, struct crlent *e);

#endif
