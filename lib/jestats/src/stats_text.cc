// The default (text) form of malloc_stats_print. Lines are recognised by their labels and
// tables by their header row, whose column names map one to one onto the values of each row
// (the "(#/sec)" columns included), so columns added or reordered between versions are found by
// name. Blocks may sit anywhere in a file, e.g. after a log prefix on the Begin line.
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "memprof/profile/text_cursor.h"
#include "parsers.h"

namespace memprof::jestats {

namespace {

constexpr std::string_view kBegin = "___ Begin jemalloc statistics ___";
constexpr std::string_view kEnd = "--- End jemalloc statistics ---";

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc{} && end == s.data() + s.size()) return v;
  return std::nullopt;
}

std::optional<int64_t> to_i64(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc{} && end == s.data() + s.size()) return v;
  return std::nullopt;
}

bool starts_with_digit(std::string_view s) { return !s.empty() && s.front() >= '0' && s.front() <= '9'; }

// A table whose header has been read: column name -> index into each row's values.
struct Table {
  enum class Kind { none, bins, large, extents, decay } kind = Kind::none;
  std::map<std::string, size_t, std::less<>> columns;

  std::optional<uint64_t> get(const std::vector<std::string_view>& row, std::string_view name) const {
    auto it = columns.find(name);
    if (it == columns.end() || it->second >= row.size()) return std::nullopt;
    return to_u64(row[it->second]);
  }
};

class BlockParser {
 public:
  BlockParser(const TextCursor& cursor, size_t begin_line, Diagnostics& diag)
      : cursor_(cursor), path_(cursor.path()), diag_(diag) {
    snap_.source = fmt::format("{}:{}", path_, begin_line);
    snap_.format = "text";
  }

  void line(std::string_view raw) {
    line_ = raw;
    std::string_view text = trim(raw);
    if (text.empty()) return;
    std::vector<std::string_view> tokens = split_ws(text);
    if (table_.kind != Table::Kind::none) {
      if (text == "---" || text.front() == '[') return;  // gap markers between used classes
      if (starts_with_digit(text) || (table_.kind == Table::Kind::decay && is_decay_row(tokens))) {
        table_row(tokens);
        return;
      }
      table_.kind = Table::Kind::none;
    }
    general(text, tokens);
  }

  StatsSnapshot finish(size_t end_line) {
    if (!have_summary_)
      throw InputError(
          fmt::format("{}:{}: expected a summary line 'Allocated: N, active: N, ...' in the jemalloc "
                      "statistics block starting at {}, got none",
                      path_, end_line, snap_.source));
    // "active:" in arena sections is in bytes; the model counts pages like the JSON form.
    uint64_t page = snap_.page_size.value_or(4096);
    if (!snap_.page_size && !active_bytes_.empty())
      diag_.warn(fmt::format("{}: no 'Page size' line, assuming 4096-byte pages", snap_.source));
    for (auto& [index, bytes] : active_bytes_) snap_.arenas[index].pactive = bytes / page;
    return std::move(snap_);
  }

 private:
  // `got` is a view into the current line (or empty: then the line's start is the place).
  [[noreturn]] void fail(std::string_view expected, std::string_view got) const {
    const char* where = got.empty() ? line_.data() : got.data();
    cursor_.fail(where, expected, got);
  }

  static bool is_decay_row(const std::vector<std::string_view>& tokens) {
    return !tokens.empty() && (tokens[0] == "dirty:" || tokens[0] == "muzzy:");
  }

  ArenaStats* arena() { return snap_.arenas.empty() ? nullptr : &snap_.arenas.back(); }

  void begin_arena(std::string name) {
    snap_.arenas.push_back(ArenaStats{});
    snap_.arenas.back().name = std::move(name);
  }

  void start_table(Table::Kind kind, const std::vector<std::string_view>& tokens) {
    table_.kind = kind;
    table_.columns.clear();
    // tokens[0] is the table label ("bins:"); values start with the column after it.
    for (size_t i = 1; i < tokens.size(); ++i) table_.columns.emplace(std::string(tokens[i]), i - 1);
  }

