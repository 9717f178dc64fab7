#ifndef INKAN_LINT_CHECKS_H
#define INKAN_LINT_CHECKS_H

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "lint/lint.h"

/*
 * Internal to src/lint: what every check sees, the helpers the area
 * files share, and the check functions of the rule table (rules.c).
 */

/* A decoded OCSPResponse (ocsp.c). */
struct lint_ocsp_parsed {
	int		 decoded;	/* OCSPResponse decoded */
	int		 status;	/* OCSPResponseStatus */
	int		 has_bytes;	/* responseBytes present */
	int		 basic_type;	/* responseType is id-pkix-ocsp-basic */
	OCSP_BASICRESP	*basic;		/* NULL unless a BasicOCSPResponse */
	long		 version;	/* ResponseData version, 0 = v1 */
	int		 by_key;	/* responderID byKey (else byName) */
	int		 certs_present;	/* certs field present */
	int		 certs_n;
	X509		*signer;	/* the responder certificate, borrowed */
	int		 delegated;	/* signer is not the issuing CA itself */
	int		 sig_ok;	/* the signature verifies with signer's key */
};

/* Everything a check may look at; what does not apply is NULL. */
struct lint_ctx {
	X509		*cert;		/* certificate rules */
	enum lint_kind	 kind;
	const struct profile *profile;
	const char	*policy_oid;
	time_t		 now;
	int		 pre_issuance;
	X509		*issuer;
	EVP_PKEY	*key;		/* key rules */
	BIGNUM		*rsa_n;		/* its RSA parameters, read once */
	BIGNUM		*rsa_e;
	const struct lint_blocklist *blocklist;
	const struct lint_crl_view *crl;	/* CRL rules: the CRL read (crl.c) */
	unsigned int	 cabf;		/* CRL/OCSP: 1 << PROFILE_RULES_* */
	const struct lint_ocsp_parsed *ocsp;	/* OCSP response rules */
};

#define LINT_CHECK(name) void name(const struct lint_ctx *c, \
    struct lint_report *rep, const struct lint_rule *rule)

#define LINT_CABF_CSBR	(1u << PROFILE_RULES_CSBR)
#define LINT_CABF_SBR	(1u << PROFILE_RULES_SBR)

/*
 * Copies of the RSA modulus and exponent of c->key (from the context when
 * read once, else from the key); 0 if the key is not RSA. Callers free.
 */
int lint_rsa_ctx(const struct lint_ctx *c, BIGNUM **n, BIGNUM **e);

/* Reads c->key's RSA parameters into the context once (lint.c). */
void lint_ctx_rsa_load(struct lint_ctx *c);
void lint_ctx_rsa_clear(struct lint_ctx *c);

/* Runs the rules whose kinds meet kinds on c (lint.c). */
void lint_run(const struct lint_ctx *c, unsigned int kinds,
    struct lint_report *rep);

/* Shared helpers (util.c). */
int lint_uri_ok(const ASN1_IA5STRING *uri, const char *const *schemes);
int lint_uri_is(const GENERAL_NAME *gn, const char *scheme);
int lint_time_syntax_ok(const ASN1_TIME *t);
/* lint_time_syntax_ok without its ASN1_TIME_check: the digits and Z. */
int lint_time_shape_ok(const ASN1_TIME *t);
int lint_time_type_ok(const ASN1_TIME *t);
int lint_time_get(const ASN1_TIME *t, time_t *out);
int lint_iso3166(const unsigned char *s, int len);
int lint_mailbox_ok(const unsigned char *s, int len);
int lint_has_policy(const CERTIFICATEPOLICIES *cp, const char *oid);
int lint_eku_has(X509 *x, int nid);
int lint_eku_has_oid(X509 *x, const char *oid);
unsigned int lint_cert_cabf(X509 *x);
int lint_smime_policy(X509 *x, int *type, int *generation);
int lint_sigalg_cabf_ok(int nid);
int lint_alg_params_null(const X509_ALGOR *alg);
int lint_ext_critical(X509 *x, int nid);
unsigned int lint_ku_bits(X509 *x);
int lint_name_has_metadata_only(const X509_NAME *name, int *nid);

