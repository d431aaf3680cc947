#pragma once
// The intervention protocol's hook into the agent loop. The agent asks it at two
// points — when the model ends its turn, and after each step's tool calls — and
// does what it answers; every message it sends is recorded as an event plus a
// user message. Implementations see the run only through its records.
#include <string>
#include <vector>

#include "transcript/transcript.h"

namespace showdown {

struct Intervention {
  enum Kind { none, nudge, stop, end } kind = none;
  std::string message;  // nudge/stop: the text sent to the model
  std::string rule;     // which rule fired, for the record
  std::string reason;   // end: the run_end reason
  std::vector<Record> events;  // event records to write before acting (checks, detectors)
};

class Protocol {
 public:
  virtual ~Protocol() = default;
  /// Every record the agent writes, in order (also those replayed on resume).
  virtual void observe(const Record& record) = 0;
  /// The model ended its turn without tool calls: nudge, or end the run.
  virtual Intervention on_turn_end() = 0;
  /// A step's tool calls have run: nothing, a stop message, or end the run.
  virtual Intervention after_step() = 0;
  /// A message typed by a person watching, if one is waiting (--interactive).
  virtual bool take_interactive(std::string* message) { return false; }
};

}  // namespace showdown
