// pause, resume, ps, events, update: argument handling; the work is in runtime/cgroup_ops.cc.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/file.h"
#include "cgroups/stats.h"
#include "cli/commands.h"

namespace berth::cli {

int cmd_pause(Context& ctx, const Flags&) {
  if (auto r = runtime::pause(ctx.global, ctx.args[0]); !r) return report(r.error());
  return 0;
}

int cmd_resume(Context& ctx, const Flags&) {
  if (auto r = runtime::resume(ctx.global, ctx.args[0]); !r) return report(r.error());
  return 0;
}

// runc ps: --format json prints the pid array; table runs ps(1) (default "-ef", or the
// arguments after the id) and keeps the header and the container's lines.
int cmd_ps(Context& ctx, const Flags& f) {
  auto pids = runtime::pids(ctx.global, ctx.args[0]);
  if (!pids) return report(pids.error());
  std::string format = f.value("format", "table");
  if (format == "json") {
    std::string out = "[";
    for (std::size_t i = 0; i < pids->size(); ++i)
      out += (i ? "," : "") + std::to_string((*pids)[i]);
    std::printf("%s]\n", out.c_str());
    return 0;
  }
  if (format != "table") return report(Error::make(EINVAL, "invalid format option"));
  std::string cmd = "ps";
  if (ctx.args.size() > 1) {
    for (std::size_t i = 1; i < ctx.args.size(); ++i) cmd += " '" + ctx.args[i] + "'";
  } else {
    cmd += " -ef";
  }
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return report(Error::sys("run %s", cmd.c_str()));
  char line[4096];
  int pid_col = -1;
  bool header = true;
  while (std::fgets(line, sizeof line, p)) {
    std::string l(line);
    std::vector<std::string> cols;
    std::size_t pos = 0;
    while ((pos = l.find_first_not_of(" \t\n", pos)) != std::string::npos) {
      auto end = l.find_first_of(" \t\n", pos);
      cols.push_back(l.substr(pos, end - pos));
      pos = end;
    }
    if (header) {
      for (std::size_t i = 0; i < cols.size(); ++i)
        if (cols[i] == "PID") pid_col = static_cast<int>(i);
      std::fputs(line, stdout);
      header = false;
      if (pid_col < 0) {
        ::pclose(p);
        return report(Error::make(EINVAL, "couldn't find PID field in ps output"));
      }
      continue;
    }
    if (pid_col >= static_cast<int>(cols.size())) continue;
    int pid = std::atoi(cols[static_cast<std::size_t>(pid_col)].c_str());
    for (int c : *pids)
      if (c == pid) std::fputs(line, stdout);
  }
  ::pclose(p);
  return 0;
}

int cmd_events(Context& ctx, const Flags& f) {
  if (f.boolean("stats")) {
    auto s = runtime::stats(ctx.global, ctx.args[0]);
    if (!s) return report(s.error());
    std::printf("%s\n", s->c_str());
    return 0;
  }
  auto d = cgroups::parse_go_duration(f.value("interval", "5s"));
  if (!d) return report(d.error());
  if (d->count() <= 0) return report(Error::make(EINVAL, "duration interval must be greater than 0"));
  if (auto r = runtime::events(ctx.global, ctx.args[0], d->count()); !r) return report(r.error());
  return 0;
}

int cmd_update(Context& ctx, const Flags& f) {
  std::string json;
  if (f.has("resources")) {
    std::string src = f.value("resources");
    auto data = read_file(src == "-" ? "/dev/stdin" : src);
    if (!data) return report(data.error());
    json = std::move(*data);
  }
  // runc: with -r, every other option is ignored.
  std::map<std::string, std::string> flags;
  if (json.empty())
    for (const auto& [name, values] : f.set_)
      if (name != "resources" && !values.empty()) flags[name] = values.back();
  if (auto r = runtime::update(ctx.global, ctx.args[0], json, flags); !r) return report(r.error());
  return 0;
}

}  // namespace berth::cli
