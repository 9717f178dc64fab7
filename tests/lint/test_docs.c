/*
 * docs/lint.md is generated from the rule table (inkan lint --list-rules
 * --markdown): this test fails when the committed page and the table
 * differ. Regenerate with
 *     build/inkan lint --list-rules --markdown > docs/lint.md
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint/lint.h"

static void
test_docs_match_table(void **state)
{
	const char *src = getenv("INKAN_SOURCE_DIR");
	char path[1024], *want = NULL, *have;
	size_t want_len = 0;
	long len;
	FILE *fp, *mem;

	(void)state;
	snprintf(path, sizeof(path), "%s/docs/lint.md", src != NULL ? src : ".");
	assert_non_null(mem = open_memstream(&want, &want_len));
	lint_rules_print(mem, 1);
	assert_int_equal(fclose(mem), 0);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	assert_true((len = ftell(fp)) >= 0);
	rewind(fp);
	assert_non_null(have = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(have, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	if (strcmp(have, want) != 0)
		fail_msg("docs/lint.md differs from the rule table; regenerate "
		    "it with: inkan lint --list-rules --markdown > docs/lint.md");
	free(have);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docs_match_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
