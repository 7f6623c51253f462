// `berth update`: runc's command-line flags and `-r` JSON turned into a
// resources patch, and the overlay of that patch onto the stored resources.
//
// Flag names and value syntax are runc 1.1.5's (`runc update --help`):
// integers like Go's strconv, memory sizes like docker/go-units RAMInBytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <oci/config.h>

#include "base/error.h"

namespace berth::cgroups {

/// What `update` changes. The Intel RDT schemata are not cgroup resources (they
/// belong to linux.intelRdt in config.json), so they travel beside the resources.
struct UpdatePatch {
  oci::Resources resources;
  std::optional<std::string> l3_cache_schema;  // --l3-cache-schema
  std::optional<std::string> mem_bw_schema;    // --mem-bw-schema
  bool operator==(const UpdatePatch&) const = default;
};

/// The value flags `update` takes, without the leading "--", in runc 1.1.5's order;
/// "cpu-burst" and "cpu-idle" are runc 1.2's (spec 1.1+ fields), the last two.
/// ("resources"/"r" is not among them: the CLI reads that file and calls
/// resources_from_update_json instead, ignoring the other flags as runc does.)
extern const std::vector<std::string_view> kUpdateFlagNames;

/// Builds the patch from the flags given, keyed by name with or without "--"
/// (e.g. {"memory", "64m"}, {"--cpu-quota", "50000"}). As in runc, an empty value
/// and --blkio-weight/--pids-limit 0 leave the field unchanged; "-1" means
/// unlimited for the memory flags; --memory -1 without --memory-swap also makes swap
/// unlimited. Errors (runc's wording where runc has one):
///   invalid value for cpu-period: strconv.ParseUint: parsing "x": invalid syntax
///   invalid value for memory: invalid size: '64x'
///   invalid value "abc" for flag -pids-limit: parse error
///   --kernel-memory is not supported: ...
///   unknown update flag "--foo"
Result<UpdatePatch> resources_from_update_flags(const std::map<std::string, std::string>& flags);

/// Parses `update -r FILE` / `-r -` content: a LinuxResources object, the same names
/// as config.json's linux.resources. The object is checked with yajl, wrapped as
/// {"ociVersion":"1.0.0","root":{"path":"rootfs"},"linux":{"resources":<json>}} and parsed
/// (and validated) by oci::parse_config; error paths are relative to the object
/// ("memory.limit: ..."). The --memory -1 swap rule above applies here too.
Result<oci::Resources> resources_from_update_json(std::string_view json);

/// Overlays every field present in patch onto base: optionals that are set replace
/// base's; per-device lists (blockIO weightDevice/throttle*, network priorities,
/// hugepageLimits) merge by key (major:minor, interface name, page size) so a patch
/// of one device keeps the others; rdma and unified merge per key; devices, when
/// present in patch, replace base's list.
void merge_resources(oci::Resources& base, const oci::Resources& patch);

/// docker/go-units RAMInBytes: "<number>[ ][kmgtp][i][b]", case-insensitive, base 1024,
/// the number may have a fraction ("1.5g"); the result is truncated to whole bytes.
/// Errors: "invalid size: '<s>'" (go-units' wording) or a strconv.ParseFloat one.
Result<int64_t> parse_ram_in_bytes(std::string_view s);

}  // namespace berth::cgroups
