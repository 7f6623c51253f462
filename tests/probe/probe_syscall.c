/* probe syscall [--trap] [--thread] <name|nr:N> [arg...]: make one raw syscall (seccomp tests).
 *
 * Prints {"ret":R,"errno":E} (errno 0 on success) and exits 0.
 *   --trap    install a SIGSYS handler first; if it fires, prints
 *             {"sigsys":true,"syscall":NR,"code":SI_CODE} (SCMP_ACT_TRAP) instead.
 *   --thread  make the call in a second thread; if that thread is killed without the
 *             process (SCMP_ACT_KILL_THREAD), the main thread prints {"thread_died":true}.
 * Arguments are numbers (strtoull, so 0x... works); "str:TEXT" passes a pointer to TEXT.
 * Names: the few the tests use, see kCalls.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
    const char *name;
    long nr;
} kCalls[] = {
    {"getpid", SYS_getpid},       {"getppid", SYS_getppid},   {"personality", SYS_personality},
    {"socket", SYS_socket},       {"mkdir", SYS_mkdir},       {"rmdir", SYS_rmdir},
    {"keyctl", SYS_keyctl},       {"add_key", SYS_add_key},   {"unshare", SYS_unshare},
    {"userfaultfd", SYS_userfaultfd}, {"getcwd", SYS_getcwd}, {"uname", SYS_uname},
    {"chdir", SYS_chdir},         {"umask", SYS_umask},       {"getpriority", SYS_getpriority},
};

static long nr;
static unsigned long args[6];
static volatile sig_atomic_t trapped, trap_code, trap_nr;
static volatile int thread_done;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    trapped = 1;
    trap_code = si->si_code;
    trap_nr = si->si_syscall;
}

static void *call(void *unused)
{
    (void)unused;
    errno = 0;
    long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
    int e = r < 0 ? errno : 0;
    if (trapped)
        printf("{\"sigsys\":true,\"syscall\":%d,\"code\":%d}\n", (int)trap_nr, (int)trap_code);
    else
        printf("{\"ret\":%ld,\"errno\":%d}\n", r, e);
    fflush(stdout);
    thread_done = 1;
    return NULL;
}

static int act_syscall(int argc, char **argv)
{
    int trap = 0, thread = 0, i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--trap") == 0)
            trap = 1;
        else if (strcmp(argv[i], "--thread") == 0)
            thread = 1;
    }
    if (i >= argc)
        return 2;
    nr = -1;
    if (strncmp(argv[i], "nr:", 3) == 0) /* a number: syscalls newer than this libc */
        nr = strtol(argv[i] + 3, NULL, 0);
    for (size_t k = 0; nr < 0 && k < sizeof kCalls / sizeof kCalls[0]; k++)
        if (strcmp(kCalls[k].name, argv[i]) == 0)
            nr = kCalls[k].nr;
    if (nr < 0) {
        fprintf(stderr, "probe syscall: unknown name %s\n", argv[i]);
        return 2;
    }
    for (int a = 0; a < 6 && i + 1 + a < argc; a++) {
        const char *s = argv[i + 1 + a];
        args[a] = strncmp(s, "str:", 4) == 0 ? (unsigned long)(s + 4) : strtoull(s, NULL, 0);
    }
    if (trap) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigsys;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGSYS, &sa, NULL);
    }
    if (!thread) {
        call(NULL);
        return 0;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, call, NULL) != 0)
        return 2;
    pthread_join(t, NULL);
    if (!thread_done)
        printf("{\"thread_died\":true}\n");
    return 0;
}
