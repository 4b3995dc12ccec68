// Allocation wrappers on a real CPython: Debian's python3.11 (stripped; python3.11-dbg installs its
// symbols under /usr/lib/debug/.build-id) with jemalloc preloaded, running
// testdata/src/python/alloc_workload.py under the default pymalloc and under PYTHONMALLOC=malloc.
// Every allocation passes PyObject_Malloc/PyMem_* (and gc_alloc for container objects) before
// malloc; trimmed, the top rows are the interpreter functions that wanted the memory.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <regex>

#include "cli_json.h"
#include "memprof/jestats/json_reader.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;
using jestats::JsonValue;

namespace {

const char* kPython = "/usr/bin/python3.11";
const char* kJemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

// python3.11's debug file, found by build id as memprof finds it; "" when not installed.
std::string debug_file() {
  CommandResult r = run_command({"readelf", "-n", kPython});
  std::smatch m;
  if (r.exit_code != 0 || !std::regex_search(r.out, m, std::regex("Build ID: ([0-9a-f]{2})([0-9a-f]+)"))) return {};
  std::string path = "/usr/lib/debug/.build-id/" + m[1].str() + "/" + m[2].str() + ".debug";
  return std::filesystem::exists(path) ? path : std::string();
}

std::map<std::string, int64_t> rows(const JsonValue& top) {
  std::map<std::string, int64_t> out;
  for (const JsonValue& r : top.find("rows")->items) out[r.find("name")->text] = r.find("flat")->as_i64().value_or(-1);
  return out;
}

const std::regex kCPythonWrapper(
    R"(^_?Py(Mem|Object)_(Raw|Debug|DebugRaw)?(Malloc|Calloc|Realloc)$|^_PyMem_DebugRawAlloc$|)"
    R"(^(pymalloc_alloc|allocate_from_new_pool|new_arena|arena_map_mark_used|arena_map_get|gc_alloc|)"
    R"(_PyObject_GC_New|_PyObject_NewVar|PyType_GenericAlloc|_PyType_AllocNoTrack)$)");

}  // namespace

TEST_CASE("CPython 3.11: the raw, object and GC allocator layers are trimmed, under pymalloc and malloc") {
  if (!std::filesystem::exists(kPython) || debug_file().empty()) {
    MESSAGE("SKIPPED: " << kPython << " or its debug symbols missing (scripts/install-deps installs python3.11-dbg)");
    return;
  }
  TempDir dir;
  for (std::string mode : {"pymalloc", "malloc"}) {
    INFO("PYTHONMALLOC=" << mode);
    std::string dump = dir.path() + "/" + mode + ".heap";
    CommandResult run = run_command(
        {kPython, MEMPROF_SOURCE_DIR "/testdata/src/python/alloc_workload.py", dump},
        {"PYTHONMALLOC=" + mode, std::string("LD_PRELOAD=") + kJemalloc, "MALLOC_CONF=prof:true,lg_prof_sample:0"});
    INFO("python: " << run.err);
    REQUIRE(run.exit_code == 0);

    std::map<std::string, int64_t> top = rows(run_json({"top", "-n", "0", dump}));
    for (const auto& [name, flat] : top) CHECK_MESSAGE(!std::regex_search(name, kCPythonWrapper), name);
    // 5000 bytes objects of 1000..1099 bytes; list buffers; dict key tables; list objects.
    CHECK(top["_PyBytes_FromSize"] >= 5000 * 1000);
    CHECK(top["list_resize"] > 0);
    CHECK(top["new_keys_object"] > 0);
    CHECK(top["PyList_New"] > 0);

    // Kept on request, the allocator layer has rows of its own.
    std::map<std::string, int64_t> kept = rows(run_json({"top", "-n", "0", "--keep-allocator-frames", dump}));
    bool wrapper_row = false;
    for (const auto& [name, flat] : kept) wrapper_row |= std::regex_search(name, kCPythonWrapper);
    CHECK(wrapper_row);

    // info --symbols says how many frames the CPython family accounted for.
    JsonValue info = run_json({"info", "--symbols", dump});
    int64_t frames = 0;
    for (const JsonValue& t : info.find("files")->items[0].find("symbols")->find("trimmed")->items)
      if (t.find("kind")->text == "CPython allocators") frames += t.find("frames")->as_i64().value_or(0);
    CHECK(frames > 0);
  }
}
