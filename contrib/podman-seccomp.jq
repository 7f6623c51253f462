# Turns a containers/common seccomp profile (/usr/share/containers/seccomp.json, the one
# Podman passes to every container) into an OCI linux.seccomp object for amd64, the way
# the engine does: x86_64 with its sub-architectures, and only the entries whose arch and
# capability conditions hold for the container's bounding set.
#
#   jq -c --argjson caps '["CAP_CHOWN", ...]' -f contrib/podman-seccomp.jq seccomp.json
def has($c): ($caps | index($c)) != null;
{defaultAction, defaultErrnoRet,
 architectures: [.archMap[] | select(.architecture == "SCMP_ARCH_X86_64")
                 | .architecture, .subArchitectures[]],
 syscalls: [.syscalls[]
   | select(((.includes.arches // []) | length == 0) or ((.includes.arches // []) | index("amd64")))
   | select((.excludes.arches // []) | index("amd64") | not)
   | select((.includes.caps // []) | all(has(.)))
   | select((.excludes.caps // []) | any(has(.)) | not)
   | {names, action}
     + (if .errnoRet then {errnoRet} else {} end)
     + (if ((.args // []) | length) > 0 then {args: [.args[] | {index, value, valueTwo, op}]} else {} end)]}
