#ifndef INKAN_X509_SIGNED_H
#define INKAN_X509_SIGNED_H

#include <stddef.h>

/*
 * The outer shape shared by Certificate and CertificateList (RFC 5280
 * §4.1, §5.1): SEQUENCE { tbs, signatureAlgorithm, signatureValue }.
 * Encoded through an ASN.1 template so that signatures made by the
 * separate signer process can be joined to TBS bytes without hand-written
 * DER. Returns 1 and *out (OPENSSL_malloc'd) on success.
 */
int signed_encode(const unsigned char *tbs, size_t tbs_len, int sig_nid,
    const unsigned char *sig, size_t sig_len, unsigned char **out,
    size_t *out_len);

#endif
