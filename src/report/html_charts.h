#pragma once
// The report's charts as inline SVG drawn here, so the page needs nothing
// fetched and no script to show them.
#include <ostream>

#include "result/result.h"

namespace showdown {

/// Three charts, one bar per run or model: total tokens on a log scale
/// (10^3..10^7 and beyond when needed), tool calls, and outcomes per model (per
/// run while sealed). Bars are colored by outcome; scripted runs are striped.
void write_charts(const ShowdownResult& result, std::ostream& out);

}  // namespace showdown
