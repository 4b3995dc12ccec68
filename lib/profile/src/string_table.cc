#include "memprof/profile/string_table.h"

#include <functional>

namespace memprof {

StringTable::StringTable() { intern(""); }

StringId StringTable::intern(std::string_view text) {
  uint64_t hash = std::hash<std::string_view>{}(text);
  uint32_t id = index_.find_or_insert(
      hash_tag(hash), [&](uint32_t candidate) { return views_[candidate] == text; },
      [&] {
        storage_.emplace_back(text);
        views_.push_back(storage_.back());
        return views_.size() - 1;
      });
  return StringId{id};
}

}  // namespace memprof
