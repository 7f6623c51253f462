#include "base/signals.h"

#include <signal.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <string>

namespace berth {
namespace {

struct Named {
  const char* name;
  int num;
};
constexpr Named kSignals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},
    {"URG", SIGURG},     {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},   {"WINCH", SIGWINCH},   {"IO", SIGIO},       {"POLL", SIGPOLL},
    {"PWR", SIGPWR},     {"SYS", SIGSYS},
};

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<int> parse_signal(std::string_view in) {
  int n;
  if (parse_int(in, n)) {
    if (n <= 0 || n > SIGRTMAX) return BERTH_ERR(EINVAL, "unknown signal \"%.*s\"",
                                                 static_cast<int>(in.size()), in.data());
    return n;
  }
  std::string s;
  for (char c : in) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.rfind("SIG", 0) == 0) s.erase(0, 3);
  for (const auto& e : kSignals)
    if (s == e.name) return e.num;
  // Real-time signals: RTMIN, RTMIN+n, RTMAX, RTMAX-n.
  auto rt = [&](std::string_view base, int origin, int sign) -> int {
    std::string_view v(s);
    if (v.rfind(base, 0) != 0) return -1;
    v.remove_prefix(base.size());
    if (v.empty()) return origin;
    if (v[0] != (sign > 0 ? '+' : '-')) return -1;
    int k;
    if (!parse_int(v.substr(1), k) || k < 0) return -1;
    int sig = origin + sign * k;
    return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
  };
  if (int r = rt("RTMIN", SIGRTMIN, 1); r > 0) return r;
  if (int r = rt("RTMAX", SIGRTMAX, -1); r > 0) return r;
  return BERTH_ERR(EINVAL, "unknown signal \"%.*s\"", static_cast<int>(in.size()), in.data());
}

const char* signal_name(int sig) {
  for (const auto& e : kSignals)
    if (e.num == sig) {
      static thread_local char buf[16];
      std::snprintf(buf, sizeof buf, "SIG%s", e.name);
      return buf;
    }
  static thread_local char buf[24];
  if (sig >= SIGRTMIN && sig <= SIGRTMAX)
    std::snprintf(buf, sizeof buf, "SIGRTMIN+%d", sig - SIGRTMIN);
  else
    std::snprintf(buf, sizeof buf, "signal %d", sig);
  return buf;
}

}  // namespace berth
