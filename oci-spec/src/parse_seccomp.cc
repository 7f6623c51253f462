// Structural parsing of config-linux.md#seccomp.
#include "parse_internal.h"

namespace oci::detail {

// index, value and op are REQUIRED.
Status parse_obj(const ObjectReader& r, SeccompArg& out) {
  OCI_TRY(r.req("index", out.index));
  OCI_TRY(r.req("value", out.value));
  OCI_TRY(r.opt("valueTwo", out.value_two));
  OCI_TRY(r.req("op", out.op));
  return {};
}

// names and action are REQUIRED.
Status parse_obj(const ObjectReader& r, SeccompSyscall& out) {
  OCI_TRY(r.req("names", out.names));
  OCI_TRY(r.req("action", out.action));
  OCI_TRY(r.opt("errnoRet", out.errno_ret));
  OCI_TRY(r.opt("args", out.args));
  return {};
}

// defaultAction is REQUIRED.
Status parse_obj(const ObjectReader& r, Seccomp& out) {
  OCI_TRY(r.req("defaultAction", out.default_action));
  OCI_TRY(r.opt("defaultErrnoRet", out.default_errno_ret));
  OCI_TRY(r.opt("architectures", out.architectures));
  OCI_TRY(r.opt("flags", out.flags));
  OCI_TRY(r.opt("listenerPath", out.listener_path));
  OCI_TRY(r.opt("listenerMetadata", out.listener_metadata));
  OCI_TRY(r.opt("syscalls", out.syscalls));
  return {};
}

}  // namespace oci::detail
