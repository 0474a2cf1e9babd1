/// \file
/// subscription::table persistence (DESIGN.md §3: "subscription state survives a restart").
///
/// Format: JSON lines. Line 1 is the header
///   {"format":"udpn-subscription-state","version":1,"records":N}
/// then N records, least recently used first (so a load reproduces the eviction order):
///   {"exporter":"192.0.2.1","id":1042,"suspended":false,"updated-ms":1767225600000,
///    "last-event-time":"…","contents":{…the effective subscription-started contents…}}
/// (`suspend-reason` only when suspended with a reason; `last-event-time` only when known).
/// `contents` is re-read by the subscription parser, so there is no second format to keep in
/// step with the first. Written with the envelope module's json_writer (escaping, byte limit).
#include "subscription/table.hpp"

#include "envelope/json_writer.hpp"
#include "subscription/table_impl.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <system_error>
#include <vector>

namespace udpn::subscription {

namespace {

std::string os_error(int err)
{
    return std::error_code(err, std::generic_category()).message();
}

/// Directory part of \p path ("." when it has none).
std::string directory_of(const std::string& path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) {
        return ".";
    }
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// Writes \p text to \p path atomically: temporary file in the same directory (so rename()
/// stays within one file system), write, fsync, close, rename over \p path, fsync the
/// directory. On failure the temporary file is removed and \p err says why.
bool write_atomically(const std::string& path, std::string_view text, std::string& err)
{
    std::string tmp = path + ".tmp.XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) {
        err = path + ": cannot create a temporary file in " + directory_of(path) + ": " +
              os_error(errno);
        return false;
    }
    auto fail = [&](const char* what, int e, bool close_fd) {
        if (close_fd) {
            ::close(fd);
        }
        ::unlink(tmp.c_str());
        err = path + ": " + what + " " + tmp + ": " + os_error(e);
        return false;
    };
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail("cannot write", errno, true);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        return fail("cannot fsync", errno, true);
    }
    if (::close(fd) != 0) {
        return fail("cannot close", errno, false);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        return fail("cannot rename", errno, false);
    }
    // Make the rename itself durable. Best effort: the new file is already in place, and some
    // file systems refuse fsync on a directory.
    const std::string dir = directory_of(path);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

/// Reads at most \p max + 1 octets of \p path into \p out.
/// @return state_error::none, not_found, io_error or too_large; \p err says why.
state_error read_bounded(const std::string& path, std::size_t max, std::string& out,
                         std::string& err)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        err = path + ": " + os_error(e);
        return e == ENOENT ? state_error::not_found : state_error::io_error;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        err = path + ": not a regular file";
        ::close(fd);
        return state_error::io_error;
    }
    if (static_cast<std::uint64_t>(st.st_size) > max) {
        err = path + ": " + std::to_string(st.st_size) + " octets, over the limit of " +
              std::to_string(max);
        ::close(fd);
        return state_error::too_large;
    }
    out.resize(static_cast<std::size_t>(st.st_size) + 1);
    std::size_t done = 0;
    for (;;) {
        if (done == out.size()) {
            if (out.size() > max) {
                break; // grew while we read it: over the limit
            }
            out.resize(std::min(out.size() * 2 + 1, max + 1));
        }
        const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            err = path + ": " + os_error(errno);
            ::close(fd);
            return state_error::io_error;
        }
        if (n == 0) {
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.resize(done);
    if (done > max) {
        err = path + ": over the limit of " + std::to_string(max) + " octets";
        return state_error::too_large;
    }
    return state_error::none;
}

const yangpush::json_member* member_named(const std::vector<yangpush::json_member>& members,
                                          std::string_view name) noexcept
{
    for (const auto& m : members) {
        if (m.name == name) {
            return &m;
        }
    }
    return nullptr;
}

