#include "keys/passphrase.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "util/file.h"
#include "util/log.h"

/* A copy of pass[0..len) in secure memory, NUL-terminated. */
static char *
passphrase_dup(const char *pass, size_t len)
{
	char *p;

	if ((p = OPENSSL_secure_malloc(len + 1)) == NULL) {
		log_error("passphrase: out of memory");
		return NULL;
	}
	memcpy(p, pass, len);
	p[len] = '\0';
	return p;
}

static int
passphrase_check(const char *what, const char *pass, size_t len)
{
	if (memchr(pass, '\0', len) != NULL) {
		log_error("%s: passphrase contains a NUL byte", what);
		return 0;
	}
	if (len < PASSPHRASE_MIN) {
		log_error("%s: passphrase shorter than %d bytes", what,
		    PASSPHRASE_MIN);
		return 0;
	}
	return 1;
}

static char *
passphrase_from_file(const char *file, size_t *len)
{
	unsigned char *buf;
	char *nl, *pass = NULL;
	struct stat st;
	size_t flen, plen;

	if ((buf = file_read(file, PASSPHRASE_FILE_MAX, &flen)) == NULL)
		return NULL;
	/* Only the first line counts, so an editor's newline is harmless. */
	if ((nl = memchr(buf, '\n', flen)) != NULL)
		plen = (size_t)(nl - (char *)buf);
	else
		plen = flen;
	if (plen > 0 && buf[plen - 1] == '\r')
		plen--;
	if (!passphrase_check(file, (char *)buf, plen))
		goto out;
	if (stat(file, &st) == 0 && (st.st_mode & 077) != 0)
		log_warn("%s: passphrase file is readable by others", file);
	if ((pass = passphrase_dup((char *)buf, plen)) != NULL)
		*len = plen;
 out:
	OPENSSL_cleanse(buf, flen);
	free(buf);
	return pass;
}

/* 1 if key_dir already holds a NAME.key, so the passphrase is not new. */
static int
passphrase_dir_has_keys(const char *key_dir)
{
	struct dirent *de;
	size_t n;
	DIR *d;
	int found = 0;

	if ((d = opendir(key_dir)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		found = n > 4 && strcmp(de->d_name + n - 4, ".key") == 0;
	}
	closedir(d);
	return found;
}

static char *
passphrase_from_tty(const char *key_dir, size_t *len)
{
	char prompt[256], *buf, *pass = NULL;
	int verify = !passphrase_dir_has_keys(key_dir);

	if ((buf = OPENSSL_secure_zalloc(PASSPHRASE_FILE_MAX)) == NULL) {
		log_error("passphrase: out of memory");
		return NULL;
	}
	snprintf(prompt, sizeof(prompt), "%s passphrase for the keys in %s:",
	    verify ? "New" : "Enter", key_dir);
	/* UI reads /dev/tty itself; stdin is /dev/null in the signer. */
	if (EVP_read_pw_string_min(buf, PASSPHRASE_MIN,
	    PASSPHRASE_FILE_MAX - 1, prompt, verify) != 0) {
		log_openssl("%s: cannot read the passphrase from the "
		    "terminal (at least %d bytes)", key_dir, PASSPHRASE_MIN);
		goto out;
	}
	*len = strlen(buf);
	if (passphrase_check(key_dir, buf, *len))
		pass = passphrase_dup(buf, *len);
 out:
	OPENSSL_secure_clear_free(buf, PASSPHRASE_FILE_MAX);
	return pass;
}

char *
passphrase_read(const char *file, const char *key_dir, size_t *len)
{
	if (file != NULL)
		return passphrase_from_file(file, len);
	return passphrase_from_tty(key_dir, len);
}

void
passphrase_free(char *pass, size_t len)
{
	if (pass != NULL)
		OPENSSL_secure_clear_free(pass, len + 1);
}
