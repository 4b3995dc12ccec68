#include "memprof/render/text_table.h"

#include <algorithm>

namespace memprof::render {

namespace {

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
    out += c;
  }
  return out;
}

}  // namespace

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
  return out;
}

}  // namespace memprof::render
