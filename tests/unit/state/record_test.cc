#include "state/record.h"

#include <gtest/gtest.h>
#include <yajl/yajl_tree.h>

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

namespace berth::state {
namespace {

Record full_record() {
  Record r;
  r.id = "web-1";
  r.bundle = "/srv/bundles/web 1";
  r.rootfs = "/srv/bundles/web 1/rootfs";
  r.created = "2026-12-01T18:00:00.123456789Z";
  r.owner = "root";
  r.config_path = "/srv/bundles/web 1/config.json";
  r.pid = 4242;
  r.pid_start_time = UINT64_MAX;  // beyond long long: must not go through yajl's integer
  r.status = "running";
  r.annotations = {{"io.kubernetes.pod", "p\"q\\r\n\t\x01"},
                   {"unicode", "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3"},
                   {"", "empty key"}};
  r.cgroup_path = "/sys/fs/cgroup/berth/web-1";
  r.systemd_cgroup = true;
  r.namespace_paths = {{"pid", "/proc/4242/ns/pid"}, {"mnt", "/proc/4242/ns/mnt"},
                       {"net", "/proc/4242/ns/net"}};
  r.detached = true;
  r.console_socket = "/run/console.sock";
  r.extra = {"x", "", "y"};
  return r;
}

TEST(Record, JsonRoundTrip) {
  Record r = full_record();
  auto back = from_json(to_json(r));
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(*back, r);
  // Namespaces keep their order (they are joined in creation order).
  EXPECT_EQ(back->namespace_paths[0].first, "pid");
  EXPECT_EQ(back->namespace_paths[2].first, "net");
}

TEST(Record, DefaultsRoundTrip) {
  Record r;
  r.id = "x";
  auto back = from_json(to_json(r));
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(*back, r);
  EXPECT_EQ(back->oci_version, "1.3.0");
  EXPECT_EQ(back->status, "creating");
}

TEST(Record, RoundTripNotTrivial) {
  // Guard against an operator== that always holds or a parser that returns defaults.
  Record a = full_record();
  Record b = a;
  b.namespace_paths.back().second += "x";
  EXPECT_NE(a, b);
  auto back = from_json(to_json(b));
  ASSERT_TRUE(back);
  EXPECT_NE(*back, a);
}

TEST(Record, UnknownKeysIgnoredMissingKeysDefault) {
  auto r = from_json(R"({"id":"c","future_field":{"a":[1,2]},"pid":7})");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->id, "c");
  EXPECT_EQ(r->pid, 7);
  EXPECT_EQ(r->status, "creating");
}

TEST(Record, FromJsonRejectsBadInput) {
  const char* bad[] = {
      "",
      "{",
      "[]",
      "{\"id\":\"a\"",
      R"({"pid":1})",                       // no id
      R"({"id":""})",                       // empty id
      R"({"id":"a","pid":"1"})",            // wrong type
      R"({"id":"a","pid":-1})",             // negative
      R"({"id":"a","pid":1.5})",            // fraction
      R"({"id":"a","pid":99999999999})",    // > INT_MAX
      R"({"id":"a","pid_start_time":18446744073709551616})",  // > UINT64_MAX
      R"({"id":"a","annotations":{"k":1}})",
      R"({"id":"a","annotations":[]})",
      R"({"id":"a","systemd_cgroup":"yes"})",
      R"({"id":"a","namespace_paths":[{"type":"pid"}]})",
      R"({"id":"a","namespace_paths":["pid"]})",
      R"({"id":"a","extra":[1]})",
  };
  for (const char* j : bad) {
    auto r = from_json(j);
    EXPECT_FALSE(r) << j;
    if (!r) {
      EXPECT_EQ(r.error().code(), EINVAL) << j;
      EXPECT_EQ(std::string(r.error().what()).rfind("state.json: ", 0), 0u) << r.error().what();
    }
  }
  // Embedded NUL (string_view keeps it): must not parse the prefix only.
  std::string with_nul("{\"id\":\"a\"}\0{", 12);
  EXPECT_FALSE(from_json(with_nul));
}

TEST(Record, InvalidUtf8IsReportedAndNeverProducesUnloadableJson) {
  Record r;
  r.id = "x";
  r.bundle = "/b\xff\xfe";
  EXPECT_EQ(record_utf8_error(r), "bundle");
  auto back = from_json(to_json(r));
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->bundle, "/b\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(record_utf8_error(full_record()), "");
  r.bundle = "/b";
  r.annotations["k"] = "\xc0\x80";  // overlong NUL
  EXPECT_EQ(record_utf8_error(r), "annotations");
}

// Parses with yajl and returns the top-level keys in document order.
std::vector<std::string> top_keys(const std::string& json) {
  char err[256];
  yajl_val v = yajl_tree_parse(json.c_str(), err, sizeof err);
  std::vector<std::string> keys;
  if (v == nullptr || !YAJL_IS_OBJECT(v)) {
    ADD_FAILURE() << "not a JSON object: " << err << "\n" << json;
  } else {
    for (size_t i = 0; i < v->u.object.len; ++i) keys.push_back(v->u.object.keys[i]);
  }
  yajl_tree_free(v);
  return keys;
}

TEST(OciState, ShapeMatchesRuncState) {
  Record r = full_record();
  r.annotations.clear();
  r.oci_version = "1.0.2-dev";
  r.id = "xstate";
  r.bundle = "/tmp/rb";
  r.rootfs = "/tmp/rb/rootfs";
  r.created = "2026-12-01T18:28:23.257636454Z";
  r.owner = "";
  // Byte for byte what `runc state xstate` (runc 1.1.5) printed for the same container.
  const char* runc =
      "{\n"
      "  \"ociVersion\": \"1.0.2-dev\",\n"
      "  \"id\": \"xstate\",\n"
      "  \"pid\": 524,\n"
      "  \"status\": \"created\",\n"
      "  \"bundle\": \"/tmp/rb\",\n"
      "  \"rootfs\": \"/tmp/rb/rootfs\",\n"
      "  \"created\": \"2026-12-01T18:28:23.257636454Z\",\n"
      "  \"owner\": \"\"\n"
      "}";
  std::string got = oci_state_json(r, "created", 524);
  EXPECT_EQ(got, runc);
  EXPECT_EQ(top_keys(got), (std::vector<std::string>{"ociVersion", "id", "pid", "status",
                                                      "bundle", "rootfs", "created", "owner"}));
}

TEST(OciState, AnnotationsOnlyWhenNonEmptySortedAndGoEscaped) {
  Record r = full_record();
  r.annotations = {{"b", "<x> & y"}, {"a", "1"}, {"c", "\xe2\x80\xa8\xff\x01"}};
  std::string got = oci_state_json(r, "stopped", 0);
  EXPECT_EQ(top_keys(got),
            (std::vector<std::string>{"ociVersion", "id", "pid", "status", "bundle", "rootfs",
                                      "created", "owner", "annotations"}));
  const char* tail =
      "  \"owner\": \"root\",\n"
      "  \"annotations\": {\n"
      "    \"a\": \"1\",\n"
      "    \"b\": \"\\u003cx\\u003e \\u0026 y\",\n"
      "    \"c\": \"\\u2028\\ufffd\\u0001\"\n"
      "  }\n"
      "}";
  EXPECT_NE(got.find(tail), std::string::npos) << got;
  EXPECT_NE(got.find("  \"pid\": 0,\n  \"status\": \"stopped\",\n"), std::string::npos) << got;
  EXPECT_NE(got.find("\"bundle\": \"/srv/bundles/web 1\""), std::string::npos);
}

TEST(Rfc3339, LooksLikeRuncCreated) {
  std::string t = rfc3339_nano_now();
  EXPECT_TRUE(std::regex_match(
      t, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,8}[1-9])?Z)")))
      << t;
}

}  // namespace
}  // namespace berth::state
