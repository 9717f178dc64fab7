#ifndef INKAN_PUBLISH_LDAP_H
#define INKAN_PUBLISH_LDAP_H

#include <stdint.h>
#include <time.h>

#include "ca/ca.h"
#include "conf/conf.h"

/*
 * Publication of CA certificates and CRLs to an LDAP directory, where the
 * subscriber certificates' CRL Distribution Points point:
 * <ldap_url>/<issuer DN>?certificateRevocationList (table 7.1-5, CP-2.1).
 * Each CA's entry is named by its subject DN and holds cACertificate;binary
 * (every certificate of its key: self-signed or cross-certificates) and
 * certificateRevocationList;binary (its newest CRL; a root's also as
 * authorityRevocationList;binary), objectClass pkiCA (RFC 4523). Missing
 * entries and their parents are created. The directory is a copy: the
 * store stays the record, and any failure is retried by inkand.
 */

/* 1 if the configuration turns LDAP publication on (ldap_bind_dn set). */
int ldap_publish_enabled(const struct conf *conf);

/*
 * Publishes CA entity name (a root or issuing CA of the configuration), or
 * every one of them when name is NULL. 1 on success; 0 (logged, naming
 * the entry and the server's answer) on any failure.
 */
int ldap_publish(struct ca *ca, const char *name);

/*
 * For inkand: what has been published, so that a CRL reaches the directory
 * once, and a failure is retried a minute later.
 */
struct ldap_publish_state {
	int64_t	 crl_number[CONF_ROOTS_MAX + CONF_ISSUING_MAX];
	int	 done[CONF_ROOTS_MAX + CONF_ISSUING_MAX];
	time_t	 retry_at;
};

/*
 * Publishes every CA whose newest CRL is newer than what st says was
 * published (all of them the first time). Returns the number published;
 * on failure the rest waits until st->retry_at.
 */
int ldap_publish_tick(struct ca *ca, struct ldap_publish_state *st,
    time_t now);

#endif
