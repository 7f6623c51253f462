#include "json_read.h"

#include <cstdio>

namespace oci::detail {

std::string join_key(const std::string& base, std::string_view key) {
  if (base.empty()) return std::string(key);
  std::string s = base;
  s += '.';
  s += key;
  return s;
}

std::string join_index(const std::string& base, size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

std::string join_map_key(const std::string& base, std::string_view key) {
  return base + "[" + quote(key) + "]";
}


const char* describe(yajl_val v) {
  if (!v) return "nothing";
  switch (v->type) {
    case yajl_t_string:
      return "a string";
    case yajl_t_number:
      return "a number";
    case yajl_t_object:
      return "an object";
    case yajl_t_array:
      return "an array";
    case yajl_t_true:
    case yajl_t_false:
      return "a boolean";
    case yajl_t_null:
      return "null";
    default:
      return "an unknown value";
  }
}

Status read_string(yajl_val v, const std::string& path, std::string& out) {
  if (!YAJL_IS_STRING(v)) return fail(path, std::string("expected a string, got ") + describe(v));
  out = v->u.string;
  return {};
}

Status read_bool(yajl_val v, const std::string& path, bool& out) {
  if (YAJL_IS_TRUE(v)) {
    out = true;
  } else if (YAJL_IS_FALSE(v)) {
    out = false;
  } else {
    return fail(path, std::string("expected a boolean, got ") + describe(v));
  }
  return {};
}

Result<ObjectReader> ObjectReader::open(yajl_val v, std::string path) {
  if (!YAJL_IS_OBJECT(v)) {
    std::string msg = std::string("expected an object, got ") + describe(v);
    return fail(std::move(path), std::move(msg));
  }
  return ObjectReader(v, std::move(path));
}

yajl_val ObjectReader::raw(std::string_view key) const {
  // First occurrence wins for struct fields; yajl keeps duplicates.
  for (size_t i = 0; i < v_->u.object.len; ++i) {
    if (key == v_->u.object.keys[i]) return v_->u.object.values[i];
  }
  return nullptr;
}

namespace {

// Maximum bracket nesting outside of strings; a cheap pre-scan that keeps
// hostile input from driving yajl's recursive tree code too deep.
bool too_deep(std::string_view s, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<Tree> Tree::parse(std::string_view json) {
  if (json.find('\0') != std::string_view::npos) {
    return fail("", "invalid JSON: document contains a NUL byte");
  }
  if (too_deep(json, kMaxDepth)) {
    return fail("", "invalid JSON: nesting deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  std::string text(json);
  char errbuf[512];
  errbuf[0] = '\0';
  yajl_val root = yajl_tree_parse(text.c_str(), errbuf, sizeof errbuf);
  if (!root) {
    std::string msg = errbuf;
    // yajl's message spans several lines (it quotes the input); keep the gist.
    for (char& c : msg) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    while (!msg.empty() && msg.back() == ' ') msg.pop_back();
    if (msg.empty()) msg = "parse error";
    return fail("", "invalid JSON: " + msg);
  }
  return Tree(root);
}

Tree::~Tree() {
  if (root_) yajl_tree_free(root_);
}

}  // namespace oci::detail

namespace oci {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

}  // namespace oci
