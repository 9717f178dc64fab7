#ifndef INKAN_CONF_CHECK_H
#define INKAN_CONF_CHECK_H

#include "conf/conf.h"

/*
 * Validates a parsed configuration as a whole: required keys, names that
 * refer to each other, URL schemes, key sizes (CP-6.1.5) and the CABF
 * separation of issuing CAs. Logs every problem; 1 if there is none.
 */
int conf_check(struct conf *conf);

#endif
