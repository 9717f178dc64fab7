#ifndef INKAN_CA_CALLS_H
#define INKAN_CA_CALLS_H

struct ca;

/*
 * Calls into the CA from inkand's HTTP threads. The worker thread alone
 * talks to the signer and owns the CA's store connection; an RA handler
 * that must issue or revoke (an approved application, a revocation
 * request) hands the work to the worker with ca_call and waits for it.
 * The calls run one at a time, in order, between the worker's other
 * tasks, so signing stays strictly sequential.
 */
struct ca_calls;

/* An empty queue. NULL on failure (logged). */
struct ca_calls *ca_calls_new(void);

/* Frees q; ca_calls_stop must have run. Accepts NULL. */
void ca_calls_free(struct ca_calls *q);

/*
 * From any thread but the worker: runs fn(ca, arg) on the worker and
 * returns what fn returned, or -1 if the daemon is stopping (fn then did
 * not run). Blocks until then; arg may live on the caller's stack.
 */
int ca_call(struct ca_calls *q, int (*fn)(struct ca *ca, void *arg),
    void *arg);

/* A descriptor that becomes readable when calls wait (for poll). */
int ca_calls_fd(const struct ca_calls *q);

/* On the worker: runs every waiting call against ca. */
void ca_calls_run(struct ca_calls *q, struct ca *ca);

/*
 * On the worker as it stops: refuses new calls and answers -1 to those
 * that wait, so no HTTP thread is left blocked.
 */
void ca_calls_stop(struct ca_calls *q);

#endif
