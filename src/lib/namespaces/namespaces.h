// Linux namespaces: which to create (clone3 flags), which to join (setns by path), and the
// time namespace offsets (config-linux.md "Namespaces", "Offset for Time Namespace").
#pragma once

#include <oci/config.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::ns {

struct Join {
  int flag;             // CLONE_NEW*
  std::string type;     // spec name, for error context
  std::string path;     // as given in the spec
  UniqueFd fd;          // opened in the parent, so the child never resolves host paths
};

struct Plan {
  /// CLONE_NEW* flags passed to clone3 (namespaces to create). Excludes CLONE_NEWTIME, which
  /// is created in the child by unshare() so offsets can be written before anyone enters it.
  unsigned long long clone_flags = 0;
  bool new_time = false;
  /// A new cgroup namespace is unshared by the child once the parent has placed it in its
  /// cgroup (v1 hierarchies are joined after clone), so its root is the container's cgroup.
  bool new_cgroup = false;
  std::string time_offsets;  // "monotonic 86400 0\nboottime 86400 0\n" for timens_offsets
  /// Namespaces to join, in the order the child must setns() them.
  std::vector<Join> join;
  bool has_pid_ns = false;  // new or joined
  bool has_net_ns = false;
  bool has_uts_ns = false;
  bool has_mount_ns = false;
  bool new_net = false;

  const Join* joined(int flag) const;
};

/// CLONE_NEW* flag of a spec namespace type, 0 if unknown.
int flag_of(std::string_view type);
/// The /proc/<pid>/ns/<name> file name of a CLONE_NEW* flag ("net" for CLONE_NEWNET).
const char* proc_name(int flag);

/// Parent side: resolve the spec's namespaces. Opens the fds of namespaces to join
/// (errors name `linux.namespaces[i].path`) and checks each is a namespace of that type.
/// exec: the plan of a process joining an existing container (`berth exec`), where the
/// mount namespace is joined too (its root is the container's already).
Result<Plan> build_plan(const oci::Spec& spec, bool exec = false);

/// Child side: setns() into every joined namespace except pid (which only affects children
/// and is therefore done by the parent around clone3; see process/spawn.cc).
Result<void> join_all(const Plan& plan);

/// Child side: create the time namespace with its offsets and enter it (time_for_children
/// after unshare, then setns on ourselves: offsets can only be written before any task is in it).
Result<void> setup_time(const Plan& plan);

}  // namespace berth::ns
