// `run`: create + start in one process. In the foreground berth stays the parent of init:
// it forwards signals, relays the terminal when there is no --console-socket, waits, and
// exits with the container's status (128+N when killed by signal N), like runc.
#include <sys/prctl.h>

#include "base/log.h"
#include "runtime/common.h"
#include "runtime/create.h"
#include "runtime/foreground.h"
#include "state/store.h"

namespace berth::runtime {

Result<int> run(const Global& g, const RunOptions& o) {
  bool foreground = !o.detach;
  // Orphans of the container (no pid namespace) are reparented to us, not to host init.
  if (foreground) prctl(PR_SET_CHILD_SUBREAPER, 1);
  BlockedSignals sigs;
  BERTH_TRY_ASSIGN(Created c, create_container(g, o, process::StartMode::kSocket, foreground));
  state::Store& store = c.store;

  auto abort_run = [&](Error e) -> Result<int> {
    process::kill_and_reap(c.init);
    (void)destroy(store, c.rec, false);
    return fail(std::move(e));
  };
  c.rec.status = "running";
  if (auto r = store.save(c.rec); !r) return abort_run(r.error());
  if (auto r = process::release(c.init); !r) return abort_run(r.error());
  if (auto r = run_poststart(c.rec, c.poststart); !r) {
    process::kill_and_reap(c.init);
    (void)destroy(store, c.rec);
    return fail(r.error());
  }

  if (!foreground) {
    c.init.pid = -1;  // detached: the caller's subreaper (or host init) adopts it
    return 0;
  }

  int code = wait_foreground(c.init, sigs);
  if (!o.keep)
    if (auto r = destroy(store, c.rec); !r) BERTH_WARN("%s", r.error().what());
  return code;
}

}  // namespace berth::runtime
