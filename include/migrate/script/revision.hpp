// Revision: the header of one migration file, as the revision graph sees it.
#pragma once

#include <string>
#include <vector>

namespace migrate {

struct Revision {
  std::string id;
  std::vector<std::string> down_revisions;  // empty: a base; two or more: a merge
  std::vector<std::string> depends_on;      // as written: ids, partial ids or labels
  std::vector<std::string> branch_labels;
  std::string message;
  std::string path;  // the file it came from ("" in memory); named in errors
};

}  // namespace migrate
