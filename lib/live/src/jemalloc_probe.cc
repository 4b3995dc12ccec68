#include "memprof/live/jemalloc_probe.h"

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "memprof/profile/diagnostics.h"

namespace memprof::live {

namespace {

// Bounds-checked reads from the whole file; a malformed ELF simply yields nothing.
struct ElfFile {
  std::string bytes;

  template <typename T>
  bool read(uint64_t offset, T& out) const {
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
    std::memcpy(&out, bytes.data() + offset, sizeof(T));
    return true;
  }
  std::string_view string_at(const Elf64_Shdr& strtab, uint64_t index) const {
    if (strtab.sh_offset > bytes.size() || index >= strtab.sh_size) return {};
    uint64_t start = strtab.sh_offset + index;
    uint64_t end = std::min<uint64_t>(bytes.size(), strtab.sh_offset + strtab.sh_size);
    if (start >= end) return {};
    std::string_view s(bytes.data() + start, end - start);
    return s.substr(0, s.find('\0'));
  }
};

constexpr const char* kPrefixes[] = {"", "je_", "_rjem_"};

// Looks for a defined <prefix>mallctl in one symbol table.
void scan_symbols(const ElfFile& elf, const Elf64_Shdr& symtab, const Elf64_Shdr& strtab, bool dynamic,
                  JemallocProbe& probe) {
  if (symtab.sh_entsize != sizeof(Elf64_Sym)) return;
  for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= symtab.sh_size; off += sizeof(Elf64_Sym)) {
    Elf64_Sym sym;
    if (!elf.read(symtab.sh_offset + off, sym)) return;
    if (sym.st_shndx == SHN_UNDEF || ELF64_ST_TYPE(sym.st_info) != STT_FUNC) continue;
    std::string_view name = elf.string_at(strtab, sym.st_name);
    for (const char* prefix : kPrefixes) {
      std::string_view p(prefix);
      if (name.size() <= p.size() || name.substr(0, p.size()) != p) continue;
      std::string_view rest = name.substr(p.size());
      if (rest == "mallctl" && (probe.mallctl == 0 || dynamic)) {
        probe.mallctl = sym.st_value;
        probe.prefix = prefix;
        probe.exported = probe.exported || dynamic;
      } else if (rest == "malloc_stats_print") {
        probe.stats_print = sym.st_value;
      }
    }
  }
}

std::string conf_env_for(const std::string& prefix) {
  std::string env;
  for (char c : prefix) env += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return env + "MALLOC_CONF";
}

}  // namespace

JemallocProbe probe_jemalloc(const std::string& executable) {
  JemallocProbe probe;
  std::ifstream in(executable, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read", executable));
  ElfFile elf{std::string(std::istreambuf_iterator<char>(in), {})};
  struct stat st {};
  if (stat(executable.c_str(), &st) == 0)
    probe.file_id =
        fmt::format("{}:{}", static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino));
  Elf64_Ehdr eh;
  if (!elf.read(0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
    return probe;
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  for (size_t i = 0; i < sections.size(); ++i)
    if (!elf.read(eh.e_shoff + i * sizeof(Elf64_Shdr), sections[i])) return probe;
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_link >= sections.size()) continue;
    const Elf64_Shdr& strtab = sections[sh.sh_link];
    if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) {
      scan_symbols(elf, sh, strtab, sh.sh_type == SHT_DYNSYM, probe);
    } else if (sh.sh_type == SHT_DYNAMIC) {
      for (uint64_t off = 0; off + sizeof(Elf64_Dyn) <= sh.sh_size; off += sizeof(Elf64_Dyn)) {
        Elf64_Dyn dyn;
        if (!elf.read(sh.sh_offset + off, dyn) || dyn.d_tag == DT_NULL) break;
        if (dyn.d_tag != DT_NEEDED) continue;
        std::string_view lib = elf.string_at(strtab, dyn.d_un.d_val);
        if (lib.find("libjemalloc") != std::string_view::npos) probe.needed = std::string(lib);
      }
    }
  }
  if (probe.mallctl != 0) probe.link = JemallocLink::static_symbols;
  else if (!probe.needed.empty()) probe.link = JemallocLink::dynamic;
  probe.conf_env = conf_env_for(probe.prefix);
  return probe;
}

std::string resolve_command(const std::string& command) {
  if (command.find('/') != std::string::npos) {
    if (access(command.c_str(), X_OK) != 0) throw InputError(fmt::format("{}: not an executable file", command));
    return command;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + command;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  throw InputError(fmt::format("{}: command not found on PATH", command));
}

std::string find_system_jemalloc() {
  if (const char* over = std::getenv("MEMPROF_JEMALLOC"); over && *over) return over;
  for (const char* dir :
       {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"}) {
    std::string path = std::string(dir) + "/libjemalloc.so.2";
    if (access(path.c_str(), R_OK) == 0) return path;
  }
  return "";
}

}  // namespace memprof::live
