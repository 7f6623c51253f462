// Capabilities, state/features rules, writer details and load_config.
#include <gtest/gtest.h>

#include "oci/json.h"
#include "oci/validate.h"
#include "test_util.h"

namespace {

TEST(Capabilities, Numbers) {
  EXPECT_EQ(oci::capability_number("CAP_CHOWN"), 0);
  EXPECT_EQ(oci::capability_number("CAP_SYS_ADMIN"), 21);
  EXPECT_EQ(oci::capability_number("CAP_CHECKPOINT_RESTORE"), 40);
  EXPECT_EQ(oci::capability_number("CAP_FOO"), std::nullopt);
  EXPECT_EQ(oci::capability_number("chown"), std::nullopt);
  EXPECT_EQ(oci::known_capabilities().size(), 41u);
  EXPECT_TRUE(oci::is_known_capability("CAP_BPF"));
  EXPECT_FALSE(oci::is_known_capability("CAP_"));
}

TEST(ErrorStr, Format) {
  EXPECT_EQ((oci::Error{"a.b", "bad"}).str(), "a.b: bad");
  EXPECT_EQ((oci::Error{"", "bad"}).str(), "bad");
}

TEST(State, RoundTripAndRules) {
  auto s = oci::parse_state(
      R"({"ociVersion": "1.3.0", "id": "c", "status": "stopped", "bundle": "/b"})");
  ASSERT_TRUE(s.has_value()) << s.error().str();
  EXPECT_FALSE(s->pid.has_value());
  auto missing =
      oci::parse_state(R"({"ociVersion": "1.3.0", "status": "created", "pid": 1, "bundle": "/b"})");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().str(), "id: required property missing");
  auto rel = oci::parse_state(
      R"({"ociVersion": "1.3.0", "id": "c", "status": "created", "pid": 1, "bundle": "b"})");
  ASSERT_FALSE(rel.has_value());
  EXPECT_EQ(rel.error().path, "bundle");
  auto neg = oci::parse_state(
      R"({"ociVersion": "1.3.0", "id": "c", "status": "created", "pid": -5, "bundle": "/b"})");
  ASSERT_FALSE(neg.has_value());
  EXPECT_EQ(neg.error().path, "pid");
  oci::State st{"1.3.0", "c", "running", 42, "/b", {{"k", "v"}}};
  auto back = oci::parse_state(oci::write_state(st));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, st);
}

TEST(Features, NullIsAbsentAndVersionOrder) {
  auto f = oci::parse_features(
      R"({"ociVersionMin": "1.0.0", "ociVersionMax": "1.3.0", "hooks": null, "mountOptions": [], "linux": {"cgroup": null, "memoryPolicy": {"modes": ["MPOL_BIND"]}}})");
  ASSERT_TRUE(f.has_value()) << f.error().str();
  EXPECT_FALSE(f->hooks.has_value());
  ASSERT_TRUE(f->mount_options.has_value());
  EXPECT_TRUE(f->mount_options->empty());  // [] is not null (features.md)
  EXPECT_FALSE(f->linux->cgroup.has_value());
  auto bad = oci::parse_features(R"({"ociVersionMin": "1.1.0", "ociVersionMax": "1.1.0-rc.1"})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().path, "ociVersionMax");
  auto badver = oci::parse_features(R"({"ociVersionMin": "v1", "ociVersionMax": "1.1.0"})");
  ASSERT_FALSE(badver.has_value());
  EXPECT_EQ(badver.error().path, "ociVersionMin");
}

TEST(Writer, OmitsAbsentAndKeepsExplicitEmpty) {
  auto s = oci::parse_config(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "mounts": [{"destination": "/t", "options": []}], "linux": {"resources": {"devices": []}}})");
  ASSERT_TRUE(s.has_value()) << s.error().str();
  std::string out = oci::write_config(*s, false);
  EXPECT_EQ(
      out,
      R"({"ociVersion":"1.0.0","root":{"path":"r"},"mounts":[{"destination":"/t","options":[]}],"linux":{"resources":{"devices":[]}}})");
}

TEST(Writer, LargeUnsigned) {
  oci::Spec s;
  s.oci_version = "1.3.0";
  s.root = oci::Root{"r", std::nullopt};
  s.linux = oci::Linux{};
  s.linux->resources = oci::Resources{};
  s.linux->resources->memory = oci::Memory{.limit = -1, .swap = INT64_MIN};
  s.linux->resources->cpu = oci::CPU{.shares = UINT64_MAX};
  std::string out = oci::write_config(s, false);
  EXPECT_NE(out.find("\"shares\":18446744073709551615"), std::string::npos) << out;
  EXPECT_NE(out.find("\"swap\":-9223372036854775808"), std::string::npos) << out;
  auto back = oci::parse_config(out);
  ASSERT_TRUE(back.has_value()) << back.error().str();
  EXPECT_EQ(*back, s);
}

TEST(LoadConfig, FileAndErrors) {
  auto ok = oci::load_config(test::data_dir() + "/real/runc-spec.json");
  ASSERT_TRUE(ok.has_value()) << ok.error().str();
  EXPECT_EQ(ok->process->args, std::vector<std::string>{"sh"});
  auto missing = oci::load_config("/nonexistent/config.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().path, "/nonexistent/config.json");
  auto bad = oci::load_config(test::data_dir() + "/config/bad/invalid-json.json");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().path.find("invalid-json.json"), std::string::npos);
}

TEST(Model, PodmanLikeFields) {
  auto s = oci::load_config(test::data_dir() + "/real/podman-rootless-like.json");
  ASSERT_TRUE(s.has_value()) << s.error().str();
  EXPECT_EQ(s->process->exec_cpu_affinity->final_, "0-3, 7");
  EXPECT_EQ(s->linux->time_offsets.at("monotonic").secs, -3600);
  EXPECT_EQ(s->linux->resources->hugepage_limits[0].limit, UINT64_MAX);
  EXPECT_TRUE(s->linux->resources->devices.has_value());
  EXPECT_TRUE(s->mounts[1].options.has_value());
  EXPECT_FALSE(s->mounts[0].options.has_value());
  EXPECT_EQ(s->linux->net_devices.at("eth1").name, "ceth1");
}

}  // namespace
