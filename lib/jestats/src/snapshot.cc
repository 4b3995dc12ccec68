#include "memprof/jestats/snapshot.h"

#include <algorithm>
#include <map>

namespace memprof::jestats {

namespace {

void add(std::optional<uint64_t>& into, const std::optional<uint64_t>& v) {
  if (v) into = into.value_or(0) + *v;
}

bool is_numbered(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const std::string* StatsSnapshot::opt(std::string_view name) const {
  for (const auto& [k, v] : opts)
    if (k == name) return &v;
  return nullptr;
}

const std::string* StatsSnapshot::runtime_value(std::string_view name) const {
  for (const auto& [k, v] : runtime)
    if (k == name) return &v;
  return nullptr;
}

std::vector<const ArenaStats*> StatsSnapshot::numbered_arenas() const {
  std::vector<const ArenaStats*> out;
  for (const ArenaStats& a : arenas)
    if (is_numbered(a.name)) out.push_back(&a);
  return out;
}

ArenaStats StatsSnapshot::total() const {
  for (const ArenaStats& a : arenas)
    if (a.name == "merged") return a;
  ArenaStats sum;
  sum.name = "merged";
  std::map<uint64_t, BinStats> bins;
  std::map<uint64_t, LargeStats> large;
  for (const ArenaStats* a : numbered_arenas()) {
    add(sum.nthreads, a->nthreads);
    add(sum.pactive, a->pactive);
    add(sum.pdirty, a->pdirty);
    add(sum.pmuzzy, a->pmuzzy);
    add(sum.mapped, a->mapped);
    add(sum.retained, a->retained);
    add(sum.base, a->base);
    add(sum.internal, a->internal);
    add(sum.metadata_thp, a->metadata_thp);
    add(sum.resident, a->resident);
    add(sum.tcache_bytes, a->tcache_bytes);
    add(sum.small_allocated, a->small_allocated);
    add(sum.large_allocated, a->large_allocated);
    if (!sum.dirty_decay_ms) sum.dirty_decay_ms = a->dirty_decay_ms;
    if (!sum.muzzy_decay_ms) sum.muzzy_decay_ms = a->muzzy_decay_ms;
    for (const BinStats& b : a->bins) {
      BinStats& t = bins[b.size];
      t.size = b.size;
      t.nregs = b.nregs;
      t.slab_size = b.slab_size;
      t.curregs += b.curregs;
      t.curslabs += b.curslabs;
      if (b.nonfull_slabs) t.nonfull_slabs = t.nonfull_slabs.value_or(0) + *b.nonfull_slabs;
      t.nmalloc += b.nmalloc;
      t.ndalloc += b.ndalloc;
    }
    for (const LargeStats& l : a->large) {
      LargeStats& t = large[l.size];
      t.size = l.size;
      t.curlextents += l.curlextents;
      t.nmalloc += l.nmalloc;
      t.ndalloc += l.ndalloc;
    }
    sum.extents.insert(sum.extents.end(), a->extents.begin(), a->extents.end());
  }
  for (auto& [size, b] : bins) sum.bins.push_back(b);
  for (auto& [size, l] : large) sum.large.push_back(l);
  return sum;
}

}  // namespace memprof::jestats
