#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd.h"
#include "ra/account.h"
#include "ra/password.h"
#include "util/file.h"
#include "util/log.h"

/*
 * inkan account: RA accounts for CA administrators at the console
 * (CP-5.2). Whoever can open the CA directory is its administrator; the
 * operating-system user is recorded as the actor of every change.
 * Passwords come from a file or the terminal, never from argv, where
 * every user of the machine could read them.
 */

#define ACCOUNT_PW_BUF	(RA_PASSWORD_MAX + 2)

void
cmd_account_help(void)
{
	printf("usage: inkan --dir DIR account add NAME --role ROLE [--org LRA]\n"
	    "                 [--password-file FILE]\n"
	    "       inkan --dir DIR account list\n"
	    "       inkan --dir DIR account disable|enable|unlock|reset-mfa "
	    "NAME\n"
	    "       inkan --dir DIR account passwd NAME [--password-file FILE]\n"
	    "       inkan --dir DIR account set-role NAME --role ROLE "
	    "[--org LRA]\n\n"
	    "Accounts of the RA API (docs/api.md), one role each:\n"
	    "  admin      CA administrator\n"
	    "  ra         RA operator\n"
	    "  lra        LRA operator, bound to one approved LRA (--org)\n"
	    "  auditor    read-only\n"
	    "  custodian  key custodian\n\n"
	    "admin, ra and lra can cause issuance or revocation: they must "
	    "enrol TOTP\nat their first login before anything else "
	    "(CP-6.5.1).\n\n"
	    "  add        create an account; the password (12 to 1024 "
	    "characters)\n"
	    "             is the first line of FILE, or asked twice on the "
	    "terminal\n"
	    "  list       every account, its role, MFA and state\n"
	    "  disable    refuse its logins and end its sessions\n"
	    "  enable     allow logins again (also clears a lock-out)\n"
	    "  unlock     clear a lock-out after repeated failures\n"
	    "  reset-mfa  remove its TOTP (lost device); it enrols again\n"
	    "  passwd     set a new password; ends its sessions\n"
	    "  set-role   change its role (and LRA); ends its sessions\n");
}

/* The first line of path, without its end; 0 on failure (logged). */
static int
account_pw_file(const char *path, char *buf, size_t *len)
{
	unsigned char *data;
	size_t n, i;

	if ((data = file_read(path, RA_PASSWORD_MAX + 2, &n)) == NULL)
		return 0;
	for (i = 0; i < n && data[i] != '\n' && data[i] != '\r'; i++)
		;
	if (i > RA_PASSWORD_MAX) {
		log_error("%s: password longer than %d characters", path,
		    RA_PASSWORD_MAX);
		sodium_memzero(data, n);
		free(data);
		return 0;
	}
	memcpy(buf, data, i);
	buf[i] = '\0';
	*len = i;
	sodium_memzero(data, n);
	free(data);
	return 1;
}

/* One line from the terminal without echo. */
static int
account_pw_prompt(int fd, const char *prompt, char *buf, size_t *len)
{
	struct termios old, quiet;
	size_t n = 0;
	char c;
	ssize_t r;

	if (tcgetattr(fd, &old) == -1)
		return 0;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (write(fd, prompt, strlen(prompt)) < 0 ||
	    tcsetattr(fd, TCSAFLUSH, &quiet) == -1)
		return 0;
	while ((r = read(fd, &c, 1)) == 1 && c != '\n' && c != '\r')
		if (n < ACCOUNT_PW_BUF - 1)
			buf[n++] = c;
	buf[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	*len = n;
	return r == 1 || n > 0;
}

static int
account_pw_tty(char *buf, size_t *len)
{
	char again[ACCOUNT_PW_BUF];
	size_t len2 = 0;
	int fd, ok = 0;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
		log_error("no terminal to ask the password on: give "
		    "--password-file FILE");
		return 0;
	}
	if (account_pw_prompt(fd, "New password: ", buf, len) &&
	    account_pw_prompt(fd, "Again: ", again, &len2)) {
		ok = *len == len2 && sodium_memcmp(buf, again, len2) == 0;
		if (!ok)
			log_error("the two passwords differ");
	}
	sodium_memzero(again, sizeof(again));
	close(fd);
	return ok;
}

static int
account_password(const char *file, char *buf, size_t *len)
{
	return file != NULL ? account_pw_file(file, buf, len) :
	    account_pw_tty(buf, len);
}

/* The console administrator: the operating-system user. */
static void
account_console(struct ra_principal *p)
{
	struct passwd *pw = getpwuid(geteuid());

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "os:%s",
	    pw != NULL ? pw->pw_name : "?");
	p->role = STORE_RA_ADMIN;
	p->full = 1;
	p->auth = "local";
	p->source = "cli";
}

static int
account_print(const struct store_account *a, void *arg)
{
	int64_t now = *(const int64_t *)arg;
	const char *state = a->disabled ? "disabled" :
	    a->locked_until > now ? "locked" : "active";

	printf("%-24s %-10s %-16s %-9s %-9s %lld\n", a->name,
	    store_ra_role_name(a->role), a->org ? a->org : "-",
	    a->totp_len > 0 ? "totp" : ra_role_needs_mfa(a->role) ?
	    "required" : "none", state, (long long)a->failures);
	return 1;
}

