#include "module_locator.h"

#include <sys/stat.h>

#include <cstdio>

namespace memprof::symbolize {

namespace {

constexpr uint64_t kPage = 4096;

std::string dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string join(const std::string& dir, const std::string& rest) {
  if (dir.empty()) return rest;
  std::string r = rest;
  while (!r.empty() && r.front() == '/') r.erase(0, 1);
  return dir.back() == '/' ? dir + r : dir + "/" + r;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

std::optional<LoadedElf> load_elf(const std::string& path, std::string& error) {
  if (!is_regular_file(path)) {
    error = "not a regular file";
    return std::nullopt;
  }
  auto file = MappedFile::open(path, error);
  if (!file) return std::nullopt;
  auto elf = ElfFile::parse(file->bytes(), error);
  if (!elf) return std::nullopt;
  return LoadedElf{std::move(file), std::move(*elf)};
}

bool layout_matches(const ElfFile& elf, const std::vector<const Mapping*>& mappings, std::string& why) {
  std::optional<uint64_t> bias;
  for (const Mapping* m : mappings) {
    const ElfSegment* seg = nullptr;
    for (const ElfSegment& s : elf.loads())
      if (m->offset >= (s.offset & ~(kPage - 1)) && m->offset < s.offset + s.filesz &&
          (!m->executable || s.executable())) {
        seg = &s;
        break;
      }
    char buf[160];
    if (!seg) {
      std::snprintf(buf, sizeof buf, "no %sPT_LOAD segment at file offset 0x%llx", m->executable ? "executable " : "",
                    static_cast<unsigned long long>(m->offset));
      why = buf;
      return false;
    }
    // The mapping's start corresponds to file offset m->offset, i.e. to this virtual address.
    uint64_t vaddr = m->offset - seg->offset + seg->vaddr;
    uint64_t this_bias = m->start - vaddr;
    if ((this_bias & (kPage - 1)) != 0 || (elf.is_executable_type() && this_bias != 0) ||
        (bias && *bias != this_bias)) {
      std::snprintf(buf, sizeof buf, "mapping at 0x%llx cannot come from its PT_LOAD segments",
                    static_cast<unsigned long long>(m->start));
      why = buf;
      return false;
    }
    bias = this_bias;
    uint64_t seg_file_end = (seg->offset + seg->filesz + kPage - 1) & ~(kPage - 1);
    if (m->executable && m->limit - m->start > seg_file_end - m->offset) {
      std::snprintf(buf, sizeof buf, "executable mapping of 0x%llx bytes is larger than its segment",
                    static_cast<unsigned long long>(m->limit - m->start));
      why = buf;
      return false;
    }
  }
  return true;
}

std::vector<std::string> candidate_paths(const std::string& dump_path, const std::string& explicit_binary,
                                         const std::vector<std::string>& search_paths) {
  std::vector<std::string> out;
  if (!explicit_binary.empty()) out.push_back(explicit_binary);
  out.push_back(dump_path);
  for (const std::string& dir : search_paths) out.push_back(join(dir, dump_path));
  for (const std::string& dir : search_paths) out.push_back(join(dir, basename(dump_path)));
  return out;
}

std::optional<LoadedElf> find_debug_file(const LoadedElf& binary, const std::vector<std::string>& debug_dirs) {
  std::vector<std::string> dirs = debug_dirs;
  dirs.push_back("/usr/lib/debug");
  const std::string& id = binary.elf.build_id();
  auto usable = [&](std::optional<LoadedElf>& debug) {
    return debug && (debug->elf.has_dwarf() || debug->elf.has_symbols(SymbolSource::symtab)) &&
           !same_file(debug->path(), binary.path());
  };
  std::string error;
  if (id.size() > 2) {
    for (const std::string& dir : dirs) {
      std::string path = join(dir, ".build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug");
      auto debug = load_elf(path, error);
      if (usable(debug) && debug->elf.build_id() == id) return debug;
    }
  }
  const std::string& link = binary.elf.debuglink();
  if (link.empty() || link.find('/') != std::string::npos) return std::nullopt;
  std::string bin_dir = dirname(binary.path());
  std::vector<std::string> paths = {join(bin_dir, link), join(bin_dir, ".debug/" + link)};
  for (const std::string& dir : dirs) {
    paths.push_back(join(dir, link));
    paths.push_back(join(join(dir, bin_dir), link));
  }
  for (const std::string& path : paths) {
    auto debug = load_elf(path, error);
    if (!usable(debug)) continue;
    bool ids_match = !id.empty() && debug->elf.build_id() == id;
    if (ids_match || gnu_debuglink_crc(debug->file->bytes()) == binary.elf.debuglink_crc()) return debug;
  }
  return std::nullopt;
}

}  // namespace memprof::symbolize
