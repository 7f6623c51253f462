// oci::Expected / oci::Unexpected: std::expected, or a small stand-in where the standard
// library has none. Used by oci::Result and by berth::Result (base/error.h), so there is
// one stand-in, not one per library.
//
// clang 14 cannot instantiate libstdc++ 12's <expected> (it requires C++20 concepts at a
// level clang 14 does not announce, so the header defines nothing), and libFuzzer needs
// clang. The fallback below implements only the part of the std::expected interface in
// use; the g++ build never compiles it (__cpp_lib_expected is defined there), so
// behaviour there is exactly std::expected's.
#pragma once

#include <version>

#if __has_include(<expected>)
#include <expected>
#endif

#if defined(__cpp_lib_expected)

namespace oci {
template <class T, class E>
using Expected = std::expected<T, E>;
template <class E>
using Unexpected = std::unexpected<E>;
}  // namespace oci

#else

#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

namespace oci {

template <class E>
class Unexpected {
 public:
  explicit Unexpected(E e) : e_(std::move(e)) {}
  E& error() & { return e_; }
  const E& error() const& { return e_; }
  E&& error() && { return std::move(e_); }

 private:
  E e_;
};

namespace compat {
// std::expected has no exceptions to throw here (-fno-exceptions): a wrong access aborts,
// which libstdc++'s own assertions would do too.
[[noreturn]] inline void bad_access() { std::abort(); }
}  // namespace compat

template <class T, class E>
class Expected {
 public:
  using value_type = T;
  using error_type = E;

  Expected() requires std::is_default_constructible_v<T> : ok_(true) { new (&v_) T(); }
  template <class U = T>
    requires(std::is_constructible_v<T, U &&> &&
             !std::is_same_v<std::remove_cvref_t<U>, Expected> &&
             !std::is_same_v<std::remove_cvref_t<U>, std::in_place_t>)
  Expected(U&& v) : ok_(true) { new (&v_) T(std::forward<U>(v)); }
  template <class G>
  Expected(Unexpected<G> u) : ok_(false) { new (&e_) E(std::move(u).error()); }
  Expected(const Expected& o) : ok_(o.ok_) {
    if (ok_) new (&v_) T(o.v_);
    else new (&e_) E(o.e_);
  }
  Expected(Expected&& o) : ok_(o.ok_) {
    if (ok_) new (&v_) T(std::move(o.v_));
    else new (&e_) E(std::move(o.e_));
  }
  Expected& operator=(const Expected& o) {
    if (this != &o) {
      destroy();
      construct_from(o);
    }
    return *this;
  }
  Expected& operator=(Expected&& o) {
    if (this != &o) {
      destroy();
      construct_from(std::move(o));
    }
    return *this;
  }
  ~Expected() { destroy(); }

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  T& operator*() & { return v_; }
  const T& operator*() const& { return v_; }
  T&& operator*() && { return std::move(v_); }
  T* operator->() { return &v_; }
  const T* operator->() const { return &v_; }
  T& value() & { check(ok_); return v_; }
  const T& value() const& { check(ok_); return v_; }
  T&& value() && { check(ok_); return std::move(v_); }
  E& error() & { return e_; }
  const E& error() const& { return e_; }
  E&& error() && { return std::move(e_); }
  template <class U>
  T value_or(U&& d) const& { return ok_ ? v_ : static_cast<T>(std::forward<U>(d)); }
  template <class U>
  T value_or(U&& d) && { return ok_ ? std::move(v_) : static_cast<T>(std::forward<U>(d)); }

 private:
  static void check(bool ok) {
    if (!ok) compat::bad_access();
  }
  void destroy() {
    if (ok_) v_.~T();
    else e_.~E();
  }
  template <class O>
  void construct_from(O&& o) {
    ok_ = o.ok_;
    if (ok_) new (&v_) T(std::forward<O>(o).v_);
    else new (&e_) E(std::forward<O>(o).e_);
  }

  bool ok_;
  union {
    T v_;
    E e_;
  };
};

template <class E>
class Expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  Expected() : ok_(true) {}
  template <class G>
  Expected(Unexpected<G> u) : ok_(false) { new (&e_) E(std::move(u).error()); }
  Expected(const Expected& o) : ok_(o.ok_) {
    if (!ok_) new (&e_) E(o.e_);
  }
  Expected(Expected&& o) : ok_(o.ok_) {
    if (!ok_) new (&e_) E(std::move(o.e_));
  }
  Expected& operator=(const Expected& o) {
    if (this != &o) {
      destroy();
      ok_ = o.ok_;
      if (!ok_) new (&e_) E(o.e_);
    }
    return *this;
  }
  Expected& operator=(Expected&& o) {
    if (this != &o) {
      destroy();
      ok_ = o.ok_;
      if (!ok_) new (&e_) E(std::move(o.e_));
    }
    return *this;
  }
  ~Expected() { destroy(); }

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void operator*() const {}
  void value() const {
    if (!ok_) compat::bad_access();
  }
  E& error() & { return e_; }
  const E& error() const& { return e_; }
  E&& error() && { return std::move(e_); }

 private:
  void destroy() {
    if (!ok_) e_.~E();
  }

  bool ok_;
  union {
    E e_;
  };
};

}  // namespace oci

#endif
