/* berth-exec: the last hop between container init and the container's process.
 *
 * Why (CVE-2019-5736): init is a clone of the host berth process, so until its final exec
 * /proc/self/exe is the host berth binary. An exec that resolves /proc/self/exe on the way
 * (a "#!/proc/self/exe" script, an ELF interpreter of /proc/self/exe, args[0] =
 * /proc/self/exe) would make the container run the host binary, dumpable, and another
 * container process could reopen that binary for writing once it is no longer executing.
 * init therefore execs this stub from a sealed memfd first (process/sealed_exec.cc); the
 * stub execs the real program, and anything resolving /proc/self/exe during that exec finds
 * the sealed copy of this stub, which cannot be written and refuses to run without its
 * magic argv[0].
 *
 *   argv: "berth-exec" <report> <path> <argv[0]> ... ; envp is the container's
 *   <report>  "-": write failures to stderr only
 *             "s<fd>": a SOCK_SEQPACKET to the runtime (sync.h): send one kError frame
 *             "e<fd>": a pipe of the hook runner: write the errno as a native int
 *   The report fd is inherited (not close-on-exec); it is marked close-on-exec here so
 *   that the program never gets it and the runtime sees EOF when its exec succeeds.
 *
 * Freestanding: no libc, raw syscalls, x86_64 and aarch64. Built with -nostdlib -static
 * (see meson.build) and embedded into berth as bytes. */

#if defined(__x86_64__)
enum { NR_write = 1, NR_fcntl = 72, NR_sendto = 44, NR_execve = 59, NR_exit_group = 231 };
__asm__(".text\n.globl _start\n_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call stub_main\n"
        "  hlt\n");
static long sys6(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}
#elif defined(__aarch64__)
enum { NR_write = 64, NR_fcntl = 25, NR_sendto = 206, NR_execve = 221, NR_exit_group = 94 };
__asm__(".text\n.globl _start\n_start:\n"
        "  mov x29, #0\n"
        "  mov x0, sp\n"
        "  bl stub_main\n"
        "  brk #0\n");
static long sys6(long n, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  return x0;
}
#else
#error "berth-exec: unsupported architecture"
#endif

#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

enum { kF_SETFD = 2, kFD_CLOEXEC = 1, kMSG_NOSIGNAL = 0x4000, kMsgError = 5 };
enum { kMaxText = 1000 }; /* berth::Error::kMaxMessage */

/* A kError frame as process/sync.cc lays it out: {u32 type, i32 code, u32 len} text. */
struct frame {
  unsigned type;
  int code;
  unsigned len;
  char text[kMaxText];
};

static unsigned put(char* buf, unsigned at, const char* s) {
  while (*s && at < kMaxText) buf[at++] = *s++;
  return at;
}

static unsigned put_num(char* buf, unsigned at, long v) {
  char tmp[24];
  int n = 0;
  if (v < 0) {
    at = put(buf, at, "-");
    v = -v;
  }
  do tmp[n++] = (char)('0' + v % 10);
  while ((v /= 10) && n < 23);
  while (n > 0 && at < kMaxText) buf[at++] = tmp[--n];
  return at;
}

/* strerror for what execve(2) returns; anything else as its number. */
static const char* reason(int e) {
  switch (e) {
    case 1: return "Operation not permitted";
    case 2: return "No such file or directory";
    case 7: return "Argument list too long";
    case 8: return "Exec format error";
    case 12: return "Cannot allocate memory";
    case 13: return "Permission denied";
    case 20: return "Not a directory";
    case 21: return "Is a directory";
    case 26: return "Text file busy";
    case 36: return "File name too long";
    case 40: return "Too many levels of symbolic links";
    default: return 0;
  }
}

static int streq(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

static long parse_fd(const char* s) {
  long v = 0;
  if (!*s) return -1;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9' || v > 1 << 20) return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

static void say(const char* text, unsigned n) {
  sys3(NR_write, 2, "berth-exec: ", 12);
  sys3(NR_write, 2, text, n);
  sys3(NR_write, 2, "\n", 1);
}

__attribute__((noreturn, used)) void stub_main(long* sp) {
  long argc = sp[0];
  char** argv = (char**)(sp + 1);
  char** envp = argv + argc + 1;
  static struct frame f;

  if (argc < 4 || !streq(argv[0], "berth-exec")) {
    /* Someone ran /proc/self/exe of a container process: that is this stub, and it has
     * nothing to run. */
    unsigned n = put(f.text, 0, "not a program: it only starts a container's process");
    say(f.text, n);
    sys3(NR_exit_group, 127, 0, 0);
  }
  const char* report = argv[1];
  long fd = report[0] == 's' || report[0] == 'e' ? parse_fd(report + 1) : -1;
  if (fd >= 0) sys3(NR_fcntl, fd, kF_SETFD, kFD_CLOEXEC);

  long r = sys3(NR_execve, argv[2], argv + 3, envp);

  int err = (int)-r;
  if (fd >= 0 && report[0] == 'e' && sys3(NR_write, fd, &err, sizeof err) == sizeof err)
    sys3(NR_exit_group, 127, 0, 0);
  unsigned n = put(f.text, 0, "exec ");
  n = put(f.text, n, argv[2]);
  n = put(f.text, n, ": ");
  const char* why = reason(err);
  if (why) {
    n = put(f.text, n, why);
  } else {
    n = put(f.text, n, "errno ");
    n = put_num(f.text, n, err);
  }
  f.type = kMsgError;
  f.code = err;
  f.len = n;
  long hdr = (long)((char*)f.text - (char*)&f);
  if (fd < 0 || report[0] != 's' ||
      sys6(NR_sendto, fd, (long)&f, hdr + n, kMSG_NOSIGNAL, 0, 0) < 0)
    say(f.text, n);
  sys3(NR_exit_group, 127, 0, 0);
  __builtin_unreachable();
}
