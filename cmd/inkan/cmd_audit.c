#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/seal.h"
#include "cmd.h"
#include "util/file.h"
#include "util/log.h"

void
cmd_audit_help(void)
{
	printf("usage: inkan --dir DIR audit verify [--audit-cert FILE] "
	    "[--allow-unsealed]\n"
	    "       inkan --dir DIR audit show [--since TIME] [--type TYPE] "
	    "[--json]\n"
	    "       inkan --dir DIR audit seal\n"
	    "       inkan --dir DIR audit init-key\n\n"
	    "The audit log (CP-5.4): one hash-chained record per "
	    "security-relevant\nevent, sealed by checkpoints the audit key "
	    "signs in the signer.\n\n"
	    "  verify    checks every record, link and checkpoint; names the "
	    "first bad\n"
	    "            record and exits 1. Reads the store read-only and "
	    "needs no key.\n"
	    "            --audit-cert FILE: the audit certificate to trust "
	    "(default\n"
	    "            DIR/audit/audit-signer.pem; give a copy kept "
	    "elsewhere).\n"
	    "            --allow-unsealed: records after the last checkpoint "
	    "are reported,\n"
	    "            not refused (inkand seals every %d s).\n"
	    "  show      prints records (read-only): --since TIME (epoch "
	    "seconds,\n"
	    "            YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ), --type TYPE "
	    "(exact, or a\n"
	    "            prefix ending in '.', e.g. cert.), --json (one "
	    "object a line).\n"
	    "  seal      signs a checkpoint at the log's head now.\n"
	    "  init-key  makes the audit key and certificate of a CA made "
	    "before the\n"
	    "            audit log (otherwise made on first use).\n",
	    AUDIT_SEAL_INTERVAL);
}

/* The store, read-only: auditors need no key and change nothing. */
static struct store *
cmd_audit_open_ro(const struct cmd_global *g)
{
	struct store *st;
	char *db;

	if (g->dir == NULL) {
		log_error("no CA directory: give --dir DIR or set INKAN_DIR");
		return NULL;
	}
	if ((db = file_join(g->dir, "inkan.db")) == NULL)
		return NULL;
	st = store_open_readonly(db);
	free(db);
	return st;
}

static X509 *
cmd_audit_cert(const struct cmd_global *g, const char *file)
{
	STACK_OF(X509) *sk;
	X509 *x;

	if (file == NULL)
		return audit_cert_load(g->dir);
	if ((sk = cmd_read_certs(file)) == NULL)
		return NULL;
	x = sk_X509_shift(sk);
	sk_X509_pop_free(sk, X509_free);
	return x;
}

static int
cmd_audit_verify(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "audit-cert", required_argument, NULL, 'c' },
		{ "allow-unsealed", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	struct audit_verify_opts o = { 0 };
	struct audit_verify_result res;
	const char *certfile = NULL;
	struct store *st = NULL;
	char *head_dir = NULL;
	X509 *cert = NULL;
	int ch, ok = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': certfile = optarg; break;
		case 'u': o.allow_unsealed = 1; break;
		default: return CMD_USAGE;
		}
	}
	if (optind != argc) {
		log_error("audit verify: unexpected argument '%s'",
		    argv[optind]);
		return CMD_USAGE;
	}
	if ((st = cmd_audit_open_ro(g)) == NULL ||
	    (cert = cmd_audit_cert(g, certfile)) == NULL ||
	    (head_dir = file_join(g->dir, "audit")) == NULL)
		goto out;
	o.pub = X509_get0_pubkey(cert);
	o.head_dir = head_dir;
	if (!audit_verify(st, &o, &res)) {
		log_error("audit verify: FAILED: %s", res.why);
		goto out;
	}
	if (res.last > res.sealed)
		log_warn("audit verify: records %lld to %lld are not sealed "
		    "by a checkpoint yet", (long long)res.sealed + 1,
		    (long long)res.last);
	printf("audit log intact: records %lld to %lld, %zu checkpoints, "
	    "sealed up to record %lld\n", (long long)res.first,
	    (long long)res.last, res.checkpoints, (long long)res.sealed);
	ok = 1;
 out:
	X509_free(cert);
	free(head_dir);
	store_close(st);
	return ok ? CMD_OK : CMD_FAIL;
}

struct cmd_audit_show {
	const char	*type;
	int		 json;
};

static int
cmd_audit_type_match(const char *want, const char *type)
{
	size_t n;

	if (want == NULL)
		return 1;
	n = strlen(want);
	if (n > 0 && want[n - 1] == '.')
		return strncmp(type, want, n) == 0;
	return strcmp(type, want) == 0;
}

static int
cmd_audit_show_json(const struct store_audit *r)
{
	char *line;
	int ok;

	if ((line = audit_json_line(r)) == NULL)
		return 0;
	ok = puts(line) >= 0;
	free(line);
	return ok;
}

static int
cmd_audit_show_one(const struct store_audit *r, void *arg)
{
	struct cmd_audit_show *s = arg;
	char when[32];

	if (!cmd_audit_type_match(s->type, r->type))
		return 1;
	if (s->json)
		return cmd_audit_show_json(r);
	audit_time_format(r->time, when);
	printf("%6lld %s %-22s %-8s %s/%s/%s@%s %s%s%s\n", (long long)r->seq,
	    when, r->type, r->outcome, r->actor, r->role, r->auth, r->source,
	    r->object, r->detail != NULL ? " " : "",
	    r->detail != NULL ? r->detail : "");
	return 1;
}

static int
cmd_audit_show(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "type", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_audit_show s = { NULL, 0 };
	int64_t since = INT64_MIN;
	struct store *st;
	int ch, ok;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (!audit_time_parse(optarg, &since)) {
				log_error("audit show: --since '%.40s': give "
				    "seconds, YYYY-MM-DD or "
				    "YYYY-MM-DDTHH:MM:SSZ", optarg);
				return CMD_USAGE;
			}
			break;
		case 't': s.type = optarg; break;
		case 'j': s.json = 1; break;
		default: return CMD_USAGE;
		}
	}
	if (optind != argc) {
		log_error("audit show: unexpected argument '%s'",
		    argv[optind]);
		return CMD_USAGE;
	}
	if ((st = cmd_audit_open_ro(g)) == NULL)
		return CMD_FAIL;
	ok = store_audit_each(st, 1, since, cmd_audit_show_one, &s);
	store_close(st);
	return ok && fflush(stdout) == 0 ? CMD_OK : CMD_FAIL;
}

static int
cmd_audit_seal(const struct cmd_global *g, int init_key)
{
	struct ca *ca;
	int ok;

	if ((ca = cmd_open_ca(g, 0)) == NULL)
		return CMD_FAIL;
	ok = init_key ? audit_key_init(ca) : audit_seal(ca);
	if (ok && !init_key)
		log_info("audit: log sealed");
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}

int
cmd_audit(const struct cmd_global *g, int argc, char **argv)
{
	if (argc < 2) {
		log_error("audit: give verify, show, seal or init-key");
		return CMD_USAGE;
	}
	if (strcmp(argv[1], "verify") == 0)
		return cmd_audit_verify(g, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return cmd_audit_show(g, argc - 1, argv + 1);
	if ((strcmp(argv[1], "seal") == 0 || strcmp(argv[1], "init-key") ==
	    0) && argc == 2)
		return cmd_audit_seal(g, strcmp(argv[1], "init-key") == 0);
	log_error("audit: unknown subcommand '%.40s' (verify, show, seal, "
	    "init-key)", argv[1]);
	return CMD_USAGE;
}
