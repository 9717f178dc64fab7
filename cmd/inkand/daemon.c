/*
 * Start-up and shutdown of inkand: open the CA as `inkan` does (signer
 * first, then the store), build the OCSP responder, serve HTTP, run the
 * worker on this thread, and on SIGTERM stop accepting, let requests in
 * flight finish, stop the signer and exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/seal.h"
#include "ca/ca.h"
#include "ca/calls.h"
#include "ca/clock.h"
#include "http/accesslog.h"
#include "http/metrics.h"
#include "http/ocsp.h"
#include "http/ra_api.h"
#include "http/revreq_api.h"
#include "http/repository.h"
#include "http/server.h"
#include "inkand.h"
#include "ocsp/responder.h"
#include <openssl/pem.h>
#include <sodium.h>

#include "ra/account.h"
#include "util/file.h"
#include "version.h"

/* How long requests in flight get to finish after SIGTERM. */
#define INKAND_GRACE_MS	3000

/*
 * A route of the RA (/ra/v1, /subscriber) on the plain HTTP listener:
 * passwords, TOTP codes and session cookies must not cross a network in
 * clear, so it answers loopback clients only, unless --ra-plain-http
 * (a TLS proxy in front, or a closed network).
 */
struct inkand_gate {
	http_handler_fn	 fn;
	void		*arg;
	int		 open;		/* --ra-plain-http */
};

/* Everything inkand_run builds, so one function can tear it down. */
struct inkand {
	const struct inkand_opts *opts;
	struct inkand_state st;
	struct http_repository *repo;
	struct http_ocsp *ocsp;
	struct ra	*ra;
	struct http_ra	*ra_api;
	struct http_revreq *revreq;	/* revocation requests, reports, page */
	struct http_server *server;
	struct http_server *lra_server;	/* TLS, client certificates */
	struct inkand_gate gate_revreq;	/* the RA routes on plain HTTP */
	struct inkand_gate gate_sub;
	struct inkand_gate gate_ra;
	char		*tls_cert;
	char		*tls_key;
	size_t		 tls_key_len;
	char		*tls_trust;
	const char	*ca_names[CONF_ISSUING_MAX + CONF_ROOTS_MAX];
	size_t		 nca_names;
	int		 sigfd;
	int		 ready_fd;	/* to the waiting parent; -1 if none */
	int		 pid_written;
};

/* --- metrics sources (called from the HTTP threads) ------------------------ */

static int
inkand_src_ocsp(void *arg, time_t now, int64_t *oldest, size_t *cached)
{
	struct inkand_state *st = arg;

	if (st->responder == NULL)
		return 0;
	*cached = ocsp_responder_size(st->responder);
	*oldest = *cached == 0 ? 0 :
	    ocsp_responder_oldest_age(st->responder, now);
	return 1;
}

static void
inkand_src_crls(void *arg, void (*emit)(void *, const char *, time_t),
    void *ctx)
{
	struct inkand_state *st = arg;

	pthread_mutex_lock(&st->mu);
	for (size_t i = 0; i < st->ncrl; i++)
		if (st->crl[i].this_update != 0)
			emit(ctx, st->crl[i].name, st->crl[i].this_update);
	pthread_mutex_unlock(&st->mu);
}

static int
inkand_src_healthy(void *arg, const char **why)
{
	struct inkand_state *st = arg;

	if (!atomic_load(&st->signer_up)) {
		*why = "signer down\n";
		return 0;
	}
	if (!atomic_load(&st->store_up)) {
		*why = "store unavailable\n";
		return 0;
	}
	return 1;
}

/* --- the plain listener's RA routes ---------------------------------------- */

static const char inkand_tls_required[] = "{\"error\":\"tls_required\","
    "\"message\":\"the RA is served over HTTP to loopback clients only; "
    "use the HTTPS listener (inkand --lra-listen)\"}\n";

