/*
 * The worker: the daemon's main thread, the only one that talks to the
 * store and the signer. Every second it refreshes the OCSP cache and runs
 * the CRL schedule (and hourly renews responder certificates); in between it signs the OCSP answers the HTTP threads
 * queue (unknown serials, nonces) as soon as the responder signals them.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include "audit/seal.h"
#include "ca/ca.h"
#include "ca/calls.h"
#include "ca/backup.h"
#include "ca/crl.h"
#include "ca/responder.h"
#include "http/accesslog.h"
#include "http/metrics.h"
#include "inkand.h"
#include "ocsp/responder.h"
#include "ra/app.h"
#include "store/store.h"
#include "util/file.h"

/* Seconds between two looks at the responder certificates' expiry. */
#define INKAND_RENEW_CHECK	3600
/* How often acceptances by lapse of time are recorded (CP-4.4.1). */
#define INKAND_ACCEPT_CHECK	60
/* Seconds between two looks at a published CRL file. */
#define INKAND_CRL_CHECK	10
/* Largest CRL file read for its thisUpdate (as the store keeps). */
#define INKAND_CRL_READ_MAX	(256 * 1024 * 1024)

/* --- published CRLs --------------------------------------------------------- */

static int
inkand_crl_add(struct inkand_state *st, const char *name, const char *url)
{
	struct inkand_crl *c = &st->crl[st->ncrl];

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->path = url != NULL ? ca_repository_path(st->ca, url) : NULL;
	if (url != NULL && c->path == NULL)
		log_debug("CRL of %s is published outside the repository (%s)",
		    name, url);
	st->ncrl++;
	return 1;
}

int
inkand_crl_setup(struct inkand_state *st)
{
	const struct conf *conf = st->ca->conf;

	for (size_t i = 0; i < conf->nroots; i++)
		if (!inkand_crl_add(st, conf->roots[i].name,
		    conf->roots[i].crl_url))
			return 0;
	for (size_t i = 0; i < conf->nissuing; i++)
		if (!inkand_crl_add(st, conf->issuing[i].name,
		    conf->issuing[i].crl_url))
			return 0;
	return 1;
}

void
inkand_crl_free(struct inkand_state *st)
{
	for (size_t i = 0; i < st->ncrl; i++)
		free(st->crl[i].path);
	st->ncrl = 0;
}

/* thisUpdate of the CRL file at path; 0 if unreadable. */
static time_t
inkand_crl_this_update(const char *path)
{
	const unsigned char *p;
	unsigned char *der;
	X509_CRL *crl = NULL;
	struct tm tm;
	size_t len;
	time_t t = 0;

	if ((der = file_read(path, INKAND_CRL_READ_MAX, &len)) == NULL)
		return 0;
	p = der;
	if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) != NULL &&
	    p == der + len &&
	    ASN1_TIME_to_tm(X509_CRL_get0_lastUpdate(crl), &tm))
		t = timegm(&tm);
	else
		log_openssl("%s: not a DER CRL", path);
	X509_CRL_free(crl);
	free(der);
	return t;
}

/*
 * Re-reads a CRL only when its file changed: the metric is about what
 * relying parties get, the published file, not the store's row.
 */
static void
inkand_crl_scan(struct inkand_state *st, time_t now)
{
	struct inkand_crl *c;
	struct stat sb;
	time_t t;

	for (size_t i = 0; i < st->ncrl; i++) {
		c = &st->crl[i];
		if (c->path == NULL || now - c->checked < INKAND_CRL_CHECK)
			continue;
		c->checked = now;
		if (stat(c->path, &sb) == -1 || (sb.st_mtime == c->mtime &&
		    sb.st_size == c->size))
			continue;
		t = inkand_crl_this_update(c->path);
		pthread_mutex_lock(&st->mu);
		c->this_update = t;
		c->mtime = sb.st_mtime;
		c->size = sb.st_size;
		pthread_mutex_unlock(&st->mu);
	}
}

/* --- health ---------------------------------------------------------------- */

/* 1 while the signer process lives (looked at without reaping it). */
static int
inkand_signer_alive(struct ca *ca)
{
	siginfo_t si;

	if (ca->signer == NULL)
		return 0;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)signer_pid(ca->signer), &si,
	    WEXITED | WNOHANG | WNOWAIT) == -1)
		return 0;
	return si.si_pid == 0;
}

static void
inkand_health(struct inkand_state *st)
{
	int version, up;

	up = inkand_signer_alive(st->ca);
	if (!up && atomic_exchange(&st->signer_up, 0)) {
		log_error("the signer process has exited: no signing until "
		    "inkand is restarted");
		http_metrics_signer_error(st->metrics);
	}
	up = store_schema_version(st->ca->store, &version);
	if (atomic_exchange(&st->store_up, up) == up)
		return;
	if (up)
		log_info("store available again");
	else
		log_error("store unavailable: /healthz answers 503");
}

/* --- the loop ------------------------------------------------------------- */

/*
 * Delegated responder certificates (table 7.3-1, 4 months) are renewed
 * with the same key when less than RESPONDER_RENEW_BEFORE (30 days)
 * remains: an hourly look is plenty.
 */
