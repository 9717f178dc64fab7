#ifndef INKAN_CMD_INKAND_H
#define INKAN_CMD_INKAND_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "conf/conf.h"
#include "publish/ldap.h"
#include "util/log.h"

struct ra;

/* What the command line asks for (main.c). */
struct inkand_opts {
	const char	*dir;
	const char	*listen;
	const char	*passphrase_file;
	const char	*pid_file;
	const char	*lra_listen;	/* TLS listener of the LRA API, or NULL */
	const char	*tls_cert;	/* its certificate chain (PEM) */
	const char	*tls_key;	/* its key (PEM) */
	unsigned int	 threads;
	unsigned int	 max_connections;
	unsigned int	 timeout;
	unsigned int	 session_idle;		/* RA sessions; 0: default */
	unsigned int	 session_lifetime;	/* 0: default */
	int		 foreground;
	int		 echo_nonce;
	int		 ra_plain_http;	/* RA pages to any client over HTTP */
	enum log_level	 level;
};

#define INKAND_LISTEN_DEFAULT	"127.0.0.1:8080"

/* Exit statuses, as inkan's. */
#define INKAND_OK	0
#define INKAND_FAIL	1
#define INKAND_USAGE	2

/* The newest published CRL of one CA entity (for /metrics). */
struct inkand_crl {
	char		 name[65];
	char		*path;		/* under DIR/repository; NULL: none */
	time_t		 this_update;	/* 0: none published yet */
	time_t		 mtime;		/* of the file last parsed */
	off_t		 size;
	time_t		 checked;
};

/*
 * What the worker (main thread) learns and the HTTP threads read through
 * the metrics callbacks: health flags as atomics, CRL times under mu.
 */
struct inkand_state {
	struct ca	*ca;
	struct ca_calls	*calls;		/* RA work run on the worker */
	struct ocsp_responder *responder;
	struct http_metrics *metrics;
	struct http_accesslog *log;
	atomic_int	 signer_up;
	atomic_int	 store_up;
	pthread_mutex_t	 mu;
	struct inkand_crl crl[CONF_ROOTS_MAX + CONF_ISSUING_MAX];
	size_t		 ncrl;
	time_t		 renew_checked;	/* worker only */
	struct ldap_publish_state ldap;	/* worker only */
	time_t		 sealed_at;	/* worker only: last audit seal */
	struct ra	*ra;		/* the RA (its own connection, mutex) */
	time_t		 accept_checked;	/* worker only */
};

/* Runs the daemon until SIGTERM or SIGINT; returns the exit status. */
int inkand_run(const struct inkand_opts *opts);

/* Fills st->crl from the configuration (worker.c). 0 on failure. */
int inkand_crl_setup(struct inkand_state *st);

/* Frees what inkand_crl_setup allocated. */
void inkand_crl_free(struct inkand_state *st);

/*
 * The worker loop on the calling thread: periodic tasks every second,
 * on-demand OCSP signing when the responder asks, until SIGTERM/SIGINT
 * (SIGHUP reopens the access log). sigfd is a signalfd for those three.
 * Returns when asked to stop.
 */
void inkand_worker(struct inkand_state *st, int sigfd);

/* The periodic tasks once (also run once before serving starts). */
void inkand_tick(struct inkand_state *st, time_t now);

/* Lets the HTTP threads' pending on-demand answers finish (shutdown). */
void inkand_worker_drain(struct inkand_state *st);

#endif
