// Error type and Result alias shared by every oci-spec entry point.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#if __has_include(<expected>)
#include <expected>
#endif

namespace oci {

// A failure, located by the JSON path of the offending property (e.g.
// `linux.namespaces[2].type`). `path` is empty for document-level problems
// such as malformed JSON.
struct Error {
  std::string path;
  std::string message;

  std::string str() const { return path.empty() ? message : path + ": " + message; }
  bool operator==(const Error&) const = default;
};

// Quotes a string for an error message ("a\"b", control bytes as \xNN), the way every
// oci-spec message quotes values; exported so users of the library word theirs alike.
std::string quote(std::string_view s);

}  // namespace oci

#if defined(__cpp_lib_expected)

namespace oci {
template <class T>
using Result = std::expected<T, Error>;
template <class E>
using Unexpected = std::unexpected<E>;
}  // namespace oci

#else

// Fallback for toolchains whose standard library has no usable std::expected
// (clang 14 cannot instantiate libstdc++ 12's <expected>; the libFuzzer build
// needs clang). It provides only the subset of the std::expected interface
// that this library and its callers use; the normal g++ build never sees it.
#include <optional>
#include <variant>

namespace oci {

template <class E>
class Unexpected {
 public:
  explicit Unexpected(E e) : e_(std::move(e)) {}
  const E& error() const& { return e_; }
  E& error() & { return e_; }
  E&& error() && { return std::move(e_); }

 private:
  E e_;
};

namespace compat {

template <class T, class E>
class expected {
 public:
  expected() : v_(std::in_place_index<0>) {}
  expected(T v) : v_(std::in_place_index<0>, std::move(v)) {}
  template <class G>
  expected(Unexpected<G> u) : v_(std::in_place_index<1>, std::move(u).error()) {}
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  E& error() { return std::get<1>(v_); }
  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

template <class E>
class expected<void, E> {
 public:
  expected() = default;
  template <class G>
  expected(Unexpected<G> u) : e_(std::move(u).error()) {}
  bool has_value() const { return !e_.has_value(); }
  explicit operator bool() const { return has_value(); }
  E& error() { return *e_; }
  const E& error() const { return *e_; }

 private:
  std::optional<E> e_;
};

}  // namespace compat

template <class T>
using Result = compat::expected<T, Error>;

}  // namespace oci

#endif
