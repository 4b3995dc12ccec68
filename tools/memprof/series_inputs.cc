#include "series_inputs.h"

#include <fmt/format.h>

#include "memprof/analyze/filters.h"
#include "memprof/heapparse/dump_order.h"
#include "symbol_warnings.h"

namespace memprof::cli {

namespace {

bool is_alloc(SampleType t) { return t == SampleType::alloc_space || t == SampleType::alloc_objects; }

Selection filter_selection(const series::Series& data, const analyze::FilterOptions& f) {
  Selection selection{.filtered = f.any()};
  const series::FilterMatches& m = data.filter_matches;
  for (const auto& [flag, pattern, matched] :
       {std::tuple{"--focus", f.focus, m.focus}, std::tuple{"--ignore", f.ignore, m.ignore},
        std::tuple{"--hide", f.hide, m.hide}, std::tuple{"--show-from", f.show_from, m.show_from}})
    if (pattern && !matched) selection.unmatched.push_back(fmt::format("{} '{}'", flag, *pattern));
  return selection;
}

}  // namespace

std::vector<series::SeriesDump> ordered_series(const std::vector<std::string>& inputs, bool keep_order,
                                               Diagnostics& diag) {
  bool reordered = false;
  std::vector<series::SeriesDump> dumps = series::order_dumps(inputs, keep_order, &reordered);
  if (reordered) {
    std::vector<std::string> paths;
    for (const series::SeriesDump& d : dumps) paths.push_back(d.path);
    diag.warn(
        fmt::format("dumps taken in jemalloc's (pid, seq) order, not the order given: {} (--keep-order keeps "
                    "the given order)",
                    heapparse::describe_series(paths)));
  }
  return dumps;
}

series::SeriesOptions series_options(const ProfileOptions& o) {
  return {.type = o.sample_type(),
          .frames = {.granularity = o.granularity(), .full_names = o.full_names, .thread = o.thread},
          .filters = o.filters,
          .symbols = o.symbols};
}

series::Series load_series_checked(std::vector<series::SeriesDump> dumps, const series::SeriesOptions& s,
                                   bool gates_set, Diagnostics& diag) {
  series::Series data;
  try {
    data = series::load_series(std::move(dumps), s, diag);
  } catch (const analyze::RegexError& e) {
    throw InputError(std::string("--focus/--ignore/--hide/--show-from: ") + e.what());
  }
  warn_missing_maps(data.dumps_without_maps, diag);
  warn_unresolved_modules(
      data.symbols, {data.last_dump_module_bytes, data.last_dump_bytes, is_alloc(s.type) ? "allocated" : "live"}, diag);
  if (s.sites) check_selection(filter_selection(data, s.filters), gates_set, diag);
  if (is_alloc(s.type) && !data.has_accum_data)
    throw InputError(
        "no cumulative allocation data in the dumps (the process ran without MALLOC_CONF=prof_accum:true); "
        "use --inuse-space or --inuse-objects");
  return data;
}

analyze::FrameProfile load_summed_profile(const std::vector<std::string>& paths, const ProfileOptions& options,
                                          Diagnostics& diag) {
  series::SeriesOptions s = series_options(options);
  s.merged = true;
  s.sites = false;
  // The merged profile holds every sample type; the caller checks the one asked for and filters
  // the merged profile itself. Live bytes size the unresolved-module warning, as for one dump.
  s.type = SampleType::inuse_space;
  series::Series data = load_series_checked(series::order_dumps(paths, true), s, false, diag);
  return std::move(data.merged);
}

analyze::DiffTable diff_series(std::vector<series::SeriesDump> dumps, const ProfileOptions& options,
                               const analyze::DiffOptions& diff, bool gates_set, uint64_t& sample_period,
                               Diagnostics& diag) {
  series::SeriesOptions s = series_options(options);
  series::Series data = load_series_checked(std::move(dumps), s, gates_set, diag);
  sample_period = data.sample_period;
  std::vector<analyze::SiteValues> sites;
  for (series::SiteSeries& site : data.sites) sites.push_back({std::move(site.name), std::move(site.values)});
  return analyze::diff_from_sites(std::move(sites), std::move(data.totals), s.type, diff);
}

}  // namespace memprof::cli
