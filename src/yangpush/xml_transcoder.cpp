#include "yangpush/xml_transcoder.hpp"
#include "common/text.hpp"
#include "yangpush/json_number.hpp"

#include <libyang/libyang.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace udpn::yangpush {

const char* to_string(xml_transcode_error e) noexcept
{
    switch (e) {
    case xml_transcode_error::too_large: return "too_large";
    case xml_transcode_error::malformed_xml: return "malformed_xml";
    case xml_transcode_error::too_deep: return "too_deep";
    case xml_transcode_error::unknown_namespace: return "unknown_namespace";
    case xml_transcode_error::not_a_notification: return "not_a_notification";
    case xml_transcode_error::invalid_content: return "invalid_content";
    case xml_transcode_error::output_too_large: return "output_too_large";
    case xml_transcode_error::internal: return "internal";
    }
    return "unknown";
}

namespace {

constexpr std::uint32_t max_depth_limit = 1024;

// RFC 5277 §4 (NETCONF notification), PROTOCOL.md §3.1-§3.2, §4.
constexpr std::string_view netconf_ns = "urn:ietf:params:xml:ns:netconf:notification:1.0";
constexpr std::string_view envelope_ns = "urn:ietf:params:xml:ns:yang:ietf-yp-notification";
constexpr std::string_view yang_push_ns = "urn:ietf:params:xml:ns:yang:ietf-yang-push";
constexpr std::string_view subscribed_ns =
    "urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications";
// XML Namespaces 1.0 §3: the `xml` prefix is bound without a declaration.
constexpr std::string_view xml_prefix_ns = "http://www.w3.org/XML/1998/namespace";

/// Longest text of an envelope leaf (event-time, hostname, sequence-number) we accept.
constexpr std::size_t max_leaf_text = 1024;

/// Characters that end an XML name in a tag (names themselves are checked by libyang).
bool ends_name(char c) noexcept
{
    return is_space(c) || c == '/' || c == '>' || c == '=' || c == '<' || c == '"' || c == '\'';
}

/// An `xmlns[:prefix]="uri"` declaration in scope; views into the document.
struct ns_binding {
    std::string_view prefix; ///< empty for the default namespace
    std::string_view uri;    ///< raw attribute value
    char quote = '"';        ///< the quote the value was written with
};

/// A start tag as the scanner saw it.
struct element_info {
    std::string_view qname;
    std::string_view local;
    std::string_view ns;               ///< resolved namespace; empty when none
    std::uint32_t depth = 0;           ///< 0 = root
    std::size_t begin = 0;             ///< offset of '<'
    std::size_t name_end = 0;          ///< offset just after the qualified name
    std::size_t tag_end = 0;           ///< offset just after '>'
    std::size_t n_bindings_before = 0; ///< bindings in scope before this element's own
    std::size_t n_bindings_after = 0;  ///< … and with them
};

/// Outcome of a scan step.
struct scan_failure {
    xml_transcode_error error = xml_transcode_error::malformed_xml;
    const char* what = "";
    std::size_t offset = 0;
};

/// One pass over a whole document checking what libyang would otherwise find late or not at
/// all (nesting depth before its recursive parser runs, DOCTYPE, content after the root) and
/// tracking namespace scope, reporting each start and end tag to a visitor. Views only.
class xml_scanner {
  public:
    xml_scanner(std::uint32_t max_depth, std::uint32_t max_bindings)
        : _max_depth(max_depth), _max_bindings(max_bindings)
    {
        _bindings.reserve(max_bindings);
        _open.reserve(max_depth);
    }

    [[nodiscard]] const std::vector<ns_binding>& bindings() const noexcept { return _bindings; }

    /// Namespace bound to \p prefix among the first \p n_bindings bindings; false if unbound.
    [[nodiscard]] bool resolve(std::string_view prefix, std::size_t n_bindings,
                               std::string_view& uri) const noexcept
    {
        for (std::size_t i = n_bindings; i-- > 0;) {
            if (_bindings[i].prefix == prefix) {
                uri = _bindings[i].uri;
                return true;
            }
        }
        if (prefix == "xml") {
            uri = xml_prefix_ns;
            return true;
        }
        if (prefix.empty()) {
            uri = {};
            return true;
        }
        return false;
    }

