#ifndef INKAN_KEYS_SIGNER_IMPL_H
#define INKAN_KEYS_SIGNER_IMPL_H

#include <stddef.h>

#include "keys/signer.h"

/*
 * Declarations shared by the files of src/keys/ and its tests; nothing
 * outside the keys module includes this header.
 */

/* Why the child refused a request: "key NAME: rule", sent back as is. */
struct signer_reason {
	char	 text[512];
};

/*
 * Sets the reason to "key NAME: " followed by the formatted rule and
 * returns 0, so refusals read "return signer_refuse(...)".
 */
int signer_refuse(struct signer_reason *why, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The child side of signer_start(): sets the process up, reads the
 * passphrase, answers one ready reply and serves fd until EOF. Exits 0
 * after a clean EOF, 1 otherwise; never returns.
 */
void signer_child_main(int fd, const struct signer_config *conf)
    __attribute__((noreturn));

/* Test hook: the parent's end of the socket, for sending raw bytes. */
int signer_fd(const struct signer *s);

/*
 * Test hook and common path of the client calls: sends one request and
 * reads its reply. Returns 1 if a reply arrived (then *status is its
 * status byte and *reply, malloc'd or NULL when empty, the rest), 0 if
 * the request was invalid or the session broke (logged).
 */
int signer_request(struct signer *s, enum signer_op op, enum signer_md md,
    const char *key, const unsigned char *payload, size_t len,
    unsigned char *status, unsigned char **reply, size_t *reply_len);

/*
 * signer_stop() with the child's wait status in *wstatus (-1 if it could
 * not be collected). Frees s. Returns 1 if the child was reaped.
 */
int signer_stop_status(struct signer *s, int *wstatus);

#endif