bool to_u64(const yangpush::json_member* m, std::uint64_t& out) noexcept
{
    if (m == nullptr || m->kind != yangpush::json_kind::number) {
        return false;
    }
    const char* end = m->text.data() + m->text.size();
    const auto [ptr, ec] = std::from_chars(m->text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

} // namespace

state_report table::save(const std::string& path)
{
    state_report rep;
    impl& t = *_impl;
    const std::size_t max = _config.max_state_file_bytes;
    std::string text;
    bool overflow = false;
    auto end_line = [&](const envelope::json_writer& w) {
        if (w.overflowed() || text.size() >= max) {
            overflow = true;
        } else {
            text.push_back('\n');
        }
    };
    {
        envelope::json_writer w(text, max);
        w.begin_object();
        w.plain_key("format");
        w.plain_string(state_file_format);
        w.plain_key("version");
        w.number(std::uint64_t{state_file_version});
        w.plain_key("records");
        w.number(std::uint64_t{t.n_held});
        w.end_object();
        end_line(w);
    }
    for (std::uint32_t i = t.recency.front(); i != detail::npos && !overflow; i = t.links[i].next) {
        const entry& s = t.nodes[i].sub;
        char addr[net::endpoint_text_max];
        const std::size_t n_addr = s.exporter.format(addr);
        envelope::json_writer w(text, max);
        w.begin_object();
        w.plain_key("exporter");
        w.string(std::string_view(addr, n_addr));
        w.plain_key("id");
        w.number(std::uint64_t{s.info.id});
        w.plain_key("suspended");
        w.boolean(s.suspended);
        if (s.suspended && s.suspend_reason != yangpush::subscription_reason::none) {
            w.plain_key("suspend-reason");
            w.string(yangpush::to_string(s.suspend_reason));
        }
        w.plain_key("updated-ms");
        w.number(s.updated_ms);
        if (!s.info.last_event_time.empty()) {
            w.plain_key("last-event-time");
            w.string(s.info.last_event_time);
        }
        w.plain_key("contents");
        w.raw(s.contents);
        w.end_object();
        end_line(w);
        ++rep.records;
    }
    if (overflow) {
        ++_stats.save_too_large;
        rep.error = state_error::too_large;
        rep.records = 0;
        rep.message = path + ": not written: the state exceeds max_state_file_bytes (" +
                      std::to_string(max) + ")";
        return rep;
    }
    if (!write_atomically(path, text, rep.message)) {
        ++_stats.save_failed;
        rep.error = state_error::io_error;
        rep.records = 0;
        return rep;
    }
    ++_stats.saves;
    return rep;
}

state_report table::load(const std::string& path,
                         const std::function<bool(const net::ip_address&)>& accept)
{
    state_report rep;
    auto report = [&](state_error e, std::size_t line, const std::string& what) {
        if (rep.error == state_error::none) {
            rep.error = e;
            rep.message = line == 0 ? path + ": " + what
                                    : path + ":" + std::to_string(line) + ": " + what;
        }
    };

    std::string text;
    std::string err;
    if (const state_error e = read_bounded(path, _config.max_state_file_bytes, text, err);
        e != state_error::none) {
        rep.error = e;
        rep.message = err;
        if (e != state_error::not_found) {
            ++_stats.load_failed;
        }
        return rep;
    }
    if (text.empty()) {
        ++_stats.load_failed;
        report(state_error::empty, 0, "empty file");
        return rep;
    }

    // Split into lines; a last line without '\n' was cut short (save() ends every line).
    std::vector<std::string_view> lines;
    for (std::size_t pos = 0; pos < text.size();) {
        const auto nl = text.find('\n', pos);
        if (nl == std::string::npos) {
            lines.emplace_back(text.data() + pos, text.size() - pos);
            break;
        }
        lines.emplace_back(text.data() + pos, nl - pos);
        pos = nl + 1;
    }
    const bool unterminated = text.back() != '\n';

    // Header: ours, and our version, or nothing is trusted.
    std::uint64_t announced = 0;
    {
        auto header = _parser.read_members(lines[0]);
        const yangpush::json_member* format = header ? member_named(*header, "format") : nullptr;
        if (format == nullptr || format->kind != yangpush::json_kind::string ||
            format->text != state_file_format || (unterminated && lines.size() == 1)) {
            ++_stats.load_failed;
            report(state_error::bad_header, 1,
                   std::string("not a subscription state file (expected a \"format\":\"") +
                       state_file_format + "\" header)");
            return rep;
        }
        std::uint64_t version = 0;
        if (!to_u64(member_named(*header, "version"), version) || version != state_file_version) {
            ++_stats.load_failed;
            report(state_error::wrong_version, 1,
                   "format version " +
                       (member_named(*header, "version") ? member_named(*header, "version")->text
                                                         : std::string("(none)")) +
                       ", this build reads version " + std::to_string(state_file_version));
            return rep;
        }
        if (!to_u64(member_named(*header, "records"), announced)) {
            ++_stats.load_failed;
            report(state_error::bad_header, 1, "header without a record count");
            return rep;
        }
    }
    ++_stats.loads;

    std::size_t n_record_lines = 0;
    for (std::size_t k = 1; k < lines.size(); ++k) {
        const std::size_t line_no = k + 1;
        const std::string_view line = lines[k];
        ++n_record_lines;
        auto skip = [&](state_error e, const std::string& what) {
            ++rep.skipped;
            ++_stats.records_skipped;
            report(e, line_no, what);
        };
        if (unterminated && k + 1 == lines.size()) {
            skip(state_error::truncated, "last line has no newline: cut short, not loaded");
            continue;
        }
        auto members = _parser.read_members(line);
        if (!members) {
            skip(state_error::corrupt_record,
                 std::string("not a JSON object (") + yangpush::to_string(members.error()) + ")");
            continue;
        }
        const yangpush::json_member* exporter_m = member_named(*members, "exporter");
        net::ip_address exporter;
        if (exporter_m != nullptr && exporter_m->kind == yangpush::json_kind::string) {
            exporter = net::ip_address::parse(exporter_m->text.c_str());
        }
        if (exporter.fam == net::ip_address::family::none) {
            skip(state_error::corrupt_record, "missing or bad \"exporter\" address");
            continue;
        }
        std::uint64_t id = 0;
        if (!to_u64(member_named(*members, "id"), id) || id > 0xffffffffULL) {
            skip(state_error::corrupt_record, "missing or bad \"id\"");
            continue;
        }
        const yangpush::json_member* contents = member_named(*members, "contents");
        if (contents == nullptr || contents->kind != yangpush::json_kind::object) {
            skip(state_error::corrupt_record, "missing \"contents\" object");
            continue;
        }
        auto info = _parser.parse(contents->text);
        if (!info) {
            skip(state_error::corrupt_record,
                 std::string("contents rejected: ") + yangpush::to_string(info.error()));
            continue;
        }
        if (info->id != id) {
            skip(state_error::corrupt_record, "\"id\" does not match the contents' id");
            continue;
        }
        if (accept && !accept(exporter)) {
            continue; // another worker's exporter: not an error
        }
        bool suspended = false;
        if (const auto* m = member_named(*members, "suspended")) {
            suspended = m->kind == yangpush::json_kind::boolean && m->text == "true";
        }
        std::uint64_t updated_ms = 0;
        (void)to_u64(member_named(*members, "updated-ms"), updated_ms);
        std::string_view event_time;
        if (const auto* m = member_named(*members, "last-event-time");
            m != nullptr && m->kind == yangpush::json_kind::string) {
            event_time = m->text;
        }
        const std::uint32_t info_id = info->id;
        apply_result r;
        _impl->put(_stats, exporter, std::move(info.value()), std::string(contents->text),
                   updated_ms, event_time, r);
        entry& s = _impl->nodes[_impl->find(exporter, info_id)].sub;
        s.suspended = suspended;
        if (const auto* m = member_named(*members, "suspend-reason");
            suspended && m != nullptr && m->kind == yangpush::json_kind::string) {
            s.suspend_reason = yangpush::reason_from_identity(m->text);
        }
        ++rep.records;
        ++_stats.records_loaded;
    }
    if (n_record_lines < announced) {
        report(state_error::truncated, lines.size() + 1,
               "the header announces " + std::to_string(announced) + " records, the file has " +
                   std::to_string(n_record_lines) + " lines");
    } else if (n_record_lines > announced) {
        report(state_error::corrupt_record, 1,
               "the header announces " + std::to_string(announced) + " records, the file has " +
                   std::to_string(n_record_lines) + " lines");
    }
    return rep;
}

} // namespace udpn::subscription
