#include "state/record.h"

#include <time.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <limits>

namespace berth::state {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is invalid. Strict in
// the same way as Go's utf8.DecodeRune (no overlong forms, no surrogates, <= U+10FFFF),
// because oci_state_json must replace exactly the bytes Go would replace.
std::size_t utf8_seq_len(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // > U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_seq_len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_seq_len(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

// RAII for the two yajl handles, so every early return frees them.
struct Gen {
  yajl_gen g = yajl_gen_alloc(nullptr);
  ~Gen() { yajl_gen_free(g); }
  void str(std::string_view s) {
    std::string clean = sanitize_utf8(s);
    yajl_gen_string(g, reinterpret_cast<const unsigned char*>(clean.data()), clean.size());
  }
  void kv(std::string_view k, std::string_view v) {
    str(k);
    str(v);
  }
};

struct Tree {
  yajl_val v = nullptr;
  ~Tree() { yajl_tree_free(v); }
};

Error bad(std::string_view key, const char* what) {
  return Error::make(EINVAL, "state.json: \"%.*s\": %s", static_cast<int>(key.size()), key.data(),
                     what);
}

Result<std::string> get_string(std::string_view key, yajl_val v) {
  if (!YAJL_IS_STRING(v)) return fail(bad(key, "expected a string"));
  return std::string(YAJL_GET_STRING(v));
}

Result<bool> get_bool(std::string_view key, yajl_val v) {
  if (YAJL_IS_TRUE(v)) return true;
  if (YAJL_IS_FALSE(v)) return false;
  return fail(bad(key, "expected a boolean"));
}

// From the unparsed digits: yajl's own integer is a long long, which cannot hold every
// uint64_t, and from_chars rejects signs, fractions and exponents for us.
template <class T>
Result<T> get_uint(std::string_view key, yajl_val v) {
  if (!YAJL_IS_NUMBER(v)) return fail(bad(key, "expected a number"));
  std::string_view digits = YAJL_GET_NUMBER(v);
  T out{};
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (ec != std::errc() || p != digits.data() + digits.size())
    return fail(bad(key, "expected a non-negative integer in range"));
  return out;
}

}  // namespace

std::string to_json(const Record& r) {
  Gen g;
  yajl_gen_map_open(g.g);
  g.kv("oci_version", r.oci_version);
  g.kv("id", r.id);
  g.kv("bundle", r.bundle);
  g.kv("rootfs", r.rootfs);
  g.kv("created", r.created);
  g.kv("owner", r.owner);
  g.kv("config_path", r.config_path);
  g.str("pid");
  yajl_gen_integer(g.g, r.pid);
  g.str("pid_start_time");
  std::string st = std::to_string(r.pid_start_time);
  yajl_gen_number(g.g, st.data(), st.size());
  g.kv("status", r.status);
  g.str("annotations");
  yajl_gen_map_open(g.g);
  for (const auto& [k, v] : r.annotations) g.kv(k, v);
  yajl_gen_map_close(g.g);
  g.kv("cgroup_path", r.cgroup_path);
  g.str("systemd_cgroup");
  yajl_gen_bool(g.g, r.systemd_cgroup);
  // An array of objects rather than a map: order matters (namespaces are joined in
  // creation order) and a map would make that depend on the JSON reader.
  g.str("namespace_paths");
  yajl_gen_array_open(g.g);
  for (const auto& [type, path] : r.namespace_paths) {
    yajl_gen_map_open(g.g);
    g.kv("type", type);
    g.kv("path", path);
    yajl_gen_map_close(g.g);
  }
  yajl_gen_array_close(g.g);
  g.str("detached");
  yajl_gen_bool(g.g, r.detached);
  g.kv("console_socket", r.console_socket);
  g.str("extra");
  yajl_gen_array_open(g.g);
  for (const auto& e : r.extra) g.str(e);
  yajl_gen_array_close(g.g);
  yajl_gen_map_close(g.g);

  const unsigned char* buf = nullptr;
  size_t len = 0;
  yajl_gen_get_buf(g.g, &buf, &len);
  return std::string(reinterpret_cast<const char*>(buf), len);
}

Result<Record> from_json(std::string_view json) {
  // yajl_tree_parse wants a C string; an embedded NUL would silently cut the input.
  if (json.find('\0') != std::string_view::npos)
    return BERTH_ERR(EINVAL, "state.json: contains a NUL byte");
  std::string text(json);
  char errbuf[256] = {};
  Tree t;
  t.v = yajl_tree_parse(text.c_str(), errbuf, sizeof errbuf);
  if (t.v == nullptr) {
    // yajl's messages are multi-line (they quote the input); keep the first line.
    std::string_view first(errbuf);
    first = first.substr(0, first.find('\n'));
    return BERTH_ERR(EINVAL, "state.json: parse error: %.*s", static_cast<int>(first.size()),
                     first.data());
  }
  if (!YAJL_IS_OBJECT(t.v)) return BERTH_ERR(EINVAL, "state.json: not a JSON object");

  Record r;
  const auto& obj = t.v->u.object;
  for (size_t i = 0; i < obj.len; ++i) {
    std::string_view key = obj.keys[i];
    yajl_val v = obj.values[i];
    if (key == "oci_version") {
      BERTH_TRY_ASSIGN(r.oci_version, get_string(key, v));
    } else if (key == "id") {
      BERTH_TRY_ASSIGN(r.id, get_string(key, v));
    } else if (key == "bundle") {
      BERTH_TRY_ASSIGN(r.bundle, get_string(key, v));
    } else if (key == "rootfs") {
      BERTH_TRY_ASSIGN(r.rootfs, get_string(key, v));
    } else if (key == "created") {
      BERTH_TRY_ASSIGN(r.created, get_string(key, v));
    } else if (key == "owner") {
      BERTH_TRY_ASSIGN(r.owner, get_string(key, v));
    } else if (key == "config_path") {
      BERTH_TRY_ASSIGN(r.config_path, get_string(key, v));
    } else if (key == "pid") {
      BERTH_TRY_ASSIGN(unsigned pid, get_uint<unsigned>(key, v));
      if (pid > static_cast<unsigned>(std::numeric_limits<int>::max()))
        return fail(bad(key, "out of range"));
      r.pid = static_cast<int>(pid);
    } else if (key == "pid_start_time") {
      BERTH_TRY_ASSIGN(r.pid_start_time, get_uint<std::uint64_t>(key, v));
    } else if (key == "status") {
      BERTH_TRY_ASSIGN(r.status, get_string(key, v));
    } else if (key == "annotations") {
      if (!YAJL_IS_OBJECT(v)) return fail(bad(key, "expected an object"));
      r.annotations.clear();
      for (size_t j = 0; j < v->u.object.len; ++j) {
        BERTH_TRY_ASSIGN(auto val, get_string(key, v->u.object.values[j]));
        r.annotations[v->u.object.keys[j]] = std::move(val);
      }
    } else if (key == "cgroup_path") {
      BERTH_TRY_ASSIGN(r.cgroup_path, get_string(key, v));
    } else if (key == "systemd_cgroup") {
      BERTH_TRY_ASSIGN(r.systemd_cgroup, get_bool(key, v));
    } else if (key == "namespace_paths") {
      if (!YAJL_IS_ARRAY(v)) return fail(bad(key, "expected an array"));
      r.namespace_paths.clear();
      for (size_t j = 0; j < v->u.array.len; ++j) {
        yajl_val e = v->u.array.values[j];
        const char* type_path[] = {"type", nullptr};
        const char* path_path[] = {"path", nullptr};
        yajl_val type = yajl_tree_get(e, type_path, yajl_t_string);
        yajl_val path = yajl_tree_get(e, path_path, yajl_t_string);
        if (!YAJL_IS_OBJECT(e) || type == nullptr || path == nullptr)
          return fail(bad(key, "expected objects with string \"type\" and \"path\""));
        r.namespace_paths.emplace_back(YAJL_GET_STRING(type), YAJL_GET_STRING(path));
      }
    } else if (key == "detached") {
      BERTH_TRY_ASSIGN(r.detached, get_bool(key, v));
    } else if (key == "console_socket") {
      BERTH_TRY_ASSIGN(r.console_socket, get_string(key, v));
    } else if (key == "extra") {
      if (!YAJL_IS_ARRAY(v)) return fail(bad(key, "expected an array"));
      r.extra.clear();
      for (size_t j = 0; j < v->u.array.len; ++j) {
        BERTH_TRY_ASSIGN(auto s, get_string(key, v->u.array.values[j]));
        r.extra.push_back(std::move(s));
      }
    }
    // Unknown keys: ignored, so an older berth can still operate on (e.g. delete)
    // containers created by a newer one.
  }
  if (r.id.empty()) return BERTH_ERR(EINVAL, "state.json: missing \"id\"");
  return r;
}

std::string record_utf8_error(const Record& r) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"oci_version", &r.oci_version}, {"id", &r.id},           {"bundle", &r.bundle},
      {"rootfs", &r.rootfs},           {"created", &r.created}, {"owner", &r.owner},
      {"config_path", &r.config_path}, {"status", &r.status},   {"cgroup_path", &r.cgroup_path},
      {"console_socket", &r.console_socket}};
  for (const auto& [name, value] : fields)
    if (!valid_utf8(*value)) return name;
  for (const auto& [k, v] : r.annotations)
    if (!valid_utf8(k) || !valid_utf8(v)) return "annotations";
  for (const auto& [t, p] : r.namespace_paths)
    if (!valid_utf8(t) || !valid_utf8(p)) return "namespace_paths";
  for (const auto& e : r.extra)
    if (!valid_utf8(e)) return "extra";
  return "";
}

