#ifndef INKAN_LINT_CHECKS_H
#define INKAN_LINT_CHECKS_H

#include "lint/lint.h"

/* Check functions of the rule table (rules.c); one per rule. */
#define LINT_CHECK(name) void name(const struct lint_input *in, \
    struct lint_report *rep, const struct lint_rule *rule)

/* RFC 5280 structure (rfc5280.c) */
LINT_CHECK(lint_check_version);
LINT_CHECK(lint_check_serial_positive);
LINT_CHECK(lint_check_serial_length);
LINT_CHECK(lint_check_serial_entropy);
LINT_CHECK(lint_check_sigalg_match);
LINT_CHECK(lint_check_validity_encoding);
LINT_CHECK(lint_check_validity_order);
LINT_CHECK(lint_check_ext_duplicate);
LINT_CHECK(lint_check_ski_present);
LINT_CHECK(lint_check_ski_method);
LINT_CHECK(lint_check_aki_present);
LINT_CHECK(lint_check_bc_critical);
LINT_CHECK(lint_check_ca_keycertsign);
LINT_CHECK(lint_check_san_critical);
LINT_CHECK(lint_check_uri_syntax);

/* CP profile tables and CABF (profile.c) */
LINT_CHECK(lint_check_profile_extensions);
LINT_CHECK(lint_check_profile_criticality);
LINT_CHECK(lint_check_key_usage);
LINT_CHECK(lint_check_eku);
LINT_CHECK(lint_check_key_size);
LINT_CHECK(lint_check_subject_attrs);
LINT_CHECK(lint_check_policy_oids);
LINT_CHECK(lint_check_cps_qualifier);
LINT_CHECK(lint_check_csbr_policy);
LINT_CHECK(lint_check_sbr_policy);
LINT_CHECK(lint_check_san_types);
LINT_CHECK(lint_check_max_validity);
LINT_CHECK(lint_check_ocsp_validity);
LINT_CHECK(lint_check_crldp_present);
LINT_CHECK(lint_check_aia_ocsp);
LINT_CHECK(lint_check_no_sha1);
LINT_CHECK(lint_check_sigalg_profile);
LINT_CHECK(lint_check_not_backdated);
LINT_CHECK(lint_check_ocsp_nocheck);
LINT_CHECK(lint_check_sbr_email_subject);

#endif
