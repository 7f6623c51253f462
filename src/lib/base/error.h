// berth::Error and Result: the error currency of the runtime.
//
// An Error is an errno value plus a fixed-size message. It never allocates, so the
// container child can build one after clone3() and send it to the parent in a single
// write() on the sync socket (see process/sync.h). Each layer adds context with
// wrap(), e.g. wrap("mounts[3]") turns "mkdir: Permission denied" into
// "mounts[3]: mkdir: Permission denied". Errors are logged once, where handled.
#pragma once

#include <cerrno>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <string>
#include <string_view>

#include <oci/expected.h>

namespace berth {

// std::expected or the stand-in oci-spec carries for clang 14 (oci/expected.h).
using oci::Expected;
using oci::Unexpected;

class Error {
 public:
  static constexpr std::size_t kMaxMessage = 1000;

  Error() = default;

  /// An error with an explicit errno (0 for "not a system error").
  [[gnu::format(printf, 2, 3)]] static Error make(int code, const char* fmt, ...) {
    Error e;
    e.code_ = code;
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(e.msg_, sizeof e.msg_, fmt, ap);
    va_end(ap);
    return e;
  }

  /// An error from the current errno: "<message>: <strerror(errno)>".
  [[gnu::format(printf, 1, 2)]] static Error sys(const char* fmt, ...) {
    int saved = errno;
    Error e;
    e.code_ = saved;
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(e.msg_, sizeof e.msg_, fmt, ap);
    va_end(ap);
    if (n >= 0 && static_cast<std::size_t>(n) < sizeof e.msg_)
      std::snprintf(e.msg_ + n, sizeof e.msg_ - n, ": %s", std::strerror(saved));
    return e;
  }

  /// Prefixes context: wrap("mounts[3]") -> "mounts[3]: <old message>".
  Error& wrap(std::string_view ctx) {
    // Manual concatenation (truncating) instead of snprintf: no format-truncation games.
    std::size_t old_len = std::strlen(msg_);
    std::size_t pre = std::min(ctx.size() + 2, kMaxMessage);
    std::size_t keep = std::min(old_len, kMaxMessage - pre);
    std::memmove(msg_ + pre, msg_, keep);
    std::size_t c = std::min(ctx.size(), pre);
    std::memcpy(msg_, ctx.data(), c);
    if (pre > c) msg_[c] = ':';
    if (pre > c + 1) msg_[c + 1] = ' ';
    msg_[pre + keep] = '\0';
    return *this;
  }

  int code() const { return code_; }
  const char* what() const { return msg_; }
  std::string str() const { return msg_; }

 private:
  int code_ = 0;
  char msg_[kMaxMessage + 1] = {};
};

template <class T = void>
using Result = Expected<T, Error>;

inline Unexpected<Error> fail(Error e) { return Unexpected<Error>(std::move(e)); }

/// Shorthands: `return err_sys("open %s", p);` and `return err(EINVAL, "bad %s", x);`
#define BERTH_ERR(code, ...) ::berth::Unexpected<::berth::Error>(::berth::Error::make(code, __VA_ARGS__))
#define BERTH_SYS(...) ::berth::Unexpected<::berth::Error>(::berth::Error::sys(__VA_ARGS__))

/// Propagate an error: BERTH_TRY(do_x()); or BERTH_TRY_ASSIGN(auto v, make_v());
#define BERTH_TRY(expr)                                                      \
  do {                                                                       \
    if (auto berth_try_r_ = (expr); !berth_try_r_)                           \
      return ::berth::Unexpected<::berth::Error>(std::move(berth_try_r_.error())); \
  } while (0)

#define BERTH_CONCAT_INNER(a, b) a##b
#define BERTH_CONCAT(a, b) BERTH_CONCAT_INNER(a, b)
#define BERTH_TRY_ASSIGN(decl, expr) BERTH_TRY_ASSIGN_IMPL(BERTH_CONCAT(berth_r_, __LINE__), decl, expr)
#define BERTH_TRY_ASSIGN_IMPL(tmp, decl, expr)                              \
  auto tmp = (expr);                                                        \
  if (!tmp) return ::berth::Unexpected<::berth::Error>(std::move(tmp.error())); \
  decl = std::move(*tmp)

}  // namespace berth
