// Reads a whole input into memory the cheapest way its kind allows: regular files are mmapped,
// pipes, FIFOs, process substitution and stdin ("-") are read as streams, and gzip data
// (detected by its magic bytes, not by the file name) is inflated. Errors throw InputError with
// the path and the OS or zlib error.
//
//   InputBytes in = read_input("app.heap.gz");
//   std::string_view text = in.text();
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memprof::heapparse {

class InputBytes {
 public:
  InputBytes() = default;
  explicit InputBytes(std::vector<char> bytes) : owned_(std::move(bytes)) {}
  InputBytes(const InputBytes&) = delete;
  InputBytes& operator=(const InputBytes&) = delete;
  InputBytes(InputBytes&& other) noexcept;
  InputBytes& operator=(InputBytes&& other) noexcept;
  ~InputBytes();

  static InputBytes mapped(void* data, size_t size);

  // Gives back the resident pages of a mapped file below `offset`; reading them again later
  // faults them back in from the file. Keeps peak memory near the size of the model, not the
  // model plus the whole file.
  void release_before(size_t offset);

  std::string_view text() const {
    return mapped_ ? std::string_view(static_cast<const char*>(mapped_), mapped_size_)
                   : std::string_view(owned_.data(), owned_.size());
  }

 private:
  void release();

  std::vector<char> owned_;
  void* mapped_ = nullptr;
  size_t mapped_size_ = 0;
};

InputBytes read_input(const std::string& path);

// How messages name an input: "<stdin>" for "-", the path otherwise.
inline std::string input_name(const std::string& path) { return path == "-" ? std::string("<stdin>") : path; }

// Inflates gzip data (one or more members). Throws InputError naming `path` when the stream is
// corrupt or truncated.
std::vector<char> gunzip(std::string_view compressed, const std::string& path);
bool is_gzip(std::string_view bytes);

}  // namespace memprof::heapparse
