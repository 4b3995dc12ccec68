#include "series_inputs.h"

#include "memprof/analyze/filters.h"
#include "memprof/series/series.h"

namespace memprof::cli {

namespace {

series::SeriesOptions series_options(const ProfileOptions& o) {
  return {.type = o.sample_type(),
          .frames = {.granularity = o.granularity(), .full_names = o.full_names, .thread = o.thread},
          .filters = o.filters,
          .symbols = o.symbols};
}

}  // namespace

analyze::FrameProfile load_summed_profile(const std::vector<std::string>& paths, const ProfileOptions& options,
                                          Diagnostics& diag) {
  series::SeriesOptions s = series_options(options);
  s.merged = true;
  s.sites = false;
  series::Series data = series::load_series(series::order_dumps(paths, true), s, diag);
  return std::move(data.merged);
}

analyze::DiffTable diff_series(const std::vector<std::string>& paths, const ProfileOptions& options,
                               const analyze::DiffOptions& diff, uint64_t& sample_period, Diagnostics& diag) {
  series::SeriesOptions s = series_options(options);
  series::Series data;
  try {
    data = series::load_series(series::order_dumps(paths, true), s, diag);
  } catch (const analyze::RegexError& e) {
    throw InputError(std::string("--focus/--ignore/--hide/--show-from: ") + e.what());
  }
  if ((s.type == SampleType::alloc_space || s.type == SampleType::alloc_objects) && !data.has_accum_data)
    throw InputError(
        "no cumulative allocation data in the dumps (the process ran without MALLOC_CONF=prof_accum:true); "
        "use --inuse-space or --inuse-objects");
  sample_period = data.sample_period;
  std::vector<analyze::SiteValues> sites;
  for (series::SiteSeries& site : data.sites) sites.push_back({std::move(site.name), std::move(site.values)});
  return analyze::diff_from_sites(std::move(sites), std::move(data.totals), s.type, diff);
}

}  // namespace memprof::cli
