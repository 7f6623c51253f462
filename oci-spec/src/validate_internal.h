// Internal: helpers shared by the validation check tables.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include "json_read.h"
#include "oci/config.h"

namespace oci::detail {

inline bool is_absolute(std::string_view p) { return !p.empty() && p[0] == '/'; }

template <class Range>
bool contains(const Range& set, std::string_view s) {
  return std::find(std::begin(set), std::end(set), s) != std::end(set);
}

// Checks implemented in validate_linux.cc.
Status check_linux_namespaces(const Spec& s);
Status check_linux_id_mappings(const Spec& s);
Status check_linux_time_offsets(const Spec& s);
Status check_linux_devices(const Spec& s);
Status check_linux_resources(const Spec& s);
Status check_linux_rootfs_propagation(const Spec& s);
Status check_linux_paths(const Spec& s);
Status check_linux_seccomp(const Spec& s);
Status check_linux_personality(const Spec& s);
Status check_linux_memory_policy(const Spec& s);
Status check_linux_intel_rdt(const Spec& s);

}  // namespace oci::detail