static int
inkand_gated(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	const struct inkand_gate *g = arg;

	if (g->open || http_client_loopback(req->client))
		return g->fn(g->arg, req, resp);
	log_debug("%s: refused over plain HTTP to %s (not loopback; "
	    "--ra-plain-http not given)", req->path, req->client);
	resp->status = 403;
	resp->body = inkand_tls_required;
	resp->body_len = sizeof(inkand_tls_required) - 1;
	return http_response_header(resp, "Content-Type", "application/json") &&
	    http_response_header(resp, "Cache-Control", "no-store");
}

/* --- detaching ------------------------------------------------------------ */

/*
 * Without --foreground: the parent waits until the child serves (one
 * byte on a pipe) and exits 0, or 1 if the child fails first; the child
 * leaves the terminal's session at once, so the signer it forks later
 * never gets the terminal's signals. Start-up errors still reach the
 * terminal: the child's stderr moves to DIR/log/inkand.log only when it
 * is ready.
 */
static int
inkand_detach(struct inkand *d)
{
	int fds[2], status;
	pid_t pid;
	char c;

	if (pipe(fds) == -1 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) == -1 || (pid = fork()) == -1) {
		log_error("cannot detach: %s", strerror(errno));
		return 0;
	}
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &c, 1) == 1)
			_exit(INKAND_OK);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			_exit(WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) :
			    INKAND_FAIL);
		_exit(INKAND_FAIL);
	}
	close(fds[0]);
	d->ready_fd = fds[1];
	if (setsid() == -1) {
		log_error("setsid: %s", strerror(errno));
		return 0;
	}
	return 1;
}

static int
inkand_ready(struct inkand *d)
{
	char *logdir = NULL, *path = NULL;
	int fd, ok = 0;

	if (d->ready_fd == -1)
		return 1;
	if ((logdir = file_join(d->opts->dir, "log")) == NULL ||
	    (path = file_join(logdir, "inkand.log")) == NULL)
		goto out;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) == -1) {
		log_error("%s: %s", path, strerror(errno));
		goto out;
	}
	log_info("detached; logging to %s", path);
	if (dup2(fd, STDERR_FILENO) == -1) {
		close(fd);
		goto out;
	}
	close(fd);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	ok = write(d->ready_fd, "", 1) == 1;
	close(d->ready_fd);
	d->ready_fd = -1;
 out:
	free(path);
	free(logdir);
	return ok;
}

/* --- setting up ------------------------------------------------------------- */

static int
inkand_pid_file(struct inkand *d)
{
	char buf[32];
	int n;

	if (d->opts->pid_file == NULL)
		return 1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (!file_write_atomic(d->opts->pid_file, buf, (size_t)n, 0644, 0))
		return 0;
	d->pid_written = 1;
	return 1;
}

/*
 * SIGTERM, SIGINT and SIGHUP are blocked in every thread (the HTTP pool
 * and the log writer inherit the mask) and read by the worker from a
 * signalfd, so no handler runs in the middle of anything.
 */
static int
inkand_signals(struct inkand *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (d->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1) {
		log_error("signalfd: %s", strerror(errno));
		return 0;
	}
	return 1;
}

static int
inkand_open_log(struct inkand *d)
{
	char *logdir, *path = NULL;

	if ((logdir = file_join(d->opts->dir, "log")) == NULL)
		return 0;
	if (file_mkdirs(logdir, 0750) &&
	    (path = file_join(logdir, "ocsp-access.log")) != NULL)
		d->st.log = http_accesslog_open(path);
	free(path);
	free(logdir);
	return d->st.log != NULL;
}

