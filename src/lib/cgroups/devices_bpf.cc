// linux.resources.devices -> DeviceRule list -> BPF_PROG_TYPE_CGROUP_DEVICE instructions.
// Loading and attaching live in devices_bpf_load.cc.
#include "cgroups/devices_bpf.h"

#include <cstddef>
#include <cstdio>
#include <string>

namespace berth::cgroups {
namespace {

// ---- Instruction builders (the encoding of Documentation/bpf/standardization/
// instruction-set.rst; written here instead of taken from libbpf's macros) ----

constexpr uint8_t R0 = BPF_REG_0, R1 = BPF_REG_1, R2 = BPF_REG_2, R3 = BPF_REG_3,
                  R4 = BPF_REG_4, R5 = BPF_REG_5;

constexpr bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
// dst = *(u32*)(src + off)
constexpr bpf_insn ldx_w(uint8_t dst, uint8_t src, int16_t off) {
  return insn(BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0);
}
// dst <op>= imm, 64-bit
constexpr bpf_insn alu64_imm(uint8_t op, uint8_t dst, int32_t imm) {
  return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}
constexpr bpf_insn mov64_imm(uint8_t dst, int32_t imm) { return alu64_imm(BPF_MOV, dst, imm); }
// if (dst <op> imm) goto pc + 1 + off; 64-bit compare (imm sign-extended)
constexpr bpf_insn jmp_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off) {
  return insn(BPF_JMP | op | BPF_K, dst, 0, off, imm);
}
// Same on the low 32 bits: majors/minors are u32, and a 64-bit compare would sign-extend an
// immediate >= 2^31 and never match.
constexpr bpf_insn jmp32_imm(uint8_t op, uint8_t dst, uint32_t imm, int16_t off) {
  return insn(BPF_JMP32 | op | BPF_K, dst, 0, off, static_cast<int32_t>(imm));
}
constexpr bpf_insn ja(int16_t off) { return insn(BPF_JMP | BPF_JA, 0, 0, off, 0); }
constexpr bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

uint32_t access_bits(const DeviceRule& r) {
  return (r.r ? BPF_DEVCG_ACC_READ : 0) | (r.w ? BPF_DEVCG_ACC_WRITE : 0) |
         (r.m ? BPF_DEVCG_ACC_MKNOD : 0);
}
constexpr uint32_t kAllAccess = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;

bool is_reset(const DeviceRule& r) {
  return r.type == 'a' && r.major < 0 && r.minor < 0 && access_bits(r) == kAllAccess;
}

DeviceRule rule(char type, int64_t major, int64_t minor, const char* access) {
  DeviceRule d;
  d.allow = true;
  d.type = type;
  d.major = major;
  d.minor = minor;
  for (const char* p = access; *p; ++p) {
    if (*p == 'r') d.r = true;
    if (*p == 'w') d.w = true;
    if (*p == 'm') d.m = true;
  }
  return d;
}

}  // namespace

const std::vector<DeviceRule>& default_device_rules() {
  // runc's libcontainer/specconv AllowedDevices (mknod of anything, the devices every container
  // gets per config-linux.md "Default Devices", pts, ptmx, and tun kept for Docker's sake), plus
  // /dev/console 5:1, which the runtime bind-mounts for terminal containers (crun allows it).
  static const std::vector<DeviceRule> rules = {
      rule('c', -1, -1, "m"),     rule('b', -1, -1, "m"),    rule('c', 1, 3, "rwm"),
      rule('c', 1, 8, "rwm"),     rule('c', 1, 7, "rwm"),    rule('c', 5, 0, "rwm"),
      rule('c', 1, 5, "rwm"),     rule('c', 1, 9, "rwm"),    rule('c', 5, 1, "rwm"),
      rule('c', 136, -1, "rwm"),  rule('c', 5, 2, "rwm"),    rule('c', 10, 200, "rwm"),
  };
  return rules;
}

