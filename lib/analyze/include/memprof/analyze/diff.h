// Diff of heap profiles keyed on frame names, never on addresses, so dumps of different
// processes, ASLR layouts or rebuilt binaries line up. A row is an allocation site: the flat
// value of a name (the leaf of its stacks) in each dump of a time-ordered series.
//
//   std::vector<const FrameProfile*> series = {&base, &mid, &latest};
//   DiffTable d = compute_diff(series, SampleType::inuse_space, {.normalize = false});
//   for (const DiffRow& r : d.rows) if (r.grew_every_step) ...   // leak suspects come first
#pragma once

#include <string>
#include <vector>

#include "memprof/analyze/frame_profile.h"

namespace memprof::analyze {

struct DiffOptions {
  bool normalize = false;  // scale every earlier dump to the latest one's total first
};

struct DiffRow {
  std::string name;
  std::vector<double> values;    // one per dump, in series order
  double before = 0;             // first dump
  double after = 0;              // last dump
  double delta = 0;              // after - before
  bool is_new = false;           // absent in the first dump (BASE), present in the last (NEW)
  bool grew_every_step = false;  // series of 3+: grew between every pair of consecutive dumps
};

struct DiffTable {
  SampleType sample_type = SampleType::inuse_space;
  std::vector<double> totals;  // per dump (after normalisation)
  double base_total = 0;
  double new_total = 0;
  double delta = 0;
  // Sites that changed: leak suspects (grew every step) first, then the rest of the growth by
  // delta, then shrinking sites, most shrunk first.
  std::vector<DiffRow> rows;
  // Series of 3+: sites absent in BASE and in NEW, present only in between. Not a change
  // between BASE and NEW, so not in `rows`; largest peak first.
  std::vector<DiffRow> transient;
};

DiffTable compute_diff(const std::vector<const FrameProfile*>& series, SampleType type, const DiffOptions& options);

// The same from a site x dump matrix (the series engine's): `sites` holds each site's flat value
// per dump, `totals` each dump's total. Sites absent from the first dump (0 there) count as new.
struct SiteValues {
  std::string name;
  std::vector<double> values;
};
DiffTable diff_from_sites(std::vector<SiteValues> sites, std::vector<double> totals, SampleType type,
                          const DiffOptions& options);

}  // namespace memprof::analyze
