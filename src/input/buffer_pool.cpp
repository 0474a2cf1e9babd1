#include "input/buffer_pool.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>

namespace udpn::input {

namespace {

constexpr std::size_t cache_line = 64;
constexpr std::size_t max_class_capacity = std::size_t{1} << 30;
constexpr std::size_t max_total_buffers = std::size_t{1} << 24;

[[nodiscard]] std::size_t stride_of(std::size_t capacity) noexcept
{
    return (capacity + payload_padding + cache_line - 1) / cache_line * cache_line;
}

} // namespace

const char* to_string(pool_error e) noexcept
{
    switch (e) {
    case pool_error::exhausted: return "pool_exhausted";
    case pool_error::oversize: return "oversize";
    }
    return "unknown";
}

buffer_pool::buffer_pool(const buffer_pool_config& cfg, std::uint32_t owner_id)
    : _owner_id(owner_id)
{
    if (cfg.classes.empty() || cfg.classes.size() > max_buffer_classes) {
        throw std::invalid_argument("buffer_pool_config.classes: need 1.." +
                                    std::to_string(max_buffer_classes) + " size classes");
    }
    std::array<buffer_class, max_buffer_classes> sorted{};
    std::copy(cfg.classes.begin(), cfg.classes.end(), sorted.begin());
    const std::size_t n = cfg.classes.size();
    std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(n),
              [](const buffer_class& a, const buffer_class& b) { return a.capacity < b.capacity; });
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (sorted[i].capacity == 0 || sorted[i].capacity > max_class_capacity) {
            throw std::invalid_argument("buffer_pool_config.classes: capacity must be in "
                                        "1..1073741824 octets");
        }
        if (sorted[i].count == 0) {
            throw std::invalid_argument("buffer_pool_config.classes: count must be >= 1");
        }
        total += sorted[i].count;
    }
    if (total > max_total_buffers) {
        throw std::invalid_argument("buffer_pool_config.classes: more than 16777216 buffers");
    }

    try {
        for (std::size_t i = 0; i < n; ++i) {
            size_class& c = _classes[i];
            c.cls = sorted[i];
            const std::size_t stride = stride_of(c.cls.capacity);
            // Arena pages are not touched here: a buffer's pages are backed on first use.
            c.arena = static_cast<std::uint8_t*>(
                ::operator new(stride * c.cls.count, std::align_val_t{cache_line}));
            ++_n_classes; // from here on the destructor frees this class
            c.buffers = new message_buffer[c.cls.count];
            for (std::uint32_t k = c.cls.count; k-- > 0;) {
                message_buffer& b = c.buffers[k];
                b._data = c.arena + stride * k;
                b._capacity = c.cls.capacity;
                b._owner = this;
                b._owner_id = owner_id;
                b._class = static_cast<std::uint8_t>(i);
                b._next_free = c.free_head;
                c.free_head = &b;
            }
            c.n_free = c.cls.count;
            _n_buffers += c.cls.count;
        }
    } catch (...) {
        free_all();
        throw;
    }
}

buffer_pool::~buffer_pool()
{
    free_all();
}

void buffer_pool::free_all() noexcept
{
    for (std::size_t i = 0; i < _n_classes; ++i) {
        delete[] _classes[i].buffers;
        _classes[i].buffers = nullptr;
        ::operator delete(_classes[i].arena, std::align_val_t{cache_line});
        _classes[i].arena = nullptr;
    }
    _n_classes = 0;
}

std::size_t buffer_pool::fitting_class(std::size_t payload_len) const noexcept
{
    std::size_t i = 0;
    while (i < _n_classes && _classes[i].cls.capacity < payload_len) {
        ++i;
    }
    return i;
}

result<message_buffer*, pool_error> buffer_pool::acquire(std::size_t payload_len) noexcept
{
    std::size_t i = fitting_class(payload_len);
    if (i == _n_classes) {
        ++_stats.oversize;
        return pool_error::oversize;
    }
    const std::size_t fitting = i;
    while (i < _n_classes && _classes[i].free_head == nullptr) {
        ++i;
    }
    if (i == _n_classes) {
        ++_stats.exhausted;
        return pool_error::exhausted;
    }
    if (i != fitting) {
        ++_stats.upsized;
    }
    return take(i);
}

message_buffer* buffer_pool::try_acquire_fitting(std::size_t payload_len) noexcept
{
    const std::size_t i = fitting_class(payload_len);
    if (i == _n_classes || _classes[i].free_head == nullptr) {
        return nullptr;
    }
    return take(i);
}

message_buffer* buffer_pool::take(std::size_t i) noexcept
{
    size_class& c = _classes[i];
    message_buffer* msg = c.free_head;
    c.free_head = msg->_next_free;
    --c.n_free;
    msg->_next_free = nullptr;
    msg->_in_use = true;
    msg->_offset = 0;
    msg->_size = 0;
    msg->_options_len = 0;
    msg->meta = message_meta{};
    ++_stats.acquired;
    ++_stats.in_use;
    return msg;
}

void buffer_pool::release(message_buffer* msg) noexcept
{
    if (msg == nullptr) {
        return;
    }
    if (msg->_owner != this) {
        ++_stats.foreign_release;
        return;
    }
    if (!msg->_in_use) {
        ++_stats.double_release;
        return;
    }
    size_class& c = _classes[msg->_class];
    msg->_in_use = false;
    msg->_next_free = c.free_head;
    c.free_head = msg;
    ++c.n_free;
    ++_stats.released;
    --_stats.in_use;
}

std::size_t buffer_pool::max_payload() const noexcept
{
    return _n_classes == 0 ? 0 : _classes[_n_classes - 1].cls.capacity;
}

buffer_class buffer_pool::class_at(std::size_t i) const noexcept
{
    return i < _n_classes ? _classes[i].cls : buffer_class{};
}

std::size_t buffer_pool::n_free_in_class(std::size_t i) const noexcept
{
    return i < _n_classes ? _classes[i].n_free : 0;
}

} // namespace udpn::input
