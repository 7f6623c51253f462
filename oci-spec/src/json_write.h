// Internal: a thin wrapper over yajl_gen plus generic emitters for the
// model's scalar, vector, map and optional members.
#pragma once

#include <yajl/yajl_gen.h>

#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "oci/config.h"
#include "oci/features.h"
#include "oci/state.h"

namespace oci::detail {

class Writer {
 public:
  explicit Writer(bool pretty);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void begin_object() { yajl_gen_map_open(g_); }
  void end_object() { yajl_gen_map_close(g_); }
  void begin_array() { yajl_gen_array_open(g_); }
  void end_array() { yajl_gen_array_close(g_); }
  void string(std::string_view s) {
    yajl_gen_string(g_, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  }
  void boolean(bool b) { yajl_gen_bool(g_, b ? 1 : 0); }
  // Integers go through the raw-number API so uint64 values above INT64_MAX
  // are written exactly.
  template <class T>
  void integer(T v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    yajl_gen_number(g_, buf, static_cast<size_t>(r.ptr - buf));
  }
  std::string finish();

 private:
  yajl_gen g_;
};

// Struct emitters (defined in write_config.cc / write_other.cc).
void emit(Writer& w, const Root& v);
void emit(Writer& w, const IDMapping& v);
void emit(Writer& w, const Mount& v);
void emit(Writer& w, const Box& v);
void emit(Writer& w, const User& v);
void emit(Writer& w, const Capabilities& v);
void emit(Writer& w, const Rlimit& v);
void emit(Writer& w, const IOPriority& v);
void emit(Writer& w, const Scheduler& v);
void emit(Writer& w, const ExecCPUAffinity& v);
void emit(Writer& w, const Process& v);
void emit(Writer& w, const Hook& v);
void emit(Writer& w, const Hooks& v);
void emit(Writer& w, const Namespace& v);
void emit(Writer& w, const TimeOffset& v);
void emit(Writer& w, const Device& v);
void emit(Writer& w, const NetDevice& v);
void emit(Writer& w, const DeviceCgroup& v);
void emit(Writer& w, const Memory& v);
void emit(Writer& w, const CPU& v);
void emit(Writer& w, const WeightDevice& v);
void emit(Writer& w, const ThrottleDevice& v);
void emit(Writer& w, const BlockIO& v);
void emit(Writer& w, const HugepageLimit& v);
void emit(Writer& w, const InterfacePriority& v);
void emit(Writer& w, const Network& v);
void emit(Writer& w, const Pids& v);
void emit(Writer& w, const Rdma& v);
void emit(Writer& w, const Resources& v);
void emit(Writer& w, const IntelRdt& v);
void emit(Writer& w, const SeccompArg& v);
void emit(Writer& w, const SeccompSyscall& v);
void emit(Writer& w, const Seccomp& v);
void emit(Writer& w, const Personality& v);
void emit(Writer& w, const MemoryPolicy& v);
void emit(Writer& w, const Linux& v);
void emit(Writer& w, const Spec& v);
void emit(Writer& w, const CgroupFeatures& v);
void emit(Writer& w, const SeccompFeatures& v);
void emit(Writer& w, const EnabledFeature& v);
void emit(Writer& w, const IntelRdtFeatures& v);
void emit(Writer& w, const MountExtensionsFeatures& v);
void emit(Writer& w, const MemoryPolicyFeatures& v);
void emit(Writer& w, const LinuxFeatures& v);
void emit(Writer& w, const Features& v);

inline void emit(Writer& w, const std::string& v) { w.string(v); }
inline void emit(Writer& w, bool v) { w.boolean(v); }
template <class T>
requires std::is_integral_v<T>
void emit(Writer& w, T v) { w.integer(v); }
template <class T>
void emit(Writer& w, const std::vector<T>& v) {
  w.begin_array();
  for (const auto& e : v) emit(w, e);
  w.end_array();
}
template <class T>
void emit(Writer& w, const std::map<std::string, T>& v) {
  w.begin_object();
  for (const auto& [k, e] : v) {
    w.string(k);
    emit(w, e);
  }
  w.end_object();
}

// Always-present member.
template <class T>
void field(Writer& w, std::string_view key, const T& v) {
  w.string(key);
  emit(w, v);
}
// OPTIONAL member: emitted only when set.
template <class T>
void field(Writer& w, std::string_view key, const std::optional<T>& v) {
  if (!v) return;
  w.string(key);
  emit(w, *v);
}
// OPTIONAL list/map where absent == empty: emitted only when non-empty.
template <class T>
void nonempty(Writer& w, std::string_view key, const T& v) {
  if (v.empty()) return;
  w.string(key);
  emit(w, v);
}

}  // namespace oci::detail
