// Interned strings: each distinct string is stored once and named by a StringId. Id 0 is "".
//
//   StringTable strings;
//   StringId id = strings.intern("libc.so.6");
//   std::string_view s = strings.view(id);
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/profile/id_map.h"
#include "memprof/profile/ids.h"

namespace memprof {

class StringTable {
 public:
  StringTable();
  StringTable(const StringTable&) = delete;  // views point into storage_; copying would dangle
  StringTable& operator=(const StringTable&) = delete;
  StringTable(StringTable&&) = default;
  StringTable& operator=(StringTable&&) = default;

  StringId intern(std::string_view text);
  std::string_view view(StringId id) const { return views_[id.value()]; }
  size_t size() const { return views_.size(); }

 private:
  std::deque<std::string> storage_;  // deque: interning never moves earlier strings
  std::vector<std::string_view> views_;
  IdMap<uint32_t> index_;  // keyed by hash_tag; the strings live in views_
};

}  // namespace memprof