Result<std::vector<DeviceRule>> device_rules(const std::optional<std::vector<oci::DeviceCgroup>>& spec,
                                             bool with_defaults) {
  std::vector<DeviceRule> out;
  if (spec) {
    out.reserve(spec->size());
    for (std::size_t i = 0; i < spec->size(); ++i) {
      const oci::DeviceCgroup& d = (*spec)[i];
      char field[64];
      DeviceRule r;
      r.allow = d.allow;
      if (d.type) {
        if (*d.type != "a" && *d.type != "c" && *d.type != "b") {
          std::snprintf(field, sizeof field, "linux.resources.devices[%zu].type", i);
          return BERTH_ERR(EINVAL, "%s: unknown device type \"%s\" (want a, c or b)", field,
                           d.type->c_str());
        }
        r.type = (*d.type)[0];
      }
      auto number = [&](const std::optional<int64_t>& v, const char* name,
                        int64_t& dst) -> Result<void> {
        if (!v || *v == -1) return {};  // -1 is how runc's own configs spell "any"
        if (*v < 0 || *v > int64_t{UINT32_MAX}) {
          std::snprintf(field, sizeof field, "linux.resources.devices[%zu].%s", i, name);
          return BERTH_ERR(EINVAL, "%s: %lld out of range (0..4294967295, or unset for any)", field,
                           static_cast<long long>(*v));
        }
        dst = *v;
        return {};
      };
      BERTH_TRY(number(d.major, "major", r.major));
      BERTH_TRY(number(d.minor, "minor", r.minor));
      // The spec makes access OPTIONAL without a default; unset is read like the other unset
      // fields ("all"). An explicit "" is almost certainly a mistake and runc rejects it.
      std::string access = d.access.value_or("rwm");
      if (access.empty()) {
        std::snprintf(field, sizeof field, "linux.resources.devices[%zu].access", i);
        return BERTH_ERR(EINVAL, "%s: must not be empty (a composition of r, w and m)", field);
      }
      for (char c : access) {
        bool* bit = c == 'r' ? &r.r : c == 'w' ? &r.w : c == 'm' ? &r.m : nullptr;
        if (!bit || *bit) {
          std::snprintf(field, sizeof field, "linux.resources.devices[%zu].access", i);
          return BERTH_ERR(EINVAL, "%s: %s permission '%c' in \"%s\" (a composition of r, w and m)",
                           field, bit ? "repeated" : "unknown", c, access.c_str());
        }
        *bit = true;
      }
      // Type 'a' ignores the rest in the kernel's v1 parser (devcgroup_update_access) and in
      // runc's emulator: it resets the list to allow-all or deny-all.
      if (r.type == 'a') {
        r.major = r.minor = -1;
        r.r = r.w = r.m = true;
      }
      out.push_back(r);
    }
  }
  if (with_defaults) {
    const auto& defs = default_device_rules();
    out.insert(out.end(), defs.begin(), defs.end());
  }
  return out;
}

std::vector<bpf_insn> assemble_device_program(const std::vector<DeviceRule>& rules) {
  std::vector<bpf_insn> p;
  p.reserve(8 + rules.size() * 8);
  // struct bpf_cgroup_dev_ctx { u32 access_type /* access << 16 | type */; u32 major, minor; }
  p.push_back(ldx_w(R2, R1, offsetof(bpf_cgroup_dev_ctx, access_type)));
  p.push_back(alu64_imm(BPF_AND, R2, 0xffff));
  p.push_back(ldx_w(R3, R1, offsetof(bpf_cgroup_dev_ctx, access_type)));
  p.push_back(alu64_imm(BPF_RSH, R3, 16));
  p.push_back(ldx_w(R4, R1, offsetof(bpf_cgroup_dev_ctx, major)));
  p.push_back(ldx_w(R5, R1, offsetof(bpf_cgroup_dev_ctx, minor)));

  int verdict = 0;  // no rule matched: deny
  for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
    const DeviceRule& r = *it;
    uint32_t acc = access_bits(r);
    if (acc == 0) continue;  // decides nothing
    if (is_reset(r)) {       // decides everything still open; earlier rules are unreachable
      verdict = r.allow ? 1 : 0;
      break;
    }
    // Matchers jump over the rest of this rule's block when the device does not match.
    // Each verdict tail is 4 instructions (see below).
    int checks = (r.type != 'a') + (r.major >= 0) + (r.minor >= 0);
    int left = checks + 4;  // instructions after the current one, counted down as we emit
    auto skip = [&] { return static_cast<int16_t>(--left); };
    if (r.type != 'a')
      p.push_back(jmp_imm(BPF_JNE, R2, r.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
                          skip()));
    if (r.major >= 0) p.push_back(jmp32_imm(BPF_JNE, R4, static_cast<uint32_t>(r.major), skip()));
    if (r.minor >= 0) p.push_back(jmp32_imm(BPF_JNE, R5, static_cast<uint32_t>(r.minor), skip()));
    if (r.allow) {
      // undecided &= ~acc; if (undecided == 0) return 1;
      p.push_back(alu64_imm(BPF_AND, R3, static_cast<int32_t>(~acc & kAllAccess)));
      p.push_back(jmp_imm(BPF_JNE, R3, 0, 2));
      p.push_back(mov64_imm(R0, 1));
      p.push_back(exit_insn());
    } else {
      // if (undecided & acc) return 0;
      p.push_back(jmp_imm(BPF_JSET, R3, static_cast<int32_t>(acc), 1));
      p.push_back(ja(2));
      p.push_back(mov64_imm(R0, 0));
      p.push_back(exit_insn());
    }
  }
  p.push_back(mov64_imm(R0, verdict));
  p.push_back(exit_insn());
  return p;
}

}  // namespace berth::cgroups
