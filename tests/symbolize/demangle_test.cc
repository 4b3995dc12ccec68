#include <doctest/doctest.h>

#include "demangle.h"

using memprof::symbolize::demangle_symbol;
using memprof::symbolize::short_function_name;
using memprof::symbolize::strip_clone_suffix;

TEST_CASE("Itanium C++ names, with clone suffixes folded") {
  auto n = demangle_symbol("_ZNSt6vectorIiSaIiEE9push_backERKi");
  CHECK(n.name == "std::vector<int, std::allocator<int> >::push_back(int const&)");
  CHECK(n.short_name == "std::vector::push_back");
  CHECK(demangle_symbol("_ZN7fixture9leak_siteEv.isra.0").name == "fixture::leak_site()");
  CHECK(demangle_symbol("_ZN7fixture9leak_siteEv.constprop.0.isra.0").short_name == "fixture::leak_site");
  CHECK(demangle_symbol("_ZN7fixture9leak_siteEv.part.3").name == "fixture::leak_site()");
  CHECK(demangle_symbol("_ZN7fixture9leak_siteEv.cold").name == "fixture::leak_site()");
  CHECK(demangle_symbol("main").name == "main");
  CHECK(demangle_symbol("ngx_palloc.part.0").name == "ngx_palloc");
}

TEST_CASE("clone suffixes only when every segment is a clone word or number") {
  CHECK(strip_clone_suffix("foo.isra.0") == "foo");
  CHECK(strip_clone_suffix("foo.cold") == "foo");
  CHECK(strip_clone_suffix("foo.lto_priv.0") == "foo");
  CHECK(strip_clone_suffix("foo.bar") == "foo.bar");
  CHECK(strip_clone_suffix("foo.1") == "foo.1");
}

TEST_CASE("short names drop parameters, template arguments and return types") {
  CHECK(short_function_name("void ns::f<int>(int) const") == "ns::f");
  CHECK(short_function_name("operator new(unsigned long)") == "operator new");
  CHECK(short_function_name("operator new[](unsigned long)") == "operator new[]");
  CHECK(short_function_name("bool std::operator< <char>(std::string const&, char const*)") == "std::operator<");
  CHECK(short_function_name("a::B<int>::operator()(int) &&") == "a::B::operator()");
  CHECK(short_function_name("(anonymous namespace)::helper(int)") == "(anonymous namespace)::helper");
  CHECK(short_function_name("std::basic_ostream<char>::operator<<(int)") == "std::basic_ostream::operator<<");
  CHECK(short_function_name("outer()::{lambda(int)#1}::operator()(int) const") == "outer::{lambda(int)#1}::operator()");
  CHECK(short_function_name("X::operator bool() const") == "X::operator bool");
}

TEST_CASE("Rust legacy names lose the hash and decode escapes; v0 names demangle") {
  auto legacy = demangle_symbol("_ZN4core3ptr13drop_in_place17h0123456789abcdefE");
  CHECK(legacy.name == "core::ptr::drop_in_place");
  auto impl = demangle_symbol(
      "_ZN66_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17h1234567890abcdefE");
  CHECK(impl.name == "<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop");
  auto v0 = demangle_symbol("_RNvCs1234_7mycrate3foo");
  CHECK(v0.name == "mycrate::foo");
}

TEST_CASE("Rust short names keep qualified paths readable and drop generic arguments") {
  // As rustc 1.95's std (v0) and DWARF name the frames of a Vec growth and a global allocator.
  CHECK(short_function_name("<alloc::raw_vec::RawVecInner>::finish_grow") ==
        "alloc::raw_vec::RawVecInner::finish_grow");
  CHECK(
      short_function_name("<alloc::raw_vec::RawVecInner<_>>::reserve::do_reserve_and_handle::<alloc::alloc::Global>") ==
      "alloc::raw_vec::RawVecInner::reserve::do_reserve_and_handle");
  CHECK(short_function_name("<fixture::je::JeMalloc as core::alloc::global::GlobalAlloc>::realloc") ==
        "<fixture::je::JeMalloc as core::alloc::global::GlobalAlloc>::realloc");
  CHECK(short_function_name("<alloc::vec::Vec<T> as core::iter::traits::collect::FromIterator<T>>::from_iter") ==
        "<alloc::vec::Vec as core::iter::traits::collect::FromIterator>::from_iter");
  CHECK(short_function_name(
            "std::sys::unix::alloc::<impl core::alloc::global::GlobalAlloc for std::alloc::System>::alloc") ==
        "std::sys::unix::alloc::<impl core::alloc::global::GlobalAlloc for std::alloc::System>::alloc");
  CHECK(short_function_name("std::panic::catch_unwind::<std::rt::lang_start_internal::{closure#0}, isize>") ==
        "std::panic::catch_unwind");
  CHECK(short_function_name("<[u8] as alloc::slice::hack::ConvertVec>::to_vec::<alloc::alloc::Global>") ==
        "<[u8] as alloc::slice::hack::ConvertVec>::to_vec");
  CHECK(short_function_name("<<a::B as c::D>::E as f::G>::h") == "<<a::B as c::D>::E as f::G>::h");
  CHECK(short_function_name("alloc::raw_vec::RawVec<T,A>::grow_one") == "alloc::raw_vec::RawVec::grow_one");
  CHECK(short_function_name("<unclosed::Thing") == "unclosed::Thing");
}

TEST_CASE("LLVM's .llvm.<hash> suffix is a clone suffix: Rust legacy names lose their hash behind it") {
  auto finish_grow = demangle_symbol("_ZN5alloc7raw_vec11finish_grow17h1e295af2b6748e5aE.llvm.7866316309214129208");
  CHECK(finish_grow.name == "alloc::raw_vec::finish_grow");
  auto v0 = demangle_symbol("_RNvCsfLfy6EI15iL_7___rustc12___rust_alloc");
  CHECK(v0.name == "__rustc::__rust_alloc");
}
