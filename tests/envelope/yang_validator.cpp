#include "yang_validator.hpp"

#include <cstdlib>

namespace udpn::test {

std::string shared_dir()
{
    if (const char* env = std::getenv("UDPN_SHARED_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return UDPN_SHARED_DIR;
}

std::vector<std::string> yang_dirs(envelope::profile p)
{
    // The seed folder comes first so that its telemetry-message revisions can be named; they
    // are always loaded with an explicit revision, and everything else exists only in yang/.
    if (p == envelope::profile::seed) {
        return {shared_dir() + "/yang-seed", shared_dir() + "/yang"};
    }
    return {shared_dir() + "/yang"};
}

} // namespace udpn::test
