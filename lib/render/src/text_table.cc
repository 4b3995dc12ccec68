#include "memprof/render/text_table.h"

#include <algorithm>

namespace memprof::render {

namespace {

constexpr std::string_view kEllipsis = "\xe2\x80\xa6";  // U+2026, one column wide

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

// Byte offset of the column `columns` from the start.
size_t offset_of_column(std::string_view text, size_t columns) {
  size_t i = 0;
  for (size_t seen = 0; i < text.size(); ++i) {
    if (is_continuation(text[i])) continue;
    if (seen++ == columns) break;
  }
  return i;
}

void pad(std::string& out, std::string_view cell, size_t width, Align align) {
  size_t w = display_width(cell);
  size_t fill = width > w ? width - w : 0;
  if (align == Align::right) out.append(fill, ' ');
  out += cell;
  if (align == Align::left) out.append(fill, ' ');
}

std::string escape_markdown(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '<' || c == '>') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

size_t display_width(std::string_view text) {
  return static_cast<size_t>(std::ranges::count_if(text, [](char c) { return !is_continuation(c); }));
}

std::string elide_middle(std::string_view text, size_t width) {
  size_t w = display_width(text);
  if (w <= width) return std::string(text);
  if (width == 0) return {};
  if (width == 1) return std::string(kEllipsis);
  size_t keep = width - 1;
  size_t head = (keep + 1) / 2, tail = keep - head;
  std::string out(text.substr(0, offset_of_column(text, head)));
  out += kEllipsis;
  out += text.substr(offset_of_column(text, w - tail));
  return out;
}

TextTable::TextTable(std::vector<std::string> headers, std::vector<Align> aligns)
    : headers_(std::move(headers)), aligns_(std::move(aligns)) {}

void TextTable::add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::vector<size_t> TextTable::column_widths() const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < widths.size(); ++c) {
    widths[c] = display_width(headers_[c]);
    for (const auto& row : rows_)
      if (c < row.size()) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  return widths;
}

size_t TextTable::natural_width(size_t columns) const {
  std::vector<size_t> widths = column_widths();
  size_t total = 0;
  for (size_t c = 0; c < std::min(columns, widths.size()); ++c) total += widths[c] + (c ? 2 : 0);
  return total;
}

std::string TextTable::render(size_t max_width, size_t indent) const {
  size_t n = headers_.size();
  std::vector<size_t> widths = column_widths();
  // The last column gives way when the terminal is narrow; the numbers never do.
  bool elide_last = aligns_.back() == Align::left && max_width;
  if (elide_last) {
    size_t fixed = indent;
    for (size_t c = 0; c + 1 < n; ++c) fixed += widths[c] + 2;
    size_t room = max_width > fixed + 12 ? max_width - fixed : 12;
    widths[n - 1] = std::min(widths[n - 1], room);
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line(indent, ' ');
    for (size_t c = 0; c < n; ++c) {
      if (c) line += "  ";
      std::string_view cell = c < cells.size() ? std::string_view(cells[c]) : std::string_view();
      if (c + 1 == n && elide_last) line += elide_middle(cell, widths[c]);
      else pad(line, cell, widths[c], aligns_[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  emit(headers_);
  for (const auto& row : rows_) emit(row);
  return out;
}

std::string TextTable::render_markdown() const {
  std::string out = "|";
  auto cell = [&out](std::string_view text) {
    out += ' ';
    out += escape_markdown(text);
    out += " |";
  };
  for (const auto& h : headers_) cell(h);
  out += "\n|";
  for (Align a : aligns_) out += a == Align::right ? " ---: |" : " :--- |";
  out += '\n';
  for (const auto& row : rows_) {
    out += "|";
    for (size_t c = 0; c < headers_.size(); ++c) cell(c < row.size() ? std::string_view(row[c]) : std::string_view());
    out += '\n';
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace memprof::render
