#include "xml_text.h"

#include "utf8.h"

namespace memprof::render {

void append_xml(std::string& out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\n': out += '\n'; break;
        case '\t': out += ' '; break;
        default: out += c < 0x20 ? '?' : static_cast<char>(c);
      }
      ++i;
      continue;
    }
    if (size_t len = utf8_sequence_length(text, i)) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
}

std::string xml(std::string_view text) {
  std::string out;
  append_xml(out, text);
  return out;
}

}  // namespace memprof::render
