// Helpers shared by resources_v1.cc and resources_v2.cc (not part of the API).
#pragma once

#include <oci/error.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <oci/config.h>

#include "base/error.h"
#include "cgroups/resources.h"

namespace berth::cgroups::detail {

inline constexpr std::string_view kBase = "linux.resources";

/// `"<key>"` with quotes and control bytes escaped, for map-key field names: the same
/// quoting as oci-spec's messages.
using oci::quote;

/// EINVAL error "<field>: <message>".
Unexpected<Error> field_error(std::string_view field, const std::string& message);

/// "8:0", the MAJ:MIN prefix of every blkio/io per-device line.
std::string dev_key(int64_t major, int64_t minor);

/// Range checks that hold on both hierarchies (config-linux.md ranges and the
/// kernel's own limits), so v1 and v2 reject the same bad configs the same way.
Result<void> check_common(const oci::Resources& r);

/// Byte count of a validated "<n>KB|MB|GB" page size (base 1024), 0 if malformed.
uint64_t page_size_bytes(std::string_view ps);

/// "hugetlb.<size>." prefix for an entry (pageSize is already canonical by check_common).
inline std::string hugetlb_prefix(const oci::HugepageLimit& h) { return "hugetlb." + h.page_size + "."; }

/// "mlx4_0 hca_handle=2 hca_object=2000" (only the present limits), for rdma.max.
std::string rdma_line(const std::string& dev, const oci::Rdma& lim);

/// Whether memory.limit/swap/reservation carry a value (0 is "unset", as runc).
inline bool mem_set(const std::optional<int64_t>& v) { return v && *v != 0; }

}  // namespace berth::cgroups::detail
