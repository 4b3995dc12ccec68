#include "memprof/heapparse/input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "memprof/profile/diagnostics.h"

namespace memprof::heapparse {

namespace {

[[noreturn]] void throw_os_error(const std::string& path, int err) {
  throw InputError(path + ": " + std::strerror(err));
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ > 2) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::vector<char> read_stream(int fd, const std::string& path) {
  std::vector<char> bytes;
  constexpr size_t kChunk = 1 << 20;
  for (;;) {
    size_t used = bytes.size();
    bytes.resize(used + kChunk);
    ssize_t n = ::read(fd, bytes.data() + used, kChunk);
    if (n < 0) {
      if (errno == EINTR) {
        bytes.resize(used);
        continue;
      }
      throw_os_error(path, errno);
    }
    bytes.resize(used + static_cast<size_t>(n));
    if (n == 0) break;
  }
  bytes.shrink_to_fit();
  return bytes;
}

}  // namespace

InputBytes::InputBytes(InputBytes&& other) noexcept
    : owned_(std::move(other.owned_)), mapped_(other.mapped_), mapped_size_(other.mapped_size_) {
  other.mapped_ = nullptr;
  other.mapped_size_ = 0;
}

InputBytes& InputBytes::operator=(InputBytes&& other) noexcept {
  if (this != &other) {
    release();
    owned_ = std::move(other.owned_);
    mapped_ = other.mapped_;
    mapped_size_ = other.mapped_size_;
    other.mapped_ = nullptr;
    other.mapped_size_ = 0;
  }
  return *this;
}

InputBytes::~InputBytes() { release(); }

void InputBytes::release() {
  if (mapped_) ::munmap(mapped_, mapped_size_);
  mapped_ = nullptr;
  mapped_size_ = 0;
}

void InputBytes::release_before(size_t offset) {
  if (!mapped_) return;
  size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t length = std::min(offset, mapped_size_) / page * page;
  if (length) ::madvise(mapped_, length, MADV_DONTNEED);
}

InputBytes InputBytes::mapped(void* data, size_t size) {
  InputBytes in;
  in.mapped_ = data;
  in.mapped_size_ = size;
  return in;
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::vector<char> gunzip(std::string_view compressed, const std::string& path) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw InputError(path + ": gzip: cannot initialise zlib");
  std::vector<char> out;
  // The gzip trailer holds the size mod 2^32: a good first guess for one-member files. It is
  // untrusted, so the guess is capped by deflate's best possible ratio (~1032:1) and 256 MiB.
  size_t guess = compressed.size() * 4;
  if (compressed.size() >= 18) {
    uint32_t isize = 0;
    std::memcpy(&isize, compressed.data() + compressed.size() - 4, 4);
    size_t limit = std::min<size_t>(compressed.size() * 1032, size_t{256} << 20);
    if (isize > compressed.size()) guess = std::min<size_t>(size_t{isize} + 1, limit);
  }
  guess = std::max<size_t>(guess, 4096);
  out.resize(guess);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  size_t produced = 0;
  int rc = Z_OK;
  for (;;) {
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, UINT32_MAX));
    uInt before = zs.avail_out;
    rc = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members are one stream (gzip(1) and zcat agree).
      if (zs.avail_in >= 2 && is_gzip({reinterpret_cast<const char*>(zs.next_in), 2})) {
        inflateReset(&zs);
        continue;
      }
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      inflateEnd(&zs);
      throw InputError(path + ": gzip: unexpected end of compressed data (truncated file?)");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      std::string msg = zs.msg ? zs.msg : "corrupt data";
      inflateEnd(&zs);
      throw InputError(path + ": gzip: " + msg);
    }
  }
  inflateEnd(&zs);
  out.resize(produced);
  out.shrink_to_fit();
  return out;
}

InputBytes read_input(const std::string& path) {
  InputBytes raw;
  if (path == "-") {
    raw = InputBytes(read_stream(STDIN_FILENO, "<stdin>"));
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_os_error(path, errno);
    FileDescriptor file(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_os_error(path, errno);
    if (S_ISDIR(st.st_mode)) throw_os_error(path, EISDIR);
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
      void* data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) throw_os_error(path, errno);
      ::madvise(data, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
      raw = InputBytes::mapped(data, static_cast<size_t>(st.st_size));
    } else {
      // Pipes, FIFOs, /dev/fd/N from process substitution, and files that report size 0 (procfs).
      raw = InputBytes(read_stream(fd, path));
    }
  }
  if (is_gzip(raw.text())) return InputBytes(gunzip(raw.text(), path == "-" ? "<stdin>" : path));
  return raw;
}

}  // namespace memprof::heapparse
