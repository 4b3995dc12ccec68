#include "dwarf_lookup.h"

#include <algorithm>
#include <deque>
#include <map>
#include <thread>
#include <unordered_map>

#include <llvm/ADT/StringMap.h>
#include <llvm/DebugInfo/DIContext.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugAranges.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugLine.h>
#include <llvm/DebugInfo/DWARF/DWARFUnit.h>
#include <llvm/Object/Decompressor.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

namespace memprof::symbolize {

namespace {

// A debug file's sections for DWARFContext, compressed ones inflated. LLVM's
// DWARFContext::create(ObjectFile) inflates every compressed section one after the other, the
// location lists included: on Debian's libc debug file (zlib-compressed, as every -dbg/-dbgsym
// file) that was 50 ms of each `memprof top` for a handful of addresses, 32 ms of it .debug_info.
// Here .debug_info inflates on a thread of its own beside the others, and the sections lookups
// never read (location lists, macros) are left compressed.
struct InflatedSections {
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> map;  // "debug_info" -> bytes
  std::deque<std::vector<char>> storage;                     // the inflated bytes
};

bool never_read(llvm::StringRef name) {
  return name == ".debug_loc" || name == ".debug_loclists" || name == ".debug_macro" || name == ".debug_macinfo";
}

// False (and LLVM's own path is taken) for anything but plain ELF debug sections with at least
// one SHF_COMPRESSED among them: no GNU .zdebug_ sections, no relocatable objects.
bool inflate_sections(const llvm::object::ObjectFile& object, InflatedSections& out) {
  if (!object.isELF() || object.isRelocatableObject()) return false;
  struct Job {
    llvm::StringRef name, data;
    std::vector<char>* into;
    bool ok = true;
  };
  std::vector<Job> jobs;
  for (const llvm::object::SectionRef& section : object.sections()) {
    llvm::Expected<llvm::StringRef> name = section.getName();
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (name->startswith(".zdebug_")) return false;
    if (!name->startswith(".debug_") || never_read(*name)) continue;
    llvm::Expected<llvm::StringRef> data = section.getContents();
    if (!data) {
      llvm::consumeError(data.takeError());
      return false;
    }
    if (llvm::object::Decompressor::isCompressed(section)) {
      jobs.push_back({*name, *data, &out.storage.emplace_back()});
      out.map[name->drop_front()] = llvm::MemoryBuffer::getMemBuffer("", *name, false);  // filled below
    } else {
      out.map[name->drop_front()] = llvm::MemoryBuffer::getMemBuffer(*data, *name, false);
    }
  }
  if (jobs.empty()) return false;
  auto inflate = [&](Job& job) {
    try {  // on a thread of its own: nothing may escape (std::bad_alloc on a huge section)
      auto decompressor = llvm::object::Decompressor::create(job.name, job.data, object.isLittleEndian(),
                                                             object.getBytesInAddress() == 8);
      if (!decompressor) {
        llvm::consumeError(decompressor.takeError());
        job.ok = false;
        return;
      }
      if (llvm::Error e = decompressor->resizeAndDecompress(*job.into)) {
        llvm::consumeError(std::move(e));
        job.ok = false;
      }
    } catch (...) {
      job.ok = false;  // LLVM's path then reports it
    }
  };
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.data.size() > b.data.size(); });
  {
    std::thread biggest;
    if (jobs.size() > 1) biggest = std::thread(inflate, std::ref(jobs[0]));
    for (size_t i = jobs.size() > 1 ? 1 : 0; i < jobs.size(); ++i) inflate(jobs[i]);
    if (biggest.joinable()) biggest.join();
  }
  for (const Job& job : jobs) {
    if (!job.ok) return false;  // LLVM's path reports the problem
    out.map[job.name.drop_front()] =
        llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(job.into->data(), job.into->size()), job.name, false);
  }
  return true;
}

class LlvmDwarfLookup final : public DwarfLookup {
 public:
  std::unique_ptr<llvm::object::ObjectFile> object_;
  InflatedSections inflated_;  // what context_ reads, when it was made from inflated sections
  std::unique_ptr<llvm::DWARFContext> context_;
  std::shared_ptr<std::string> error_ = std::make_shared<std::string>();
  // Stable storage for the frames' views (std::deque never moves its elements).
  std::shared_ptr<std::deque<std::string>> strings_ = std::make_shared<std::deque<std::string>>();
  // LLVM's name pointers point into .debug_str (or the context's decompressed copy), stable for
  // the context's lifetime, so the pointer identifies the name.
  std::unordered_map<const char*, std::string_view> names_;
  std::map<std::pair<uint64_t, uint64_t>, std::string_view> files_;  // (unit offset, file index)

