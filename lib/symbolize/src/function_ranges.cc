#include "function_ranges.h"

#include <algorithm>

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugFrame.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

namespace memprof::symbolize {

FunctionRanges FunctionRanges::read(const std::byte* data, size_t size, const std::string& name, std::string& error) {
  FunctionRanges out;
  llvm::MemoryBufferRef buffer(llvm::StringRef(reinterpret_cast<const char*>(data), size), name);
  auto object = llvm::object::ObjectFile::createObjectFile(buffer);
  if (!object) {
    error = llvm::toString(object.takeError());
    return out;
  }
  auto on_error = [&error](llvm::Error e) {
    std::string message = llvm::toString(std::move(e));
    if (error.empty()) error = message;
  };
  auto context = llvm::DWARFContext::create(**object, llvm::DWARFContext::ProcessDebugRelocations::Process, nullptr, "",
                                            on_error, on_error);
  // .eh_frame is what the unwinder (and so jemalloc's backtrace) used; .debug_frame fills in
  // for binaries built without it.
  for (bool eh : {true, false}) {
    auto frames = eh ? context->getEHFrame() : context->getDebugFrame();
    if (!frames) {
      on_error(frames.takeError());
      continue;
    }
    for (const llvm::dwarf::FrameEntry& entry : (*frames)->entries())
      if (const auto* fde = llvm::dyn_cast<llvm::dwarf::FDE>(&entry))
        if (fde->getAddressRange() > 0)
          out.ranges_.push_back({fde->getInitialLocation(), fde->getInitialLocation() + fde->getAddressRange()});
    if (!out.ranges_.empty()) break;
  }
  std::sort(out.ranges_.begin(), out.ranges_.end(), [](const FunctionRange& a, const FunctionRange& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  return out;
}

const FunctionRange* FunctionRanges::find(uint64_t vaddr) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), vaddr,
                             [](uint64_t a, const FunctionRange& r) { return a < r.start; });
  if (it == ranges_.begin()) return nullptr;
  --it;
  return vaddr < it->end ? &*it : nullptr;
}

}  // namespace memprof::symbolize
