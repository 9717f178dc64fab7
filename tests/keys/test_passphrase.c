/*
 * Tests of src/keys/passphrase.c: passphrase files, and the prompt on the
 * terminal driven through a pseudo-terminal.
 */
#define _GNU_SOURCE	/* posix_openpt, ptsname, nftw */

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "keys/passphrase.h"
#include "keys/signer.h"
#include "util/file.h"

#define PASS	"correct horse battery"

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
setup(void **state)
{
	char *dir = strdup("/tmp/inkan-pass-XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	nftw(*state, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

/* Writes data to dir/pass and reads it back as a passphrase. */
static char *
read_file(const char *dir, const char *data, size_t len, size_t *pass_len)
{
	char *path = file_join(dir, "pass"), *pass;

	assert_non_null(path);
	assert_true(file_write_atomic(path, data, len, 0600, 0));
	pass = passphrase_read(path, dir, pass_len);
	free(path);
	return pass;
}

static void
test_file(void **state)
{
	const char *dir = *state;
	static char big[PASSPHRASE_FILE_MAX + 1];
	size_t len;
	char *p;

	/* First line only; LF or CRLF stripped; no line end at all. */
	assert_non_null(p = read_file(dir, PASS "\nsecond\n", 29, &len));
	assert_int_equal(len, strlen(PASS));
	assert_string_equal(p, PASS);
	passphrase_free(p, len);
	assert_non_null(p = read_file(dir, PASS "\r\n", 24, &len));
	assert_string_equal(p, PASS);
	passphrase_free(p, len);
	assert_non_null(p = read_file(dir, "12345678", 8, &len));
	assert_int_equal(len, 8);
	passphrase_free(p, len);
	/* Inner spaces are part of it. */
	assert_non_null(p = read_file(dir, " 1234567 \n", 10, &len));
	assert_string_equal(p, " 1234567 ");
	passphrase_free(p, len);

	assert_null(read_file(dir, "1234567\n", 8, &len));
	assert_null(read_file(dir, "\n" PASS "\n", 24, &len));
	assert_null(read_file(dir, "1234\0" "5678\n", 10, &len));
	memset(big, 'a', sizeof(big));
	assert_null(read_file(dir, big, sizeof(big), &len));
	assert_non_null(p = read_file(dir, big, sizeof(big) - 1, &len));
	assert_int_equal(len, PASSPHRASE_FILE_MAX);
	passphrase_free(p, len);
	assert_null(passphrase_read("/nonexistent/pass", dir, &len));
	passphrase_free(NULL, 0);
}

/* Reads the terminal until want appears; 0 on timeout or EOF. */
static int
expect(int master, const char *want)
{
	char buf[4096];
	size_t have = 0;
	struct pollfd pfd = { master, POLLIN, 0 };
	ssize_t n;

	while (have < sizeof(buf) - 1) {
		if (poll(&pfd, 1, 30000) != 1)
			return 0;
		if ((n = read(master, buf + have, sizeof(buf) - 1 - have)) <= 0)
			return 0;
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, want) != NULL)
			return 1;
	}
	return 0;
}

/*
 * In a new session whose terminal is the pty: starts a signer without a
 * passphrase file and uses key "k". Exit status 0 if that worked, 2 if
 * the signer did not start, 3 if the key could not be used.
 */
static void __attribute__((noreturn))
prompted_child(const char *slave, const char *keys, int generate)
{
	struct signer_config conf = { keys, NULL };
	unsigned char *spki = NULL;
	size_t len;
	struct signer *s;
	int ok, fd;

	if (setsid() == -1 || (fd = open(slave, O_RDWR)) == -1)
		_exit(4);
	if ((s = signer_start(&conf)) == NULL)
		_exit(2);
	ok = generate ? signer_generate(s, "k", 2048, &spki, &len) :
	    signer_pubkey(s, "k", &spki, &len);
	free(spki);
	signer_stop(s);
	close(fd);
	_exit(ok ? 0 : 3);
}

/* Runs prompted_child, answering each prompt with the next answer. */
static int
run_prompted(const char *keys, int generate, const char *const *prompts,
    const char *const *answers, size_t n)
{
	char slave[128];
	pid_t pid;
	size_t i;
	int master, st;

	assert_true((master = posix_openpt(O_RDWR | O_NOCTTY)) != -1);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	snprintf(slave, sizeof(slave), "%s", ptsname(master));
	fflush(NULL);
	assert_true((pid = fork()) != -1);
	if (pid == 0)
		prompted_child(slave, keys, generate);
	for (i = 0; i < n; i++) {
		if (!expect(master, prompts[i])) {
			kill(pid, SIGKILL);
			fail_msg("no prompt \"%s\" on the terminal", prompts[i]);
		}
		assert_true(write(master, answers[i], strlen(answers[i])) > 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(master);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
test_prompt(void **state)
{
	const char *const fresh[] = { "New passphrase", "Verifying" };
	const char *const again[] = { "Enter passphrase" };
	const char *const twice[] = { PASS "\n", PASS "\n" };
	const char *const differ[] = { PASS "\n", "something else\n" };
	const char *const wrong[] = { "not the passphrase\n" };
	char *keys, *other;

	assert_non_null(keys = file_join(*state, "keys"));
	assert_non_null(other = file_join(*state, "other"));
	/* No key yet: asked twice, then the key is made under it. */
	assert_int_equal(run_prompted(keys, 1, fresh, twice, 2), 0);
	/* A key exists: asked once; the right passphrase opens it. */
	assert_int_equal(run_prompted(keys, 0, again, twice, 1), 0);
	assert_int_equal(run_prompted(keys, 0, again, wrong, 1), 3);
	/* Two different answers: the signer does not start. */
	assert_int_equal(run_prompted(other, 1, fresh, differ, 2), 2);
	free(keys);
	free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_prompt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
