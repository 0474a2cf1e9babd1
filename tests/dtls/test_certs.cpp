#include "test_certs.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace udpn::test {

namespace {

EVP_PKEY* new_key()
{
    EVP_PKEY* k = EVP_EC_gen("P-256");
    if (k == nullptr) {
        throw std::runtime_error("EVP_EC_gen failed");
    }
    return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (ext == nullptr) {
        throw std::runtime_error("X509V3_EXT_conf_nid failed");
    }
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

/// A certificate for \p key named \p cn, signed by \p issuer_key (self-signed when \p issuer is
/// null), valid from \p from_s to \p to_s seconds relative to now.
X509* make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                long from_s, long to_s, long serial)
{
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), from_s);
    X509_gmtime_adj(X509_getm_notAfter(x), to_s);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
    X509* iss = issuer != nullptr ? issuer : x;
    if (ca) {
        add_ext(x, iss, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, iss, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(x, iss, NID_basic_constraints, "CA:FALSE");
        add_ext(x, iss, NID_key_usage, "critical,digitalSignature");
    }
    if (X509_sign(x, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
        throw std::runtime_error("X509_sign failed");
    }
    return x;
}

void write_cert(const std::string& path, X509* x)
{
    FILE* f = std::fopen(path.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
}

void write_key(const std::string& path, EVP_PKEY* k)
{
    FILE* f = std::fopen(path.c_str(), "w");
    PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
}

std::string fingerprint(X509* x)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(x, EVP_sha256(), md, &n);
    std::string out;
    char hex[4];
    for (unsigned int i = 0; i < n; ++i) {
        std::snprintf(hex, sizeof hex, "%02X:", md[i]);
        out += hex;
    }
    out.pop_back();
    return out; // the `openssl x509 -fingerprint -sha256` form
}

} // namespace

test_certs::test_certs()
{
    char tmpl[] = "/tmp/udpn-dtls-certs-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    dir = tmpl;
    const long day = 86400;
    EVP_PKEY* ca_key = new_key();
    X509* ca_x = make_cert(ca_key, "udpn test CA", nullptr, nullptr, true, -day, 30 * day, 1);
    EVP_PKEY* other_key = new_key();
    X509* other_x = make_cert(other_key, "udpn other CA", nullptr, nullptr, true, -day, 30 * day, 2);

    EVP_PKEY* sk = new_key();
    X509* sx = make_cert(sk, "receiver", ca_x, ca_key, false, -day, 30 * day, 10);
    EVP_PKEY* ck = new_key();
    X509* cx = make_cert(ck, "exporter-1", ca_x, ca_key, false, -day, 30 * day, 11);
    EVP_PKEY* rk = new_key();
    X509* rx = make_cert(rk, "rogue", other_x, other_key, false, -day, 30 * day, 12);
    EVP_PKEY* ek = new_key();
    X509* ex = make_cert(ek, "expired", ca_x, ca_key, false, -10 * day, -day, 13);

    ca = dir + "/ca.pem";
    other_ca = dir + "/other-ca.pem";
    server_cert = dir + "/server.pem";
    server_key = dir + "/server.key";
    client_cert = dir + "/client.pem";
    client_key = dir + "/client.key";
    rogue_cert = dir + "/rogue.pem";
    rogue_key = dir + "/rogue.key";
    expired_cert = dir + "/expired.pem";
    expired_key = dir + "/expired.key";
    write_cert(ca, ca_x);
    write_cert(other_ca, other_x);
    write_cert(server_cert, sx);
    write_key(server_key, sk);
    write_cert(client_cert, cx);
    write_key(client_key, ck);
    write_cert(rogue_cert, rx);
    write_key(rogue_key, rk);
    write_cert(expired_cert, ex);
    write_key(expired_key, ek);
    client_sha256 = fingerprint(cx);
    expired_sha256 = fingerprint(ex);
    for (X509* x : {ca_x, other_x, sx, cx, rx, ex}) {
        X509_free(x);
    }
    for (EVP_PKEY* k : {ca_key, other_key, sk, ck, rk, ek}) {
        EVP_PKEY_free(k);
    }
}

test_certs::~test_certs()
{
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

} // namespace udpn::test