    /// Visitor: `bool on_start(const element_info&)`, `bool on_end(depth, end_tag_begin,
    /// end_tag_end)`; returning false stops the scan (the visitor keeps its own reason).
    template <typename Visitor>
    bool scan(std::string_view doc, Visitor& visitor, scan_failure& failure) noexcept
    {
        _bindings.clear();
        _open.clear();
        const std::size_t n = doc.size();
        std::size_t i = 0;
        bool root_closed = false;
        auto fail = [&](const char* what, std::size_t at,
                        xml_transcode_error e = xml_transcode_error::malformed_xml) {
            failure = scan_failure{e, what, at};
            return false;
        };
        if (doc.starts_with("\xEF\xBB\xBF")) {
            i = 3;
        }
        while (i < n) {
            if (doc[i] != '<') {
                std::size_t lt = doc.find('<', i);
                if (lt == std::string_view::npos) {
                    lt = n;
                }
                if (_open.empty()) {
                    for (std::size_t k = i; k < lt; ++k) {
                        if (!is_space(doc[k])) {
                            return fail("text outside the root element", k);
                        }
                    }
                }
                i = lt;
                continue;
            }
            const std::string_view rest = doc.substr(i);
            if (rest.starts_with("<!--")) {
                const std::size_t end = doc.find("-->", i + 4);
                if (end == std::string_view::npos) {
                    return fail("unterminated comment", i);
                }
                i = end + 3;
                continue;
            }
            if (rest.starts_with("<![CDATA[")) {
                const std::size_t end = doc.find("]]>", i + 9);
                if (_open.empty() || end == std::string_view::npos) {
                    return fail("CDATA outside an element or unterminated", i);
                }
                i = end + 3;
                continue;
            }
            if (rest.starts_with("<!")) {
                // A DOCTYPE could declare entities (expansion bombs); NETCONF never sends one.
                return fail("DOCTYPE or declaration refused", i);
            }
            if (rest.starts_with("<?")) {
                const std::size_t end = doc.find("?>", i + 2);
                if (end == std::string_view::npos) {
                    return fail("unterminated processing instruction", i);
                }
                i = end + 2;
                continue;
            }
            if (rest.starts_with("</")) {
                std::size_t j = i + 2;
                while (j < n && !ends_name(doc[j])) {
                    ++j;
                }
                const std::string_view name = doc.substr(i + 2, j - i - 2);
                while (j < n && is_space(doc[j])) {
                    ++j;
                }
                if (j >= n || doc[j] != '>') {
                    return fail("bad end tag", i);
                }
                if (_open.empty() || _open.back().qname != name) {
                    return fail("end tag does not match the open element", i);
                }
                _bindings.resize(_open.back().n_bindings_before);
                _open.pop_back();
                if (!visitor.on_end(static_cast<std::uint32_t>(_open.size()), i, j + 1)) {
                    return false;
                }
                root_closed = _open.empty();
                i = j + 1;
                continue;
            }
            // Start tag.
            if (root_closed) {
                return fail("element after the root element", i);
            }
            if (_open.size() >= _max_depth) {
                return fail("nesting deeper than max_depth", i, xml_transcode_error::too_deep);
            }
            element_info e;
            e.begin = i;
            e.depth = static_cast<std::uint32_t>(_open.size());
            std::size_t j = i + 1;
            while (j < n && !ends_name(doc[j])) {
                ++j;
            }
            e.qname = doc.substr(i + 1, j - i - 1);
            e.name_end = j;
            if (e.qname.empty()) {
                return fail("empty element name", i);
            }
            e.n_bindings_before = _bindings.size();
            bool self_closing = false;
            for (;;) {
                const std::size_t before_space = j;
                while (j < n && is_space(doc[j])) {
                    ++j;
                }
                if (j >= n) {
                    return fail("unterminated start tag", i);
                }
                if (doc[j] == '>') {
                    ++j;
                    break;
                }
                if (doc[j] == '/') {
                    if (j + 1 >= n || doc[j + 1] != '>') {
                        return fail("bad start tag", j);
                    }
                    self_closing = true;
                    j += 2;
                    break;
                }
                if (j == before_space) {
                    return fail("attributes must be separated by white space", j);
                }
                const std::size_t name_begin = j;
                while (j < n && !ends_name(doc[j])) {
                    ++j;
                }
                const std::string_view attr = doc.substr(name_begin, j - name_begin);
                while (j < n && is_space(doc[j])) {
                    ++j;
                }
                if (attr.empty() || j >= n || doc[j] != '=') {
                    return fail("bad attribute", name_begin);
                }
                ++j;
                while (j < n && is_space(doc[j])) {
                    ++j;
                }
                if (j >= n || (doc[j] != '"' && doc[j] != '\'')) {
                    return fail("unquoted attribute value", j);
                }
                const char quote = doc[j];
                const std::size_t close = doc.find(quote, j + 1);
                if (close == std::string_view::npos) {
                    return fail("unterminated attribute value", j);
                }
                const std::string_view value = doc.substr(j + 1, close - j - 1);
                if (value.find('<') != std::string_view::npos) {
                    return fail("'<' in an attribute value", j);
                }
                if (attr == "xmlns" || attr.starts_with("xmlns:")) {
                    const std::string_view prefix = attr == "xmlns" ? "" : attr.substr(6);
                    if (attr != "xmlns" && (prefix.empty() || value.empty())) {
                        return fail("bad namespace declaration", name_begin);
                    }
                    if (_bindings.size() >= _max_bindings) {
                        return fail("more namespace declarations than max_namespace_bindings",
                                    name_begin, xml_transcode_error::too_deep);
                    }
                    _bindings.push_back(ns_binding{prefix, value, quote});
                }
                j = close + 1;
            }
            e.tag_end = j;
            e.n_bindings_after = _bindings.size();
            if (const std::size_t at = unbound_attribute_prefix(doc, e.name_end, j); at != 0) {
                return fail("attribute prefix not bound to a namespace", at);
            }
            const std::size_t colon = e.qname.find(':');
            const std::string_view prefix =
                colon == std::string_view::npos ? std::string_view{} : e.qname.substr(0, colon);
            e.local = colon == std::string_view::npos ? e.qname : e.qname.substr(colon + 1);
            if (!resolve(prefix, _bindings.size(), e.ns)) {
                return fail("element prefix not bound to a namespace", i);
            }
            if (!visitor.on_start(e)) {
                return false;
            }
            if (self_closing) {
                _bindings.resize(e.n_bindings_before);
                if (!visitor.on_end(e.depth, j, j)) {
                    return false;
                }
                root_closed = _open.empty();
            } else {
                _open.push_back(open_element{e.qname, e.n_bindings_before});
            }
            i = j;
        }
        if (!_open.empty()) {
            return fail("document ends inside an element", n);
        }
        if (!root_closed) {
            return fail("no root element", n);
        }
        return true;
    }

  private:
    /// Offset of the first attribute in the (already checked) attribute list [\p from, \p to)
    /// whose prefix is bound by no declaration in scope; 0 when all are bound.
    [[nodiscard]] std::size_t unbound_attribute_prefix(std::string_view doc, std::size_t from,
                                                       std::size_t to) const noexcept
    {
        std::size_t j = from;
        while (j < to) {
            while (j < to && is_space(doc[j])) {
                ++j;
            }
            const std::size_t name_begin = j;
            while (j < to && !ends_name(doc[j])) {
                ++j;
            }
            if (j == name_begin) {
                break; // '>' or '/>'
            }
            const std::string_view attr = doc.substr(name_begin, j - name_begin);
            const std::size_t colon = attr.find(':');
            std::string_view uri;
            if (colon != std::string_view::npos && attr.substr(0, colon) != "xmlns" &&
                (colon == 0 || !resolve(attr.substr(0, colon), _bindings.size(), uri))) {
                return name_begin;
            }
            const std::size_t open = doc.find_first_of("\"'", j);
            j = doc.find(doc[open], open + 1) + 1; // the scan checked both quotes exist
        }
        return 0;
    }

