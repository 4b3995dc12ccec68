// malloc_stats_print(..., "J"): {"jemalloc": {"version", "opt", "arenas" (geometry), "stats"
// (globals), "stats.arenas" ("merged", "destroyed", "0", "1", ...)}}. Keys are looked up by name
// and missing ones stay unset, which covers 4.3 ("curruns", "run_size") through dev.
#include <fmt/format.h>

#include "parsers.h"

namespace memprof::jestats {

namespace {

std::optional<uint64_t> u64(const JsonValue* parent, std::string_view key) {
  if (!parent) return std::nullopt;
  const JsonValue* v = parent->find(key);
  return v ? v->as_u64() : std::nullopt;
}

std::optional<int64_t> i64(const JsonValue* parent, std::string_view key) {
  if (!parent) return std::nullopt;
  const JsonValue* v = parent->find(key);
  return v ? v->as_i64() : std::nullopt;
}

uint64_t u64_or(const JsonValue* parent, std::string_view key, std::string_view alt = {}) {
  if (auto v = u64(parent, key)) return *v;
  if (!alt.empty())
    if (auto v = u64(parent, alt)) return *v;
  return 0;
}

ArenaStats arena_from_json(const std::string& name, const JsonValue& a, const JsonValue* geometry) {
  ArenaStats arena;
  arena.name = name;
  arena.nthreads = u64(&a, "nthreads");
  arena.pactive = u64(&a, "pactive");
  arena.pdirty = u64(&a, "pdirty");
  arena.pmuzzy = u64(&a, "pmuzzy");
  arena.mapped = u64(&a, "mapped");
  arena.retained = u64(&a, "retained");
  arena.base = u64(&a, "base");
  arena.internal = u64(&a, "internal");
  arena.metadata_thp = u64(&a, "metadata_thp");
  arena.resident = u64(&a, "resident");
  arena.tcache_bytes = u64(&a, "tcache_bytes");
  arena.dirty_decay_ms = i64(&a, "dirty_decay_ms");
  arena.muzzy_decay_ms = i64(&a, "muzzy_decay_ms");
  arena.small_allocated = u64(a.find("small"), "allocated");
  arena.large_allocated = u64(a.find("large"), "allocated");

  const JsonValue* bin_geometry = geometry ? geometry->find("bin") : nullptr;
  if (const JsonValue* bins = a.find("bins")) {
    for (size_t i = 0; i < bins->items.size(); ++i) {
      const JsonValue& b = bins->items[i];
      BinStats bin;
      bin.nmalloc = u64_or(&b, "nmalloc");
      bin.ndalloc = u64_or(&b, "ndalloc");
      bin.curregs = u64_or(&b, "curregs");
      bin.curslabs = u64_or(&b, "curslabs", "curruns");
      bin.nonfull_slabs = u64(&b, "nonfull_slabs");
      // The text form lists only classes that were ever used; match it.
      if (bin.nmalloc == 0 && bin.curregs == 0 && bin.curslabs == 0) continue;
      if (bin_geometry && i < bin_geometry->items.size()) {
        const JsonValue& g = bin_geometry->items[i];
        bin.size = u64_or(&g, "size");
        bin.nregs = u64_or(&g, "nregs");
        bin.slab_size = u64_or(&g, "slab_size", "run_size");
      }
      arena.bins.push_back(bin);
    }
  }
  const JsonValue* lextent_geometry = geometry ? geometry->find("lextent") : nullptr;
  if (const JsonValue* lextents = a.find("lextents")) {
    for (size_t i = 0; i < lextents->items.size(); ++i) {
      const JsonValue& l = lextents->items[i];
      LargeStats large;
      large.curlextents = u64_or(&l, "curlextents");
      large.nmalloc = u64_or(&l, "nmalloc");
      large.ndalloc = u64_or(&l, "ndalloc");
      if (large.curlextents == 0 && large.nmalloc == 0) continue;
      if (lextent_geometry && i < lextent_geometry->items.size())
        large.size = u64_or(&lextent_geometry->items[i], "size");
      arena.large.push_back(large);
    }
  }
  if (const JsonValue* extents = a.find("extents")) {
    for (const JsonValue& e : extents->items) {
      ExtentStats ext;
      ext.ndirty = u64_or(&e, "ndirty");
      ext.nmuzzy = u64_or(&e, "nmuzzy");
      ext.nretained = u64_or(&e, "nretained");
      ext.dirty_bytes = u64_or(&e, "dirty_bytes");
      ext.muzzy_bytes = u64_or(&e, "muzzy_bytes");
      ext.retained_bytes = u64_or(&e, "retained_bytes");
      // JSON does not print the extent size; the byte totals are what the report uses.
      if (ext.ndirty + ext.nmuzzy + ext.nretained == 0) continue;
      arena.extents.push_back(ext);
    }
  }
  return arena;
}

}  // namespace

StatsSnapshot snapshot_from_json(const JsonValue& doc, const std::string& path, Diagnostics& diag) {
  const JsonValue* je = doc.find("jemalloc");
  if (!je || je->kind != JsonValue::Kind::object)
    throw InputError(fmt::format("{}:{}: expected an object with key \"jemalloc\", got {}", path, doc.line,
                                 doc.kind == JsonValue::Kind::object ? "other keys" : "another JSON value"));
  StatsSnapshot s;
  s.source = fmt::format("{}:{}", path, doc.line);
  s.format = "json";
  if (const JsonValue* v = je->find("version")) s.version = v->scalar_text();
  if (const JsonValue* opt = je->find("opt")) {
    for (const auto& [k, v] : opt->members) {
      bool seen = false;
      for (const auto& o : s.opts) seen = seen || o.first == k;
      if (!seen) s.opts.emplace_back(k, v.scalar_text());
    }
  }
  // Run-time profiling settings ("prof": {"active": ..., "lg_sample": ...}) as "prof.active", ...
  if (const JsonValue* prof = je->find("prof"); prof && prof->kind == JsonValue::Kind::object)
    for (const auto& [k, v] : prof->members) s.runtime.emplace_back("prof." + k, v.scalar_text());
  const JsonValue* geometry = je->find("arenas");
  s.narenas = u64(geometry, "narenas");
  s.page_size = u64(geometry, "page");
  if (s.page_size == 0) s.page_size.reset();  // no page is 0 bytes: read as absent (4096 assumed)

  const JsonValue* stats = je->find("stats");
  if (!stats || !stats->find("allocated") || !stats->find("active"))
    throw InputError(
        fmt::format("{}:{}: expected \"jemalloc.stats\" with \"allocated\" and \"active\" (was jemalloc "
                    "built with --enable-stats?), got none",
                    path, je->line));
  s.allocated = u64_or(stats, "allocated");
  s.active = u64_or(stats, "active");
  s.mapped = u64_or(stats, "mapped");
  s.metadata = u64(stats, "metadata");
  s.metadata_thp = u64(stats, "metadata_thp");
  s.metadata_edata = u64(stats, "metadata_edata");
  s.metadata_rtree = u64(stats, "metadata_rtree");
  s.resident = u64(stats, "resident");
  s.retained = u64(stats, "retained");
  s.pinned = u64(stats, "pinned");
  s.background_threads = u64(stats->find("background_thread"), "num_threads");

  if (const JsonValue* arenas = je->find("stats.arenas")) {
    for (const auto& [name, a] : arenas->members)
      if (a.kind == JsonValue::Kind::object) s.arenas.push_back(arena_from_json(name, a, geometry));
  }
  return s;
}

}  // namespace memprof::jestats
