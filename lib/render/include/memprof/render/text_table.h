<<<<<<< HEAD
// Aligned text tables for the terminal, with the last column (a name) elided in the middle
// when the table would be wider than the terminal, and the same rows as Markdown or CSV.
//
//   TextTable t({"flat", "flat%", "name"}, {Align::right, Align::right, Align::left});
//   t.add_row({"1.0 MiB", "50.00%", "std::vector<int>::push_back"});
//   std::string text = t.render(80);        // 0 = no width limit
//   std::string md = t.render_markdown();
#pragma once

#include <string>
#include <string_view>
=======
// A table rendered either as aligned plain text or as a markdown pipe table; the stats and
// explain reports use it so both forms show the same rows.
//
//   TextTable t({"size", "wasted"}, {true, true});   // right-align both columns
//   t.add({"640", "10.0 MiB"});
//   std::string s = t.render(markdown);
#pragma once

#include <string>
>>>>>>> stats
#include <vector>

namespace memprof::render {

<<<<<<< HEAD
enum class Align : unsigned char { left, right };

// "abcdefghij" at width 7 -> "abc…hij": the start (namespace) and the end (function) survive.
std::string elide_middle(std::string_view text, size_t width);
// Display width in terminal columns (UTF-8 aware for the ellipsis and other multibyte text).
size_t display_width(std::string_view text);

class TextTable {
 public:
  TextTable(std::vector<std::string> headers, std::vector<Align> aligns);
  void add_row(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  std::string render(size_t max_width) const;
  std::string render_markdown() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

std::string csv_field(std::string_view text);

=======
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

>>>>>>> stats
}  // namespace memprof::render
