#include "x509/crlent.h"

#include <limits.h>

#include <openssl/asn1.h>

/*
 * One TLV of universal tag tag at *p (before end), definite and with the
 * shortest header X.690 §10.1 allows; constructed as asked. On success
 * *p is at its contents and *len is their length.
 */
static int
crlent_tlv(const unsigned char **p, const unsigned char *end, int tag,
    int constructed, size_t *len)
{
	const unsigned char *q = *p;
	long l;
	int ret, t, xclass;

	if (end <= q || end - q > LONG_MAX)
		return 0;
	ret = ASN1_get_object(&q, &l, &t, &xclass, (long)(end - q));
	if ((ret & 0x80) || ret == 0x21 || t != tag ||
	    xclass != V_ASN1_UNIVERSAL ||
	    ((ret & V_ASN1_CONSTRUCTED) != 0) != (constructed != 0) ||
	    l > INT_MAX ||
	    q - *p != ASN1_object_size(constructed, (int)l, tag) - l)
		return 0;
	*p = q;
	*len = (size_t)l;
	return 1;
}

int
crlent_begin(struct crlent_iter *it, const unsigned char *list, size_t len)
{
	const unsigned char *p = list;
	size_t body;

	if (!crlent_tlv(&p, list + len, V_ASN1_SEQUENCE, 1, &body) ||
	    p + body != list + len)
		return 0;
	it->_p = p;
	it->_end = p + body;
	return 1;
}

/*
 * X.690 §8.3.2: the first nine bits of an INTEGER are not all equal.
 * OpenSSL 3.0 (c2i_ibuf) refuses exactly these, and an empty INTEGER,
 * except 0xFF followed only by zero octets, which is minimal.
 */
static int
crlent_integer_ok(const unsigned char *v, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	if (len == 1)
		return 1;
	if (v[0] == 0x00)
		return (v[1] & 0x80) != 0;
	if (v[0] == 0xff && (v[1] & 0x80) != 0) {
		for (i = 1; i < len; i++)
			if (v[i] != 0)
				return 0;
	}
	return 1;
}

/* revocationDate: UTCTime or GeneralizedTime, primitive (RFC 5280 §5.1.2.6). */
static int
crlent_date(const unsigned char **p, const unsigned char *end,
    struct crlent *e)
{
	if (*p >= end)
		return 0;
	e->date_type = (**p == V_ASN1_GENERALIZEDTIME) ?
	    V_ASN1_GENERALIZEDTIME : V_ASN1_UTCTIME;
	if (!crlent_tlv(p, end, e->date_type, 0, &e->date_len))
		return 0;
	e->date = *p;
	*p += e->date_len;
	return 1;
}

int
crlent_next(struct crlent_iter *it, struct crlent *e)
{
	const unsigned char *p = it->_p, *end;
	size_t len;

	if (p == it->_end)
		return 0;
	e->der = p;
	if (!crlent_tlv(&p, it->_end, V_ASN1_SEQUENCE, 1, &len))
		return -1;
	end = p + len;
	if (!crlent_tlv(&p, end, V_ASN1_INTEGER, 0, &e->serial_len) ||
	    !crlent_integer_ok(p, e->serial_len))
		return -1;
	e->serial = p;
	p += e->serial_len;
	if (!crlent_date(&p, end, e))
		return -1;
	e->exts = NULL;
	e->exts_len = 0;
	if (p < end) {
		e->exts = p;
		if (!crlent_tlv(&p, end, V_ASN1_SEQUENCE, 1, &len))
			return -1;
		p += len;
		e->exts_len = (size_t)(p - e->exts);
	}
	if (p != end)
		return -1;
	e->der_len = (size_t)(end - e->der);
	it->_p = end;
	return 1;
}