    struct open_element {
        std::string_view qname;
        std::size_t n_bindings_before = 0;
    };
    std::uint32_t _max_depth;
    std::uint32_t _max_bindings;
    std::vector<ns_binding> _bindings;
    std::vector<open_element> _open;
};

/// The outer form of the document.
enum class outer_form : std::uint8_t { netconf, envelope, bare };

/// An xpath1.0 filter leaf of subscription-started/-modified and the namespace bindings in
/// scope at its element (PROTOCOL.md §3.4).
struct xpath_leaf {
    bool found = false;
    const char* module = nullptr;  ///< module of the leaf (ietf-yang-push or -subscribed-…)
    const char* name = nullptr;    ///< datastore-xpath-filter / stream-xpath-filter
    std::size_t first_binding = 0; ///< range in impl::xpath_bindings
    std::size_t n_bindings = 0;
};

} // namespace

struct xml_transcoder::impl {
    const ly_ctx* ctx;
    xml_transcoder_config config;
    xml_scanner scanner;
    ly_in* in = nullptr;
    ly_out* out = nullptr;
    std::uint32_t log_options = LY_LOSTORE_LAST;

    // Reused buffers (capacity kept).
    std::string input;                      ///< NUL-terminated copy of what libyang parses
    std::string ns_scratch;                 ///< NUL-terminated namespace for libyang lookups
    std::string value;                      ///< rewritten xpath / decoded envelope leaf text
    std::vector<ns_binding> xpath_bindings; ///< in scope at each xpath filter leaf
    std::vector<ns_binding> scope_bindings; ///< in scope at the notification element
    simdjson::dom::parser json_check;       ///< checks the printed JSON (see run())

    // Per transcode().
    std::string* json = nullptr;
    xml_transcode_error out_error = xml_transcode_error::internal;
    bool out_failed = false;
    char detail[320] = {};

    // Document outline (filled by the scan).
    std::string_view doc;
    outer_form form = outer_form::bare;
    bool have_notification = false;
    bool notification_closed = false;
    bool saw_event_time = false;
    element_info notification;
    std::size_t notification_end = 0;
    bool state_change_with_filter = false; ///< subscription-started / -modified
    std::uint32_t notification_depth = 0;
    // Envelope members (PROTOCOL.md §3.2).
    enum class leaf : std::uint8_t { none, event_time, hostname, sequence_number, contents, skip };
    leaf open_leaf = leaf::none;
    std::size_t leaf_content_begin = 0;
    std::string_view event_time;
    std::string_view hostname;
    std::string_view sequence_number;
    bool has_event_time = false;
    bool has_hostname = false;
    bool has_sequence_number = false;
    std::string_view contents_name;
    std::uint64_t members_skipped = 0;
    xpath_leaf xpaths[2];
    // Visitor failure.
    bool visit_failed = false;
    xml_transcode_error visit_error = xml_transcode_error::invalid_content;

    impl(const ly_ctx* c, const xml_transcoder_config& cfg)
        : ctx(c), config(cfg), scanner(cfg.max_depth, cfg.max_namespace_bindings)
    {
        if (ly_in_new_memory("", &in) != LY_SUCCESS ||
            ly_out_new_clb(&write_clb, this, &out) != LY_SUCCESS) {
            ly_in_free(in, 0);
            throw std::runtime_error("yangpush: cannot create libyang input/output handles");
        }
        input.reserve(4096);
        ns_scratch.reserve(256);
        value.reserve(max_leaf_text + 64);
        xpath_bindings.reserve(cfg.max_namespace_bindings * 2u);
        scope_bindings.reserve(cfg.max_namespace_bindings);
    }

    ~impl()
    {
        ly_out_free(out, nullptr, 0);
        ly_in_free(in, 0);
    }

    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;

    void reset(std::string_view d, std::string& j) noexcept
    {
        json = &j;
        out_failed = false;
        detail[0] = '\0';
        doc = d;
        form = outer_form::bare;
        have_notification = false;
        notification_closed = false;
        saw_event_time = false;
        notification = element_info{};
        notification_end = 0;
        state_change_with_filter = false;
        notification_depth = 0;
        open_leaf = leaf::none;
        event_time = hostname = sequence_number = contents_name = {};
        has_event_time = has_hostname = has_sequence_number = false;
        members_skipped = 0;
        xpaths[0] = xpaths[1] = xpath_leaf{};
        xpath_bindings.clear();
        visit_failed = false;
    }

    /// Records a failure with a formatted detail line; returns false for chaining.
    bool fail(xml_transcode_error e, const char* what, std::string_view name = {}) noexcept
    {
        visit_failed = true;
        visit_error = e;
        if (name.empty()) {
            std::snprintf(detail, sizeof detail, "xml: %s: %s", to_string(e), what);
        } else {
            std::snprintf(detail, sizeof detail, "xml: %s: %s '%.*s'", to_string(e), what,
                          static_cast<int>(std::min<std::size_t>(name.size(), 200)), name.data());
        }
        return false;
    }

    /// Copies \p s into \p dst with a terminating NUL (libyang wants C strings).
    static bool assign(std::string& dst, std::string_view s) noexcept
    {
        try {
            dst.assign(s);
        } catch (...) {
            return false;
        }
        return true;
    }

    const lys_module* module_of_namespace(std::string_view ns) noexcept
    {
        if (ns.empty() || !assign(ns_scratch, ns)) {
            return nullptr;
        }
        return ly_ctx_get_module_implemented_ns(ctx, ns_scratch.c_str());
    }