  void table_row(const std::vector<std::string_view>& tokens) {
    ArenaStats* a = arena();
    if (!a) return;
    switch (table_.kind) {
      case Table::Kind::bins: {
        BinStats b;
        b.size = table_.get(tokens, "size").value_or(0);
        b.nregs = table_.get(tokens, "regs").value_or(0);
        if (auto pgs = table_.get(tokens, "pgs")) b.slab_size = *pgs * snap_.page_size.value_or(4096);
        // 3.x has no curregs column; its "allocated" is curregs * size.
        auto curregs = table_.get(tokens, "curregs");
        auto allocated = table_.get(tokens, "allocated");
        b.curregs = curregs ? *curregs : (allocated && b.size ? *allocated / b.size : 0);
        auto slabs = table_.get(tokens, "curslabs");
        b.curslabs = slabs ? *slabs : table_.get(tokens, "curruns").value_or(0);
        b.nonfull_slabs = table_.get(tokens, "nonfull_slabs");
        b.nmalloc = table_.get(tokens, "nmalloc").value_or(0);
        b.ndalloc = table_.get(tokens, "ndalloc").value_or(0);
        if (!b.size) fail("a bin row starting with its size", tokens.empty() ? "" : tokens[0]);
        a->bins.push_back(b);
        break;
      }
      case Table::Kind::large: {
        LargeStats l;
        l.size = table_.get(tokens, "size").value_or(0);
        auto cur = table_.get(tokens, "curlextents");
        if (!cur) cur = table_.get(tokens, "curruns");
        if (!cur) cur = table_.get(tokens, "curhchunks");
        l.curlextents = cur.value_or(0);
        l.nmalloc = table_.get(tokens, "nmalloc").value_or(0);
        l.ndalloc = table_.get(tokens, "ndalloc").value_or(0);
        a->large.push_back(l);
        break;
      }
      case Table::Kind::extents: {
        ExtentStats e;
        e.size = table_.get(tokens, "size").value_or(0);
        e.ndirty = table_.get(tokens, "ndirty").value_or(0);
        e.dirty_bytes = table_.get(tokens, "dirty").value_or(0);
        e.nmuzzy = table_.get(tokens, "nmuzzy").value_or(0);
        e.muzzy_bytes = table_.get(tokens, "muzzy").value_or(0);
        e.nretained = table_.get(tokens, "nretained").value_or(0);
        e.retained_bytes = table_.get(tokens, "retained").value_or(0);
        if (e.ndirty + e.nmuzzy + e.nretained) a->extents.push_back(e);
        break;
      }
      case Table::Kind::decay: {
        // "dirty: <time> <npages> ..." under "decaying: time npages sweeps madvises purged"
        std::vector<std::string_view> values(tokens.begin() + 1, tokens.end());
        auto pages = table_.get(values, "npages");
        auto it = table_.columns.find("time");
        std::optional<int64_t> time;
        // Text prints "N/A" where JSON prints -1: decay disabled (decay_ms:-1).
        if (it != table_.columns.end() && it->second < values.size())
          time = values[it->second] == "N/A" ? std::optional<int64_t>(-1) : to_i64(values[it->second]);
        if (tokens[0] == "dirty:") {
          a->pdirty = pages;
          a->dirty_decay_ms = time;
        } else {
          a->pmuzzy = pages;
          a->muzzy_decay_ms = time;
        }
        break;
      }
      case Table::Kind::none: break;
    }
  }