namespace {

// Go's encoding/json string encoding (go1.19, which Debian's runc is built with): HTML
// characters and U+2028/U+2029 become \u escapes, invalid UTF-8 becomes \ufffd, other
// control characters \u00XX with lowercase hex. Tools diff `runc state` and `berth
// state` output byte for byte, so this is hand-written instead of using yajl_gen.
void go_quote(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    std::size_t n = utf8_seq_len(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    std::string_view seq = s.substr(i, n);
    if (seq == "\xE2\x80\xA8") {
      out += "\\u2028";
    } else if (seq == "\xE2\x80\xA9") {
      out += "\\u2029";
    } else {
      out += seq;
    }
    i += n;
  }
  out += '"';
}

void field(std::string& out, const char* indent, std::string_view key, bool first) {
  if (!first) out += ",\n";
  out += indent;
  go_quote(out, key);
  out += ": ";
}

}  // namespace

std::string oci_state_json(const Record& r, std::string_view live_status, int live_pid) {
  std::string out = "{\n";
  field(out, "  ", "ociVersion", true);
  go_quote(out, r.oci_version);
  field(out, "  ", "id", false);
  go_quote(out, r.id);
  field(out, "  ", "pid", false);
  out += std::to_string(live_pid);
  field(out, "  ", "status", false);
  go_quote(out, live_status);
  field(out, "  ", "bundle", false);
  go_quote(out, r.bundle);
  field(out, "  ", "rootfs", false);
  go_quote(out, r.rootfs);
  field(out, "  ", "created", false);
  go_quote(out, r.created);
  field(out, "  ", "owner", false);
  go_quote(out, r.owner);
  if (!r.annotations.empty()) {
    field(out, "  ", "annotations", false);
    out += "{\n";
    bool first = true;
    // std::map iterates in byte order, the same order Go sorts map[string]string keys.
    for (const auto& [k, v] : r.annotations) {
      field(out, "    ", k, first);
      go_quote(out, v);
      first = false;
    }
    out += "\n  }";
  }
  out += "\n}";
  return out;
}

std::string rfc3339_nano_now() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out(buf, static_cast<std::size_t>(n));
  if (ts.tv_nsec != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09ld", ts.tv_nsec);
    std::string f = frac;
    while (f.back() == '0') f.pop_back();  // Go's RFC3339Nano trims trailing zeros
    out += f;
  }
  out += 'Z';
  return out;
}

}  // namespace berth::state
