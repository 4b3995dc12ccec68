#include <doctest/doctest.h>

#include "memprof/heapparse/dump_name.h"

using namespace memprof;
using heapparse::parse_dump_name;

TEST_CASE("jemalloc interval, manual, high-water and final dump names") {
  auto i = parse_dump_name("/tmp/dumps/jeprof.4242.17.i3.heap");
  REQUIRE(i);
  CHECK(i->prefix == "jeprof");
  CHECK(i->pid == 4242u);
  CHECK(i->seq == 17u);
  CHECK(i->kind == 'i');
  CHECK(i->kind_seq == 3u);

  auto m = parse_dump_name("app.prof.99.0.m0.heap");
  REQUIRE(m);
  CHECK(m->prefix == "app.prof");
  CHECK(m->kind == 'm');

  auto u = parse_dump_name("jeprof.1.5.u2.heap.gz");
  REQUIRE(u);
  CHECK(u->kind == 'u');

  auto f = parse_dump_name("jeprof.2340.0.f.heap");
  REQUIRE(f);
  CHECK(f->kind == 'f');
  CHECK(f->pid == 2340u);
  CHECK_FALSE(f->kind_seq);
}

TEST_CASE("pid namespace after the prefix") {
  auto n = parse_dump_name("jeprof.4026531836.777.3.i1.heap");
  REQUIRE(n);
  CHECK(n->pid == 777u);
  CHECK(n->seq == 3u);
  CHECK(n->prefix == "jeprof.4026531836");
}

TEST_CASE("Kvrocks KPROFILE MEMORY DUMP names") {
  auto k = parse_dump_name("/data/jeprof.31337.4.heap");
  REQUIRE(k);
  CHECK(k->pid == 31337u);
  CHECK(k->seq == 4u);
  CHECK(k->kind == 0);
}

TEST_CASE("other names") {
  CHECK_FALSE(parse_dump_name("notes.txt"));
  auto plain = parse_dump_name("before.heap");
  REQUIRE(plain);
  CHECK_FALSE(plain->pid);
}