static int
inkand_open_ca(struct inkand *d)
{
	struct ca_open_opts o = { 0 };
	struct ocsp_responder_opts ro = { 0 };
	const struct conf *conf;

	o.dir = d->opts->dir;
	o.passphrase_file = d->opts->passphrase_file;
	if ((d->st.ca = ca_open(&o)) == NULL)
		return 0;
	/* CP-5.5.5: every answer and CRL it signs carries the clock's time. */
	if (!ca_clock_ok(d->st.ca, "inkand", NULL)) {
		log_error("%s: not starting: OCSP responses and CRLs would "
		    "carry a wrong time", o.dir);
		return 0;
	}
	audit_who_daemon(&d->st.ca->who);
	d->st.sealed_at = time(NULL);
	audit_ca(d->st.ca, "daemon.start", "daemon:inkand", "ok", NULL);
	atomic_store(&d->st.signer_up, 1);
	atomic_store(&d->st.store_up, 1);
	conf = d->st.ca->conf;
	for (size_t i = 0; i < conf->nissuing; i++)
		d->ca_names[d->nca_names++] = conf->issuing[i].name;
	for (size_t i = 0; i < conf->nroots; i++)
		d->ca_names[d->nca_names++] = conf->roots[i].name;
	ro.echo_nonce = d->opts->echo_nonce;
	if ((d->st.responder = ocsp_responder_new(d->st.ca, &ro)) == NULL) {
		log_error("%s: cannot start the OCSP responder", o.dir);
		return 0;
	}
	return inkand_crl_setup(&d->st);
}

/* E-mail control validation (CP-3.2.7) reads [validation] and [mail]. */
static void
inkand_validation_conf(struct inkand *d)
{
	const struct conf *conf = d->st.ca->conf;

	if (conf->validation.allow_constructed)
		log_warn("[validation] allow_constructed_addresses = yes: the "
		    "constructed-address method (CP-3.2.7 (3), TLS BR "
		    "3.2.2.4.4) is discouraged by the CA/B Forum and refused "
		    "from 2028-03-15 whatever this setting");
}

/*
 * The RA API gets a store connection of its own, apart from the
 * worker's (a connection is never shared between threads); the HTTP
 * threads take turns on it (struct ra's mutex).
 */
static int
inkand_open_ra(struct inkand *d)
{
	struct ra_session_policy pol = { RA_SESSION_IDLE_DEFAULT,
	    RA_SESSION_LIFETIME_DEFAULT };
	struct store *st;
	char *path;

	if (d->opts->session_idle != 0)
		pol.idle = d->opts->session_idle;
	if (d->opts->session_lifetime != 0)
		pol.lifetime = d->opts->session_lifetime;
	if ((path = file_join(d->opts->dir, "inkan.db")) == NULL)
		return 0;
	st = store_open(path);
	free(path);
	if (st == NULL)
		return 0;
	if ((d->ra = ra_new(st, 1, &pol)) == NULL) {
		store_close(st);
		return 0;
	}
	d->st.ra = d->ra;
	if ((d->ra_api = http_ra_new(d->ra)) == NULL ||
	    (d->st.calls = ca_calls_new()) == NULL)
		return 0;
	http_ra_set_calls(d->ra_api, d->st.calls, d->st.ca->conf);
	inkand_validation_conf(d);
	return (d->revreq = http_revreq_new(d->ra, d->st.calls,
	    d->st.ca->conf)) != NULL;
}

