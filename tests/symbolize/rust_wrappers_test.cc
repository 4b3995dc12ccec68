// Allocation wrappers on real Rust programs: testdata/src/rust/alloc_fixture.rs, built at test time
// by whatever rustc is installed (Debian's 1.63 or a newer one), at opt-level 0 and 2, once with
// the System allocator (malloc is jemalloc) and once with a #[global_allocator] calling jemalloc.
// Every stack runs through liballoc's allocation layer (__rust_alloc, alloc::alloc, RawVec, a
// GlobalAlloc impl) before jemalloc; trimmed, the leaf is the std container call the program made.
// A last build, by cargo offline against Debian's jemalloc-sys source, allocates through
// jemalloc's _rjem_-prefixed entry points, jemalloc linked into the binary.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "memprof/jestats/json_reader.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;

namespace {

const char* kFixture = MEMPROF_SOURCE_DIR "/testdata/src/rust/alloc_fixture.rs";

std::string find_program(const char* env_name, const std::string& name) {
  if (const char* env = std::getenv(env_name); env && *env) return env;
  CommandResult r = run_command({"sh", "-c", "command -v " + name});
  std::string path = r.out.substr(0, r.out.find('\n'));
  return r.exit_code == 0 ? path : std::string();
}

struct Variant {
  std::string name;
  std::vector<std::string> flags;
};

// Builds and runs one variant; returns its dump.
std::string make_dump(const std::string& rustc, const std::string& dir, const Variant& v) {
  std::string bin = dir + "/" + v.name;
  std::vector<std::string> argv = {rustc, "-g", "-o", bin, kFixture, "-l", "dylib=jemalloc"};
  argv.insert(argv.end(), v.flags.begin(), v.flags.end());
  CommandResult build = run_command(argv);
  INFO("rustc: " << build.err);
  REQUIRE(build.exit_code == 0);
  std::string dump = bin + ".heap";
  CommandResult run = run_command({bin, dump}, {"MALLOC_CONF=prof:true,lg_prof_sample:0"});
  INFO("fixture: " << run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(std::filesystem::exists(dump));
  return dump;
}

// Folded stacks (root first), split into frames.
std::vector<std::vector<std::string>> folded(const std::string& dump, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {MEMPROF_CLI, "flame", "--folded"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(dump);
  CommandResult r = run_command(argv);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> stacks;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> frames;
    std::string stack = line.substr(0, line.rfind(' '));
    for (size_t at = 0;;) {
      size_t semi = stack.find(';', at);
      frames.push_back(stack.substr(at, semi - at));
      if (semi == std::string::npos) break;
      at = semi + 1;
    }
    stacks.push_back(std::move(frames));
  }
  return stacks;
}

// Frames of liballoc's allocation layer, as each rustc names them.
const std::regex kRustWrapper(
    R"(^(__rustc::)?__(rust|rdl|rg)_(alloc|alloc_zeroed|realloc)$|^<?alloc::(alloc|raw_vec)::|GlobalAlloc>::)");
// The std container API a program calls: Vec::push, Box::new, String::push_str, HashMap::insert,
// format!, to_vec: alloc, hashbrown and the core::fmt / core::iter glue in between.
const char* kStdApiPattern = R"(^<?((&mut )?\S+ as )?(\[|(alloc|core|hashbrown|std::collections)::))";
const std::regex kStdApi(kStdApiPattern);

const std::vector<std::string> kSites = {"grow_vec",     "boxed_block",   "aligned_page",
                                         "build_string", "zeroed_vec",    "fill_map",
                                         "describe",     "shared_copies", "store::Table::insert_row"};

std::map<std::string, int64_t> flat_bytes(const std::string& dump, std::vector<std::string> extra) {
  std::vector<std::string> argv = {MEMPROF_CLI, "top", "-n", "0", "--format", "json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(dump);
  CommandResult r = run_command(argv);
  REQUIRE(r.exit_code == 0);
  jestats::JsonReader reader(r.out, "stdout");
  jestats::JsonValue top = reader.next();
  std::map<std::string, int64_t> out;
  for (const jestats::JsonValue& row : top.find("rows")->items)
    out[row.find("name")->text] = row.find("flat")->as_i64().value_or(-1);
  return out;
}

void check_variant(const std::string& dump, bool global_allocator, const std::string& variant) {
  INFO("variant " << variant);
  // Trimmed: every fixture site's stack ends in std container calls, never in a wrapper frame.
  std::map<std::string, int> seen;
  for (const auto& frames : folded(dump)) {
    auto site = std::find_if(frames.rbegin(), frames.rend(), [](const std::string& f) {
      return f.starts_with("alloc_fixture::") && f != "alloc_fixture::main" && !f.ends_with("keep_alive");
    });
    if (site == frames.rend()) continue;
    ++seen[site->substr(std::string("alloc_fixture::").size())];
    for (auto f = frames.rbegin(); f != site; ++f) {
      INFO("stack leaf frames above " << *site << ": " << *f);
      CHECK_FALSE(std::regex_search(*f, kRustWrapper));
      CHECK(std::regex_search(*f, kStdApi));
    }
  }
  for (const std::string& s : kSites) CHECK_MESSAGE(seen[s] > 0, s);

  // Kept on request, the wrappers are there.
  bool wrapper = false, global_impl = false;
  for (const auto& frames : folded(dump, {"--keep-allocator-frames"}))
    for (const std::string& f : frames) {
      wrapper |= std::regex_search(f, kRustWrapper);
      global_impl |= f == "<alloc_fixture::je::JeMalloc as core::alloc::global::GlobalAlloc>::alloc";
    }
  CHECK(wrapper);
  CHECK(global_impl == global_allocator);

  // With the std containers named as wrappers too, the top rows are the program's functions,
  // with the bytes it allocated: 50 Vecs grown to 16384 u64s, 50 4 KiB boxes, 50 aligned pages.
  std::map<std::string, int64_t> flat = flat_bytes(dump, {"--alloc-wrapper", kStdApiPattern});
  CHECK(flat["alloc_fixture::grow_vec"] == 50 * 16384 * 8);
  CHECK(flat["alloc_fixture::boxed_block"] == 50 * 4096);
  // Through mallocx with an alignment, jemalloc records a sampled page at its promoted 16 KiB.
  CHECK(flat["alloc_fixture::aligned_page"] >= 50 * 4096);
  CHECK(flat["alloc_fixture::zeroed_vec"] > 50 * 100000);
  CHECK(flat["alloc_fixture::fill_map"] > 0);
}

}  // namespace

TEST_CASE("Rust: liballoc's allocation layer is trimmed at opt-level 0 and 2, System and global allocators") {
  std::string rustc = find_program("RUSTC", "rustc");
  if (rustc.empty()) {
    MESSAGE("SKIPPED: no rustc on PATH (scripts/install-deps installs Debian's rustc)");
    return;
  }
  MESSAGE("rustc: " << run_command({rustc, "--version"}).out);
  TempDir dir;
  for (const Variant& v : {Variant{"system_o0", {"-C", "opt-level=0"}}, Variant{"system_o2", {"-C", "opt-level=2"}},
                           Variant{"global_o0", {"-C", "opt-level=0", "--cfg", "jemalloc_global"}},
                           Variant{"global_o2", {"-C", "opt-level=2", "--cfg", "jemalloc_global"}}}) {
    check_variant(make_dump(rustc, dir.path(), v), v.name.starts_with("global"), v.name);
  }
}

// Debian's registry of Rust sources, as cargo's offline source replacement.
const char* kDebianRegistry = "/usr/share/cargo/registry";

bool have_jemalloc_sys() {
  if (!std::filesystem::is_directory(kDebianRegistry)) return false;
  for (const auto& e : std::filesystem::directory_iterator(kDebianRegistry))
    if (e.path().filename().string().starts_with("jemalloc-sys-")) return true;
  return false;
}

TEST_CASE("Rust: a global allocator on jemalloc-sys's _rjem_ entry points (statically linked jemalloc)") {
  std::string cargo = find_program("CARGO", "cargo");
  if (cargo.empty() || !have_jemalloc_sys()) {
    MESSAGE("SKIPPED: needs cargo and Debian's librust-jemalloc-sys-dev (scripts/install-deps installs both)");
    return;
  }
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/.cargo");
  write_file(dir.path() + "/.cargo/config.toml",
             std::string("[source.crates-io]\nreplace-with = \"debian\"\n[source.debian]\ndirectory = \"") +
                 kDebianRegistry + "\"\n[net]\noffline = true\n");
  write_file(dir.path() + "/Cargo.toml",
             std::string("[package]\nname = \"alloc_fixture\"\nversion = \"0.1.0\"\n"
                         "edition = \"2018\"\n[[bin]]\nname = \"alloc_fixture\"\npath = \"") +
                 kFixture +
                 "\"\n[dependencies]\njemalloc-sys = { version = \"0.3\", features = "
                 "[\"profiling\"] }\n[profile.release]\ndebug = true\n");
  // jemalloc-sys builds jemalloc with the _rjem_ prefix (its default) and --enable-prof.
  CommandResult build = run_command({"sh", "-c", "cd '" + dir.path() + "' && '" + cargo + "' build --release -q"},
                                    {"RUSTFLAGS=--cfg rjem", "CARGO_TARGET_DIR=" + dir.path() + "/target"});
  INFO("cargo: " << build.err);
  REQUIRE(build.exit_code == 0);
  std::string dump = dir.path() + "/rjem.heap";
  CommandResult run = run_command({dir.path() + "/target/release/alloc_fixture", dump},
                                  {"_RJEM_MALLOC_CONF=prof:true,lg_prof_sample:0"});
  INFO("fixture: " << run.err);
  REQUIRE(run.exit_code == 0);
  check_variant(dump, false, "rjem");
  // The prefixed jemalloc (in the binary, not a libjemalloc module) is on every stack, and trimmed.
  bool rjem = false;
  for (const auto& frames : folded(dump, {"--keep-allocator-frames"}))
    for (const std::string& f : frames) rjem |= f.starts_with("_rjem_");
  CHECK(rjem);
  for (const auto& frames : folded(dump)) CHECK_FALSE(frames.back().starts_with("_rjem_"));
}
