#ifndef INKAN_RA_APP_ISSUE_H
#define INKAN_RA_APP_ISSUE_H

#include "ra/app.h"

/*
 * Issuance of an approved application (CP-4.2.3), inside src/ra: app.c
 * calls it on approval. The CA work runs on the CA (inkand: its worker
 * thread through env->calls) in one call: the certificate is issued and
 * recorded on the application, the one it replaces is revoked as
 * superseded (CP-4.8). Then, on the caller's thread, app_after_issue()
 * and the mails: the notice to the person in charge (CP-4.3.2, 4.4.3)
 * and, for a CA-generated key, the PIN to the applicant (CP-6.1.2). A
 * failed issuance leaves the application approved with the error.
 */
void app_issue(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, const struct store_app *a, int64_t now,
    struct app_outcome *out);

/* A PIN of len - 1 characters from an unambiguous alphabet (CSPRNG). */
int app_pin_new(char *pin, size_t len);

#endif
