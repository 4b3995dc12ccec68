#include "function_ranges.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugFrame.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

namespace memprof::symbolize {

namespace {

// .debug_frame through LLVM: only binaries without .eh_frame get here, so its cost is rare.
void read_debug_frame(const llvm::object::ObjectFile& object, std::vector<FunctionRange>& out, std::string& error) {
  auto on_error = [&error](llvm::Error e) {
    std::string message = llvm::toString(std::move(e));
    if (error.empty()) error = message;
  };
  auto context = llvm::DWARFContext::create(object, llvm::DWARFContext::ProcessDebugRelocations::Process, nullptr, "",
                                            on_error, on_error);
  auto frames = context->getDebugFrame();
  if (!frames) return on_error(frames.takeError());
  for (const llvm::dwarf::FrameEntry& entry : (*frames)->entries())
    if (const auto* fde = llvm::dyn_cast<llvm::dwarf::FDE>(&entry))
      if (fde->getAddressRange() > 0)
        out.push_back({fde->getInitialLocation(), fde->getInitialLocation() + fde->getAddressRange()});
}

// DW_EH_PE_* pointer encodings (LSB "Exception Frames"): the low nibble is the format, the high
// nibble how the value applies (pcrel: from the field's own address).
constexpr uint8_t kEncOmit = 0xff, kEncPcrel = 0x10;

// A bounds-checked reader over .eh_frame: every read past `end` fails the record, never the process.
struct FrameCursor {
  const uint8_t* data;
  size_t pos, end;
  bool ok = true;

  uint64_t fixed(size_t n) {
    if (!ok || pos > end || end - pos < n) return ok = false, 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{data[pos + i]} << (8 * i);
    pos += n;
    return v;
  }
  uint64_t uleb() {
    uint64_t v = 0;
    for (unsigned shift = 0; ok; shift += 7) {
      uint64_t byte = fixed(1);
      if (shift < 64) v |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    return v;
  }
  int64_t sleb() {
    uint64_t v = 0;
    unsigned shift = 0;
    uint64_t byte = 0;
    do {
      byte = fixed(1);
      if (shift < 64) v |= (byte & 0x7f) << shift;
      shift += 7;
    } while (ok && (byte & 0x80));
    if (shift < 64 && (byte & 0x40)) v |= ~uint64_t{0} << shift;
    return static_cast<int64_t>(v);
  }
  // A pointer in `encoding`; `base` is the section's address, for pcrel.
  uint64_t pointer(uint8_t encoding, uint64_t base) {
    uint64_t field = base + pos;
    uint64_t v = 0;
    switch (encoding & 0x0f) {
      case 0x00: v = fixed(8); break;
      case 0x01: v = uleb(); break;
      case 0x02: v = fixed(2); break;
      case 0x03: v = fixed(4); break;
      case 0x04: v = fixed(8); break;
      case 0x09: v = static_cast<uint64_t>(sleb()); break;
      case 0x0a: v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(fixed(2)))); break;
      case 0x0b: v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(fixed(4)))); break;
      case 0x0c: v = fixed(8); break;
      default: ok = false;
    }
    if ((encoding & 0x70) == kEncPcrel) v += field;
    return v;
  }
};

// The FDE pointer encoding a CIE declares ('R' in a "z..." augmentation; absolute otherwise).
std::optional<uint8_t> cie_encoding(const uint8_t* data, size_t size, size_t cie, uint64_t base) {
  FrameCursor c{data, cie, size};
  uint64_t length = c.fixed(4);
  if (!c.ok || length == 0 || length == 0xffffffff || length > size - c.pos) return std::nullopt;
  c.end = c.pos + length;
  if (c.fixed(4) != 0) return std::nullopt;  // not a CIE
  uint8_t version = static_cast<uint8_t>(c.fixed(1));
  std::string augmentation;
  for (uint64_t ch; c.ok && (ch = c.fixed(1)) != 0;) augmentation += static_cast<char>(ch);
  if (augmentation.find("eh") != std::string::npos) c.fixed(8);
  c.uleb();  // code alignment
  c.sleb();  // data alignment
  // The return address register: a byte in version 1, a ULEB128 after.
  if (version == 1) c.fixed(1);
  else c.uleb();
  if (augmentation.empty() || augmentation[0] != 'z') return c.ok ? std::optional<uint8_t>(0) : std::nullopt;
  c.uleb();  // augmentation data length
  for (char a : augmentation.substr(1)) {
    if (a == 'R') return c.ok ? std::optional<uint8_t>(static_cast<uint8_t>(c.fixed(1))) : std::nullopt;
    if (a == 'P') c.pointer(static_cast<uint8_t>(c.fixed(1)) & 0x7f, base);
    else if (a == 'L') c.fixed(1);
    else if (a != 'S' && a != 'B') break;  // unknown: the rest cannot be read
  }
  return c.ok ? std::optional<uint8_t>(0) : std::nullopt;
}

