#pragma once
// Server-Sent Events, as both model APIs stream them. The parser is fed whatever
// byte chunks the network delivers and hands back whole events.
#include <string>
#include <string_view>
#include <vector>

namespace showdown {

/// One dispatched event: its `event:` name (empty when none was given) and its
/// `data:` lines joined with "\n".
struct SseEvent {
  std::string event;
  std::string data;

  bool operator==(const SseEvent&) const = default;
};

/// Incremental SSE parser. Chunks may split anywhere (inside a line, inside a
/// UTF-8 character, between "\r" and "\n"); lines may end in "\n", "\r\n" or "\r";
/// `:` comment lines and `id:`/`retry:` fields are ignored.
class SseParser {
 public:
  /// Consumes `bytes`, appending every event completed by them to `*events`.
  void feed(std::string_view bytes, std::vector<SseEvent>* events);
  /// The stream ended: a last line or event left without its terminator is
  /// dispatched too, so a server that omits the final blank line still works.
  void finish(std::vector<SseEvent>* events);

 private:
  void take_line(std::vector<SseEvent>* events);
  void dispatch(std::vector<SseEvent>* events);

  std::string line_;
  bool after_cr_ = false;  // a "\n" right after a "\r" ends nothing new
  bool first_line_ = true;
  std::string event_;
  std::string data_;
  bool has_data_ = false;
};

}  // namespace showdown
