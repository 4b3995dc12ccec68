#include "oracle_support.h"

#include <doctest/doctest.h>

#include <regex>
#include <sstream>

#include "test_support.h"

namespace memprof::test {

std::string fixture_dump(int phase, const char* dir) {
  return std::string(dir) + "/phase" + std::to_string(phase) + ".heap";
}

Report memprof_report(std::vector<std::string> args) {
  bool diff = args.front() == "diff";
  jestats::JsonValue doc = run_json(std::move(args));
  Report report;
  report.total = doc.find(diff ? "delta" : "total")->as_i64().value();
  for (const jestats::JsonValue& row : doc.find("rows")->items) {
    const std::string& name = row.find("name")->text;
    report.flat[name] = row.find(diff ? "delta" : "flat")->as_i64().value();
    if (!diff) report.cum[name] = row.find("cum")->as_i64().value();
  }
  return report;
}

bool have_jeprof() { return !std::string(MEMPROF_JEPROF).empty(); }

Report jeprof_text(const std::vector<std::string>& args, const std::string& dump) {
  std::vector<std::string> argv = {MEMPROF_JEPROF, "--text", "--show_bytes"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {MEMPROF_HEAP_FIXTURE, dump});
  CommandResult r = run_command(argv);
  INFO("jeprof stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  Report report;
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex(R"(Total: (-?[0-9]+)( B| objects)?\n)")));
  report.total = std::stoll(m[1].str());
  static const std::regex row_re(R"(^\s*(-?[0-9]+)\s+\S+%\s+\S+%\s+(-?[0-9]+)\s+\S+%\s+(.+)$)");
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!std::regex_match(line, m, row_re)) continue;
    report.flat[m[3].str()] += std::stoll(m[1].str());
    report.cum[m[3].str()] = std::stoll(m[2].str());
  }
  return report;
}

std::array<int64_t, 4> header_totals(const std::string& dump_path) {
  std::string text = read_file(dump_path);
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex(R"(\n  t\*: ([0-9]+): ([0-9]+) \[([0-9]+): ([0-9]+)\])")));
  return {std::stoll(m[1].str()), std::stoll(m[2].str()), std::stoll(m[3].str()), std::stoll(m[4].str())};
}

}  // namespace memprof::test
