// Inputs of every kind: regular file, gzip (by content), stdin, pipe, directory, truncated gzip.
#include <doctest/doctest.h>
#include <zlib.h>

#include "memprof/heapparse/input.h"
#include "memprof/heapparse/parse_dump.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;

namespace {

constexpr std::string_view kDump = "heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10\n  t*: 1: 8 [0: 0]\n";

std::string gzip(std::string_view text) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string error_reading(const std::string& path) {
  Diagnostics diag;
  try {
    heapparse::read_dump(path, diag);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("gzip is detected by content, whatever the name") {
  TempDir dir;
  write_file(dir.path() + "/plain-name.heap", gzip(kDump));
  Diagnostics diag;
  Profile p = heapparse::read_dump(dir.path() + "/plain-name.heap", diag);
  CHECK(p.samples.size() == 1);
}

TEST_CASE("concatenated gzip members form one stream") {
  TempDir dir;
  std::string half1(kDump.substr(0, 20)), half2(kDump.substr(20));
  write_file(dir.path() + "/two.gz", gzip(half1) + gzip(half2));
  Diagnostics diag;
  CHECK(heapparse::read_dump(dir.path() + "/two.gz", diag).samples.size() == 1);
}

TEST_CASE("truncated gzip stream") {
  TempDir dir;
  std::string gz = gzip(std::string(kDump) + std::string(4000, '\n'));
  write_file(dir.path() + "/cut.heap.gz", gz.substr(0, gz.size() / 2));
  CHECK(error_reading(dir.path() + "/cut.heap.gz") ==
        dir.path() + "/cut.heap.gz: gzip: unexpected end of compressed data (truncated file?)");
}

TEST_CASE("corrupt (not truncated) gzip: zlib's reason, never a profile") {
  TempDir dir;
  std::string gz = gzip(std::string(kDump));
  // The trailer's CRC-32 of the uncompressed data no longer matches (RFC 1952, section 2.3.1).
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= 0x55;
  write_file(dir.path() + "/crc.heap.gz", bad_crc);
  CHECK(error_reading(dir.path() + "/crc.heap.gz") == dir.path() + "/crc.heap.gz: gzip: incorrect data check");
  // A deflate block header with the reserved block type 3 (RFC 1951, section 3.2.3).
  std::string bad_block = gz;
  bad_block[10] = static_cast<char>(0x07);  // BFINAL=1, BTYPE=11
  write_file(dir.path() + "/block.heap.gz", bad_block);
  CHECK(error_reading(dir.path() + "/block.heap.gz") == dir.path() + "/block.heap.gz: gzip: invalid block type");
  CommandResult cli = run_command({MEMPROF_CLI, "info", dir.path() + "/crc.heap.gz"});
  CHECK(cli.exit_code == 2);
  CHECK(cli.err == "memprof: error: " + dir.path() + "/crc.heap.gz: gzip: incorrect data check\n");
  CHECK(cli.out.empty());
}

TEST_CASE("OS errors name the path") {
  TempDir dir;
  CHECK(error_reading(dir.path()) == dir.path() + ": Is a directory");
  CHECK(error_reading(dir.path() + "/missing.heap") == dir.path() + "/missing.heap: No such file or directory");
}

TEST_CASE("the CLI reads stdin with '-' and pipes from process substitution") {
  CommandResult from_stdin = run_command({MEMPROF_CLI, "info", "--format", "json", "-"}, {}, std::string(kDump));
  CHECK(from_stdin.exit_code == 0);
  CHECK(from_stdin.out.find("\"path\": \"<stdin>\"") != std::string::npos);
  CHECK(from_stdin.out.find("\"inuse_space\": 8") != std::string::npos);

  CommandResult gz_stdin = run_command({MEMPROF_CLI, "info", "--format", "json", "-"}, {}, gzip(kDump));
  CHECK(gz_stdin.exit_code == 0);
  CHECK(gz_stdin.out.find("\"inuse_space\": 8") != std::string::npos);

  TempDir dir;
  write_file(dir.path() + "/d.heap", std::string(kDump));
  CommandResult piped =
      run_command({"bash", "-c", std::string(MEMPROF_CLI) + " info --format json <(cat " + dir.path() + "/d.heap)"});
  CHECK(piped.exit_code == 0);
  CHECK(piped.out.find("\"stacks\": 1") != std::string::npos);
}

TEST_CASE("the CLI: one error line, exit status 2, other files still reported") {
  TempDir dir;
  write_file(dir.path() + "/good.heap", std::string(kDump));
  write_file(dir.path() + "/bad.heap", "heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0xZZ\n");
  CommandResult r = run_command({MEMPROF_CLI, "info", dir.path() + "/good.heap", dir.path() + "/bad.heap"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "memprof: error: " + dir.path() + "/bad.heap:3:3: expected a hex address, got '0xZZ'\n");
  CHECK(r.out.find("good.heap") != std::string::npos);

  CommandResult empty = run_command({MEMPROF_CLI, "info", "/dev/null"});
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("/dev/null:1:1: expected a 'heap_v2/<period>'") != std::string::npos);
}
