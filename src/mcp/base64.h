#pragma once
// MCP carries images and audio as base64 text inside JSON.
#include <string>

namespace showdown {

/// Decodes standard base64 (padding optional, whitespace ignored). False when
/// `text` holds any other character or ends mid-byte.
bool decode_base64(const std::string& text, std::string* bytes);

}  // namespace showdown