    // ---- scan visitor -------------------------------------------------------------------

    /// The element that carries the notification: known module, top-level notification.
    bool take_notification(const element_info& e) noexcept
    {
        if (have_notification) {
            return fail(xml_transcode_error::invalid_content, "more than one notification element",
                        e.qname);
        }
        const lys_module* mod = module_of_namespace(e.ns);
        if (mod == nullptr) {
            return fail(xml_transcode_error::unknown_namespace, "no module for namespace",
                        e.ns.empty() ? std::string_view("(none)") : e.ns);
        }
        bool is_notification = false;
        if (mod->compiled != nullptr) {
            for (const lysc_node_notif* n = mod->compiled->notifs; n != nullptr;
                 n = reinterpret_cast<const lysc_node_notif*>(n->next)) {
                if (e.local == n->name) {
                    is_notification = true;
                    break;
                }
            }
        }
        if (!is_notification) {
            return fail(xml_transcode_error::not_a_notification, "not a top-level notification",
                        e.qname);
        }
        const auto& all = scanner.bindings();
        if (all.size() > scope_bindings.capacity()) {
            return fail(xml_transcode_error::too_deep, "too many namespace declarations", e.qname);
        }
        scope_bindings.assign(all.begin(), all.end());
        have_notification = true;
        notification = e;
        notification_depth = e.depth;
        state_change_with_filter = e.ns == subscribed_ns && (e.local == "subscription-started" ||
                                                             e.local == "subscription-modified");
        return true;
    }

    /// Keeps the bindings in scope at an xpath filter leaf for the prefix rewrite.
    bool take_xpath(const element_info& e) noexcept
    {
        std::size_t slot = 2;
        if (e.ns == yang_push_ns && e.local == "datastore-xpath-filter") {
            slot = 0;
        } else if (e.ns == subscribed_ns && e.local == "stream-xpath-filter") {
            slot = 1;
        }
        if (slot == 2) {
            return true;
        }
        xpath_leaf& x = xpaths[slot];
        x.found = true;
        x.module = slot == 0 ? "ietf-yang-push" : "ietf-subscribed-notifications";
        x.name = slot == 0 ? "datastore-xpath-filter" : "stream-xpath-filter";
        x.first_binding = xpath_bindings.size();
        const auto& all = scanner.bindings();
        if (xpath_bindings.size() + all.size() > xpath_bindings.capacity()) {
            return fail(xml_transcode_error::too_deep, "too many namespace declarations", e.qname);
        }
        xpath_bindings.insert(xpath_bindings.end(), all.begin(), all.end());
        x.n_bindings = all.size();
        return true;
    }

    bool on_start(const element_info& e) noexcept
    {
        if (e.depth == 0) {
            if (e.local == "notification" && e.ns == netconf_ns) {
                form = outer_form::netconf;
                return true;
            }
            if (e.local == "envelope" && e.ns == envelope_ns) {
                form = outer_form::envelope;
                return true;
            }
            form = outer_form::bare;
            return take_notification(e);
        }
        if (have_notification && !notification_closed) {
            if (e.depth == notification_depth + 1 && state_change_with_filter) {
                return take_xpath(e);
            }
            return true;
        }
        if (form == outer_form::netconf && e.depth == 1) {
            if (e.ns == netconf_ns) {
                if (e.local != "eventTime" || saw_event_time) {
                    return fail(xml_transcode_error::invalid_content,
                                "unexpected element in the NETCONF notification", e.qname);
                }
                saw_event_time = true;
                open_leaf = leaf::event_time;
                leaf_content_begin = e.tag_end;
                return true;
            }
            if (!saw_event_time) {
                // RFC 5277 §4: eventTime comes first.
                return fail(xml_transcode_error::invalid_content,
                            "NETCONF notification without eventTime", e.qname);
            }
            return take_notification(e);
        }
        if (form == outer_form::netconf && open_leaf == leaf::event_time) {
            return fail(xml_transcode_error::invalid_content, "element inside eventTime", e.qname);
        }
        if (form == outer_form::envelope) {
            if (e.depth == 1) {
                return envelope_member(e);
            }
            if (e.depth == 2 && open_leaf == leaf::contents) {
                return take_notification(e);
            }
            if (open_leaf != leaf::skip && open_leaf != leaf::none) {
                return fail(xml_transcode_error::invalid_content, "element inside an envelope leaf",
                            e.qname);
            }
        }
        return true;
    }

    bool envelope_member(const element_info& e) noexcept
    {
        leaf_content_begin = e.tag_end;
        open_leaf = leaf::skip;
        if (e.ns != envelope_ns) {
            ++members_skipped;
            return true;
        }
        if (e.local == "event-time") {
            open_leaf = leaf::event_time;
        } else if (e.local == "hostname") {
            open_leaf = leaf::hostname;
        } else if (e.local == "sequence-number") {
            open_leaf = leaf::sequence_number;
        } else if (e.local == "contents" || e.local == "notification-contents") {
            // PROTOCOL.md §11.8: ENV-00's name is accepted and kept.
            if (!contents_name.empty()) {
                return fail(xml_transcode_error::invalid_content, "two contents members", e.qname);
            }
            open_leaf = leaf::contents;
            contents_name = e.local;
        } else {
            ++members_skipped;
        }
        return true;
    }

    bool on_end(std::uint32_t depth, std::size_t end_begin, std::size_t end_end) noexcept
    {
        if (have_notification && !notification_closed && depth == notification_depth) {
            notification_closed = true;
            notification_end = end_end;
            return true;
        }
        if (form != outer_form::bare && depth == 1) {
            const std::string_view text =
                doc.substr(leaf_content_begin, end_begin - leaf_content_begin);
            switch (open_leaf) {
            case leaf::event_time:
                event_time = text;
                has_event_time = true;
                break;
            case leaf::hostname:
                hostname = text;
                has_hostname = true;
                break;
            case leaf::sequence_number:
                sequence_number = text;
                has_sequence_number = true;
                break;
            default: break;
            }
            open_leaf = leaf::none;
        }
        return true;
    }

