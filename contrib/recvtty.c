/*
 * recvtty: a minimal --console-socket receiver, for trying `berth create` with
 * "terminal": true by hand and for tests.
 *
 * Usage:
 *   recvtty [-m single|null] SOCKET_PATH
 *
 * Listens on the AF_UNIX stream socket SOCKET_PATH (removed first if it exists, and
 * again on exit), accepts one connection, receives one pty master fd (SCM_RIGHTS; the
 * message payload is the fd's name, "/dev/ptmx" from berth and runc), then:
 *   single  (default) copies the pty's output to stdout and stdin to the pty, until
 *           the container side hangs up (every holder of the pty slave is gone);
 *   null    keeps the master open and discards its output (so the container never
 *           blocks on a full pty buffer), until the container side hangs up.
 * Exit status: 0 when the pty hung up, 1 on errors, 2 on bad usage.
 *
 * Example:
 *   recvtty /tmp/c1.sock &
 *   berth create --console-socket /tmp/c1.sock --bundle b c1 && berth start c1
 *
 * Build: cc -O2 -Wall -o recvtty contrib/recvtty.c
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *sock_path;

static void cleanup(void) {
  if (sock_path != NULL) unlink(sock_path);
}

static void usage(void) {
  fprintf(stderr, "usage: recvtty [-m single|null] SOCKET_PATH\n");
  exit(2);
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Receives one message that must carry exactly one fd. */
static int recv_one_fd(int conn) {
  char name[4096];
  struct iovec iov = {name, sizeof name - 1};
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * 4)];
  } control;
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  ssize_t n;
  do {
    n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    perror("recvtty: recvmsg");
    return -1;
  }
  int fd = -1, count = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < nfds; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
      if (count++ == 0) fd = got;
      else close(got);
    }
  }
  if (count != 1) {
    fprintf(stderr, "recvtty: expected one fd, got %d\n", count);
    if (fd >= 0) close(fd);
    return -1;
  }
  name[n] = '\0';
  fprintf(stderr, "recvtty: received %s\n", name[0] ? name : "(unnamed fd)");
  return fd;
}

static int relay(int master, int copy) {
  int in_open = copy;
  char buf[16384];
  for (;;) {
    struct pollfd fds[2] = {{master, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      perror("recvtty: poll");
      return 1;
    }
    if (fds[0].revents) {
      ssize_t r = read(master, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return 0; /* EIO: the container side hung up */
      if (copy && write_all(1, buf, (size_t)r) < 0) {
        perror("recvtty: write stdout");
        return 1;
      }
    }
    if (fds[1].revents) {
      ssize_t r = read(0, buf, sizeof buf);
      if (r <= 0) {
        in_open = 0;
      } else if (write_all(master, buf, (size_t)r) < 0) {
        perror("recvtty: write pty");
        return 1;
      }
    }
  }
}

int main(int argc, char **argv) {
  const char *mode = "single";
  int opt;
  while ((opt = getopt(argc, argv, "m:h")) != -1) {
    if (opt == 'm') mode = optarg;
    else usage();
  }
  if (optind != argc - 1) usage();
  int copy = strcmp(mode, "single") == 0;
  if (!copy && strcmp(mode, "null") != 0) usage();

  struct sockaddr_un addr = {0};
  addr.sun_family = AF_UNIX;
  if (strlen(argv[optind]) >= sizeof addr.sun_path) {
    fprintf(stderr, "recvtty: socket path too long\n");
    return 1;
  }
  strcpy(addr.sun_path, argv[optind]);
  int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (l < 0) {
    perror("recvtty: socket");
    return 1;
  }
  unlink(addr.sun_path);
  if (bind(l, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(l, 1) < 0) {
    perror("recvtty: bind/listen");
    return 1;
  }
  sock_path = argv[optind];
  atexit(cleanup);

  int conn;
  do {
    conn = accept4(l, NULL, NULL, SOCK_CLOEXEC);
  } while (conn < 0 && errno == EINTR);
  if (conn < 0) {
    perror("recvtty: accept");
    return 1;
  }
  close(l);
  int master = recv_one_fd(conn);
  close(conn);
  if (master < 0) return 1;
  return relay(master, copy);
}
