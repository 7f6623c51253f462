// berth::netlink: the few rtnetlink operations a runtime needs (libmnl, NETLINK_ROUTE).
//
//  - loopback_up(): in the container child, right after entering its new network
//    namespace, so the container has a working 127.0.0.1 (runc does the same).
//  - move_link()/move_net_devices(): in the parent, from the host network namespace,
//    moving linux.netDevices into the container (config-linux.md "Network Devices").
//  - validate_net_devices(): parent-side checks before anything is created.
//
// There is deliberately no move_link_back(): config-linux.md "Namespace Lifecycle and
// Container Termination" says the runtime MUST NOT move devices out before deletion;
// the kernel returns physical devices to the initial namespace (under their in-container
// name, or dev%d on a clash) and destroys virtual ones when the namespace is freed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <oci/config.h>

#include "base/error.h"

namespace berth::netlink {

/// Sets `lo` IFF_UP in the calling thread's network namespace (RTM_NEWLINK by name,
/// waits for the ACK). Allocation-free: safe in the container child.
Result<void> loopback_up();

/// Moves the host interface `host_name` into the network namespace `netns_fd` (an fd of
/// /proc/<pid>/ns/net or a bind-mounted netns file), renamed to `new_name` in the same
/// RTM_NEWLINK message when new_name is non-empty and differs. Then, as the spec
/// requires, re-adds the device's permanent global-scope addresses (the kernel flushes
/// addresses on a namespace move) and sets it up inside the target namespace.
/// new_name may be a template with one "%d"; the lowest free number in the target is
/// used. A name already present in the target (without %d) fails before anything moves.
/// Errors read `<what>: <reason>` and name the device where it matters (`no device
/// "eth0" in the runtime network namespace`); the caller wraps them with the field,
/// `linux.netDevices["eth0"]`, as move_net_devices() does.
/// Parent-side only: it switches the calling thread into netns_fd for a moment to open
/// a socket there (and switches back; it aborts if it cannot, rather than run on in the
/// container's namespace).
Result<void> move_link(const std::string& host_name, const std::string& new_name, int netns_fd);

/// move_link() for every entry of linux.netDevices (key = host name, value.name = new
/// name, absent = keep the host name), in map order, stopping at the first error,
/// which reads `linux.netDevices["<host name>"]: <what>: <reason>`.
Result<void> move_net_devices(const std::map<std::string, oci::NetDevice>& devices,
                              int netns_fd);

/// Names of all links in the calling thread's network namespace (RTM_GETLINK dump).
Result<std::vector<std::string>> link_names();

struct LinkInfo {
  std::string name;
  int index = 0;
  unsigned flags = 0;  // IFF_*
};
/// Like link_names(), with ifindex and flags (tests check IFF_UP with it).
Result<std::vector<LinkInfo>> links();

/// Runtime-level checks of linux.netDevices (parent side, before create):
///  - host names (keys) and new names are valid kernel interface names: non-empty,
///    at most 15 bytes (IFNAMSIZ-1), not "." or "..", no '/', ':' or whitespace;
///    a new name may hold one "%d" template and no other '%';
///  - two entries may not ask for the same name in the container;
///  - netDevices needs a network namespace of the container's own: linux.namespaces
///    must contain "network", and a "path" to join must not be the runtime's own netns.
/// Errors name the field: `linux.netDevices["eth0"].name: ...`.
Result<void> validate_net_devices(const oci::Spec& spec);

}  // namespace berth::netlink