  std::string_view function_name(const llvm::DWARFDie& die) {
    const char* name = die.getSubroutineName(llvm::DINameKind::LinkageName);
    if (!name) return {};
    auto [it, inserted] = names_.try_emplace(name);
    if (inserted) it->second = strings_->emplace_back(name);
    return it->second;
  }
  // Null view when the index is not in the line table's file list.
  std::string_view file_name(llvm::DWARFCompileUnit* cu, const llvm::DWARFDebugLine::LineTable* table, uint64_t index) {
    auto [it, inserted] = files_.try_emplace({cu->getOffset(), index});
    if (inserted) {
      std::string path;
      if (table->getFileNameByIndex(index, cu->getCompilationDir(),
                                    llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath, path))
        it->second = strings_->emplace_back(std::move(path));
    }
    return it->second;
  }

  // Mirrors DWARFContext::getInliningInfoForAddress (LLVM 14) minus the work memprof does not
  // use: no DW_AT_decl_file path per frame, and each name/file string is built once per distinct
  // DIE name / (unit, file index) instead of once per frame.
  std::vector<InlineFrame> lookup(uint64_t vaddr) override {
    std::vector<InlineFrame> out;
    uint64_t unit = unit_of(vaddr);
    llvm::DWARFCompileUnit* cu = unit == kNoUnit ? nullptr : context_->getCompileUnitForOffset(unit);
    if (!cu) return out;
    const llvm::object::SectionedAddress address{vaddr, llvm::object::SectionedAddress::UndefSection};
    llvm::SmallVector<llvm::DWARFDie, 4> chain;
    cu->getInlinedChainForAddress(vaddr, chain);
    const llvm::DWARFDebugLine::LineTable* table = context_->getLineTableForUnit(cu);
    auto top_row = [&]() -> const llvm::DWARFDebugLine::Row* {
      if (!table) return nullptr;
      uint32_t row = table->lookupAddress(address);
      if (row == table->UnknownRowIndex) return nullptr;
      return &table->Rows[row];
    };
    if (chain.empty()) {
      // No DIE (e.g. an unavailable .dwo): the line table alone still gives file:line.
      if (const llvm::DWARFDebugLine::Row* row = top_row()) {
        std::string_view file = file_name(cu, table, row->File);
        if (file.data()) out.push_back({{}, file, row->Line, row->Column});
      }
    } else {
      out.reserve(chain.size());
      uint32_t call_file = 0, call_line = 0, call_column = 0, call_discriminator = 0;
      for (size_t i = 0; i < chain.size(); ++i) {
        InlineFrame frame;
        frame.function = function_name(chain[i]);
        if (i == 0) {
          if (const llvm::DWARFDebugLine::Row* row = top_row()) {
            std::string_view file = file_name(cu, table, row->File);
            if (file.data()) {  // LLVM drops the line too when the file index is bad
              frame.file = file;
              frame.line = row->Line;
              frame.column = row->Column;
            }
          }
        } else {
          if (table) frame.file = file_name(cu, table, call_file);
          frame.line = call_line;
          frame.column = call_column;
        }
        if (i + 1 < chain.size()) chain[i].getCallerFrame(call_file, call_line, call_column, call_discriminator);
        out.push_back(frame);
      }
    }
    // A lone frame with neither function nor line is DWARF saying "not mine".
    if (out.size() == 1 && out[0].function.empty() && out[0].line == 0) out.clear();
    return out;
  }
  uint64_t unit_of(uint64_t vaddr) override {
    // DWARFDebugAranges::findAddress returns -1ULL when no unit covers the address.
    uint64_t offset = context_->getDebugAranges()->findAddress(vaddr);
    return offset == -1ULL ? kNoUnit : offset;
  }
  std::shared_ptr<const void> strings() const override { return strings_; }
  std::string first_error() const override { return *error_; }
};

}  // namespace

std::unique_ptr<DwarfLookup> DwarfLookup::open(const std::byte* data, size_t size, const std::string& name,
                                               const std::string& dwp_path, std::string& error) {
  llvm::MemoryBufferRef buffer(llvm::StringRef(reinterpret_cast<const char*>(data), size), name);
  auto object = llvm::object::ObjectFile::createObjectFile(buffer);
  if (!object) {
    error = llvm::toString(object.takeError());
    return nullptr;
  }
  auto lookup = std::make_unique<LlvmDwarfLookup>();
  lookup->object_ = std::move(*object);
  // LLVM would print these to stderr; libraries report through Diagnostics instead.
  auto on_error = [sink = lookup->error_](llvm::Error e) {
    std::string message = llvm::toString(std::move(e));
    if (sink->empty()) *sink = message;
  };
  if (dwp_path.empty() && inflate_sections(*lookup->object_, lookup->inflated_)) {
    lookup->context_ = llvm::DWARFContext::create(lookup->inflated_.map, lookup->object_->getBytesInAddress(),
                                                  lookup->object_->isLittleEndian(), on_error, on_error);
  } else {
    lookup->inflated_ = InflatedSections();
    lookup->context_ = llvm::DWARFContext::create(
        *lookup->object_, llvm::DWARFContext::ProcessDebugRelocations::Process, nullptr, dwp_path, on_error, on_error);
  }
  return lookup;
}

}  // namespace memprof::symbolize
