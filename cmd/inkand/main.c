/*
 * inkand: the daemon. main only reads the command line; daemon.c wires
 * the CA, the OCSP responder and the HTTP server, worker.c runs the
 * periodic tasks.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "http/server.h"
#include "inkand.h"
#include "version.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: inkand --dir DIR [--listen ADDR:PORT] "
	    "[--passphrase-file FILE]\n"
	    "              [--threads N] [--max-connections N] "
	    "[--timeout SECONDS]\n"
	    "              [--pid-file FILE] [--echo-nonce] [--foreground] "
	    "[-v|-q]\n"
	    "       inkand --help | --version\n\n"
	    "inkand serves a CA directory made by 'inkan init': the public "
	    "repository\n(/repository/), the OCSP responder (/ocsp/), "
	    "/metrics and /healthz,\nthe RA JSON API (/ra/v1/, docs/api.md), "
	    "and issues CRLs on schedule.\n\n"
	    "Options:\n"
	    "  --dir DIR              the CA directory (or $INKAN_DIR)\n"
	    "  --listen ADDR:PORT     address to bind, exactly (default "
	    INKAND_LISTEN_DEFAULT ";\n"
	    "                         IPv6 as [::1]:8080; port 0: any free "
	    "port)\n"
	    "  --passphrase-file FILE passphrase of the CA keys (or "
	    "$INKAN_PASSPHRASE_FILE;\n"
	    "                         without either, asked on the terminal, "
	    "which needs\n"
	    "                         --foreground)\n"
	    "  --threads N            HTTP threads (default: one per CPU)\n"
	    "  --max-connections N    concurrent connections (default 4096)\n"
	    "  --timeout SECONDS      idle connection timeout (default 30)\n"
	    "  --pid-file FILE        write the daemon's process id there\n"
	    "  --session-idle SECONDS RA sessions end after this long without "
	    "a request\n"
	    "                         (default 900)\n"
	    "  --session-lifetime SECONDS  RA sessions end this long after "
	    "login\n"
	    "                         (default 28800)\n"
	    "  --lra-listen ADDR:PORT HTTPS listener of the LRA API "
	    "(/lra/v1/): asks for\n"
	    "                         client certificates; LRAs sign in with "
	    "the one inkan\n"
	    "                         issued to them (inkan org bind-cert)\n"
	    "  --tls-cert FILE        that listener's certificate chain (PEM)\n"
	    "  --tls-key FILE         and its private key (PEM); that listener "
	    "also serves\n"
	    "                         the RA API and the subscriber page\n"
	    "  --ra-plain-http        serve /ra/v1/ and /subscriber/ over plain "
	    "HTTP to any\n"
	    "                         client (default: to loopback clients "
	    "only; put them\n"
	    "                         behind TLS in production)\n"
	    "  --echo-nonce           answer OCSP nonces (RFC 8954) by "
	    "signing anew\n"
	    "  --foreground           stay attached (for systemd and tests); "
	    "logs on stderr\n"
	    "  -v, --verbose          more detail;  -q, --quiet  errors only\n\n"
	    "Without --foreground inkand detaches once it serves and logs to "
	    "DIR/log/inkand.log.\nSIGTERM or SIGINT stops it gracefully; "
	    "SIGHUP reopens the OCSP access log\n(DIR/log/ocsp-access.log).\n\n"
	    "Exit status: 0 stopped by a signal, 1 failed, 2 usage error.\n");
}

static int
parse_uint(const char *opt, const char *s, unsigned int max,
    unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || s[0] == '-' ||
	    v == 0 || v > max) {
		log_error("%s %s: expected a number from 1 to %u", opt, s, max);
		return 0;
	}
	*out = (unsigned int)v;
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-connections", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "session-idle", required_argument, NULL, 'I' },
		{ "lra-listen", required_argument, NULL, 'R' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "session-lifetime", required_argument, NULL, 'L' },
		{ "echo-nonce", no_argument, NULL, 'n' },
		{ "ra-plain-http", no_argument, NULL, 'H' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct inkand_opts o = {
		.dir = getenv("INKAN_DIR"),
		.listen = INKAND_LISTEN_DEFAULT,
		.passphrase_file = getenv("INKAN_PASSPHRASE_FILE"),
		.level = LOG_LEVEL_INFO,
	};
	struct sockaddr_storage ss;
	socklen_t sslen;
	char err[160];
	int ch, ok = 1;

	log_init("inkand", LOG_LEVEL_INFO);
	while ((ch = getopt_long(argc, argv, "vqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': o.dir = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'p': o.passphrase_file = optarg; break;
		case 't': ok &= parse_uint("--threads", optarg, 1024,
		    &o.threads); break;
		case 'm': ok &= parse_uint("--max-connections", optarg,
		    1000000, &o.max_connections); break;
		case 'T': ok &= parse_uint("--timeout", optarg, 86400,
		    &o.timeout); break;
		case 'P': o.pid_file = optarg; break;
		case 'R': o.lra_listen = optarg; break;
		case 'C': o.tls_cert = optarg; break;
		case 'K': o.tls_key = optarg; break;
		case 'I': ok &= parse_uint("--session-idle", optarg, 86400,
		    &o.session_idle); break;
		case 'L': ok &= parse_uint("--session-lifetime", optarg,
		    7 * 86400, &o.session_lifetime); break;
		case 'n': o.echo_nonce = 1; break;
		case 'H': o.ra_plain_http = 1; break;
		case 'f': o.foreground = 1; break;
		case 'v': o.level = LOG_LEVEL_DEBUG; break;
		case 'q': o.level = LOG_LEVEL_ERROR; break;
		case 'h': usage(stdout); return INKAND_OK;
		case 'V': printf("inkand %s\n", INKAN_VERSION); return INKAND_OK;
		default: usage(stderr); return INKAND_USAGE;
		}
	}
	if (!ok)
		return INKAND_USAGE;
	if (optind < argc) {
		log_error("unexpected argument '%s' (see inkand --help)",
		    argv[optind]);
		return INKAND_USAGE;
	}
	if (o.dir == NULL) {
		log_error("no CA directory: give --dir DIR or set INKAN_DIR");
		return INKAND_USAGE;
	}
	/* A typo in --listen must not cost a passphrase prompt first. */
	if (!http_listen_parse(o.listen, &ss, &sslen, err, sizeof(err))) {
		log_error("--listen %s: %s", o.listen, err);
		return INKAND_USAGE;
	}
	if ((o.lra_listen != NULL) != (o.tls_cert != NULL) ||
	    (o.tls_cert != NULL) != (o.tls_key != NULL)) {
		log_error("--lra-listen, --tls-cert and --tls-key go together");
		return INKAND_USAGE;
	}
	if (o.lra_listen != NULL &&
	    !http_listen_parse(o.lra_listen, &ss, &sslen, err, sizeof(err))) {
		log_error("--lra-listen %s: %s", o.lra_listen, err);
		return INKAND_USAGE;
	}
	log_init("inkand", o.level);
	return inkand_run(&o);
}
