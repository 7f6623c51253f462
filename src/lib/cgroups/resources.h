// Pure translation of linux.resources (config-linux.md "Control groups") into the
// ordered list of cgroup file writes the drivers (v1.cc / v2.cc) perform.
//
// Nothing here touches the filesystem: every host fact that changes the translation
// (is BFQ the I/O scheduler, does hugetlb reservation accounting exist, is swap
// accounted) is a field of V2Options / V1Options that the driver probes and passes in.
// All validation happens here, in the parent, so errors name the JSON field
// ("linux.resources.memory.swap: ...") instead of surfacing as a bare EINVAL from
// write(2) (DESIGN: the parent resolves, the child executes).
//
// Contract for the drivers:
//  * Apply the writes in vector order, one write(2) per Write, value as-is (no
//    trailing newline needed). Keyed files (io.max, rdma.max, devices.allow,
//    blkio.*_device, net_prio.ifpriomap, ...) appear once per key, because the kernel
//    parses a single entry per write(2); a multi-line unified value is split likewise.
//  * The same file may appear more than once on purpose (cpu.max.burst reset, below).
//  * Devices are not in v2_writes (cgroup v2 uses an eBPF program, built elsewhere).
//
// Decisions where the spec is silent (runc's behaviour unless said otherwise):
//  * 0 for memory.limit / reservation / swap means "unset" (runc): no write.
//  * memory.swap (memory+swap) on v2 becomes memory.swap.max = swap - limit; swap == -1
//    or (limit == -1 and swap unset) -> "max"; swap == limit -> "0". swap without a
//    positive limit, or swap < limit, is an error.
//  * v2 ignores (no write) kernel, kernelTCP, disableOOMKiller, useHierarchy and
//    checkBeforeUpdate (no v2 file; checkBeforeUpdate is done by `update`).
//    swappiness, realtime*, blockIO leafWeight and network are errors on v2: the
//    request cannot be honoured and silently dropping a limit is worse than failing.
//  * v1 kernel memory limits other than -1 are rejected (the kernel stopped honouring
//    memory.kmem.limit_in_bytes in 5.16); -1 (the spec's own example) is accepted.
//  * pids.limit: -1 -> "max", 0 is a real limit (config-linux.md#pids note).
//  * cpu quota only -> cpu.max "QUOTA" (the kernel keeps the current period, default
//    100000, so `update` does not reset a custom period); period only -> "max PERIOD".
//  * unified keys are written after every structured write. A unified key names a file
//    the structured fields also write: the structured write is dropped (the unified
//    value wins, as in runc, without a transient intermediate value); for keyed files
//    only the structured entries for the same key (device, "default") are dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <oci/config.h>

#include "base/error.h"

namespace berth::cgroups {

struct Write {
  std::string controller;  // v1: hierarchy name ("memory", "cpu", ...); v2: "" (unified)
  std::string file;        // "memory.max", "cpu.max", "memory.limit_in_bytes" ...
  std::string value;       // exactly what is written (one write(2))
  bool operator==(const Write&) const = default;
};

struct V2Options {
  /// io.bfq.weight exists (BFQ is the scheduler): weights go there unconverted
  /// (10..1000 fits BFQ's 1..1000) instead of io.weight (1..10000, converted).
  bool bfq = false;
  /// hugetlb.<size>.rsvd.max exists (5.7+): the spec prefers reservation accounting,
  /// so the limit is written to both hugetlb.<size>.max and hugetlb.<size>.rsvd.max.
  bool hugetlb_rsvd = false;
  /// memory.swap.max exists (CONFIG_SWAP). When false, a swap request that only
  /// means "unlimited" or "no swap" is skipped; any other swap limit is an error.
  bool swap = true;
};

struct V1Options {
  /// blkio.bfq.weight exists: CFQ (blkio.weight, blkio.leaf_weight*) is gone since
  /// 5.0, so weights go to blkio.bfq.weight / blkio.bfq.weight_device; leaf weights
  /// are then an error.
  bool bfq = false;
  /// hugetlb.<size>.rsvd.limit_in_bytes exists: also write the reservation limit.
  bool hugetlb_rsvd = false;
  /// memory.memsw.limit_in_bytes exists (swap accounting on). When false, swap == -1
  /// is skipped and any other swap limit is an error.
  bool memsw = true;
  /// Current memory.limit_in_bytes (for `update`). The kernel keeps memsw >= limit
  /// at every write, so memsw goes first when the new memsw is >= this value, else
  /// the limit goes first. nullopt = a fresh cgroup (unlimited): limit first.
  std::optional<uint64_t> current_memory_limit;
};

/// linux.resources -> ordered writes for a cgroup v2 directory. Errors name the field:
/// "linux.resources.memory.swap: must be >= memory.limit (...)". Devices are NOT here.
Result<std::vector<Write>> v2_writes(const oci::Resources& r, const V2Options& opt = {});

/// Same for cgroup v1 hierarchies (Write::controller names the hierarchy). When
/// linux.resources.devices is present (even empty) the device rules start with
/// devices.deny "a" and follow in order; absent means "leave the device list alone".
Result<std::vector<Write>> v1_writes(const oci::Resources& r, const V1Options& opt = {});

/// cpu.shares (2..262144) -> cpu.weight (1..10000), linear as runc/crun:
/// 1 + (shares - 2) * 9999 / 262142. Out-of-range input is clamped.
uint64_t shares_to_weight(uint64_t shares);

/// blkio weight (10..1000) -> io.weight (1..10000): 1 + (w - 10) * 9999 / 990. Clamped.
uint64_t blkio_weight_to_io_weight(uint64_t w);

}  // namespace berth::cgroups
