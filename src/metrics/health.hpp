/// \file
/// The answer of the health endpoint (GET /healthz).
#pragma once

#include <string>

namespace udpn::metrics {

/// Whether the receiver is fit to serve.
struct health_status {
    bool ok = true;
    std::string detail; ///< why not ok (empty when ok)
};

} // namespace udpn::metrics
