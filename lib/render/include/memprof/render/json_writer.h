// A small streaming JSON writer: commas and escaping are its business, structure is the caller's.
// Integers are written exactly; doubles with enough digits to round-trip.
//
//   JsonWriter json;
//   json.begin_object();
//   json.key("total").value(int64_t{42});
//   json.key("rows").begin_array(); ... json.end_array();
//   json.end_object();
//   std::string text = json.take();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memprof::render {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(double number);
  JsonWriter& value(bool flag);
  JsonWriter& null();

  std::string take();

 private:
  void before_value();
  void newline();
  JsonWriter& close(char bracket);

  std::string out_;
  std::vector<bool> has_items_;  // per open container
  bool after_key_ = false;
};

void append_json_string(std::string& out, std::string_view text);

}  // namespace memprof::render
