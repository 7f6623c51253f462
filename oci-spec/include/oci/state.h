// The container state, runtime.md#state.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace oci {

struct State {
  std::string oci_version;
  std::string id;
  // runtime.md allows runtime-defined values beyond creating/created/
  // running/stopped, so this is a free string.
  std::string status;
  // REQUIRED when status is "created" or "running" on Linux, else optional.
  std::optional<int> pid;
  std::string bundle;
  std::map<std::string, std::string> annotations;
  bool operator==(const State&) const = default;
};

}  // namespace oci