  void summary(std::string_view text) {
    // "Allocated: N, active: N, metadata: N (n_thp N, edata N, rtree N), resident: N, ..."
    have_summary_ = true;
    size_t i = 0;
    while (i < text.size()) {
      size_t colon = text.find(':', i);
      if (colon == std::string_view::npos) break;
      std::string key(trim(text.substr(i, colon - i)));
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t j = colon + 1;
      while (j < text.size() && text[j] == ' ') ++j;
      size_t num_end = j;
      while (num_end < text.size() && text[num_end] >= '0' && text[num_end] <= '9') ++num_end;
      auto value = to_u64(text.substr(j, num_end - j));
      if (!value) fail(fmt::format("a number after '{}:'", quote_token(key)), text.substr(j, 20));
      set_global(key, *value);
      i = num_end;
      while (i < text.size() && text[i] == ' ') ++i;
      if (i < text.size() && text[i] == '(') {
        size_t close = text.find(')', i);
        if (close == std::string_view::npos) fail("')'", text.substr(i, 20));
        for (std::string_view part : split_commas(text.substr(i + 1, close - i - 1))) {
          std::vector<std::string_view> kv = split_ws(part);
          if (kv.size() == 2)
            if (auto v = to_u64(kv[1])) set_global(std::string("metadata_") + std::string(kv[0]), *v);
        }
        i = close + 1;
      }
      while (i < text.size() && (text[i] == ',' || text[i] == ' ')) ++i;
    }
  }

  static std::vector<std::string_view> split_commas(std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ',') {
        out.push_back(trim(s.substr(start, i - start)));
        start = i + 1;
      }
    }
    return out;
  }

  void set_global(const std::string& key, uint64_t v) {
    if (key == "allocated") snap_.allocated = v;
    else if (key == "active") snap_.active = v;
    else if (key == "mapped") snap_.mapped = v;
    else if (key == "metadata") snap_.metadata = v;
    else if (key == "metadata_n_thp") snap_.metadata_thp = v;
    else if (key == "metadata_edata") snap_.metadata_edata = v;
    else if (key == "metadata_rtree") snap_.metadata_rtree = v;
    else if (key == "resident") snap_.resident = v;
    else if (key == "retained") snap_.retained = v;
    else if (key == "pinned") snap_.pinned = v;
  }

  void general(std::string_view text, const std::vector<std::string_view>& tokens) {
    if (text.starts_with("Allocated:")) return summary(text);
    if (text.starts_with("Version:")) {
      std::string_view v = trim(text.substr(8));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      snap_.version = v;
      return;
    }
    if (text.starts_with("opt.") && tokens.size() >= 2) {
      std::string name(tokens[0].substr(4, tokens[0].size() - 5));  // "opt.narenas:" -> "narenas"
      std::string_view value = tokens[1];
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      for (const auto& o : snap_.opts)
        if (o.first == name) return;
      snap_.opts.emplace_back(std::move(name), std::string(value));
      // "opt.prof_active: true (prof.active: false)": the run-time value follows in parentheses.
      if (tokens.size() >= 4 && tokens[2].starts_with("(prof.") && tokens[2].ends_with(":") && tokens[3].ends_with(")"))
        snap_.runtime.emplace_back(std::string(tokens[2].substr(1, tokens[2].size() - 2)),
                                   std::string(tokens[3].substr(0, tokens[3].size() - 1)));
      return;
    }
    if (text.starts_with("Arenas:") && tokens.size() >= 2) {
      snap_.narenas = to_u64(tokens[1]);
      return;
    }
    if (text.starts_with("Page size:") && tokens.size() >= 3) {
      snap_.page_size = to_u64(tokens[2]);
      if (snap_.page_size == 0) fail("a page size in bytes (jemalloc's pages are 4 KiB or larger)", tokens[2]);
      return;
    }
    if (text.starts_with("Background threads:") && tokens.size() >= 3) {
      std::string_view n = tokens[2];
      if (!n.empty() && n.back() == ',') n.remove_suffix(1);
      snap_.background_threads = to_u64(n);
      return;
    }
    if (text.starts_with("Merged arenas stats:")) return begin_arena("merged");
    if (text.starts_with("Destroyed arenas stats:")) return begin_arena("destroyed");
    if (text.starts_with("arenas[") && text.ends_with("]:")) {
      std::string_view index = text.substr(7, text.size() - 9);
      if (!to_u64(index)) fail("an arena index in 'arenas[N]:'", text);
      return begin_arena(std::string(index));
    }
    ArenaStats* a = arena();
    if (!a) return;
    if (tokens[0] == "bins:" && tokens.size() > 2) return start_table(Table::Kind::bins, tokens);
    // 4.x splits large allocations into "large" runs and "huge" chunks; both are large here.
    if ((tokens[0] == "large:" || tokens[0] == "huge:") && tokens.size() > 2 && tokens[1] == "size")
      return start_table(Table::Kind::large, tokens);
    if (tokens[0] == "extents:" && tokens.size() > 2) return start_table(Table::Kind::extents, tokens);
    if (tokens[0] == "decaying:") return start_table(Table::Kind::decay, tokens);
    if (text.starts_with("assigned threads:") && tokens.size() >= 3) {
      a->nthreads = to_u64(tokens[2]);
      return;
    }
    if (text.starts_with("dirty pages:") && tokens.size() >= 3) {
      // jemalloc 4.x: "dirty pages: <pactive>:<pdirty> active:dirty, ..."
      std::string_view pair = tokens[2];
      size_t c = pair.find(':');
      if (c != std::string_view::npos) a->pdirty = to_u64(pair.substr(c + 1));
      return;
    }
    if (tokens.size() == 2 && tokens[0].ends_with(':')) {
      std::string_view key = tokens[0].substr(0, tokens[0].size() - 1);
      auto v = to_u64(tokens[1]);
      if (!v) return;
      if (key == "active") active_bytes_[snap_.arenas.size() - 1] = *v;
      else if (key == "mapped") a->mapped = v;
      else if (key == "retained") a->retained = v;
      else if (key == "base") a->base = v;
      else if (key == "internal") a->internal = v;
      else if (key == "metadata_thp") a->metadata_thp = v;
      else if (key == "resident") a->resident = v;
      else if (key == "tcache_bytes") a->tcache_bytes = v;
      return;
    }
    if ((tokens[0] == "small:" || tokens[0] == "large:" || tokens[0] == "huge:") && tokens.size() >= 2) {
      auto v = to_u64(tokens[1]);
      if (!v) return;
      if (tokens[0] == "small:") a->small_allocated = v;
      else a->large_allocated = a->large_allocated.value_or(0) + *v;
    }
  }

  const TextCursor& cursor_;
  const std::string& path_;
  Diagnostics& diag_;
  std::string_view line_;  // the line being read, a view into the input
  StatsSnapshot snap_;
  Table table_;
  std::map<size_t, uint64_t> active_bytes_;  // arena index -> "active:" bytes
  bool have_summary_ = false;
};

}  // namespace

