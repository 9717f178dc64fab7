/*
 * storm: opens N TCP connections to 127.0.0.1:PORT at once and drops
 * them, for tests/relying/test_ocsp_hostile.sh (a server must survive
 * it with its descriptors back where they were).
 *
 *   storm PORT N SECONDS OCSP_GET_PATH
 *
 * All N connects are started non-blocking, then each connection, once
 * established, does one of six things by its index:
 *   0  nothing                                  then close (FIN)
 *   1  nothing                                  then reset (RST)
 *   2  POST /ocsp headers and part of the body  then reset
 *   3  a whole OCSP GET request (not read)      then close
 *   4  binary garbage                           then close
 *   5  8 KiB of one header line, never ended    then reset
 * Every connection is dropped only after all were handled (or SECONDS
 * passed), so that up to N are open on the server at once.
 *
 * Prints "opened N connected C failed F pending P" and exits 0 when it
 * ran (whatever the server did), 1 on a local error (descriptors,
 * memory). Raises its own descriptor limit to the hard limit; if that is
 * below N + 16, N is lowered and a note goes to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void
send_all(int fd, const char *buf, size_t len)
{
	/* Non-blocking: whatever the socket buffer takes is enough. */
	(void)send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct rlimit rl;
	struct linger lg = { 1, 0 };
	struct pollfd *p;
	char *whole, *big;
	int *fd, *state;
	long n, port, secs;
	long connected = 0, failed = 0, left;
	time_t end;
	static const char post[] = "POST /ocsp/pubca1 HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/ocsp-request\r\n"
	    "Content-Length: 4000\r\n\r\n0\x82\x0f\xa0";
	static const char garbage[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc"
	    "\x03\x03\xff\xfe\x00\r\n\r\n\x80\x81";

	if (argc != 5) {
		fprintf(stderr, "usage: storm PORT N SECONDS OCSP_GET_PATH\n");
		return 1;
	}
	port = strtol(argv[1], NULL, 10);
	n = strtol(argv[2], NULL, 10);
	secs = strtol(argv[3], NULL, 10);
	if (port <= 0 || port > 65535 || n <= 0 || secs <= 0) {
		fprintf(stderr, "storm: bad arguments\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur != RLIM_INFINITY &&
		    (rlim_t)n + 16 > rl.rlim_cur) {
			n = (long)rl.rlim_cur - 16;
			fprintf(stderr, "storm: descriptor limit %lu: %ld "
			    "connections only\n", (unsigned long)rl.rlim_cur, n);
		}
	}
	if ((whole = malloc(strlen(argv[4]) + 64)) == NULL ||
	    (big = malloc(8300)) == NULL ||
	    (fd = calloc((size_t)n, sizeof(*fd))) == NULL ||
	    (state = calloc((size_t)n, sizeof(*state))) == NULL ||
	    (p = calloc((size_t)n, sizeof(*p))) == NULL) {
		perror("storm");
		return 1;
	}
	snprintf(whole, strlen(argv[4]) + 64,
	    "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", argv[4]);
	memcpy(big, "GET /ocsp/pubca1 HTTP/1.1\r\nX-Long: ", 36);
	memset(big + 36, 'a', 8192);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (long i = 0; i < n; i++) {
		fd[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd[i] < 0) {
			perror("storm: socket");
			return 1;
		}
		p[i].fd = fd[i];
		p[i].events = POLLOUT;
		if (connect(fd[i], (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
		    errno != EINPROGRESS) {
			failed++;
			p[i].fd = -1;
			state[i] = -1;
		}
	}
	left = n - failed;
	end = time(NULL) + secs;
	while (left > 0 && time(NULL) < end) {
		int r = poll(p, (nfds_t)n, 500);

		if (r < 0 && errno != EINTR) {
			perror("storm: poll");
			return 1;
		}
		for (long i = 0; r > 0 && i < n; i++) {
			int err = 0;
			socklen_t len = sizeof(err);

			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			p[i].fd = -1;
			left--;
			if (getsockopt(fd[i], SOL_SOCKET, SO_ERROR, &err,
			    &len) != 0 || err != 0) {
				failed++;
				state[i] = -1;
				continue;
			}
			connected++;
			state[i] = 1;
			switch (i % 6) {
			case 2: send_all(fd[i], post, sizeof(post) - 1); break;
			case 3: send_all(fd[i], whole, strlen(whole)); break;
			case 4: send_all(fd[i], garbage, sizeof(garbage) - 1); break;
			case 5: send_all(fd[i], big, 36 + 8192); break;
			default: break;
			}
		}
	}
	for (long i = 0; i < n; i++) {
		if (i % 6 == 1 || i % 6 == 2 || i % 6 == 5)
			(void)setsockopt(fd[i], SOL_SOCKET, SO_LINGER, &lg,
			    sizeof(lg));
		close(fd[i]);
	}
	printf("opened %ld connected %ld failed %ld pending %ld\n", n,
	    connected, failed, left);
	free(p);
	free(state);
	free(fd);
	free(big);
	free(whole);
	return 0;
}
