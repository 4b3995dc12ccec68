#include "memprof/analyze/suppressions.h"

#include <algorithm>

#include <fmt/format.h>

#include "memprof/profile/text_cursor.h"

namespace memprof::analyze {

namespace {

// Glob match of `pattern` ('*' only) against all of `text`.
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool suppression_matches(std::string_view pattern, std::string_view text) {
  bool anchored_start = pattern.starts_with('^');
  bool anchored_end = pattern.ends_with('$');
  if (anchored_start) pattern.remove_prefix(1);
  if (anchored_end) pattern.remove_suffix(1);
  std::string glob;
  if (!anchored_start) glob += '*';
  glob += pattern;
  if (!anchored_end) glob += '*';
  return glob_match(glob, text);
}

Suppressions parse_suppressions(std::string_view text, const std::string& path, Diagnostics& diag) {
  Suppressions rules;
  TextCursor cursor(text, path);
  while (!cursor.at_end()) {
    std::string_view line = trim(cursor.next_line());
    if (line.empty() || line.front() == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) cursor.fail(line.data(), "'leak:<pattern>'", line);
    std::string_view kind = line.substr(0, colon), pattern = line.substr(colon + 1);
    if (kind != "leak") {
      diag.warn(fmt::format("{}: ignored '{}:' rule (only 'leak:' rules apply to heap profiles)",
                            cursor.position(line.data()), quote_token(kind)));
      continue;
    }
    if (pattern.empty()) cursor.fail_at_end_of_line(line.data() + line.size(), "a pattern after 'leak:'");
    rules.patterns.emplace_back(pattern);
  }
  return rules;
}

size_t SuppressionResult::rules_matched() const { return static_cast<size_t>(std::ranges::count(rule_matched, 1)); }

SuppressionResult apply_suppressions(Profile& profile, const Suppressions& rules) {
  SuppressionResult result;
  result.rule_matched.assign(rules.patterns.size(), 0);
  if (rules.patterns.empty()) return result;
  // Which rule (if any) each location matches: evaluated once per unique address.
  constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> location_rule(profile.locations.size(), kNone);
  auto first_rule = [&](std::string_view text) -> uint32_t {
    if (text.empty()) return kNone;
    for (uint32_t r = 0; r < rules.patterns.size(); ++r)
      if (suppression_matches(rules.patterns[r], text)) return r;
    return kNone;
  };
  for (size_t i = 0; i < profile.locations.size(); ++i) {
    const Location& loc = profile.locations[i];
    uint32_t rule = kNone;
    if (loc.mapping.valid()) rule = first_rule(profile.str(profile.mappings[loc.mapping.value()].path));
    for (const Line& line : loc.lines) {
      if (rule != kNone) break;
      const Function& f = profile.functions[line.function.value()];
      rule = first_rule(profile.str(f.name));
      if (rule == kNone) rule = first_rule(profile.str(f.file));
    }
    location_rule[i] = rule;
  }
  std::vector<uint32_t> stack_rule(profile.stacks.size(), kNone - 1);  // kNone - 1: not computed
  auto rule_of_stack = [&](StackId id) {
    uint32_t& rule = stack_rule[id.value()];
    if (rule == kNone - 1) {
      rule = kNone;
      for (LocationId loc : profile.stacks.frames(id))
        if (location_rule[loc.value()] != kNone) {
          rule = location_rule[loc.value()];
          break;
        }
    }
    return rule;
  };
  std::erase_if(profile.samples, [&](const Sample& s) {
    uint32_t rule = rule_of_stack(s.stack);
    if (rule == kNone) return false;
    result.suppressed += s.values;
    result.rule_matched[rule] = 1;
    return true;
  });
  std::erase_if(profile.thread_samples, [&](const ThreadSample& s) { return rule_of_stack(s.stack) != kNone; });
  return result;
}

}  // namespace memprof::analyze
