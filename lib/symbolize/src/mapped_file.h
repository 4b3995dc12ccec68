// A read-only memory map of a regular file. Paths come from untrusted dumps, so anything that is
// not a regular file (FIFO, device, directory) is refused before it is opened for reading.
//
//   std::string error;
//   auto file = MappedFile::open("/usr/lib/libfoo.so", error);
//   if (file) parse(file->bytes());
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace memprof::symbolize {

class MappedFile {
 public:
  static std::unique_ptr<MappedFile> open(const std::string& path, std::string& error);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  const std::byte* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

// True when `path` names an existing regular file (following symlinks).
bool is_regular_file(const std::string& path);

}  // namespace memprof::symbolize
