// The container process's user identity (config.md#user): numeric uid, gid and
// additional gids, switched to together with the capability sets.
//
// The spec gives numeric ids, and berth never maps them through the image's
// /etc/passwd or /etc/group: an image whose /etc/passwd says user "1000" has uid 0 must
// not get root (the symbolic-name lookups of older runtimes were exploitable that way).
// The only /etc/passwd read is set_home_env(), for HOME, after pivot_root.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <oci/config.h>

#include "base/error.h"
#include "security/capabilities.h"

namespace berth::security {

struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> additional_gids;
};

/// From spec.process.user (uid/gid 0 when there is no process). Parent side.
Identity build_identity(const oci::Spec& spec);

/// Switches to id and applies caps, in the only order that works:
///   1. prctl(PR_SET_KEEPCAPS, 1)   so setresuid away from 0 keeps the permitted set
///   2. drop_bounding_set(caps)     needs CAP_SETPCAP in effective, which step 5 clears
///   3. setgroups(additional gids)  needs CAP_SETGID; an empty list drops the runtime's
///                                  own supplementary groups (EPERM tolerated only when
///                                  /proc/self/setgroups says "deny" and none are asked)
///   4. setresgid(gid)              before setresuid: it needs CAP_SETGID too
///   5. setresuid(uid)              clears effective (and ambient) if uid != 0
///   6. prctl(PR_SET_KEEPCAPS, 0)   so a later setuid in the container behaves normally
///   7. apply_caps(caps)            capset from the kept permitted set, then ambient
/// Child side, after pivot_root (reads the container's /proc/self/setgroups).
Result<void> apply_identity(const Identity& id, const CapsPlan& caps);

/// If env has no HOME=..., appends HOME=<home of uid in /etc/passwd> or HOME=/ (as runc
/// does). Call after pivot_root: it reads the container's /etc/passwd, opened with
/// O_NOFOLLOW, required to be a regular file, and read at most kMaxPasswdSize bytes.
Result<void> set_home_env(std::vector<std::string>& env, uid_t uid);
inline constexpr std::size_t kMaxPasswdSize = 4 << 20;

/// The home directory of uid in passwd-format text, or "" if not found (exposed for tests).
std::string find_home_in_passwd(std::string_view passwd, uid_t uid);

}  // namespace berth::security
