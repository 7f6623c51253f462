// Internal: typed, path-tracking access to a yajl tree. Every failure names
// the JSON path of the offending value.
#pragma once

#include <yajl/yajl_tree.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "oci/error.h"

namespace oci::detail {

using Status = Result<void>;

inline Unexpected<Error> fail(std::string path, std::string message) {
  return Unexpected<Error>(Error{std::move(path), std::move(message)});
}

// Propagates the error of a Result-returning expression.
#define OCI_TRY(expr)                                                  \
  do {                                                                 \
    auto oci_try_result_ = (expr);                                     \
    if (!oci_try_result_) {                                            \
      return ::oci::Unexpected<::oci::Error>(oci_try_result_.error()); \
    }                                                                  \
  } while (0)

// Path helpers: `a.b`, `a[3]`, `a["key"]`.
std::string join_key(const std::string& base, std::string_view key);
std::string join_index(const std::string& base, size_t index);
std::string join_map_key(const std::string& base, std::string_view key);
using oci::quote;  // declared in oci/error.h
// "a string", "an array", ... for "expected X, got Y" messages.
const char* describe(yajl_val v);

// Owns a parsed tree. Rejects NUL bytes (yajl_tree wants a C string, so a NUL
// would silently truncate the document) and nesting deeper than kMaxDepth
// (yajl's tree code recurses, so unbounded depth could exhaust the stack).
class Tree {
 public:
  static constexpr int kMaxDepth = 256;
  static Result<Tree> parse(std::string_view json);
  Tree(Tree&& o) noexcept : root_(std::exchange(o.root_, nullptr)) {}
  Tree& operator=(Tree&&) = delete;
  Tree(const Tree&) = delete;
  ~Tree();
  yajl_val root() const { return root_; }

 private:
  explicit Tree(yajl_val root) : root_(root) {}
  yajl_val root_;
};

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_map : std::false_type {};
template <class T>
struct is_map<std::map<std::string, T>> : std::true_type {};

template <class T>
std::string int_description() {
  std::string bits = std::to_string(sizeof(T) * 8);
  if constexpr (std::is_signed_v<T>) {
    return "a " + bits + "-bit integer";
  } else {
    return "an unsigned " + bits + "-bit integer";
  }
}

// Integers are parsed from yajl's raw number text so the whole uint64 range
// works (yajl's own integer conversion stops at INT64_MAX) and fractions or
// exponents are rejected rather than truncated.
template <class T>
Status read_int(yajl_val v, const std::string& path, T& out) {
  if (!YAJL_IS_NUMBER(v)) {
    return fail(path, "expected " + int_description<T>() + ", got " + describe(v));
  }
  const char* raw = v->u.number.r;
  const char* end = raw + std::strlen(raw);
  auto [p, ec] = std::from_chars(raw, end, out);
  if (ec != std::errc() || p != end) {
    return fail(path, "expected " + int_description<T>() + ", got " + raw);
  }
  return {};
}

Status read_string(yajl_val v, const std::string& path, std::string& out);
Status read_bool(yajl_val v, const std::string& path, bool& out);

class ObjectReader;

// Reads any supported model type: scalars, vectors, string-keyed maps, and
// structs (through an overload `Status parse_obj(const ObjectReader&, T&)`
// found by argument-dependent lookup on ObjectReader).
template <class T>
Status read_any(yajl_val v, const std::string& path, T& out);

class ObjectReader {
 public:
  static Result<ObjectReader> open(yajl_val v, std::string path);

  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return join_key(path_, key); }
  // The value for key, or nullptr when absent. JSON null is returned as is.
  yajl_val raw(std::string_view key) const;
  // Like raw() but also maps JSON null to nullptr (null == absent for
  // OPTIONAL properties).
  yajl_val find(std::string_view key) const {
    yajl_val v = raw(key);
    return (v && YAJL_IS_NULL(v)) ? nullptr : v;
  }
  bool has(std::string_view key) const { return find(key) != nullptr; }

  // REQUIRED property.
  template <class T>
  Status req(std::string_view key, T& out) const {
    yajl_val v = raw(key);
    if (!v) return fail(path_of(key), "required property missing");
    return read_any(v, path_of(key), out);
  }
  // OPTIONAL property whose absence must be remembered.
  template <class T>
  Status opt(std::string_view key, std::optional<T>& out) const {
    yajl_val v = find(key);
    if (!v) {
      out.reset();
      return {};
    }
    out.emplace();
    return read_any(v, path_of(key), *out);
  }
  // OPTIONAL property where absence equals the default (e.g. empty list).
  template <class T>
  Status opt(std::string_view key, T& out) const {
    yajl_val v = find(key);
    if (!v) return {};
    return read_any(v, path_of(key), out);
  }

 private:
  ObjectReader(yajl_val v, std::string path) : v_(v), path_(std::move(path)) {}
  yajl_val v_;
  std::string path_;
};

template <class T>
Status read_any(yajl_val v, const std::string& path, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    return read_string(v, path, out);
  } else if constexpr (std::is_same_v<T, bool>) {
    return read_bool(v, path, out);
  } else if constexpr (std::is_integral_v<T>) {
    return read_int(v, path, out);
  } else if constexpr (is_vector<T>::value) {
    if (!YAJL_IS_ARRAY(v)) return fail(path, std::string("expected an array, got ") + describe(v));
    out.clear();
    out.resize(v->u.array.len);
    for (size_t i = 0; i < v->u.array.len; ++i) {
      OCI_TRY(read_any(v->u.array.values[i], join_index(path, i), out[i]));
    }
    return {};
  } else if constexpr (is_map<T>::value) {
    if (!YAJL_IS_OBJECT(v))
      return fail(path, std::string("expected an object, got ") + describe(v));
    out.clear();
    for (size_t i = 0; i < v->u.object.len; ++i) {
      std::string key = v->u.object.keys[i];
      // Duplicate keys: the last one wins, as in most JSON decoders.
      typename T::mapped_type value{};
      OCI_TRY(read_any(v->u.object.values[i], join_map_key(path, key), value));
      out.insert_or_assign(std::move(key), std::move(value));
    }
    return {};
  } else {
    auto r = ObjectReader::open(v, path);
    if (!r) return Unexpected<Error>(r.error());
    return parse_obj(*r, out);
  }
}

}  // namespace oci::detail
