// Structural parsing of the top level of config.json (config.md): root,
// mounts, hooks, annotations. Semantic rules live in validate*.cc.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "oci/json.h"
#include "oci/validate.h"
#include "parse_internal.h"

namespace oci::detail {

// config.md#root
Status parse_obj(const ObjectReader& r, Root& out) {
  OCI_TRY(r.req("path", out.path));
  OCI_TRY(r.opt("readonly", out.readonly));
  return {};
}

// config-linux.md#user-namespace-mappings: all three members are REQUIRED.
Status parse_obj(const ObjectReader& r, IDMapping& out) {
  OCI_TRY(r.req("containerID", out.container_id));
  OCI_TRY(r.req("hostID", out.host_id));
  OCI_TRY(r.req("size", out.size));
  return {};
}

// config.md#mounts, config.md#posix-platform-mounts
Status parse_obj(const ObjectReader& r, Mount& out) {
  OCI_TRY(r.req("destination", out.destination));
  OCI_TRY(r.opt("source", out.source));
  OCI_TRY(r.opt("options", out.options));
  OCI_TRY(r.opt("type", out.type));
  OCI_TRY(r.opt("uidMappings", out.uid_mappings));
  OCI_TRY(r.opt("gidMappings", out.gid_mappings));
  return {};
}

// config.md#posix-platform-hooks
Status parse_obj(const ObjectReader& r, Hook& out) {
  OCI_TRY(r.req("path", out.path));
  OCI_TRY(r.opt("args", out.args));
  OCI_TRY(r.opt("env", out.env));
  OCI_TRY(r.opt("timeout", out.timeout));
  return {};
}

Status parse_obj(const ObjectReader& r, Hooks& out) {
  OCI_TRY(r.opt("prestart", out.prestart));
  OCI_TRY(r.opt("createRuntime", out.create_runtime));
  OCI_TRY(r.opt("createContainer", out.create_container));
  OCI_TRY(r.opt("startContainer", out.start_container));
  OCI_TRY(r.opt("poststart", out.poststart));
  OCI_TRY(r.opt("poststop", out.poststop));
  return {};
}

// config.md: top-level properties. Platform objects other than "linux"
// (windows, solaris, vm, zos, freebsd) are outside this library's model and
// are ignored like any unknown property.
Status parse_obj(const ObjectReader& r, Spec& out) {
  OCI_TRY(r.req("ociVersion", out.oci_version));
  OCI_TRY(r.opt("process", out.process));
  OCI_TRY(r.opt("root", out.root));
  OCI_TRY(r.opt("hostname", out.hostname));
  OCI_TRY(r.opt("domainname", out.domainname));
  OCI_TRY(r.opt("mounts", out.mounts));
  OCI_TRY(r.opt("hooks", out.hooks));
  OCI_TRY(r.opt("annotations", out.annotations));
  OCI_TRY(r.opt("linux", out.linux));
  return {};
}

// Shared by parse_config/state/features: parse a document whose top level
// must be an object.
template <class T>
Result<T> parse_document(std::string_view json) {
  auto tree = Tree::parse(json);
  if (!tree) return Unexpected<Error>(tree.error());
  if (!YAJL_IS_OBJECT(tree->root())) {
    return fail(
        "", std::string("expected a JSON object at the top level, got ") + describe(tree->root()));
  }
  T out{};
  OCI_TRY(read_any(tree->root(), "", out));
  return out;
}

template Result<State> parse_document<State>(std::string_view);
template Result<Features> parse_document<Features>(std::string_view);

}  // namespace oci::detail

namespace oci {

Result<Spec> parse_config(std::string_view json) {
  auto spec = detail::parse_document<Spec>(json);
  if (!spec) return spec;
  auto ok = validate(*spec);
  if (!ok) return Unexpected<Error>(ok.error());
  return spec;
}

Result<Spec> load_config(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return detail::fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::string data;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  bool err = std::ferror(f) != 0;
  int saved = errno;
  std::fclose(f);
  if (err) return detail::fail(path, std::string("read error: ") + std::strerror(saved));
  auto spec = parse_config(data);
  if (!spec && spec.error().path.empty()) {
    // Document-level errors (bad JSON) get the file name as their location.
    return detail::fail(path, spec.error().message);
  }
  return spec;
}

}  // namespace oci
