#include "memprof/render/text_table.h"

#include <algorithm>

namespace memprof::render {

namespace {

<<<<<<< HEAD
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
=======
// Display width: counts UTF-8 code points, not bytes, so "█" aligns.
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

std::string escape_markdown(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
>>>>>>> stats
    out += c;
  }
  return out;
}

}  // namespace

<<<<<<< HEAD
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

std::string TextTable::render(size_t max_width) const {
  size_t n = headers_.size();
  std::vector<size_t> widths(n);
  for (size_t c = 0; c < n; ++c) {
    widths[c] = display_width(headers_[c]);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  // The last column gives way when the terminal is narrow; the numbers never do.
  if (max_width) {
    size_t fixed = 0;
    for (size_t c = 0; c + 1 < n; ++c) fixed += widths[c] + 2;
    size_t room = max_width > fixed + 12 ? max_width - fixed : 12;
    widths[n - 1] = std::min(widths[n - 1], room);
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < n; ++c) {
      if (c) line += "  ";
      if (c + 1 == n) line += elide_middle(cells[c], widths[c]);
      else pad(line, cells[c], widths[c], aligns_[c]);
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
  for (const auto& h : headers_) out += " " + escape_markdown(h) + " |";
  out += "\n|";
  for (Align a : aligns_) out += a == Align::right ? " ---: |" : " :--- |";
  out += '\n';
  for (const auto& row : rows_) {
    out += "|";
    for (const auto& cell : row) out += " " + escape_markdown(cell) + " |";
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
=======
std::string TextTable::render(bool markdown, size_t indent) const {
  std::string out;
  size_t ncols = headers_.size();
  if (markdown) {
    out += "|";
    for (const std::string& h : headers_) out += " " + escape_markdown(h) + " |";
    out += "\n|";
    for (size_t c = 0; c < ncols; ++c) out += (c < right_.size() && right_[c]) ? " ---: |" : " --- |";
    out += "\n";
    for (const auto& row : rows_) {
      out += "|";
      for (size_t c = 0; c < ncols; ++c) out += " " + escape_markdown(c < row.size() ? row[c] : "") + " |";
      out += "\n";
    }
    return out;
  }
  std::vector<size_t> widths(ncols, 0);
  for (size_t c = 0; c < ncols; ++c) widths[c] = width(headers_[c]);
  for (const auto& row : rows_)
    for (size_t c = 0; c < ncols && c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l(indent, ' ');
    for (size_t c = 0; c < ncols; ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      std::string pad(widths[c] - width(cell), ' ');
      bool last = c + 1 == ncols;
      if (c < right_.size() && right_[c]) l += pad + cell;
      else l += last ? cell : cell + pad;
      if (!last) l += "  ";
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  out += line(headers_);
  for (const auto& row : rows_) out += line(row);
>>>>>>> stats
  return out;
}

}  // namespace memprof::render