/* CABF predicates the CP checks defer to (csbr.c, sbr.c). */
int lint_csbr_ku_ok(X509 *x);
int lint_csbr_eku_ok(X509 *x);
int lint_csbr_ca_eku_ok(X509 *x);
int lint_sbr_ku_ok(X509 *x, int strict);
int lint_sbr_eku_ok(X509 *x, int strict);
int lint_sbr_ca_eku_ok(X509 *x);
int lint_sbr_gn_ok(const GENERAL_NAME *gn, int strict);

/* Key checks return 1 when the key is fine, for reuse (keys.c). */
int lint_rsa_get(EVP_PKEY *key, BIGNUM **n, BIGNUM **e);
int lint_rsa_roca(const BIGNUM *n);
int lint_rsa_fermat(const BIGNUM *n, int rounds, BIGNUM **p);
int lint_rsa_small_factor(const BIGNUM *n, unsigned long *factor);

/* RFC 5280 certificate structure (rfc5280.c) */
LINT_CHECK(lint_check_version);
LINT_CHECK(lint_check_serial_positive);
LINT_CHECK(lint_check_serial_length);
LINT_CHECK(lint_check_sigalg_match);
LINT_CHECK(lint_check_sigalg_params);
LINT_CHECK(lint_check_spki_params);
LINT_CHECK(lint_check_validity_encoding);
LINT_CHECK(lint_check_time_syntax);
LINT_CHECK(lint_check_validity_order);
LINT_CHECK(lint_check_unique_ids);
LINT_CHECK(lint_check_issuer_empty);
LINT_CHECK(lint_check_ca_subject_empty);
LINT_CHECK(lint_check_ext_duplicate);
LINT_CHECK(lint_check_ext_decode);
LINT_CHECK(lint_check_ext_empty);
LINT_CHECK(lint_check_ext_unknown_critical);
LINT_CHECK(lint_check_ski_present);
LINT_CHECK(lint_check_ski_critical);
LINT_CHECK(lint_check_aki_present);
LINT_CHECK(lint_check_aia_critical);
LINT_CHECK(lint_check_bc_critical);
LINT_CHECK(lint_check_pathlen);
LINT_CHECK(lint_check_ca_keycertsign);
LINT_CHECK(lint_check_ku_bits);
LINT_CHECK(lint_check_ku_rsa);
LINT_CHECK(lint_check_ku_critical);
LINT_CHECK(lint_check_san_critical);
LINT_CHECK(lint_check_san_syntax);
LINT_CHECK(lint_check_email_in_san);
LINT_CHECK(lint_check_crldp_name);
LINT_CHECK(lint_check_uri_syntax);
LINT_CHECK(lint_check_policy_duplicate);
LINT_CHECK(lint_check_policy_qualifiers);
LINT_CHECK(lint_check_usernotice_noticeref);
LINT_CHECK(lint_check_name_constraints);
LINT_CHECK(lint_check_issuer_name);
LINT_CHECK(lint_check_aki_issuer);
LINT_CHECK(lint_check_signature);

/* Distinguished names (names.c) */
LINT_CHECK(lint_check_dn_string_type);
LINT_CHECK(lint_check_dn_printable);
LINT_CHECK(lint_check_dn_length);
LINT_CHECK(lint_check_dn_country);
LINT_CHECK(lint_check_dn_multi_rdn);
LINT_CHECK(lint_check_dn_whitespace);

