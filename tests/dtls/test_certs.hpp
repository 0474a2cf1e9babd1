/// \file
/// Certificates generated at test time (OpenSSL API): two CAs, a receiver certificate, and
/// exporter certificates (good, signed by the other CA, expired), as PEM files in a temporary
/// directory removed at the end.
#pragma once

#include <string>

namespace udpn::test {

struct test_certs {
    std::string dir;
    std::string ca;             ///< CA the receiver trusts
    std::string server_cert, server_key;
    std::string client_cert, client_key;   ///< signed by ca, valid
    std::string other_ca;                  ///< a CA the receiver does not trust
    std::string rogue_cert, rogue_key;     ///< signed by other_ca
    std::string expired_cert, expired_key; ///< signed by ca, notAfter in the past
    std::string client_sha256;             ///< hex SHA-256 of client_cert's DER
    std::string expired_sha256;

    test_certs();
    ~test_certs();
    test_certs(const test_certs&) = delete;
    test_certs& operator=(const test_certs&) = delete;
};

} // namespace udpn::test
