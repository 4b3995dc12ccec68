// LeakSanitizer-style suppressions: lines "leak:<pattern>" where the pattern matches any frame's
// function name, source file or module path (a substring; '*' matches anything, '^' and '$'
// anchor). Stacks with a matching frame are removed before any report is computed.
//
//   Suppressions rules = parse_suppressions(read_text("lsan.supp"), "lsan.supp", diag);
//   SuppressionResult r = apply_suppressions(profile, rules);   // profile: symbolized Profile
//   // r.suppressed[SampleType::inuse_space] bytes by r.rules_matched() rules
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/profile.h"

namespace memprof::analyze {

struct Suppressions {
  std::vector<std::string> patterns;
};

struct SuppressionResult {
  Values suppressed;
  std::vector<char> rule_matched;  // per rule: did it remove a stack?

  size_t rules_matched() const;
};

Suppressions parse_suppressions(std::string_view text, const std::string& path, Diagnostics& diag);
bool suppression_matches(std::string_view pattern, std::string_view text);
// Removes the samples (and thread samples) whose stacks match a rule.
SuppressionResult apply_suppressions(Profile& profile, const Suppressions& rules);

}  // namespace memprof::analyze