// Walks .eh_frame's records directly: LLVM's DWARFDebugFrame decodes every CFI program too,
// which cost seconds on libLLVM's 100,000 FDEs where only (start, length) is needed.
void read_eh_frame(const uint8_t* data, size_t size, uint64_t address, std::vector<FunctionRange>& out,
                   std::string& error) {
  std::unordered_map<size_t, std::optional<uint8_t>> encodings;
  for (size_t pos = 0; pos + 4 <= size;) {
    FrameCursor c{data, pos, size};
    uint64_t length = c.fixed(4);
    if (length == 0) break;  // terminator
    if (length == 0xffffffff || length > size - c.pos) {
      error = "unsupported or truncated .eh_frame record";
      return;
    }
    size_t record_end = c.pos + length;
    c.end = record_end;
    size_t id_pos = c.pos;
    uint64_t cie_offset = c.fixed(4);
    if (c.ok && cie_offset != 0 && cie_offset <= id_pos) {  // an FDE: cie_offset points back to its CIE
      size_t cie = id_pos - cie_offset;
      auto [it, fresh] = encodings.try_emplace(cie);
      if (fresh) it->second = cie_encoding(data, size, cie, address);
      if (it->second && *it->second != kEncOmit) {
        uint64_t start = c.pointer(*it->second, address);
        uint64_t range = c.pointer(*it->second & 0x0f, address);
        if (c.ok && range > 0) out.push_back({start, start + range});
      }
    }
    pos = record_end;
  }
}

// FDEs come in link order: long ascending runs (one per input section group). Merging the runs
// costs O(n log runs) instead of a full sort's O(n log n) (std::sort was 5% of `convert` on the
// clang dump, for libLLVM's and libclang-cpp's FDEs); input in random order still ends sorted.
void sort_runs(std::vector<FunctionRange>& ranges) {
  auto less = [](const FunctionRange& a, const FunctionRange& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  };
  std::vector<size_t> bounds = {0};
  for (size_t i = 1; i < ranges.size(); ++i)
    if (less(ranges[i], ranges[i - 1])) bounds.push_back(i);
  bounds.push_back(ranges.size());
  while (bounds.size() > 2) {
    std::vector<size_t> merged = {0};
    for (size_t i = 0; i + 2 < bounds.size(); i += 2) {
      std::inplace_merge(ranges.begin() + static_cast<long>(bounds[i]),
                         ranges.begin() + static_cast<long>(bounds[i + 1]),
                         ranges.begin() + static_cast<long>(bounds[i + 2]), less);
      merged.push_back(bounds[i + 2]);
    }
    if (bounds.size() % 2 == 0) merged.push_back(bounds.back());  // an odd run out: carried over
    bounds = std::move(merged);
  }
}

}  // namespace

FunctionRanges FunctionRanges::read(const std::byte* data, size_t size, const std::string& name, std::string& error) {
  FunctionRanges out;
  llvm::MemoryBufferRef buffer(llvm::StringRef(reinterpret_cast<const char*>(data), size), name);
  auto object = llvm::object::ObjectFile::createObjectFile(buffer);
  if (!object) {
    error = llvm::toString(object.takeError());
    return out;
  }
  // .eh_frame is what the unwinder (and so jemalloc's backtrace) used; .debug_frame fills in
  // for binaries built without it.
  for (const llvm::object::SectionRef& section : (*object)->sections()) {
    auto section_name = section.getName();
    if (!section_name || *section_name != ".eh_frame") continue;
    auto contents = section.getContents();
    if (!contents) {
      error = llvm::toString(contents.takeError());
      break;
    }
    read_eh_frame(reinterpret_cast<const uint8_t*>(contents->data()), contents->size(), section.getAddress(),
                  out.ranges_, error);
  }
  if (out.ranges_.empty()) read_debug_frame(**object, out.ranges_, error);
  sort_runs(out.ranges_);
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
