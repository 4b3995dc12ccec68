// Symbol names for people: Itanium C++ and Rust (legacy and v0) demangling, GCC clone suffixes
// (.isra.0, .constprop.1, .part.0, .cold) folded into the base function, and a short form
// without parameter lists and template arguments.
//
//   DemangledName n = demangle_symbol("_ZNSt6vectorIiSaIiEE9push_backERKi.isra.0");
//   n.name        // "std::vector<int, std::allocator<int> >::push_back(int const&)"
//   n.short_name  // "std::vector::push_back"
#pragma once

#include <string>
#include <string_view>

namespace memprof::symbolize {

struct DemangledName {
  std::string name;
  std::string short_name;
};

DemangledName demangle_symbol(std::string_view mangled);

// "foo.isra.0" -> "foo"; names without a clone suffix are returned unchanged.
std::string_view strip_clone_suffix(std::string_view name);

// "void ns::f<int>(int) const" -> "ns::f".
std::string short_function_name(std::string_view demangled);

}  // namespace memprof::symbolize