static int
account_list(struct ra *ra)
{
	int64_t now = (int64_t)time(NULL);

	printf("%-24s %-10s %-16s %-9s %-9s %s\n", "NAME", "ROLE", "LRA",
	    "MFA", "STATE", "FAILURES");
	return store_account_each(ra->st, account_print, &now);
}

struct account_args {
	const char	*verb;
	const char	*name;
	const char	*role;
	const char	*org;
	const char	*password_file;
};

static int
account_parse(int argc, char **argv, struct account_args *a)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "org", required_argument, NULL, 'o' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	/*
	 * getopt_long takes "--password" as an abbreviation of
	 * --password-file: refuse it, so that nobody believes a password
	 * on the command line was accepted as one.
	 */
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--pass", 6) == 0 &&
		    strcmp(argv[i], "--password-file") != 0 &&
		    strncmp(argv[i], "--password-file=", 16) != 0) {
			log_error("account: %.20s: passwords are never taken "
			    "from the command line; use --password-file FILE "
			    "or the terminal", argv[i]);
			return 0;
		}
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': a->role = optarg; break;
		case 'o': a->org = optarg; break;
		case 'p': a->password_file = optarg; break;
		default: return 0;
		}
	}
	if (optind >= argc) {
		log_error("account: give a verb (see inkan account --help)");
		return 0;
	}
	a->verb = argv[optind++];
	if (strcmp(a->verb, "list") == 0)
		return optind == argc;
	if (optind + 1 != argc) {
		log_error("account %s: give exactly one account NAME", a->verb);
		return 0;
	}
	a->name = argv[optind];
	return 1;
}

static enum ra_status
account_add(struct ra *ra, const struct ra_principal *by,
    const struct account_args *a)
{
	struct ra_account_new n = { 0 };
	char pw[ACCOUNT_PW_BUF];
	enum ra_status s;

	if (a->role == NULL || !store_ra_role_parse(a->role, &n.role)) {
		log_error("account add: --role must be admin, ra, lra, "
		    "auditor or custodian");
		return RA_INVALID;
	}
	if (!account_password(a->password_file, pw, &n.password_len))
		return RA_INVALID;
	n.name = a->name;
	n.org = a->org;
	n.password = pw;
	s = ra_account_add(ra, by, &n, (int64_t)time(NULL));
	sodium_memzero(pw, sizeof(pw));
	return s;
}

static enum ra_status
account_passwd(struct ra *ra, const struct ra_principal *by,
    const struct account_args *a)
{
	char pw[ACCOUNT_PW_BUF];
	size_t len = 0;
	enum ra_status s;

	if (!account_password(a->password_file, pw, &len))
		return RA_INVALID;
	s = ra_account_passwd(ra, by, a->name, pw, len);
	sodium_memzero(pw, sizeof(pw));
	return s;
}

static enum ra_status
account_run(struct ra *ra, const struct account_args *a)
{
	struct ra_principal by;

	account_console(&by);
	if (strcmp(a->verb, "list") == 0)
		return account_list(ra) ? RA_OK : RA_ERROR;
	if (strcmp(a->verb, "add") == 0)
		return account_add(ra, &by, a);
	if (strcmp(a->verb, "passwd") == 0)
		return account_passwd(ra, &by, a);
	if (strcmp(a->verb, "set-role") == 0) {
		enum store_ra_role role;

		if (a->role == NULL || !store_ra_role_parse(a->role, &role)) {
			log_error("account set-role: --role must be admin, ra, "
			    "lra, auditor or custodian");
			return RA_INVALID;
		}
		return ra_account_set_role(ra, &by, a->name, role, a->org);
	}
	if (strcmp(a->verb, "disable") == 0)
		return ra_account_disable(ra, &by, a->name, 1);
	if (strcmp(a->verb, "enable") == 0)
		return ra_account_disable(ra, &by, a->name, 0);
	if (strcmp(a->verb, "unlock") == 0)
		return ra_account_unlock(ra, &by, a->name);
	if (strcmp(a->verb, "reset-mfa") == 0)
		return ra_account_reset_mfa(ra, &by, a->name);
	return RA_STATUS_MAX;
}

int
cmd_account(const struct cmd_global *g, int argc, char **argv)
{
	struct account_args a = { 0 };
	struct ca *ca;
	struct ra *ra;
	enum ra_status s;

	if (!account_parse(argc, argv, &a))
		return CMD_USAGE;
	if (strcmp(a.verb, "add") != 0 && strcmp(a.verb, "set-role") != 0 &&
	    (a.role != NULL || a.org != NULL)) {
		log_error("account %s: --role and --org are for add and "
		    "set-role", a.verb);
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 1)) == NULL)
		return CMD_FAIL;
	if ((ra = ra_new(ca->store, 0, NULL)) == NULL) {
		ca_close(ca);
		return CMD_FAIL;
	}
	s = account_run(ra, &a);
	ra_free(ra);
	ca_close(ca);
	if (s == RA_STATUS_MAX) {
		log_error("account: unknown verb '%s' (see inkan account "
		    "--help)", a.verb);
		return CMD_USAGE;
	}
	if (s == RA_CONFLICT)
		log_error("account %s: not added (see above)", a.name);
	return s == RA_OK ? CMD_OK : CMD_FAIL;
}
