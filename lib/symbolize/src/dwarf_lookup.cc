#include "dwarf_lookup.h"

#include <deque>
#include <map>
#include <unordered_map>

#include <llvm/DebugInfo/DIContext.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugAranges.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugLine.h>
#include <llvm/DebugInfo/DWARF/DWARFUnit.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

namespace memprof::symbolize {

namespace {

class LlvmDwarfLookup final : public DwarfLookup {
 public:
  std::unique_ptr<llvm::object::ObjectFile> object_;
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
  lookup->context_ = llvm::DWARFContext::create(*lookup->object_, llvm::DWARFContext::ProcessDebugRelocations::Process,
                                                nullptr, dwp_path, on_error, on_error);
  return lookup;
}

}  // namespace memprof::symbolize