static int
inkand_open_http(struct inkand *d)
{
	struct http_metrics_source src = { inkand_src_ocsp, inkand_src_crls,
	    inkand_src_healthy, &d->st };
	struct http_ocsp_config oc = { 0 };
	struct http_server_config sc = { 0 };
	char *root;

	if ((root = file_join(d->opts->dir, "repository")) == NULL)
		return 0;
	d->repo = http_repository_new(root);
	free(root);
	if (d->repo == NULL ||
	    (d->st.metrics = http_metrics_new(&src)) == NULL)
		return 0;
	oc.responder = d->st.responder;
	oc.answer = ocsp_responder_answer;
	oc.clear = ocsp_answer_clear;
	oc.log = d->st.log;
	oc.ca_names = d->ca_names;
	oc.nca_names = d->nca_names;
	if ((d->ocsp = http_ocsp_new(&oc)) == NULL)
		return 0;
	d->gate_revreq = (struct inkand_gate){ http_revreq_ra_handler,
	    d->revreq, d->opts->ra_plain_http };
	d->gate_sub = (struct inkand_gate){ http_subscriber_handler,
	    d->revreq, d->opts->ra_plain_http };
	d->gate_ra = (struct inkand_gate){ http_ra_handler, d->ra_api,
	    d->opts->ra_plain_http };
	const struct http_route routes[] = {
		{ "/repository", HTTP_EP_REPOSITORY, HTTP_GET | HTTP_HEAD,
		    "GET, HEAD", 0, http_repository_handler, d->repo },
		{ "/ocsp", HTTP_EP_OCSP, HTTP_GET | HTTP_HEAD | HTTP_POST,
		    "GET, HEAD, POST", OCSP_REQUEST_MAX, http_ocsp_handler,
		    d->ocsp },
		{ "/metrics", HTTP_EP_METRICS, HTTP_GET | HTTP_HEAD,
		    "GET, HEAD", 0, http_metrics_handler, d->st.metrics },
		{ "/healthz", HTTP_EP_HEALTHZ, HTTP_GET | HTTP_HEAD,
		    "GET, HEAD", 0, http_healthz_handler, d->st.metrics },
		/* Revocation requests: before /ra/v1, whose prefix they share. */
		{ REVREQ_RA_REVOCATIONS, HTTP_EP_RA, HTTP_GET | HTTP_POST,
		    "GET, POST", RA_API_ROUTE_BODY_MAX, inkand_gated,
		    &d->gate_revreq },
		{ REVREQ_RA_REPORTS, HTTP_EP_RA, HTTP_GET | HTTP_POST,
		    "GET, POST", RA_API_ROUTE_BODY_MAX, inkand_gated,
		    &d->gate_revreq },
		{ REVREQ_PUBLIC_REPORT, HTTP_EP_RA, HTTP_POST, "POST",
		    REVREQ_ROUTE_BODY_MAX, http_revreq_report_handler,
		    d->revreq },
		{ REVREQ_SUBSCRIBER, HTTP_EP_RA, HTTP_GET | HTTP_HEAD |
		    HTTP_POST, "GET, HEAD, POST", REVREQ_ROUTE_BODY_MAX,
		    inkand_gated, &d->gate_sub },
		{ RA_API_PREFIX, HTTP_EP_RA, HTTP_GET | HTTP_POST,
		    "GET, POST", RA_API_ROUTE_BODY_MAX, inkand_gated,
		    &d->gate_ra },
	};
	sc.listen = d->opts->listen;
	sc.threads = d->opts->threads;
	sc.max_connections = d->opts->max_connections;
	sc.timeout = d->opts->timeout;
	sc.routes = routes;
	sc.nroutes = sizeof(routes) / sizeof(routes[0]);
	sc.metrics = d->st.metrics;
	return (d->server = http_server_start(&sc)) != NULL;
}

/* A whole PEM file as a NUL-terminated string; NULL (logged) on failure. */
static char *
inkand_read_pem(const char *path, size_t *len)
{
	unsigned char *data;
	char *text;

	if ((data = file_read(path, 1024 * 1024, len)) == NULL)
		return NULL;
	if ((text = malloc(*len + 1)) != NULL) {
		memcpy(text, data, *len);
		text[*len] = '\0';
	}
	sodium_memzero(data, *len);
	free(data);
	return text;
}

/*
 * The CA certificates LRA client certificates come from: the issuing
 * CAs' certificates, as PEM, for the TLS CertificateRequest. Which
 * certificate is accepted is decided against the store, not by this list
 * (src/ra/lra_cert.h).
 */