    // ---- output -------------------------------------------------------------------------

    static ssize_t write_clb(void* user, const void* buf, size_t count) noexcept
    {
        impl& s = *static_cast<impl*>(user);
        if (!s.append(std::string_view(static_cast<const char*>(buf), count))) {
            return -1;
        }
        return static_cast<ssize_t>(count);
    }

    bool append(std::string_view s) noexcept
    {
        if (out_failed) {
            return false;
        }
        if (json->size() + s.size() > config.max_output_bytes) {
            out_failed = true;
            out_error = xml_transcode_error::output_too_large;
            return false;
        }
        try {
            json->append(s);
        } catch (...) {
            out_failed = true;
            out_error = xml_transcode_error::internal;
            return false;
        }
        return true;
    }

    /// \p s as a JSON string (RFC 8259 §7); octets ≥ 0x80 are passed through (libyang has
    /// checked UTF-8 for its values; envelope leaves are ASCII-checked by the caller).
    bool append_json_string(std::string_view s) noexcept
    {
        if (!append("\"")) {
            return false;
        }
        std::size_t start = 0;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            char esc[8];
            if (c == '"' || c == '\\') {
                esc[0] = '\\';
                esc[1] = static_cast<char>(c);
                esc[2] = '\0';
            } else {
                std::snprintf(esc, sizeof esc, "\\u%04x", c);
            }
            if (!append(s.substr(start, i - start)) || !append(esc)) {
                return false;
            }
            start = i + 1;
        }
        return append(s.substr(start)) && append("\"");
    }

    /// The text of an envelope leaf: predefined and numeric character references decoded,
    /// white space trimmed, printable ASCII only (date-and-time, host-name, counter32).
    bool leaf_text(std::string_view raw, std::string_view what, std::string_view& text) noexcept
    {
        raw = trim(raw);
        if (raw.size() > max_leaf_text || raw.find('<') != std::string_view::npos) {
            return fail(xml_transcode_error::invalid_content, "bad envelope leaf", what);
        }
        value.clear(); // capacity reserved at construction covers max_leaf_text
        for (std::size_t i = 0; i < raw.size(); ++i) {
            char c = raw[i];
            if (c == '&') {
                const std::size_t semi = raw.find(';', i);
                if (semi == std::string_view::npos) {
                    return fail(xml_transcode_error::malformed_xml, "bad character reference in",
                                what);
                }
                const std::string_view ref = raw.substr(i + 1, semi - i - 1);
                unsigned code = 0;
                if (ref == "lt") {
                    code = '<';
                } else if (ref == "gt") {
                    code = '>';
                } else if (ref == "amp") {
                    code = '&';
                } else if (ref == "quot") {
                    code = '"';
                } else if (ref == "apos") {
                    code = '\'';
                } else if (ref.size() > 1 && ref[0] == '#') {
                    const bool hex = ref[1] == 'x';
                    const std::string_view digits = ref.substr(hex ? 2 : 1);
                    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(),
                                                   code, hex ? 16 : 10);
                    if (digits.empty() || r.ec != std::errc() ||
                        r.ptr != digits.data() + digits.size()) {
                        return fail(xml_transcode_error::malformed_xml,
                                    "bad character reference in", what);
                    }
                } else {
                    return fail(xml_transcode_error::malformed_xml, "unknown entity in", what);
                }
                if (code >= 0x80) {
                    return fail(xml_transcode_error::invalid_content, "non-ASCII text in", what);
                }
                c = static_cast<char>(code);
                i = semi;
            }
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20 || u >= 0x7F) {
                return fail(xml_transcode_error::invalid_content, "control or non-ASCII text in",
                            what);
            }
            value.push_back(c); // within the reserved capacity: no allocation, no throw
        }
        text = value;
        return true;
    }

    // ---- libyang ------------------------------------------------------------------------

    /// Maps a failed libyang parse to a reason, keeping its message.
    xml_transcode_error libyang_failure(LY_ERR err) noexcept
    {
        // Only a memory failure is not the input's fault (the context is read-only); libyang
        // also answers bad input with LY_ENOTFOUND or LY_EINVAL, not only LY_EVALID.
        xml_transcode_error e = xml_transcode_error::invalid_content;
        const char* msg = ly_errmsg(ctx);
        if (err == LY_EMEM) {
            e = xml_transcode_error::internal;
        } else {
            const LY_VECODE code = err == LY_EVALID ? ly_vecode(ctx) : LYVE_SUCCESS;
            if (code == LYVE_SYNTAX || code == LYVE_SYNTAX_XML) {
                e = xml_transcode_error::malformed_xml;
            } else if (code == LYVE_REFERENCE && msg != nullptr &&
                       std::string_view(msg).starts_with("No module with namespace")) {
                // An element (e.g. a vendor augment) in a namespace the context lacks; the
                // message is libyang 2.1's wording, anything else stays invalid_content.
                e = xml_transcode_error::unknown_namespace;
            }
        }
        std::snprintf(detail, sizeof detail, "xml: %s: libyang (LY_ERR %d): %s", to_string(e),
                      static_cast<int>(err), msg != nullptr ? msg : "(no message)");
        // Drop the stored message so a later failure never reports a stale one.
        ly_err_clean(const_cast<ly_ctx*>(ctx), nullptr);
        return e;
    }

    /// Namespace URI bound to \p prefix in \p bindings (innermost last); false if none.
    static bool lookup(const ns_binding* bindings, std::size_t n, std::string_view prefix,
                       std::string_view& uri) noexcept
    {
        for (std::size_t i = n; i-- > 0;) {
            if (bindings[i].prefix == prefix) {
                uri = bindings[i].uri;
                return true;
            }
        }
        return false;
    }

    static bool xpath_name_start(char c) noexcept
    {
        const auto u = static_cast<unsigned char>(c);
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || u >= 0x80;
    }
    static bool xpath_name_char(char c) noexcept
    {
        return xpath_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
    }

    /// PROTOCOL.md §3.4 / §11.10: `prefix:name` steps of an XML xpath1.0 value get the module
    /// name bound to the prefix by the element's `xmlns:` declarations; literals, axes (`::`)
    /// and unbound prefixes are left as they are. Writes into `value`; false on memory failure.
    bool rewrite_xpath(std::string_view xpath, const ns_binding* bindings, std::size_t n,
                       bool& changed) noexcept
    {
        changed = false;
        try {
            value.clear();
            char quote = 0;
            std::size_t i = 0;
            while (i < xpath.size()) {
                const char c = xpath[i];
                if (quote != 0) {
                    quote = c == quote ? 0 : quote;
                    value.push_back(c);
                    ++i;
                    continue;
                }
                if (c == '\'' || c == '"') {
                    quote = c;
                    value.push_back(c);
                    ++i;
                    continue;
                }
                if (!xpath_name_start(c) ||
                    (i > 0 && (xpath_name_char(xpath[i - 1]) || xpath[i - 1] == '$'))) {
                    value.push_back(c);
                    ++i;
                    continue;
                }
                std::size_t j = i;
                while (j < xpath.size() && xpath_name_char(xpath[j])) {
                    ++j;
                }
                const std::string_view name = xpath.substr(i, j - i);
                const bool is_prefix =
                    j + 1 < xpath.size() && xpath[j] == ':' && xpath[j + 1] != ':';
                std::string_view uri;
                const lys_module* mod = nullptr;
                if (is_prefix && lookup(bindings, n, name, uri)) {
                    mod = module_of_namespace(uri);
                }
                if (mod != nullptr) {
                    value.append(mod->name);
                    changed = changed || name != mod->name;
                } else {
                    value.append(name);
                }
                i = j;
            }
        } catch (...) {
            return false;
        }
        return true;
    }

    /// Gives the xpath filter leaves of \p op module-name prefixes. False on failure (set).
    bool fix_xpaths(lyd_node* op, std::uint64_t& n_rewritten) noexcept
    {
        for (const xpath_leaf& x : xpaths) {
            if (!x.found) {
                continue;
            }
            for (lyd_node* child = lyd_child(op); child != nullptr; child = child->next) {
                if (child->schema == nullptr || std::strcmp(child->schema->name, x.name) != 0 ||
                    std::strcmp(child->schema->module->name, x.module) != 0) {
                    continue;
                }
                const char* current = lyd_get_value(child);
                if (current == nullptr || std::strchr(current, ':') == nullptr) {
                    break;
                }
                bool changed = false;
                if (!rewrite_xpath(current, xpath_bindings.data() + x.first_binding, x.n_bindings,
                                   changed)) {
                    return fail(xml_transcode_error::internal, "out of memory rewriting", x.name);
                }
                if (changed) {
                    const LY_ERR err = lyd_change_term(child, value.c_str());
                    if (err != LY_SUCCESS && err != LY_EEXIST && err != LY_ENOT) {
                        return fail(xml_transcode_error::internal, "cannot store the rewritten",
                                    x.name);
                    }
                    ++n_rewritten;
                }
                break;
            }
        }
        return true;
    }

    /// True when \p value needs no JSON escape (no quote, backslash or control character).
    static bool prints_raw_safely(const char* value) noexcept
    {
        for (const char* p = value; p != nullptr && *p != '\0'; ++p) {
            const auto c = static_cast<unsigned char>(*p);
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /// True when \p value is a JSON number (RFC 8259 §6), `true` or `false`.
    static bool is_json_scalar(const char* value) noexcept
    {
        if (value == nullptr) {
            return false;
        }
        const std::string_view v(value);
        return v == "true" || v == "false" || detail::is_json_number(v);
    }

    /// Walks a data tree looking into anydata values: elements libyang could not type become
    /// opaque nodes; an opaque node in a namespace without module would print unqualified
    /// (not RFC 7951), so it fails the document. False on failure (set).
    /// libyang 2.1's JSON printer writes an untyped value without quotes when the XML parser
    /// hinted it as a decimal number or boolean (it reads digits the way strtoll does), so
    /// `007`, `+5` or ` 7` would come out as invalid JSON numbers (found by
    /// tests/fuzz/fuzz_decode_xml). Such a value is re-hinted as a string: it is printed
    /// quoted, as sent. The tree is ours (parsed for this call), so changing a hint is safe.
    bool check_opaque(const lyd_node* first, std::uint32_t depth, bool& opaque) noexcept
    {
        if (depth > config.max_depth) {
            return fail(xml_transcode_error::too_deep, "anydata nested deeper than max_depth");
        }
        for (const lyd_node* node = first; node != nullptr; node = node->next) {
            if (node->schema == nullptr) {
                opaque = true;
                const auto* o = reinterpret_cast<const lyd_node_opaq*>(node);
                if (o->format == LY_VALUE_XML) {
                    const char* ns = o->name.module_ns;
                    if (ns == nullptr || ly_ctx_get_module_implemented_ns(ctx, ns) == nullptr) {
                        return fail(xml_transcode_error::unknown_namespace,
                                    "no module for namespace",
                                    ns != nullptr ? std::string_view(ns) : "(none)");
                    }
                }
                // libyang 2.1's JSON printer writes untyped values and attributes between
                // quotes without escaping them: refuse what would break the JSON text.
                bool printable = prints_raw_safely(o->value);
                for (const lyd_attr* a = o->attr; a != nullptr && printable; a = a->next) {
                    printable = prints_raw_safely(a->value);
                }
                if (!printable) {
                    return fail(xml_transcode_error::invalid_content,
                                "untyped value libyang cannot print as JSON in", o->name.name);
                }
                // Mixed content (text beside child elements) has no JSON form; libyang 2.1
                // prints such a node as broken JSON (`,,`; found by tests/fuzz/fuzz_decode_xml).
                if (o->child != nullptr && o->value != nullptr &&
                    !trim(std::string_view(o->value)).empty()) {
                    return fail(xml_transcode_error::invalid_content,
                                "text beside child elements (mixed content) in", o->name.name);
                }
                constexpr std::uint32_t quoted = LYD_VALHINT_STRING | LYD_VALHINT_OCTNUM |
                                                 LYD_VALHINT_HEXNUM | LYD_VALHINT_NUM64;
                constexpr std::uint32_t bare = LYD_VALHINT_DECNUM | LYD_VALHINT_BOOLEAN;
                if ((o->hints & quoted) == 0 && (o->hints & bare) != 0 &&
                    !is_json_scalar(o->value)) {
                    const_cast<lyd_node_opaq*>(o)->hints = (o->hints & ~bare) | LYD_VALHINT_STRING;
                }
            } else if ((node->schema->nodetype & LYS_ANYDATA) != 0) {
                const auto* any = reinterpret_cast<const lyd_node_any*>(node);
                if (any->value_type == LYD_ANYDATA_DATATREE &&
                    !check_opaque(any->value.tree, depth + 1, opaque)) {
                    return false;
                }
                continue;
            }
            if (!check_opaque(lyd_child(node), depth + 1, opaque)) {
                return false;
            }
        }
        return true;
    }

    /// Input for libyang: the notification element alone, re-declaring the namespaces it
    /// inherits from its wrapper (XML Namespaces 1.0 §6: scope is inherited).
    bool build_notification_input() noexcept
    {
        const element_info& e = notification;
        const ns_binding* b = scope_bindings.data();
        try {
            input.clear();
            input.append("<");
            input.append(e.qname);
            // Bindings in scope before the element, innermost first, each prefix once, and
            // none the element declares itself.
            for (std::size_t i = e.n_bindings_before; i-- > 0;) {
                const std::string_view prefix = b[i].prefix;
                bool shadowed = false;
                for (std::size_t k = i + 1; k < e.n_bindings_after && !shadowed; ++k) {
                    shadowed = b[k].prefix == prefix;
                }
                if (shadowed) {
                    continue;
                }
                input.append(prefix.empty() ? " xmlns=" : " xmlns:");
                if (!prefix.empty()) {
                    input.append(prefix);
                    input.push_back('=');
                }
                input.push_back(b[i].quote);
                input.append(b[i].uri);
                input.push_back(b[i].quote);
            }
            input.append(doc.substr(e.name_end, notification_end - e.name_end));
        } catch (...) {
            return fail(xml_transcode_error::internal, "out of memory copying the notification");
        }
        return true;
    }

    /// Frees the tree lyd_parse_op() returned.
    struct tree_guard {
        lyd_node* tree = nullptr;
        tree_guard() = default;
        tree_guard(const tree_guard&) = delete;
        tree_guard& operator=(const tree_guard&) = delete;
        ~tree_guard() { lyd_free_all(tree); }
    };

    /// Prints \p root as JSON into the output; false on failure (set).
    bool print(const lyd_node* root) noexcept
    {
        const LY_ERR err = lyd_print_tree(out, root, LYD_JSON, LYD_PRINT_SHRINK);
        if (out_failed) {
            return fail(out_error, "writing the JSON text");
        }
        if (err != LY_SUCCESS) {
            return fail(xml_transcode_error::internal, "libyang could not print the notification");
        }
        return true;
    }

    bool write_envelope(const lyd_node* root) noexcept
    {
        bool first = true;
        auto member = [&](const char* name) {
            const bool ok = append(first ? "\"" : ",\"") && append(name) && append("\":");
            first = false;
            return ok;
        };
        if (!append("{\"ietf-yp-notification:envelope\":{")) {
            return fail(out_error, "writing the JSON text");
        }
        std::string_view text;
        if (has_event_time) {
            if (!leaf_text(event_time, "event-time", text)) {
                return false;
            }
            member("event-time");
            append_json_string(text);
        }
        if (has_hostname) {
            if (!leaf_text(hostname, "hostname", text)) {
                return false;
            }
            member("hostname");
            append_json_string(text);
        }
        if (has_sequence_number) {
            if (!leaf_text(sequence_number, "sequence-number", text)) {
                return false;
            }
            // counter32 (PROTOCOL.md §3.2): a JSON number (RFC 7951 §6.1, 32-bit).
            std::uint32_t n = 0;
            const auto r = std::from_chars(text.data(), text.data() + text.size(), n);
            if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) {
                return fail(xml_transcode_error::invalid_content, "bad envelope leaf",
                            "sequence-number");
            }
            char digits[16];
            const auto d = std::to_chars(digits, digits + sizeof digits, n);
            member("sequence-number");
            append(std::string_view(digits, static_cast<std::size_t>(d.ptr - digits)));
        }
        // contents_name is a view into the document; copy-free append.
        const bool ok = append(first ? "\"" : ",\"") && append(contents_name) && append("\":");
        if (!ok) {
            return fail(out_error, "writing the JSON text");
        }
        return print(root) && (append("}}") || fail(out_error, "writing the JSON text"));
    }

    bool write_netconf(const lyd_node* root) noexcept
    {
        std::string_view event_time_value;
        if (!has_event_time || !leaf_text(event_time, "eventTime", event_time_value)) {
            return visit_failed ? false
                                : fail(xml_transcode_error::invalid_content,
                                       "NETCONF notification without eventTime");
        }
        // PROTOCOL.md §3.1: {"ietf-notification:notification":{"eventTime":…,"mod:notif":{…}}}
        if (!append("{\"ietf-notification:notification\":{\"eventTime\":") ||
            !append_json_string(event_time_value)) {
            return fail(out_error, "writing the JSON text");
        }
        const std::size_t at = json->size();
        if (!print(root)) {
            return false;
        }
        // The printed notification is `{"mod:notif":{…}}`: its opening brace becomes the
        // member separator and its closing brace closes the wrapper object.
        if (json->size() <= at + 1 || (*json)[at] != '{' || json->back() != '}') {
            return fail(xml_transcode_error::internal, "unexpected libyang JSON output");
        }
        (*json)[at] = ',';
        return append("}") || fail(out_error, "writing the JSON text");
    }

    result<std::string_view, xml_transcode_error> run(std::string_view xml,
                                                      xml_transcode_stats& stats) noexcept
    {
        if (xml.size() > config.max_input_bytes) {
            fail(xml_transcode_error::too_large, "payload longer than max_input_bytes");
            return xml_transcode_error::too_large;
        }
        // XML text is UTF-8 here (application/yang-data+xml, RFC 8040 §5.3; XML 1.0 §4.3.3
        // without an encoding declaration). libyang 2.1 does not check the bytes of CDATA
        // sections and prints them as they are, so a stray byte such as 0x9a would reach the
        // JSON text (found by fuzz_decode_xml). Refuse the payload before anything reads it.
        if (!simdjson::validate_utf8(xml.data(), xml.size())) {
            fail(xml_transcode_error::malformed_xml, "payload is not valid UTF-8");
            return xml_transcode_error::malformed_xml;
        }
        scan_failure failure;
        if (!scanner.scan(xml, *this, failure)) {
            if (visit_failed) {
                return visit_error;
            }
            std::snprintf(detail, sizeof detail, "xml: %s: %s at offset %zu",
                          to_string(failure.error), failure.what, failure.offset);
            return failure.error;
        }
        if (!have_notification) {
            fail(xml_transcode_error::not_a_notification,
                 form == outer_form::envelope ? "envelope without a notification"
                                              : "NETCONF message without a notification");
            return visit_error;
        }
        if (form == outer_form::bare ? !assign(input, xml) : !build_notification_input()) {
            if (!visit_failed) {
                fail(xml_transcode_error::internal, "out of memory copying the document");
            }
            return visit_error;
        }
        ly_in_memory(in, input.c_str());
        tree_guard trees;
        lyd_node* op = nullptr;
        // The wrappers were read by the scan; libyang parses the notification element alone
        // (its NETCONF mode would also build and check an opaque tree for the wrapper).
        const LY_ERR err =
            lyd_parse_op(ctx, nullptr, in, LYD_XML, LYD_TYPE_NOTIF_YANG, &trees.tree, &op);
        if (err != LY_SUCCESS) {
            return libyang_failure(err);
        }
        if (op == nullptr) {
            fail(xml_transcode_error::not_a_notification, "libyang found no notification");
            return visit_error;
        }
        std::uint64_t n_rewritten = 0;
        bool opaque = false;
        if (!fix_xpaths(op, n_rewritten) || !check_opaque(op, 0, opaque)) {
            return visit_error;
        }
        const lyd_node* root = op;
        while (lyd_parent(root) != nullptr) {
            root = lyd_parent(root);
        }
        bool written = false;
        switch (form) {
        case outer_form::netconf: written = write_netconf(root); break;
        case outer_form::envelope: written = write_envelope(root); break;
        case outer_form::bare: written = print(root); break;
        }
        if (!written) {
            return visit_error;
        }
        // libyang 2.1 prints some opaque anydata content (elements without a namespace mixed
        // with text, found by fuzz_decode_xml) as invalid JSON, e.g. `["text",,{...}]`. What
        // we hand on must be JSON: check the text (the XML path allocates anyway; a DOM parse
        // costs little next to libyang's) and refuse what libyang cannot represent.
        const std::size_t n = json->size();
        json->reserve(n + simdjson::SIMDJSON_PADDING);
        simdjson::dom::element checked;
        if (json_check.parse(json->data(), n, false).get(checked) != simdjson::SUCCESS) {
            fail(xml_transcode_error::invalid_content,
                 "libyang printed this content as invalid JSON (opaque anydata nodes)");
            return visit_error;
        }
        stats.xpath_prefixes_rewritten += n_rewritten;
        stats.envelope_members_skipped += members_skipped;
        stats.opaque_content += opaque ? 1 : 0;
        return std::string_view(*json);
    }
};

