// Parser for the kernel's "list format" of CPU and NUMA node numbers ("0-3,7"), used by
// process.execCPUAffinity (config.md#linux-process) and linux.memoryPolicy.nodes
// (config-linux.md#memory-policy). Parent side: allocates, errors describe the input.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace berth::attrs {

/// Parses "0-3,7" into the sorted, de-duplicated ids {0,1,2,3,7}. Whitespace around
/// items is tolerated (the kernel's cpuset files print a trailing newline). Empty input
/// gives an empty list; the caller decides whether that is allowed. Ids >= max_id are
/// rejected so the result always fits the caller's fixed-size mask.
Result<std::vector<unsigned>> parse_id_list(std::string_view text, unsigned max_id);

}  // namespace berth::attrs