static char *
inkand_trust_pem(struct inkand *d)
{
	const struct conf *conf = d->st.ca->conf;
	STACK_OF(X509) *sk;
	BUF_MEM *mem;
	char *text = NULL;
	BIO *b;
	int ok = 1;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	for (size_t i = 0; ok && i < conf->nissuing; i++) {
		if ((sk = ca_certs_of(d->st.ca, conf->issuing[i].name)) == NULL)
			continue;
		for (int j = 0; ok && j < sk_X509_num(sk); j++)
			ok = PEM_write_bio_X509(b, sk_X509_value(sk, j));
		sk_X509_pop_free(sk, X509_free);
	}
	BIO_get_mem_ptr(b, &mem);
	if (ok && mem->length > 0 && (text = malloc(mem->length + 1)) != NULL) {
		memcpy(text, mem->data, mem->length);
		text[mem->length] = '\0';
	}
	BIO_free(b);
	return text;
}

/* The HTTPS listener of the LRA API, if --lra-listen asks for one. */
static int
inkand_open_lra(struct inkand *d)
{
	struct http_server_config sc = { 0 };
	size_t len;

	if (d->opts->lra_listen == NULL)
		return 1;
	if ((d->tls_cert = inkand_read_pem(d->opts->tls_cert, &len)) == NULL ||
	    (d->tls_key = inkand_read_pem(d->opts->tls_key,
	    &d->tls_key_len)) == NULL)
		return 0;
	if ((d->tls_trust = inkand_trust_pem(d)) == NULL) {
		log_error("%s: no issuing CA certificate for LRA client "
		    "certificates", d->opts->dir);
		return 0;
	}
	const struct http_route routes[] = {
		{ REVREQ_LRA_CERTIFICATES, HTTP_EP_RA, HTTP_POST, "POST",
		    REVREQ_ROUTE_BODY_MAX, http_revreq_lra_handler, d->revreq },
		/* POST: the LRA's applications (src/http/app_api.c). */
		{ LRA_API_PREFIX, HTTP_EP_RA, HTTP_GET | HTTP_POST,
		    "GET, POST", RA_API_ROUTE_BODY_MAX, http_lra_handler,
		    d->ra_api },
		/* The RA API and the subscriber page, to any client. */
		{ REVREQ_RA_REVOCATIONS, HTTP_EP_RA, HTTP_GET | HTTP_POST,
		    "GET, POST", RA_API_ROUTE_BODY_MAX, http_revreq_ra_handler,
		    d->revreq },
		{ REVREQ_RA_REPORTS, HTTP_EP_RA, HTTP_GET | HTTP_POST,
		    "GET, POST", RA_API_ROUTE_BODY_MAX, http_revreq_ra_handler,
		    d->revreq },
		{ REVREQ_PUBLIC_REPORT, HTTP_EP_RA, HTTP_POST, "POST",
		    REVREQ_ROUTE_BODY_MAX, http_revreq_report_handler,
		    d->revreq },
		{ REVREQ_SUBSCRIBER, HTTP_EP_RA, HTTP_GET | HTTP_HEAD |
		    HTTP_POST, "GET, HEAD, POST", REVREQ_ROUTE_BODY_MAX,
		    http_subscriber_handler, d->revreq },
		{ RA_API_PREFIX, HTTP_EP_RA, HTTP_GET | HTTP_POST,
		    "GET, POST", RA_API_ROUTE_BODY_MAX, http_ra_handler,
		    d->ra_api },
		{ "/healthz", HTTP_EP_HEALTHZ, HTTP_GET | HTTP_HEAD,
		    "GET, HEAD", 0, http_healthz_handler, d->st.metrics },
	};
	sc.listen = d->opts->lra_listen;
	sc.threads = 2;
	sc.max_connections = d->opts->max_connections;
	sc.timeout = d->opts->timeout;
	sc.routes = routes;
	sc.nroutes = sizeof(routes) / sizeof(routes[0]);
	sc.metrics = d->st.metrics;
	sc.tls_cert = d->tls_cert;
	sc.tls_key = d->tls_key;
	sc.tls_trust = d->tls_trust;
	if ((d->lra_server = http_server_start(&sc)) == NULL)
		return 0;
	log_info("LRA API on https://%s" LRA_API_PREFIX "/ (client "
	    "certificates), RA API and subscriber page there too",
	    http_server_address(d->lra_server));
	return 1;
}