static void
inkand_renew(struct inkand_state *st, time_t now)
{
	int n;

	if (now - st->renew_checked < INKAND_RENEW_CHECK)
		return;
	st->renew_checked = now;
	if ((n = ca_responder_renew_due(st->ca, now)) < 0) {
		log_warn("ocsp: renewal of a responder certificate failed");
		http_metrics_signer_error(st->metrics);
	} else if (n > 0) {
		log_info("ocsp: %d responder certificate%s renewed", n,
		    n == 1 ? "" : "s");
		(void)ca_auto_backup(st->ca);	/* CP-5.5.4 */
	}
}

/*
 * Seals the audit log every AUDIT_SEAL_INTERVAL seconds, or sooner once
 * AUDIT_SEAL_RECORDS records wait (CP-5.4); shutdown seals the rest.
 */
static void
inkand_seal(struct inkand_state *st, time_t now)
{
	int64_t n;

	if (!audit_unsealed(st->ca->store, &n) || n == 0)
		return;
	if (now - st->sealed_at < AUDIT_SEAL_INTERVAL &&
	    n < AUDIT_SEAL_RECORDS)
		return;
	st->sealed_at = now;
	if (!audit_seal(st->ca)) {
		log_warn("audit: cannot seal the audit log; retrying in %d s",
		    AUDIT_SEAL_INTERVAL);
		http_metrics_signer_error(st->metrics);
	}
}

/*
 * CP-4.4.1: applications issued 14 days ago without objection are
 * accepted whether or not anyone reads them; through the RA's own store
 * connection, under its mutex (app_accept_lapsed).
 */
static void
inkand_accept(struct inkand_state *st, time_t now)
{
	int n;

	if (st->ra == NULL || now - st->accept_checked < INKAND_ACCEPT_CHECK)
		return;
	st->accept_checked = now;
	if ((n = app_accept_lapsed(st->ra, (int64_t)now)) < 0)
		log_warn("applications: acceptances by lapse of time not "
		    "recorded (store)");
	else if (n > 0)
		log_info("applications: %d accepted by lapse of time "
		    "(CP-4.4.1)", n);
}

void
inkand_tick(struct inkand_state *st, time_t now)
{
	int n;

	inkand_health(st);
	inkand_renew(st, now);
	if (st->responder != NULL &&
	    ocsp_responder_refresh(st->responder, st->ca, now) < 0) {
		log_warn("ocsp: refresh of the pre-signed responses failed");
		http_metrics_signer_error(st->metrics);
	}
	if ((n = ca_crl_tick(st->ca, now)) < 0) {
		log_warn("crl: scheduled CRL issuance failed");
		http_metrics_signer_error(st->metrics);
	} else if (n > 0)
		log_info("crl: %d CRL%s issued on schedule", n, n == 1 ? "" :
		    "s");
	/* The LDAP copy follows each new CRL; a failure waits a minute. */
	ldap_publish_tick(st->ca, &st->ldap, now);
	inkand_accept(st, now);
	inkand_crl_scan(st, now);
	inkand_seal(st, now);
}

/* 1 to go on, 0 when asked to stop. */
static int
inkand_signal(struct inkand_state *st, int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			log_info("SIGHUP: reopening the OCSP access log");
			if (st->log != NULL)
				http_accesslog_reopen(st->log);
			break;
		default:
			log_info("%s: stopping", strsignal((int)si.ssi_signo));
			return 0;
		}
	}
	return 1;
}

void
inkand_worker(struct inkand_state *st, int sigfd)
{
	struct pollfd pfd[3];
	struct timespec ts;
	time_t next = time(NULL) + 1, now;
	int timeout, n;

	pfd[0].fd = sigfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = st->responder != NULL ?
	    ocsp_responder_fd(st->responder) : -1;
	pfd[1].events = POLLIN;
	pfd[2].fd = st->calls != NULL ? ca_calls_fd(st->calls) : -1;
	pfd[2].events = POLLIN;
	for (;;) {
		clock_gettime(CLOCK_REALTIME, &ts);
		timeout = ts.tv_sec >= next ? 0 :
		    (int)((next - ts.tv_sec) * 1000 - ts.tv_nsec / 1000000);
		if ((n = poll(pfd, 3, timeout)) == -1 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			return;
		}
		if (n > 0 && (pfd[0].revents & POLLIN) &&
		    !inkand_signal(st, sigfd))
			return;
		now = time(NULL);
		if (n > 0 && (pfd[1].revents & POLLIN))
			ocsp_responder_work(st->responder, st->ca, now);
		if (n > 0 && (pfd[2].revents & POLLIN))
			ca_calls_run(st->calls, st->ca);
		if (now >= next) {
			inkand_tick(st, now);
			next = time(NULL) + 1;
		}
	}
}

void
inkand_worker_drain(struct inkand_state *st)
{
	struct pollfd pfd;

	if (st->responder == NULL)
		return;
	pfd.fd = ocsp_responder_fd(st->responder);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 20) > 0)
		ocsp_responder_work(st->responder, st->ca, time(NULL));
}