/* CRLs (crl.c) */
LINT_CHECK(lint_check_crl_version);
LINT_CHECK(lint_check_crl_sigalg_match);
LINT_CHECK(lint_check_crl_time_encoding);
LINT_CHECK(lint_check_crl_next_update);
LINT_CHECK(lint_check_crl_number);
LINT_CHECK(lint_check_crl_aki);
LINT_CHECK(lint_check_crl_ext_duplicate);
LINT_CHECK(lint_check_crl_ext_unknown);
LINT_CHECK(lint_check_crl_entries_empty);
LINT_CHECK(lint_check_crl_entries_unique);
LINT_CHECK(lint_check_crl_entries_sorted);
LINT_CHECK(lint_check_crl_serial);
LINT_CHECK(lint_check_crl_revocation_date);
LINT_CHECK(lint_check_crl_reason_valid);
LINT_CHECK(lint_check_crl_reason_unspecified);
LINT_CHECK(lint_check_crl_entry_ext);
LINT_CHECK(lint_check_crl_invalidity_date);
LINT_CHECK(lint_check_crl_issuer_name);
LINT_CHECK(lint_check_crl_aki_issuer);
LINT_CHECK(lint_check_crl_signature);
LINT_CHECK(lint_check_crl_issuer_crlsign);
LINT_CHECK(lint_check_crl_validity_96h);
LINT_CHECK(lint_check_crl_sigalg_cp);
LINT_CHECK(lint_check_crl_cp_extensions);
LINT_CHECK(lint_check_crl_this_update);
LINT_CHECK(lint_check_csbr_crl_invalidity);
LINT_CHECK(lint_check_sbr_crl_reason);
LINT_CHECK(lint_check_cabf_crl_sigalg);

/* OCSP responses (ocsp.c) */
LINT_CHECK(lint_check_ocsp_decode);
LINT_CHECK(lint_check_ocsp_status);
LINT_CHECK(lint_check_ocsp_type);
LINT_CHECK(lint_check_ocsp_version);
LINT_CHECK(lint_check_ocsp_responder_id);
LINT_CHECK(lint_check_ocsp_by_key);
LINT_CHECK(lint_check_ocsp_certs_empty);
LINT_CHECK(lint_check_ocsp_signature);
LINT_CHECK(lint_check_ocsp_sigalg_params);
LINT_CHECK(lint_check_ocsp_responder_eku);
LINT_CHECK(lint_check_ocsp_responder_issuer);
LINT_CHECK(lint_check_ocsp_responder_valid);
LINT_CHECK(lint_check_ocsp_single_count);
LINT_CHECK(lint_check_ocsp_times);
LINT_CHECK(lint_check_ocsp_time_syntax);
LINT_CHECK(lint_check_ocsp_next_update);
LINT_CHECK(lint_check_ocsp_cert_status);
LINT_CHECK(lint_check_ocsp_certid_hash);
LINT_CHECK(lint_check_ocsp_certid_issuer);
LINT_CHECK(lint_check_ocsp_ext_unknown);
LINT_CHECK(lint_check_ocsp_cabf_validity);
LINT_CHECK(lint_check_ocsp_cabf_sigalg);
LINT_CHECK(lint_check_ocsp_single_reason);
LINT_CHECK(lint_check_ocsp_reason);
LINT_CHECK(lint_check_ocsp_cp_validity);
LINT_CHECK(lint_check_ocsp_cp_sigalg);

/* Weak and compromised keys (keys.c) */
LINT_CHECK(lint_check_key_type);
LINT_CHECK(lint_check_key_size);
LINT_CHECK(lint_check_rsa_exponent);
LINT_CHECK(lint_check_rsa_exponent_f4);
LINT_CHECK(lint_check_rsa_even);
LINT_CHECK(lint_check_rsa_small_factor);
LINT_CHECK(lint_check_rsa_roca);
LINT_CHECK(lint_check_rsa_fermat);
LINT_CHECK(lint_check_rsa_bytes);
LINT_CHECK(lint_check_blocklist);

