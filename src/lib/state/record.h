// What berth persists per container in <root>/<id>/state.json, and the OCI state
// document that `berth state` prints.
//
// state.json is berth's private format (only berth reads it), so it carries everything
// later commands need without re-reading the bundle: the bundle may be gone or edited
// by the time `kill`/`delete` run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace berth::state {

struct Record {
  std::string oci_version = "1.3.0";
  std::string id;
  std::string bundle;       // absolute
  std::string rootfs;       // absolute
  std::string created;      // RFC3339 UTC with nanoseconds, see rfc3339_nano_now()
  std::string owner;        // user name, or "" (runc prints "" too)
  std::string config_path;
  int pid = 0;
  // Field 22 of /proc/<pid>/stat at creation: a pid alone can be reused after the
  // container dies, so liveness checks compare (pid, start time).
  std::uint64_t pid_start_time = 0;
  std::string status = "creating";  // creating|created|running|stopped|paused
  std::map<std::string, std::string> annotations;
  std::string cgroup_path;
  bool systemd_cgroup = false;
  // type -> /proc/<pid>/ns/<x>, in the order the namespaces were created.
  std::vector<std::pair<std::string, std::string>> namespace_paths;
  bool detached = false;
  std::string console_socket;
  std::vector<std::string> extra;  // reserved for forward-compatible additions

  bool operator==(const Record&) const = default;
};

/// Serialises with yajl. Strings must be valid UTF-8 to survive a round trip: invalid
/// sequences are written as U+FFFD (Store::create/save reject such records instead, so
/// nothing is silently altered on disk). Use record_utf8_error() to check first.
std::string to_json(const Record& r);

/// Parses state.json. Unknown keys are ignored (newer berth may add fields); a key of
/// the wrong type, or a missing/empty "id", is an error (EINVAL).
Result<Record> from_json(std::string_view json);

/// The first string field of r that is not valid UTF-8 ("bundle", "annotations[k]"...),
/// or "" when all are valid.
std::string record_utf8_error(const Record& r);

/// The OCI state document exactly as `runc state` prints it (Go's json.MarshalIndent with
/// a 2-space indent): keys ociVersion, id, pid, status, bundle, rootfs, created, owner,
/// then annotations only when non-empty (keys sorted, as Go sorts map keys). Strings are
/// escaped the way Go escapes them (<, >, & as \u003c..., invalid UTF-8 as \ufffd).
/// No trailing newline: runc prints none either.
std::string oci_state_json(const Record& r, std::string_view live_status, int live_pid);

/// Current time as Go's time.RFC3339Nano in UTC ("2026-12-01T18:00:00.123456789Z"; like
/// Go, trailing zeros of the fraction are trimmed), which is what runc stores in "created".
std::string rfc3339_nano_now();

}  // namespace berth::state
