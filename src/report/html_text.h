#pragma once
// Text as it goes into the HTML report: escaped everywhere, since model output
// can hold anything (`</script>`, `<`, `&`), and anchors every piece links by.
#include <string>

namespace showdown {

/// Escapes &, <, >, " and ' so any text is safe in element content and in
/// quoted attribute values.
std::string html_escape(const std::string& text);

/// A run label as an element id: letters, digits, '-' and '_' kept, anything
/// else turned into '_' ("run-3" stays "run-3").
std::string html_id(const std::string& label);

/// The id of conversation message `message` in a run's transcript viewer:
/// "run-3-m34". Pathology evidence and timeline marks link to it.
std::string message_anchor(const std::string& run, int message);

}  // namespace showdown
