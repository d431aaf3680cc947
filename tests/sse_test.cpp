// links: showdown_llm
#include "llm/sse.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace showdown {
namespace {

struct SseCase {
  const char* name;
  std::string stream;
  std::vector<SseEvent> expected;
};

std::vector<SseCase> cases() {
  return {
      {"openai_chunks_with_comment",
       ": keep-alive\n\ndata: {\"a\":1}\n\ndata: {\"text\":\"h\xC3\xA9llo \xE2\x9C\x93\"}\n\ndata: "
       "[DONE]\n\n",
       {{"", "{\"a\":1}"}, {"", "{\"text\":\"h\xC3\xA9llo \xE2\x9C\x93\"}"}, {"", "[DONE]"}}},
      {"anthropic_named_events_crlf",
       "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
       "event: ping\r\ndata: {\"type\":\"ping\"}\r\n\r\n",
       {{"message_start", "{\"type\":\"message_start\"}"}, {"ping", "{\"type\":\"ping\"}"}}},
      {"multi_line_data_and_bare_cr",
       "data: first\rdata: second\r\rdata:no-space\n:comment\nid: 7\nretry: 10\n\n",
       {{"", "first\nsecond"}, {"", "no-space"}}},
      {"emoji_split_and_missing_final_blank_line",
       "\xEF\xBB\xBF"
       "data: \xF0\x9F\x98\x80 ok\n\nevent: message_stop\ndata: {}",
       {{"", "\xF0\x9F\x98\x80 ok"}, {"message_stop", "{}"}}},
      {"event_without_data_is_dropped", "event: lonely\n\ndata: x\n\n", {{"", "x"}}},
  };
}

std::vector<SseEvent> parse_in_pieces(const std::string& stream, const std::vector<size_t>& cuts) {
  SseParser parser;
  std::vector<SseEvent> events;
  size_t from = 0;
  for (size_t cut : cuts) {
    parser.feed(std::string_view(stream).substr(from, cut - from), &events);
    from = cut;
  }
  parser.feed(std::string_view(stream).substr(from), &events);
  parser.finish(&events);
  return events;
}

TEST(SseParser, YieldsTheSameEventsWhereverTheStreamIsSplit) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(parse_in_pieces(c.stream, {}), c.expected);
    for (size_t cut = 0; cut <= c.stream.size(); ++cut) {
      SCOPED_TRACE("split at " + std::to_string(cut));
      ASSERT_EQ(parse_in_pieces(c.stream, {cut}), c.expected);
    }
    for (size_t a = 1; a < c.stream.size(); ++a) {
      for (size_t b = a; b < c.stream.size(); ++b) {
        ASSERT_EQ(parse_in_pieces(c.stream, {a, b}), c.expected) << "splits at " << a << "," << b;
      }
    }
  }
}

TEST(SseParser, AcceptsOneByteAtATime) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < c.stream.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(parse_in_pieces(c.stream, cuts), c.expected);
  }
}

TEST(SseParser, DispatchesEventsAsSoonAsTheirBlankLineArrives) {
  SseParser parser;
  std::vector<SseEvent> events;
  parser.feed("data: one\n", &events);
  EXPECT_TRUE(events.empty());
  parser.feed("\ndata: tw", &events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "one");
}

}  // namespace
}  // namespace showdown
