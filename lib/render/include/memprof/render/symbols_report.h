// Renders what symbolization found per module, for `memprof info --symbols`: the file used (or
// "not found"), build id, symbol source, addresses resolved out of total, and any problems.
//
//   SymbolizeReport report = symbolize_profile(profile, options, diag);
//   std::string text = render_symbols_text(profile.path, report);
//   json.key("symbols"); write_symbols_json(json, report);
#pragma once

#include <string>

#include "memprof/render/json_writer.h"
#include "memprof/symbolize/symbolize.h"

namespace memprof::render {

std::string render_symbols_text(const std::string& dump_path, const symbolize::SymbolizeReport& report);
// Writes the report as one JSON object value (after a key or in an array).
void write_symbols_json(JsonWriter& json, const symbolize::SymbolizeReport& report);

}  // namespace memprof::render
