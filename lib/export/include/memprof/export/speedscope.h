// speedscope's file format (https://www.speedscope.app/file-format-schema.json): one shared
// frame table and one "sampled" profile per sample type the dumps hold, each stack listed root
// first with its weight in bytes (or objects for the *_objects profiles).
//
//   FrameProfile fp = analyze::build_frame_profile(profile, {});
//   std::string json = render_speedscope(fp, "app.heap");
#pragma once

#include <string>
#include <string_view>

#include "memprof/analyze/frame_profile.h"

namespace memprof::exporter {

std::string render_speedscope(const analyze::FrameProfile& profile, std::string_view name);

}  // namespace memprof::exporter
