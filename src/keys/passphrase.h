#ifndef INKAN_KEYS_PASSPHRASE_H
#define INKAN_KEYS_PASSPHRASE_H

#include <stddef.h>

/* Shortest passphrase the signer accepts, in bytes. */
#define PASSPHRASE_MIN		8
/* Largest passphrase file, and so the longest passphrase. */
#define PASSPHRASE_FILE_MAX	1024

/*
 * Reads the passphrase of the keys in key_dir: the first line of file
 * (without its line end), or, if file is NULL, from /dev/tty, asked
 * twice when key_dir holds no key yet. Returns it NUL-terminated in
 * OpenSSL secure memory, *len bytes, or NULL (logged). The caller frees
 * it with passphrase_free().
 */
char *passphrase_read(const char *file, const char *key_dir, size_t *len);

/* Cleanses and frees a passphrase; accepts NULL. */
void passphrase_free(char *pass, size_t len);

#endif
