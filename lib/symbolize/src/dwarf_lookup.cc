#include "dwarf_lookup.h"

#include <llvm/DebugInfo/DIContext.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
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

  std::vector<InlineFrame> lookup(uint64_t vaddr) override {
    llvm::DILineInfoSpecifier spec(llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath,
                                   llvm::DINameKind::LinkageName);
    llvm::DIInliningInfo info = context_->getInliningInfoForAddress(
        {vaddr, llvm::object::SectionedAddress::UndefSection}, spec);
    std::vector<InlineFrame> out;
    out.reserve(info.getNumberOfFrames());
    for (uint32_t i = 0; i < info.getNumberOfFrames(); ++i) {
      const llvm::DILineInfo& f = info.getFrame(i);
      InlineFrame frame;
      if (f.FunctionName != llvm::DILineInfo::BadString) frame.function = f.FunctionName;
      if (f.FileName != llvm::DILineInfo::BadString) frame.file = f.FileName;
      frame.line = f.Line;
      frame.column = f.Column;
      out.push_back(std::move(frame));
    }
    // A lone frame with neither function nor line is DWARF saying "not mine".
    if (out.size() == 1 && out[0].function.empty() && out[0].line == 0) out.clear();
    return out;
  }
  std::string first_error() const override { return *error_; }
};

}  // namespace

std::unique_ptr<DwarfLookup> DwarfLookup::open(const std::byte* data, size_t size, const std::string& name,
                                               const std::string& dwp_path, std::string& error) {
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char*>(data), size), name);
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
  lookup->context_ = llvm::DWARFContext::create(*lookup->object_,
                                                llvm::DWARFContext::ProcessDebugRelocations::Process, nullptr,
                                                dwp_path, on_error, on_error);
  return lookup;
}

}  // namespace memprof::symbolize
