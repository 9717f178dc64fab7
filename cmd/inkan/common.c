#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "cmd.h"
#include "util/file.h"
#include "util/log.h"

struct ca *
cmd_open_ca(const struct cmd_global *g, int no_signer)
{
	struct ca_open_opts o = { 0 };

	if (g->dir == NULL) {
		log_error("no CA directory: give --dir DIR or set INKAN_DIR");
		return NULL;
	}
	o.dir = g->dir;
	o.passphrase_file = g->passphrase_file;
	o.no_signer = no_signer;
	return ca_open(&o);
}

int
cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int
cmd_write_pem(const char *path, X509 *x, STACK_OF(X509) *chain)
{
	BIO *b;
	BUF_MEM *mem;
	int ok = 0;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return 0;
	if (x != NULL && !PEM_write_bio_X509(b, x))
		goto out;
	for (int i = 0; i < sk_X509_num(chain); i++)
		if (!PEM_write_bio_X509(b, sk_X509_value(chain, i)))
			goto out;
	BIO_get_mem_ptr(b, &mem);
	if (strcmp(path, "-") == 0)
		ok = fwrite(mem->data, 1, mem->length, stdout) == mem->length &&
		    fflush(stdout) == 0;
	else
		ok = file_write_atomic(path, mem->data, mem->length, 0644, 0);
 out:
	BIO_free(b);
	return ok;
}

/* Reads every certificate in a PEM or DER file into a new stack. */
STACK_OF(X509) *
cmd_read_certs(const char *path)
{
	STACK_OF(X509) *sk = NULL;
	unsigned char *buf;
	const unsigned char *p;
	size_t len;
	X509 *x;
	BIO *b = NULL;

	if ((buf = file_read(path, FILE_READ_MAX, &len)) == NULL)
		return NULL;
	if ((sk = sk_X509_new_null()) == NULL)
		goto out;
	if (len > 10 && memcmp(buf, "-----BEGIN", 10) == 0) {
		if ((b = BIO_new_mem_buf(buf, (int)len)) == NULL)
			goto out;
		while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
			if (!sk_X509_push(sk, x))
				X509_free(x);
	} else {
		p = buf;
		if ((x = d2i_X509(NULL, &p, (long)len)) != NULL &&
		    p == buf + len && !sk_X509_push(sk, x))
			X509_free(x);
	}
 out:
	BIO_free(b);
	free(buf);
	if (sk != NULL && sk_X509_num(sk) == 0) {
		log_error("%s: no certificate found (PEM or DER expected)",
		    path);
		sk_X509_free(sk);
		sk = NULL;
	}
	return sk;
}