std::vector<StatsSnapshot> parse_text_blocks(std::string_view text, const std::string& path, Diagnostics& diag) {
  std::vector<StatsSnapshot> snaps;
  std::optional<BlockParser> block;
  size_t begin_line = 0;
  size_t lineno = 0;  // counted here: block sources name their Begin line
  TextCursor cursor(text, path);
  while (!cursor.at_end()) {
    std::string_view line = cursor.next_line();
    ++lineno;
    size_t begin = line.find(kBegin);
    if (begin != std::string_view::npos) {
      if (block)
        throw InputError(
            fmt::format("{}:{}: expected '{}' to end the block starting at line {}, got a new Begin "
                        "marker (the block was cut off)",
                        path, lineno, kEnd, begin_line));
      block.emplace(cursor, lineno, diag);
      begin_line = lineno;
      // Text after the marker on the same line belongs to the block.
      std::string_view rest = line.substr(begin + kBegin.size());
      if (!trim(rest).empty()) block->line(rest);
      continue;
    }
    if (!block) continue;
    if (line.find(kEnd) != std::string_view::npos) {
      snaps.push_back(block->finish(lineno));
      block.reset();
      continue;
    }
    block->line(line);
  }
  if (block)
    throw InputError(
        fmt::format("{}:{}: expected '{}' to end the block starting at line {}, got end of input "
                    "(the block was cut off)",
                    path, lineno, kEnd, begin_line));
  return snaps;
}

}  // namespace memprof::jestats
