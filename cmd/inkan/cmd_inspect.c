#include <stdio.h>

#include "cmd.h"
#include "util/log.h"

void
cmd_inspect_help(void)
{
	printf("usage: inkan inspect FILE...\n\n"
	    "Parses each certificate (PEM, several per file allowed, or DER)\n"
	    "and prints every field and extension with its criticality.\n");
}

int
cmd_inspect(const struct cmd_global *g, int argc, char **argv)
{
	STACK_OF(X509) *sk;
	int status = CMD_OK;

	(void)g;
	if (argc < 2) {
		cmd_inspect_help();
		return CMD_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if ((sk = cmd_read_certs(argv[i])) == NULL) {
			status = CMD_FAIL;
			continue;
		}
		for (int j = 0; j < sk_X509_num(sk); j++)
			X509_print_ex_fp(stdout, sk_X509_value(sk, j),
			    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, 0);
		sk_X509_pop_free(sk, X509_free);
	}
	return status;
}