xml_transcoder::xml_transcoder(const ly_ctx* schema, const xml_transcoder_config& config)
{
    if (schema == nullptr) {
        throw std::invalid_argument("yangpush: xml_transcoder needs a libyang context");
    }
    if (const auto problems = validate(config); !problems.empty()) {
        throw std::invalid_argument("yangpush: xml transcoder: " + problems.front());
    }
    _impl = std::make_unique<impl>(schema, config);
}

std::vector<std::string> validate(const xml_transcoder_config& config)
{
    std::vector<std::string> problems;
    if (config.max_depth == 0 || config.max_depth > max_depth_limit) {
        problems.push_back("max_depth: " + std::to_string(config.max_depth) +
                           " (must be 1..1024)");
    }
    if (config.max_namespace_bindings < 8) {
        problems.push_back("max_namespace_bindings: " +
                           std::to_string(config.max_namespace_bindings) + " (at least 8)");
    }
    return problems;
}

xml_transcoder::~xml_transcoder() = default;

std::string_view xml_transcoder::last_error_detail() const noexcept
{
    return _impl->detail;
}

result<std::string_view, xml_transcode_error> xml_transcoder::transcode(std::string_view xml,
                                                                        std::string& json) noexcept
{
    impl& s = *_impl;
    json.clear();
    s.reset(xml, json);
    // Keep libyang from printing per message; its last message is stored for the detail line.
    ly_temp_log_options(&s.log_options);
    const auto r = s.run(xml, _stats);
    ly_temp_log_options(nullptr);
    if (!r) {
        json.clear();
        _stats.count(r.error());
    } else {
        ++_stats.transcoded;
    }
    return r;
}

} // namespace udpn::yangpush
