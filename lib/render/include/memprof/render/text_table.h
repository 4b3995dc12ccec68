// Aligned text tables for the terminal, with a left-aligned last column (a name) elided in the
// middle when the table would be wider than the terminal, and the same rows as Markdown.
//
//   TextTable t({"flat", "flat%", "name"}, {Align::right, Align::right, Align::left});
//   t.add_row({"1.0 MiB", "50.00%", "std::vector<int>::push_back"});
//   std::string text = t.render(80);        // 0 = no width limit
//   std::string md = t.render_markdown();
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memprof::render {

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
  bool empty() const { return rows_.empty(); }

  // Terminal columns the first `columns` columns take at their widest, separators included: what
  // callers measure before choosing what to leave out at a narrow width.
  size_t natural_width(size_t columns) const;
  size_t natural_width() const { return natural_width(headers_.size()); }

  // Each line starts with `indent` spaces; max_width 0 means no limit.
  std::string render(size_t max_width, size_t indent = 0) const;
  std::string render_markdown() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;

  std::vector<size_t> column_widths() const;
};

std::string csv_field(std::string_view text);

}  // namespace memprof::render
