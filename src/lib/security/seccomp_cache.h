// A cache of compiled seccomp programs, keyed by the profile itself.
//
// Why: building the BPF for a real profile with libseccomp is most of what seccomp costs
// per container (Podman's default profile, three architectures: tens of ms, more than the
// rest of `berth run`), and engines pass the same profile to every container. The cache
// stores the exported program next to the exact text it was built from; the profile is
// still checked in full on every create (errors and warnings are the same with or without
// a cache entry), only libseccomp's rule building and export are skipped on a hit.
//
// Trust: an entry decides what the container may call, so the directory must be a real
// directory owned by the effective uid with no group/other access, entries must be
// regular files owned by it, and an entry is used only when the key text stored in it
// equals the one computed now byte for byte (the file name is a non-cryptographic hash,
// so a collision can only cause a miss). Any problem means "miss"; storing is best effort.
#pragma once

#include <linux/filter.h>
#include <oci/config.h>

#include <optional>
#include <string>
#include <vector>

namespace berth::security {

/// The text a compiled program depends on: the parsed linux.seccomp (serialised by
/// oci-spec, so formatting of config.json does not matter), libseccomp's version and API
/// level, the native architecture, the kernel release and berth's version.
std::string seccomp_cache_key(const oci::Seccomp& sc);

/// The program stored for `key` under `dir`, or nullopt (a miss, for whatever reason).
std::optional<std::vector<sock_filter>> seccomp_cache_lookup(const std::string& dir,
                                                             const std::string& key);

/// Stores `prog` for `key` under `dir` (created 0700), atomically (temp file + rename).
/// Keeps the directory bounded: past kMaxEntries, older entries are removed first.
void seccomp_cache_store(const std::string& dir, const std::string& key,
                         const std::vector<sock_filter>& prog);

inline constexpr std::size_t kSeccompCacheMaxEntries = 64;

}  // namespace berth::security
