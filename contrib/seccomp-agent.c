/* seccomp-agent: a minimal seccomp notify agent for linux.seccomp.listenerPath.
 *
 *   seccomp-agent -s SOCKET -l LOG -n SYSCALL (-e ERRNO | -v VALUE)
 *
 * Listens on the AF_UNIX stream socket SOCKET, accepts ONE connection from the runtime
 * and receives the seccomp notify fd (SCM_RIGHTS) with the container process state
 * (config-linux.md "The Container Process State"), which it writes to LOG as its first
 * line (newlines replaced by spaces). Then it answers every notification until the
 * container is gone:
 *   - SYSCALL: fails with ERRNO (-e), or "succeeds" without running, returning VALUE (-v);
 *   - any other syscall: is let through (SECCOMP_USER_NOTIF_FLAG_CONTINUE).
 * Each answer is logged as `NAME pid=N -> errno E | value V | continue`.
 *
 * Example, with a config whose linux.seccomp has
 *   "listenerPath": "/run/agent.sock", "listenerMetadata": "hello",
 *   "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]
 * run `seccomp-agent -s /run/agent.sock -l /tmp/agent.log -n mkdir -e 13 &` before
 * `berth run`: mkdir in the container then fails with EACCES.
 *
 * Built by meson as build/contrib/seccomp-agent (static, not installed); by hand:
 *   gcc -O2 -static -o seccomp-agent contrib/seccomp-agent.c -lseccomp
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif

static void die(const char *what)
{
    fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* 1 once buf[0..len) holds one complete JSON object. */
static int complete(const char *buf, size_t len)
{
    int depth = 0, in_str = 0, esc = 0, started = 0;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            depth++;
            started = 1;
        } else if (c == '}' || c == ']') {
            if (--depth == 0 && started)
                return 1;
        }
    }
    return 0;
}

/* Reads the state and the fd. It stops at the end of the JSON object rather than waiting
 * for EOF: the spec has the runtime close the connection, but a runtime that stays in the
 * foreground (runc 1.1 `run`) may keep it open, and its container would wait on us. */
static int receive(int conn, char *buf, size_t cap)
{
    int fd = -1;
    size_t len = 0;
    while (!complete(buf, len)) {
        char ctl[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {buf + len, cap - 1 - len};
        struct msghdr m = {0};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = ctl;
        m.msg_controllen = sizeof ctl;
        ssize_t n = recvmsg(conn, &m, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("recvmsg");
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                memcpy(&fd, CMSG_DATA(c), sizeof fd);
        len += (size_t)n;
        if (n == 0 || len >= cap - 1)
            break;
    }
    buf[len] = 0;
    return fd;
}

int main(int argc, char **argv)
{
    const char *sock = NULL, *logpath = NULL, *name = NULL;
    long err = -1, value = 0;
    int opt;
    while ((opt = getopt(argc, argv, "s:l:n:e:v:")) != -1) {
        switch (opt) {
        case 's': sock = optarg; break;
        case 'l': logpath = optarg; break;
        case 'n': name = optarg; break;
        case 'e': err = strtol(optarg, NULL, 0); break;
        case 'v': value = strtol(optarg, NULL, 0); break;
        default: goto usage;
        }
    }
    if (!sock || !logpath || !name) {
    usage:
        fprintf(stderr, "usage: seccomp-agent -s SOCKET -l LOG -n SYSCALL (-e ERRNO | -v VALUE)\n");
        return 2;
    }

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(sock) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        die(sock);
    }
    strcpy(addr.sun_path, sock);
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0)
        die("socket");
    unlink(sock);
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 1) < 0)
        die(sock);
    FILE *log = fopen(logpath, "a");
    if (!log)
        die(logpath);
    setvbuf(log, NULL, _IOLBF, 0);

    int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        die("accept");
    static char state[65536];
    int nfd = receive(conn, state, sizeof state);
    close(conn);
    close(ls);
    unlink(sock);
    /* One line: raw newlines in JSON can only be whitespace (strings escape them). */
    for (char *c = state; *c; c++)
        if (*c == '\n')
            *c = ' ';
    fprintf(log, "%s\n", state);
    if (nfd < 0) {
        fprintf(stderr, "seccomp-agent: no fd received\n");
        return 1;
    }

    struct seccomp_notif req;
    struct seccomp_notif_resp resp;
    for (;;) {
        memset(&req, 0, sizeof req);
        if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
            if (errno == EINTR)
                continue;
            break; /* ENOENT: every task using the filter is gone */
        }
        char *sys = seccomp_syscall_resolve_num_arch(req.data.arch, req.data.nr);
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        if (sys && strcmp(sys, name) == 0) {
            if (err >= 0) {
                resp.error = (int)-err;
                fprintf(log, "%s pid=%u -> errno %ld\n", sys, req.pid, err);
            } else {
                resp.val = value;
                fprintf(log, "%s pid=%u -> value %ld\n", sys, req.pid, value);
            }
        } else {
            resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
            fprintf(log, "%s pid=%u -> continue\n", sys ? sys : "?", req.pid);
        }
        free(sys);
        /* ENOENT here: the caller was killed meanwhile; nothing to answer. */
        if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
            die("SECCOMP_IOCTL_NOTIF_SEND");
    }
    fprintf(log, "done\n");
    return 0;
}
