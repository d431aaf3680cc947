#pragma once
#include "report/reporter.h"

namespace showdown {

/// results.json: the result document exactly as to_json(ShowdownResult) writes it.
class JsonReporter : public Reporter {
 public:
  void write(const ShowdownResult& result, std::ostream& out) const override;
};

}  // namespace showdown
