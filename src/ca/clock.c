#include "ca/clock.h"

#include <stdio.h>
#include <time.h>

#include "util/log.h"

static void
clock_fmt(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

/* notBefore of cacert in seconds since the epoch; 0 if unreadable. */
static int64_t
clock_not_before(const X509 *cacert)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(X509_get0_notBefore(cacert), &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

int
ca_clock_check(struct ca *ca, const X509 *cacert, char *err, size_t errlen)
{
	int64_t now = (int64_t)ca_now(), nb, last;
	char a[32], b[32];

	if (cacert != NULL && (nb = clock_not_before(cacert)) > now) {
		clock_fmt(now, a);
		clock_fmt(nb, b);
		snprintf(err, errlen, "the system clock (%s) is before the "
		    "issuing CA certificate's notBefore (%s): the clock is "
		    "wrong; set it (NTP) before signing anything (CP-5.5.5)",
		    a, b);
		return 0;
	}
	if (!ca->clock_known) {
		if (!store_last_event(ca->store, &last)) {
			snprintf(err, errlen, "cannot read the time of the "
			    "store's last event");
			return 0;
		}
		ca->clock_last = last;
		ca->clock_known = 1;
	}
	if (now + ca->conf->clock_tolerance < ca->clock_last) {
		clock_fmt(now, a);
		clock_fmt(ca->clock_last, b);
		snprintf(err, errlen, "the system clock (%s) is behind the "
		    "last recorded event (%s) by more than the %d s that "
		    "[ca] clock_tolerance allows: the clock is wrong; set it "
		    "(NTP) before signing anything (CP-5.5.5)", a, b,
		    ca->conf->clock_tolerance);
		return 0;
	}
	if (now > ca->clock_last)
		ca->clock_last = now;
	return 1;
}

int
ca_clock_ok(struct ca *ca, const char *what, const X509 *cacert)
{
	char err[512];

	if (ca_clock_check(ca, cacert, err, sizeof(err)))
		return 1;
	log_error("%s: refused: %s", what, err);
	return 0;
}