/* --- tearing down ------------------------------------------------------------ */

static void
inkand_stop_http(struct inkand *d)
{
	unsigned int waited = 0;

	if (d->server == NULL)
		return;
	/*
	 * Requests in flight may wait on the worker for a signature: keep
	 * signing for them while they finish.
	 */
	http_server_quiesce(d->server);
	while (http_server_in_flight(d->server) != 0 &&
	    waited < INKAND_GRACE_MS) {
		inkand_worker_drain(&d->st);
		waited += 20;
	}
	http_server_stop(d->server, 0);
	d->server = NULL;
}

static void
inkand_close(struct inkand *d)
{
	/*
	 * The worker has stopped: RA calls still waiting for it get -1 (they
	 * did not run) instead of holding their HTTP thread for ever.
	 */
	ca_calls_stop(d->st.calls);
	http_server_stop(d->lra_server, INKAND_GRACE_MS);
	d->lra_server = NULL;
	inkand_stop_http(d);
	free(d->tls_cert);
	if (d->tls_key != NULL)
		sodium_memzero(d->tls_key, d->tls_key_len);
	free(d->tls_key);
	free(d->tls_trust);
	http_ocsp_free(d->ocsp);
	http_repository_free(d->repo);
	http_ra_free(d->ra_api);
	http_revreq_free(d->revreq);
	ra_free(d->ra);
	ca_calls_free(d->st.calls);
	/* No HTTP thread is left to ask the responder or the metrics. */
	ocsp_responder_free(d->st.responder);
	http_accesslog_close(d->st.log);
	http_metrics_free(d->st.metrics);
	inkand_crl_free(&d->st);
	/* ca_close() seals the log up to this record. */
	if (d->st.ca != NULL)
		audit_ca(d->st.ca, "daemon.stop", "daemon:inkand", "ok", NULL);
	ca_close(d->st.ca);
	pthread_mutex_destroy(&d->st.mu);
	if (d->sigfd != -1)
		close(d->sigfd);
	if (d->pid_written)
		unlink(d->opts->pid_file);
}

int
inkand_run(const struct inkand_opts *opts)
{
	struct inkand d = { 0 };
	int rc = INKAND_FAIL;

	d.opts = opts;
	d.sigfd = -1;
	d.ready_fd = -1;
	pthread_mutex_init(&d.st.mu, NULL);
	if (!opts->foreground && opts->passphrase_file == NULL) {
		log_error("a detached inkand cannot ask for the passphrase: "
		    "give --passphrase-file FILE, or --foreground");
		pthread_mutex_destroy(&d.st.mu);
		return INKAND_USAGE;
	}
	if (!opts->foreground && !inkand_detach(&d))
		goto out;
	if (!inkand_open_ca(&d) || !inkand_signals(&d) ||
	    !inkand_open_log(&d) || !inkand_open_ra(&d) ||
	    !inkand_open_http(&d) || !inkand_open_lra(&d) ||
	    !inkand_pid_file(&d))
		goto out;
	log_info("inkand %s serving %s on http://%s (repository, ocsp, "
	    "metrics, healthz, ra)", INKAN_VERSION, opts->dir,
	    http_server_address(d.server));
	if (!inkand_ready(&d))
		goto out;
	inkand_worker(&d.st, d.sigfd);
	rc = INKAND_OK;
 out:
	inkand_close(&d);
	if (rc == INKAND_OK)
		log_info("stopped");
	return rc;
}
