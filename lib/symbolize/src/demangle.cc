#include "demangle.h"

#include <llvm/Demangle/Demangle.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <memory>

namespace memprof::symbolize {

namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

bool is_clone_word(std::string_view s) {
  // "llvm": LLVM's (Thin)LTO renames promoted locals "name.llvm.<hash>" (Rust's std is full of them).
  constexpr std::array<std::string_view, 8> kWords = {"isra",     "constprop",  "part",  "cold",
                                                      "lto_priv", "localalias", "clone", "llvm"};
  return std::ranges::find(kWords, s) != kWords.end();
}

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

std::string call_demangler(char* result) {
  std::unique_ptr<char, FreeDeleter> owned(result);
  return owned ? std::string(owned.get()) : std::string();
}

// Rust legacy symbols demangle as Itanium into "a::b::h0123456789abcdef" with $LT$-style escapes.
bool strip_rust_hash(std::string& name) {
  constexpr size_t kHashLen = 17;  // "h" + 16 hex digits
  if (name.size() < kHashLen + 2) return false;
  size_t at = name.size() - kHashLen;
  if (name.compare(at - 2, 3, "::h") != 0) return false;
  for (size_t i = at + 1; i < name.size(); ++i)
    if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return false;
  name.resize(at - 2);
  return true;
}

std::string decode_rust_escapes(std::string_view s) {
  struct Escape {
    std::string_view code, text;
  };
  constexpr std::array<Escape, 13> kEscapes = {{{"$SP$", "@"},
                                                {"$BP$", "*"},
                                                {"$RF$", "&"},
                                                {"$LT$", "<"},
                                                {"$GT$", ">"},
                                                {"$LP$", "("},
                                                {"$RP$", ")"},
                                                {"$C$", ","},
                                                {"$u7e$", "~"},
                                                {"$u20$", " "},
                                                {"$u27$", "'"},
                                                {"$u5b$", "["},
                                                {"$u5d$", "]"}}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    // rustc writes a component that starts with '$' as "_$".
    if (s.substr(i).starts_with("_$") && (i == 0 || s.substr(0, i).ends_with("::"))) ++i;
    if (s[i] == '$') {
      bool matched = false;
      for (const Escape& e : kEscapes)
        if (s.substr(i).starts_with(e.code)) {
          out += e.text;
          i += e.code.size();
          matched = true;
          break;
        }
      if (matched) continue;
      if (s.substr(i).starts_with("$u")) {  // other $uXX$ code points (ASCII only)
        size_t end = s.find('$', i + 2);
        if (end != std::string_view::npos && end - i <= 6) {
          out += static_cast<char>(std::strtol(std::string(s.substr(i + 2, end - i - 2)).c_str(), nullptr, 16));
          i = end + 1;
          continue;
        }
      }
    }
    if (s.substr(i).starts_with("..")) {  // ".." is "::" inside an identifier
      out += "::";
      i += 2;
      continue;
    }
    out += s[i++];
  }
  return out;
}

// Copies a balanced group starting at s[i] (one of "<([{") and returns the index after it.
size_t skip_group(std::string_view s, size_t i) {
  int depth = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    else if (c == '>' || c == ')' || c == ']' || c == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return s.size();
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// What is between the bracket at s[open] and its match (or the end of an unclosed group).
std::string_view group_inner(std::string_view s, size_t open, size_t end) {
  bool closed =
      end > open + 1 && end <= s.size() && std::string_view(">)]}").find(s[end - 1]) != std::string_view::npos;
  return s.substr(open + 1, end - open - 1 - (closed ? 1 : 0));
}

// The index of the first " as " outside any bracket in `s`, or npos.
size_t top_level_as(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    else if (c == '>' || c == ')' || c == ']' || c == '}') --depth;
    else if (depth == 0 && s.substr(i).starts_with(" as ")) return i;
  }
  return std::string_view::npos;
}

// Rust paths: generic arguments go, qualified paths stay readable. "<alloc::raw_vec::RawVecInner>
// ::finish_grow" -> "alloc::raw_vec::RawVecInner::finish_grow"; "<app::Jem as
// core::alloc::global::GlobalAlloc>::alloc" keeps both halves; "std::sys::alloc::<impl
// core::alloc::global::GlobalAlloc for std::alloc::System>::alloc" keeps its impl; a turbofish
// ("catch_unwind::<F, R>") goes with its "::". Types keep their slices, tuples and references.
std::string rust_short_name(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '<') {
      size_t end = skip_group(s, i);
      std::string_view inner = group_inner(s, i, end);
      bool after_colons = s.substr(0, i).ends_with("::");
      if (inner.starts_with("impl ")) {
        out += "<impl ";
        out += rust_short_name(inner.substr(5));
        out += '>';
      } else if (after_colons) {
        out.resize(out.size() - 2);                  // a turbofish
      } else if (i == 0 || !ident_char(s[i - 1])) {  // a qualified path, not generic arguments
        size_t as = top_level_as(inner);
        if (as == std::string_view::npos) out += rust_short_name(inner);
        else {
          // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) about the one-expression form.
          out += '<';
          out += rust_short_name(inner.substr(0, as));
          out += " as ";
          out += rust_short_name(inner.substr(as + 4));
          out += '>';
        }
      }
      i = end;
      continue;
    }
    if (c == '{') {  // {closure#0}, {{closure}}, {impl#1}: keep, they name the entity
      size_t end = skip_group(s, i);
      out += s.substr(i, end - i);
      i = end;
      continue;
    }
    if (c == '[' || c == '(') {  // slice, array and tuple types
      size_t end = skip_group(s, i);
      std::string_view inner = group_inner(s, i, end);
      out += c;
      out += rust_short_name(inner);
      if (i + 1 + inner.size() < end) out += s[end - 1];
      i = end;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace

std::string_view strip_clone_suffix(std::string_view name) {
  // The suffix starts at the first '.' after which every segment is a clone word or a number.
  for (size_t dot = name.find('.', 1); dot != std::string_view::npos; dot = name.find('.', dot + 1)) {
    std::string_view rest = name.substr(dot + 1);
    bool all_clone = !rest.empty();
    bool has_word = false;
    while (!rest.empty()) {
      size_t next = rest.find('.');
      std::string_view seg = rest.substr(0, next);
      if (is_clone_word(seg)) has_word = true;
      else if (!is_digits(seg)) {
        all_clone = false;
        break;
      }
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    if (all_clone && has_word) return name.substr(0, dot);
  }
  return name;
}

std::string short_function_name(std::string_view s) {
  // Only Rust writes qualified paths ("<T as Trait>::f") and turbofishes ("f::<T>").
  if (s.starts_with('<') || s.find("::<") != std::string_view::npos) return rust_short_name(s);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (s.substr(i).starts_with("operator") && (i == 0 || !ident_char(s[i - 1])) &&
        (i + 8 >= s.size() || !ident_char(s[i + 8]))) {
      out += "operator";
      i += 8;
      constexpr std::array<std::string_view, 12> kSymbols = {"()", "[]", "<=>", "<<=", ">>=", "<<",
                                                             ">>", "<=", ">=",  "->*", "->",  "<"};
      for (std::string_view sym : kSymbols)
        if (s.substr(i).starts_with(sym)) {
          out += sym;
          i += sym.size();
          break;
        }
      if (i < s.size() && s[i] == '>') out += s[i++];
      for (std::string_view word : {" new[]", " delete[]", " new", " delete"})
        if (s.substr(i).starts_with(word)) {
          out += word;
          i += word.size();
          break;
        }
      continue;
    }
    if (s.substr(i).starts_with("(anonymous namespace)")) {
      out += "(anonymous namespace)";
      i += 21;
      continue;
    }
    if (c == '{') {  // {lambda(int)#1}: keep, it names the entity
      size_t end = skip_group(s, i);
      out += s.substr(i, end - i);
      i = end;
      continue;
    }
    if (c == '<' || c == '(' || c == '[') {
      i = skip_group(s, i);
      continue;
    }
    out += c;
    ++i;
  }
  // Qualifiers left behind by a stripped parameter list.
  for (bool again = true; again;) {
    again = false;
    while (!out.empty() && out.back() == ' ') {
      out.pop_back();
      again = true;
    }
    for (std::string_view q : {" const", " volatile", " &&", " &"})
      if (std::string_view(out).ends_with(q)) {
        out.resize(out.size() - q.size());
        again = true;
      }
  }
  // A template function's return type precedes its name: keep what follows the last top-level
  // space, unless that space belongs to "operator new" or a conversion operator.
  int depth = 0;
  size_t cut = std::string::npos;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (c == '(' || c == '{') ++depth;
    else if (c == ')' || c == '}') --depth;
    else if (c == ' ' && depth == 0) {
      size_t op = out.rfind("operator", i);
      bool in_operator = op != std::string::npos && out.find_first_of("(){}", op) > i && out.find("::", op) > i;
      if (!in_operator) cut = i;
    }
  }
  if (cut != std::string::npos) out.erase(0, cut + 1);
  return out;
}

DemangledName demangle_symbol(std::string_view mangled) {
  std::string base(strip_clone_suffix(mangled));
  std::string name;
  if (base.starts_with("_R")) {
    size_t n = 0;
    int status = 0;
    name = call_demangler(llvm::rustDemangle(base.c_str(), nullptr, &n, &status));
  } else if (base.starts_with("_Z")) {
    size_t n = 0;
    int status = 0;
    name = call_demangler(llvm::itaniumDemangle(base.c_str(), nullptr, &n, &status));
    if (!name.empty() && base.starts_with("_ZN") && strip_rust_hash(name)) name = decode_rust_escapes(name);
  }
  if (name.empty()) name = base;
  DemangledName out;
  out.short_name = short_function_name(name);
  out.name = std::move(name);
  return out;
}

}  // namespace memprof::symbolize
