#pragma once
// Text the model reads must be valid UTF-8: files and command output may not be.
#include <string>

namespace showdown {

/// `text` with every byte that is not part of a valid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(const std::string& text);

}  // namespace showdown
