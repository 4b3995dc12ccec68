// A table rendered either as aligned plain text or as a markdown pipe table; the stats and
// explain reports use it so both forms show the same rows.
//
//   TextTable t({"size", "wasted"}, {true, true});   // right-align both columns
//   t.add({"640", "10.0 MiB"});
//   std::string s = t.render(markdown);
#pragma once

#include <string>
#include <vector>

namespace memprof::render {

class TextTable {
 public:
  TextTable(std::vector<std::string> headers, std::vector<bool> right_align)
      : headers_(std::move(headers)), right_(std::move(right_align)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // Plain text is indented by `indent` spaces; markdown ignores it.
  std::string render(bool markdown, size_t indent = 2) const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace memprof::render
