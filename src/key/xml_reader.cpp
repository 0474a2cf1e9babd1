#include "key/xml_reader.hpp"

#include <cstdint>

namespace udpn::key {

namespace {

constexpr std::size_t max_xml_depth = 64;

bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_name_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}

void append_utf8(std::string& out, std::uint32_t cp)
{
    auto byte = [](std::uint32_t b) { return static_cast<char>(static_cast<unsigned char>(b)); };
    if (cp < 0x80) {
        out.push_back(byte(cp));
    } else if (cp < 0x800) {
        out.push_back(byte(0xC0 | (cp >> 6)));
        out.push_back(byte(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(byte(0xE0 | (cp >> 12)));
        out.push_back(byte(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(byte(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(byte(0xF0 | (cp >> 18)));
        out.push_back(byte(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(byte(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(byte(0x80 | (cp & 0x3F)));
    }
}

struct binding_scope {
    std::vector<namespace_binding> stack;

    [[nodiscard]] const std::string* find(std::string_view prefix) const
    {
        for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
            if (it->prefix == prefix) {
                return &it->uri;
            }
        }
        return nullptr;
    }
};

class reader {
  public:
    reader(std::string_view s, std::string& message) : _s(s), _message(message) {}

    bool forest(binding_scope& scope, std::vector<xml_element>& out)
    {
        for (;;) {
            skip_misc();
            if (_failed) {
                return false;
            }
            if (_i >= _s.size()) {
                return true;
            }
            if (_s[_i] != '<') {
                return fail("character data outside an element");
            }
            xml_element e;
            if (!element(scope, e, 0)) {
                return false;
            }
            out.push_back(std::move(e));
        }
    }

  private:
    bool fail(const std::string& what)
    {
        if (!_failed) {
            _message = "bad XML subtree filter at offset " + std::to_string(_i) + ": " + what;
        }
        _failed = true;
        return false;
    }

    bool starts_with(std::string_view w) const noexcept { return _s.substr(_i).starts_with(w); }

    bool skip_until(std::string_view end, const char* what)
    {
        const std::size_t at = _s.find(end, _i);
        if (at == std::string_view::npos) {
            return fail(std::string("unterminated ") + what);
        }
        _i = at + end.size();
        return true;
    }

    /// Whitespace, comments, processing instructions (and the XML declaration).
    void skip_misc()
    {
        for (;;) {
            while (_i < _s.size() && is_space(_s[_i])) {
                ++_i;
            }
            if (starts_with("<!--")) {
                if (!skip_until("-->", "comment")) {
                    return;
                }
            } else if (starts_with("<?")) {
                if (!skip_until("?>", "processing instruction")) {
                    return;
                }
            } else if (starts_with("<!")) {
                fail("DTDs and declarations are not accepted");
                return;
            } else {
                return;
            }
        }
    }

    std::string_view name()
    {
        const std::size_t start = _i;
        while (_i < _s.size() && is_name_char(_s[_i])) {
            ++_i;
        }
        return _s.substr(start, _i - start);
    }

    /// Decodes character data or an attribute value up to \p stop (not consumed).
    bool decode_until(char stop, std::string& out)
    {
        while (_i < _s.size() && _s[_i] != stop) {
            const char c = _s[_i];
            if (c != '&') {
                out.push_back(c);
                ++_i;
                continue;
            }
            const std::size_t semi = _s.find(';', _i);
            if (semi == std::string_view::npos || semi - _i > 12) {
                return fail("bad entity reference");
            }
            const std::string_view ent = _s.substr(_i + 1, semi - _i - 1);
            if (ent == "lt") {
                out.push_back('<');
            } else if (ent == "gt") {
                out.push_back('>');
            } else if (ent == "amp") {
                out.push_back('&');
            } else if (ent == "quot") {
                out.push_back('"');
            } else if (ent == "apos") {
                out.push_back('\'');
            } else if (ent.size() > 1 && ent[0] == '#') {
                std::uint32_t cp = 0;
                const bool hex = ent[1] == 'x' || ent[1] == 'X';
                const std::string_view digits = ent.substr(hex ? 2 : 1);
                if (digits.empty()) {
                    return fail("bad character reference");
                }
                for (const char d : digits) {
                    std::uint32_t v = 0;
                    if (d >= '0' && d <= '9') {
                        v = static_cast<std::uint32_t>(d - '0');
                    } else if (hex && d >= 'a' && d <= 'f') {
                        v = static_cast<std::uint32_t>(d - 'a' + 10);
                    } else if (hex && d >= 'A' && d <= 'F') {
                        v = static_cast<std::uint32_t>(d - 'A' + 10);
                    } else {
                        return fail("bad character reference");
                    }
                    cp = cp * (hex ? 16u : 10u) + v;
                    if (cp > 0x10FFFF) {
                        return fail("bad character reference");
                    }
                }
                append_utf8(out, cp);
            } else {
                return fail("unknown entity '&" + std::string(ent) + ";'");
            }
            _i = semi + 1;
        }
        return true;
    }

    bool element(binding_scope& scope, xml_element& e, std::size_t depth)
    {
        if (depth >= max_xml_depth) {
            return fail("elements nested too deeply");
        }
        ++_i; // '<'
        const std::string_view qname = name();
        if (qname.empty()) {
            return fail("expected an element name");
        }
        const std::size_t scope_mark = scope.stack.size();
        // Attributes: only namespace declarations matter for a filter.
        bool empty_element = false;
        for (;;) {
            while (_i < _s.size() && is_space(_s[_i])) {
                ++_i;
            }
            if (_i >= _s.size()) {
                return fail("unterminated start tag");
            }
            if (starts_with("/>")) {
                _i += 2;
                empty_element = true;
                break;
            }
            if (_s[_i] == '>') {
                ++_i;
                break;
            }
            const std::string_view attr = name();
            if (attr.empty()) {
                return fail("expected an attribute name");
            }
            while (_i < _s.size() && is_space(_s[_i])) {
                ++_i;
            }
            if (_i >= _s.size() || _s[_i] != '=') {
                return fail("expected '=' after attribute '" + std::string(attr) + "'");
            }
            ++_i;
            while (_i < _s.size() && is_space(_s[_i])) {
                ++_i;
            }
            if (_i >= _s.size() || (_s[_i] != '"' && _s[_i] != '\'')) {
                return fail("expected a quoted attribute value");
            }
            const char q = _s[_i++];
            std::string value;
            if (!decode_until(q, value)) {
                return false;
            }
            if (_i >= _s.size()) {
                return fail("unterminated attribute value");
            }
            ++_i;
            if (attr == "xmlns") {
                scope.stack.push_back({"", value});
            } else if (attr.starts_with("xmlns:")) {
                scope.stack.push_back({std::string(attr.substr(6)), value});
            }
        }
        if (const auto colon = qname.find(':'); colon != std::string_view::npos) {
            e.prefix.assign(qname.substr(0, colon));
            e.name.assign(qname.substr(colon + 1));
            const std::string* uri = scope.find(e.prefix);
            if (!uri) {
                return fail("undeclared namespace prefix '" + e.prefix + "'");
            }
            e.ns = *uri;
        } else {
            e.name.assign(qname);
            if (const std::string* uri = scope.find("")) {
                e.ns = *uri;
            }
        }
        if (!empty_element) {
            for (;;) {
                if (_i >= _s.size()) {
                    return fail("unterminated element '" + std::string(qname) + "'");
                }
                if (starts_with("</")) {
                    _i += 2;
                    const std::string_view close = name();
                    if (close != qname) {
                        return fail("end tag '" + std::string(close) + "' does not match '" +
                                    std::string(qname) + "'");
                    }
                    while (_i < _s.size() && is_space(_s[_i])) {
                        ++_i;
                    }
                    if (_i >= _s.size() || _s[_i] != '>') {
                        return fail("unterminated end tag");
                    }
                    ++_i;
                    break;
                }
                if (starts_with("<!--")) {
                    if (!skip_until("-->", "comment")) {
                        return false;
                    }
                } else if (starts_with("<![CDATA[")) {
                    const std::size_t start = _i + 9;
                    if (!skip_until("]]>", "CDATA section")) {
                        return false;
                    }
                    e.text.append(_s.substr(start, _i - 3 - start));
                } else if (starts_with("<?")) {
                    if (!skip_until("?>", "processing instruction")) {
                        return false;
                    }
                } else if (starts_with("<!")) {
                    return fail("declarations are not accepted inside elements");
                } else if (_s[_i] == '<') {
                    xml_element child;
                    if (!element(scope, child, depth + 1)) {
                        return false;
                    }
                    e.children.push_back(std::move(child));
                } else if (!decode_until('<', e.text)) {
                    return false;
                }
            }
        }
        scope.stack.resize(scope_mark);
        return true;
    }

    std::string_view _s;
    std::string& _message;
    std::size_t _i = 0;
    bool _failed = false;
};

} // namespace

bool parse_xml_forest(std::string_view xml, const std::vector<namespace_binding>& outer,
                      std::vector<xml_element>& out, std::string& message)
{
    out.clear();
    binding_scope scope{outer};
    reader r(xml, message);
    return r.forest(scope, out);
}

} // namespace udpn::key