/* Code Signing BR (csbr.c) */
LINT_CHECK(lint_check_csbr_policy);
LINT_CHECK(lint_check_csbr_rsa_size);
LINT_CHECK(lint_check_csbr_sigalg);
LINT_CHECK(lint_check_csbr_eku);
LINT_CHECK(lint_check_csbr_eku_other);
LINT_CHECK(lint_check_csbr_ku);
LINT_CHECK(lint_check_aia_ocsp);
LINT_CHECK(lint_check_csbr_aia_http);
LINT_CHECK(lint_check_csbr_crldp);
LINT_CHECK(lint_check_csbr_aki);
LINT_CHECK(lint_check_csbr_country);
LINT_CHECK(lint_check_csbr_locality);
LINT_CHECK(lint_check_csbr_subject_prohibited);
LINT_CHECK(lint_check_csbr_metadata);
LINT_CHECK(lint_check_csbr_ca_eku);
LINT_CHECK(lint_check_csbr_ca_policy);
LINT_CHECK(lint_check_csbr_ca_key);
LINT_CHECK(lint_check_csbr_ca_aia);
LINT_CHECK(lint_check_csbr_tsa_eku);
LINT_CHECK(lint_check_csbr_tsa_policy);
LINT_CHECK(lint_check_csbr_tsa_validity);
LINT_CHECK(lint_check_csbr_no_sha1);
LINT_CHECK(lint_check_csbr_max_validity);

/* S/MIME BR (sbr.c) */
LINT_CHECK(lint_check_sbr_policy);
LINT_CHECK(lint_check_sbr_legacy);
LINT_CHECK(lint_check_sbr_eku);
LINT_CHECK(lint_check_sbr_ku);
LINT_CHECK(lint_check_sbr_san);
LINT_CHECK(lint_check_sbr_san_critical);
LINT_CHECK(lint_check_sbr_email_subject);
LINT_CHECK(lint_check_sbr_cn);
LINT_CHECK(lint_check_sbr_subject_mailbox);
LINT_CHECK(lint_check_sbr_subject_org);
LINT_CHECK(lint_check_sbr_orgid);
LINT_CHECK(lint_check_sbr_country);
LINT_CHECK(lint_check_sbr_crldp);
LINT_CHECK(lint_check_sbr_aia);
LINT_CHECK(lint_check_sbr_aki);
LINT_CHECK(lint_check_sbr_cps);
LINT_CHECK(lint_check_sbr_rsa_size);
LINT_CHECK(lint_check_sbr_sigalg);
LINT_CHECK(lint_check_sbr_metadata);
LINT_CHECK(lint_check_sbr_ca_eku);
LINT_CHECK(lint_check_sbr_ca_policy);
LINT_CHECK(lint_check_sbr_no_sha1);
LINT_CHECK(lint_check_sbr_max_validity);

/* CP profile tables (cp.c) */
LINT_CHECK(lint_check_serial_entropy);
LINT_CHECK(lint_check_ski_method);
LINT_CHECK(lint_check_profile_extensions);
LINT_CHECK(lint_check_profile_criticality);
LINT_CHECK(lint_check_key_usage);
LINT_CHECK(lint_check_eku);
LINT_CHECK(lint_check_cp_key_size);
LINT_CHECK(lint_check_subject_attrs);
LINT_CHECK(lint_check_policy_oids);
LINT_CHECK(lint_check_cps_qualifier);
LINT_CHECK(lint_check_san_types);
LINT_CHECK(lint_check_ocsp_validity);
LINT_CHECK(lint_check_crldp_present);
LINT_CHECK(lint_check_ldap_url);
LINT_CHECK(lint_check_sigalg_profile);
LINT_CHECK(lint_check_not_backdated);
LINT_CHECK(lint_check_ocsp_nocheck);
LINT_CHECK(lint_check_ca_eku);
LINT_CHECK(lint_check_ca_codesign_policy);
LINT_CHECK(lint_check_ca_codesign_key);
LINT_CHECK(lint_check_cp_pathlen);
LINT_CHECK(lint_check_within_issuer);
LINT_CHECK(lint_check_table_711);
LINT_CHECK(lint_check_table_714_aia);

#endif
