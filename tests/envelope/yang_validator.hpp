#pragma once
// Test harness: the envelope validator of src/validate on the YANG modules of ../shared (seed:
// yang-seed then yang; latest: yang).
#include "validate/envelope_validator.hpp"

#include <string>
#include <vector>

namespace udpn::test {

/// Absolute path of the shared/ folder (YANG modules): $UDPN_SHARED_DIR, else the path meson
/// compiled in.
std::string shared_dir();

/// The YANG search directories of \p p under shared_dir().
std::vector<std::string> yang_dirs(envelope::profile p);

class yang_validator : public validate::envelope_validator {
  public:
    /// Throws std::runtime_error when a module fails to load.
    explicit yang_validator(envelope::profile p) : envelope_validator(p, yang_dirs(p)) {}
};

} // namespace udpn::test
