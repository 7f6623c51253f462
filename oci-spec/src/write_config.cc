// Serialisation of config.json. Members are written in the order config.md
// and config-linux.md list them; absent optionals are omitted.
#include "json_write.h"
#include "oci/json.h"

namespace oci::detail {

Writer::Writer(bool pretty) : g_(yajl_gen_alloc(nullptr)) {
  if (pretty) {
    yajl_gen_config(g_, yajl_gen_beautify, 1);
    yajl_gen_config(g_, yajl_gen_indent_string, "\t");
  }
}

Writer::~Writer() { yajl_gen_free(g_); }

std::string Writer::finish() {
  const unsigned char* buf = nullptr;
  size_t len = 0;
  yajl_gen_get_buf(g_, &buf, &len);
  std::string out(reinterpret_cast<const char*>(buf), len);
  yajl_gen_clear(g_);
  return out;
}

void emit(Writer& w, const Root& v) {
  w.begin_object();
  field(w, "path", v.path);
  field(w, "readonly", v.readonly);
  w.end_object();
}

void emit(Writer& w, const IDMapping& v) {
  w.begin_object();
  field(w, "containerID", v.container_id);
  field(w, "hostID", v.host_id);
  field(w, "size", v.size);
  w.end_object();
}

void emit(Writer& w, const Mount& v) {
  w.begin_object();
  field(w, "destination", v.destination);
  field(w, "type", v.type);
  field(w, "source", v.source);
  field(w, "options", v.options);
  nonempty(w, "uidMappings", v.uid_mappings);
  nonempty(w, "gidMappings", v.gid_mappings);
  w.end_object();
}

void emit(Writer& w, const Box& v) {
  w.begin_object();
  field(w, "height", v.height);
  field(w, "width", v.width);
  w.end_object();
}

void emit(Writer& w, const User& v) {
  w.begin_object();
  field(w, "uid", v.uid);
  field(w, "gid", v.gid);
  field(w, "umask", v.umask);
  nonempty(w, "additionalGids", v.additional_gids);
  field(w, "username", v.username);
  w.end_object();
}

void emit(Writer& w, const Capabilities& v) {
  w.begin_object();
  field(w, "bounding", v.bounding);
  field(w, "effective", v.effective);
  field(w, "inheritable", v.inheritable);
  field(w, "permitted", v.permitted);
  field(w, "ambient", v.ambient);
  w.end_object();
}

void emit(Writer& w, const Rlimit& v) {
  w.begin_object();
  field(w, "type", v.type);
  field(w, "hard", v.hard);
  field(w, "soft", v.soft);
  w.end_object();
}

void emit(Writer& w, const IOPriority& v) {
  w.begin_object();
  field(w, "class", v.class_);
  field(w, "priority", v.priority);
  w.end_object();
}

void emit(Writer& w, const Scheduler& v) {
  w.begin_object();
  field(w, "policy", v.policy);
  field(w, "nice", v.nice);
  field(w, "priority", v.priority);
  nonempty(w, "flags", v.flags);
  field(w, "runtime", v.runtime);
  field(w, "deadline", v.deadline);
  field(w, "period", v.period);
  w.end_object();
}

void emit(Writer& w, const ExecCPUAffinity& v) {
  w.begin_object();
  field(w, "initial", v.initial);
  field(w, "final", v.final_);
  w.end_object();
}

void emit(Writer& w, const Process& v) {
  w.begin_object();
  field(w, "terminal", v.terminal);
  field(w, "consoleSize", v.console_size);
  field(w, "user", v.user);
  nonempty(w, "args", v.args);
  field(w, "commandLine", v.command_line);
  nonempty(w, "env", v.env);
  field(w, "cwd", v.cwd);
  field(w, "capabilities", v.capabilities);
  nonempty(w, "rlimits", v.rlimits);
  field(w, "noNewPrivileges", v.no_new_privileges);
  field(w, "apparmorProfile", v.apparmor_profile);
  field(w, "oomScoreAdj", v.oom_score_adj);
  field(w, "selinuxLabel", v.selinux_label);
  field(w, "ioPriority", v.io_priority);
  field(w, "scheduler", v.scheduler);
  field(w, "execCPUAffinity", v.exec_cpu_affinity);
  w.end_object();
}

void emit(Writer& w, const Hook& v) {
  w.begin_object();
  field(w, "path", v.path);
  nonempty(w, "args", v.args);
  nonempty(w, "env", v.env);
  field(w, "timeout", v.timeout);
  w.end_object();
}

void emit(Writer& w, const Hooks& v) {
  w.begin_object();
  nonempty(w, "prestart", v.prestart);
  nonempty(w, "createRuntime", v.create_runtime);
  nonempty(w, "createContainer", v.create_container);
  nonempty(w, "startContainer", v.start_container);
  nonempty(w, "poststart", v.poststart);
  nonempty(w, "poststop", v.poststop);
  w.end_object();
}

void emit(Writer& w, const Spec& v) {
  w.begin_object();
  field(w, "ociVersion", v.oci_version);
  field(w, "process", v.process);
  field(w, "root", v.root);
  field(w, "hostname", v.hostname);
  field(w, "domainname", v.domainname);
  nonempty(w, "mounts", v.mounts);
  field(w, "hooks", v.hooks);
  nonempty(w, "annotations", v.annotations);
  field(w, "linux", v.linux);
  w.end_object();
}

}  // namespace oci::detail

namespace oci {

std::string write_config(const Spec& spec, bool pretty) {
  detail::Writer w(pretty);
  detail::emit(w, spec);
  std::string out = w.finish();
  if (pretty) out += '\n';
  return out;
}

}  // namespace oci
