// Finding the files behind a dump's mappings: the binary (the dump's own path, --binary for the
// main executable, --search-path by relative path and basename) and its separate debug file
// (build-id tree, .gnu_debuglink). A binary is only accepted if its PT_LOAD layout can produce
// every mapping the dump recorded for it.
//
//   auto elf = load_elf("/usr/bin/app", error);
//   if (elf && layout_matches(elf->elf, mappings, why)) { auto debug = find_debug_file(*elf, dirs); }
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "elf_file.h"
#include "mapped_file.h"
#include "memprof/profile/profile.h"

namespace memprof::symbolize {

struct LoadedElf {
  std::unique_ptr<MappedFile> file;
  ElfFile elf;
  const std::string& path() const { return file->path(); }
};

std::optional<LoadedElf> load_elf(const std::string& path, std::string& error);

// True when every mapping can come from a PT_LOAD segment of `elf` with one page-aligned load
// bias (zero for ET_EXEC); `why` says what did not fit otherwise.
bool layout_matches(const ElfFile& elf, const std::vector<const Mapping*>& mappings, std::string& why);

// Paths to try, in order, for a module the dump names `dump_path`.
std::vector<std::string> candidate_paths(const std::string& dump_path, const std::string& explicit_binary,
                                         const std::vector<std::string>& search_paths);

// The separate debug file for `binary`: /DIR/.build-id/xx/yyyy.debug for DIR in `debug_dirs`
// then /usr/lib/debug, else .gnu_debuglink next to the binary, in .debug/, and under each DIR.
// Verified by build id or debuglink CRC.
std::optional<LoadedElf> find_debug_file(const LoadedElf& binary, const std::vector<std::string>& debug_dirs);

}  // namespace memprof::symbolize
