/* recvtty: a minimal --console-socket receiver for the integration tests.
 *
 *   recvtty <socket-path> [input-text]
 *
 * Listens on a unix stream socket, accepts one connection, receives one fd via SCM_RIGHTS,
 * checks that it is a pty master (TIOCGPTN succeeds), prints "recvtty: ptmx ok" or an error
 * to stderr, optionally writes input-text to the master, then copies everything read from
 * the master to stdout until the slave side is closed everywhere (EIO/EOF).
 * Exit status: 0 ok, 2 usage, 3 socket error, 4 no fd received, 5 not a pty master.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int recv_fd(int conn)
{
    char name[256];
    char cbuf[CMSG_SPACE(sizeof(int) * 4)];
    struct iovec iov = {name, sizeof(name)};
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    ssize_t n;
    do {
        n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        perror("recvtty: recvmsg");
        return -1;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int fd;
            memcpy(&fd, CMSG_DATA(c), sizeof(int));
            return fd;
        }
    }
    fprintf(stderr, "recvtty: message carried no fd\n");
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: recvtty <socket-path> [input-text]\n");
        return 2;
    }
    const char *path = argv[1];
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "recvtty: socket path too long\n");
        return 2;
    }
    strcpy(sa.sun_path, path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(s, 1) != 0) {
        perror("recvtty: socket");
        return 3;
    }
    int conn;
    do {
        conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    } while (conn < 0 && errno == EINTR);
    if (conn < 0) {
        perror("recvtty: accept");
        return 3;
    }
    int master = recv_fd(conn);
    close(conn);
    close(s);
    unlink(path);
    if (master < 0)
        return 4;
    unsigned int ptn;
    if (ioctl(master, TIOCGPTN, &ptn) != 0) {
        fprintf(stderr, "recvtty: received fd is not a pty master: %s\n", strerror(errno));
        return 5;
    }
    fprintf(stderr, "recvtty: ptmx ok (pts %u)\n", ptn);
    if (argc == 3) {
        const char *in = argv[2];
        if (write(master, in, strlen(in)) < 0)
            perror("recvtty: write");
    }
    char buf[4096];
    for (;;) {
        ssize_t n = read(master, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* EIO once every slave fd is closed */
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return 0;
            }
            off += w;
        }
    }
    return 0;
}
