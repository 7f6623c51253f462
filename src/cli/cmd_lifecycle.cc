// create, start, run, kill, delete, state, list: argument handling only; the work is in
// runtime/ (runtime.h).
#include <charconv>
#include <cstdio>

#include "base/log.h"
#include "base/signals.h"
#include "cli/commands.h"
#include "runtime/exec.h"

namespace berth::cli {
namespace {

Result<int> parse_count(const std::string& s, const char* flag) {
  int n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n < 0)
    return BERTH_ERR(EINVAL, "invalid value \"%s\" for flag -%s", s.c_str(), flag);
  return n;
}

Result<void> fill_create(const Context& ctx, const Flags& f, runtime::CreateOptions& o) {
  o.id = ctx.args[0];
  o.bundle = f.value("bundle", ".");
  o.pid_file = f.value("pid-file");
  o.console_socket = f.value("console-socket");
  o.no_pivot = f.boolean("no-pivot");
  o.no_new_keyring = f.boolean("no-new-keyring");
  if (f.has("preserve-fds")) {
    BERTH_TRY_ASSIGN(o.preserve_fds, parse_count(f.value("preserve-fds"), "preserve-fds"));
  }
  return {};
}

std::string pad(const std::string& s, std::size_t w) {
  return s.size() >= w ? s : s + std::string(w - s.size(), ' ');
}

}  // namespace

int cmd_create(Context& ctx, const Flags& f) {
  runtime::CreateOptions o;
  if (auto r = fill_create(ctx, f, o); !r) return report(r.error());
  if (auto r = runtime::create(ctx.global, o); !r) return report(r.error());
  return 0;
}

int cmd_run(Context& ctx, const Flags& f) {
  runtime::RunOptions o;
  if (auto r = fill_create(ctx, f, o); !r) return report(r.error());
  o.detach = f.boolean("detach");
  o.keep = f.boolean("keep");
  auto r = runtime::run(ctx.global, o);
  if (!r) return report(r.error());
  return *r;
}

int cmd_exec(Context& ctx, const Flags& f) {
  runtime::ExecOptions o;
  o.id = ctx.args[0];
  o.args.assign(ctx.args.begin() + 1, ctx.args.end());
  o.process_file = f.value("process");
  if (o.args.empty() && o.process_file.empty())
    return report(Error::make(EINVAL, "exec: a command or --process is required"));
  o.console_socket = f.value("console-socket");
  o.pid_file = f.value("pid-file");
  o.cwd = f.value("cwd");
  o.user = f.value("user");
  o.apparmor = f.value("apparmor");
  o.process_label = f.value("process-label");
  o.env = f.values("env");
  o.caps = f.values("cap");
  o.additional_gids = f.values("additional-gids");
  o.tty = f.boolean("tty");
  o.detach = f.boolean("detach");
  o.no_new_privs = f.boolean("no-new-privs");
  o.ignore_paused = f.boolean("ignore-paused");
  if (f.has("preserve-fds")) {
    auto n = parse_count(f.value("preserve-fds"), "preserve-fds");
    if (!n) return report(n.error());
    o.preserve_fds = *n;
  }
  auto r = runtime::exec(ctx.global, o);
  if (!r) return report(r.error());
  return *r;
}

int cmd_start(Context& ctx, const Flags&) {
  if (auto r = runtime::start(ctx.global, ctx.args[0]); !r) return report(r.error());
  return 0;
}

int cmd_kill(Context& ctx, const Flags& f) {
  int sig = 15;
  if (ctx.args.size() > 1) {
    auto s = parse_signal(ctx.args[1]);
    if (!s) return report(s.error());
    sig = *s;
  }
  if (auto r = runtime::kill(ctx.global, ctx.args[0], sig, f.boolean("all")); !r)
    return report(r.error());
  return 0;
}

int cmd_delete(Context& ctx, const Flags& f) {
  if (auto r = runtime::remove(ctx.global, ctx.args[0], f.boolean("force")); !r)
    return report(r.error());
  return 0;
}

int cmd_state(Context& ctx, const Flags&) {
  auto r = runtime::state(ctx.global, ctx.args[0]);
  if (!r) return report(r.error());
  std::printf("%s\n", r->c_str());
  return 0;
}

int cmd_list(Context& ctx, const Flags& f) {
  auto r = runtime::list(ctx.global);
  if (!r) return report(r.error());
  std::string format = f.value("format", "table");
  if (f.boolean("quiet")) {
    for (const auto& e : *r) std::printf("%s\n", e.id.c_str());
    return 0;
  }
  if (format == "json") {
    // runc prints a JSON array of its state objects (null when empty).
    if (r->empty()) {
      std::printf("null\n");
      return 0;
    }
    std::string out = "[";
    for (std::size_t i = 0; i < r->size(); ++i) {
      const auto& e = (*r)[i];
      out += (i ? "," : "") + std::string("{\"ociVersion\":\"1.3.0\",\"id\":\"") +
             log::json_escape(e.id) + "\",\"pid\":" + std::to_string(e.pid) +
             ",\"status\":\"" + e.status + "\",\"bundle\":\"" + log::json_escape(e.bundle) +
             "\",\"rootfs\":\"" + log::json_escape(e.rootfs) + "\",\"created\":\"" + e.created +
             "\",\"owner\":\"" + log::json_escape(e.owner) + "\"}";
    }
    std::printf("%s]\n", out.c_str());
    return 0;
  }
  if (format != "table") return report(Error::make(EINVAL, "invalid format option"));
  // runc's table: Go tabwriter, min width 12, padding 3.
  const char* hdr[] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
  std::vector<std::vector<std::string>> rows;
  rows.push_back({hdr, hdr + 6});
  for (const auto& e : *r)
    rows.push_back({e.id, std::to_string(e.pid), e.status, e.bundle, e.created, e.owner});
  std::size_t w[6] = {};
  for (const auto& row : rows)
    for (int i = 0; i < 6; ++i) w[i] = std::max({w[i], row[i].size() + 3, std::size_t{12}});
  for (const auto& row : rows) {
    std::string line;
    for (int i = 0; i < 5; ++i) line += pad(row[i], w[i]);
    line += row[5];
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

}  // namespace berth::cli
