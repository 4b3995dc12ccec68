#include "option_types.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "memprof/render/units.h"

namespace memprof::cli {

namespace {

// Binds `name` to a parser: the text is parsed as soon as CLI11 reads it, so a bad value is a
// usage error before any dump is read.
template <typename T, typename Parse>
CLI::Option* add_parsed(CLI::App& cmd, const std::string& name, std::optional<T>& target, const std::string& help,
                        const std::string& type_name, std::string syntax, Parse parse) {
  return cmd
      .add_option_function<std::string>(
          name,
          [&target, name, syntax, parse](const std::string& text) {
            std::optional<T> value = parse(text);
            if (!value) throw CLI::ValidationError(name, fmt::format("{}, got '{}'", syntax, text));
            target = *value;
          },
          help)
      ->type_name(type_name);
}

}  // namespace

CLI::Option* add_format_option(CLI::App& cmd, render::Format& target, std::initializer_list<render::Format> allowed,
                               const std::string& name, const std::string& help) {
  std::vector<std::string> names;
  for (render::Format f : allowed) names.emplace_back(render::format_name(f));
  std::string syntax = fmt::format("expects one of {}", fmt::join(names, ", "));
  auto parse = [names](const std::string& text) -> std::optional<render::Format> {
    if (std::find(names.begin(), names.end(), text) == names.end()) return std::nullopt;
    return render::parse_format(text);
  };
  return cmd
      .add_option_function<std::string>(
          name,
          [&target, name, syntax, parse](const std::string& text) {
            std::optional<render::Format> value = parse(text);
            if (!value) throw CLI::ValidationError(name, fmt::format("{}, got '{}'", syntax, text));
            target = *value;
          },
          fmt::format("{}: {}", help, fmt::join(names, ", ")))
      ->type_name("FORMAT")
      ->default_str(std::string(render::format_name(target)));
}

CLI::Option* add_size_option(CLI::App& cmd, const std::string& name, std::optional<uint64_t>& target,
                             const std::string& help) {
  return add_parsed(cmd, name, target, help, "SIZE", render::limit_syntax(false),
                    [](const std::string& text) { return render::parse_size(text); });
}

CLI::Option* add_percent_option(CLI::App& cmd, const std::string& name, std::optional<double>& target,
                                const std::string& help) {
  return add_parsed(cmd, name, target, help, "PCT", "expects a percentage such as 25 or 25%",
                    [](const std::string& text) { return render::parse_percent(text); });
}

CLI::Option* add_duration_option(CLI::App& cmd, const std::string& name,
                                 std::optional<std::chrono::duration<double>>& target, const std::string& help) {
  return add_parsed(cmd, name, target, help, "DURATION", "expects a duration such as 500ms, 30s, 5m or 1h",
                    [](const std::string& text) { return render::parse_duration(text); });
}

CLI::Option* add_limit_option(CLI::App& cmd, const std::string& name, std::optional<render::Limit>& target,
                              bool allow_percent, const std::string& help) {
  return add_parsed(cmd, name, target, help, allow_percent ? "SIZE|PCT%" : "SIZE", render::limit_syntax(allow_percent),
                    [allow_percent](const std::string& text) { return render::parse_limit(text, allow_percent); });
}

CLI::Option* add_bounded_option(CLI::App& cmd, const std::string& name, double& target, double min, double max,
                                const std::string& help) {
  return cmd
      .add_option_function<std::string>(
          name,
          [&target, name, min, max](const std::string& text) {
            double value = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc{} || end != text.data() + text.size())
              throw CLI::ValidationError(name, fmt::format("expects a number, got '{}'", text));
            if (value < min) throw CLI::ValidationError(name, fmt::format("{} is below the minimum {}", text, min));
            if (value > max) throw CLI::ValidationError(name, fmt::format("{} is above the maximum {}", text, max));
            target = value;
          },
          help)
      ->type_name("NUMBER")
      ->default_str(fmt::format("{}", target));
}

void add_sample_type_options(CLI::App& cmd, SampleType& target, const std::string& group) {
  struct Choice {
    const char* flag;
    SampleType type;
    const char* help;
  };
  static constexpr Choice kChoices[] = {
      {"--inuse-space", SampleType::inuse_space, "Live bytes at dump time (default)"},
      {"--inuse-objects", SampleType::inuse_objects, "Live objects at dump time"},
      {"--alloc-space", SampleType::alloc_space, "Bytes allocated since start (needs prof_accum:true)"},
      {"--alloc-objects", SampleType::alloc_objects, "Objects allocated since start (needs prof_accum:true)"},
  };
  std::vector<CLI::Option*> flags;
  for (const Choice& c : kChoices)
    flags.push_back(cmd.add_flag_callback(
                           c.flag, [&target, type = c.type] { target = type; }, c.help)
                        ->group(group));
  for (CLI::Option* x : flags)
    for (CLI::Option* y : flags)
      if (x != y) x->excludes(y);
}

}  // namespace memprof::cli
