#include "input/socket/rx_thread.hpp"

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <cstring>

namespace udpn::input {

int pin_current_thread(int cpu) noexcept
{
    if (cpu < 0 || cpu >= CPU_SETSIZE) {
        return EINVAL;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<unsigned>(cpu), &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

int name_current_thread(const char* name) noexcept
{
    // Linux: 16 octets including the NUL; a longer name is refused (ERANGE), so cut it.
    char buf[16];
    std::strncpy(buf, name, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    return pthread_setname_np(pthread_self(), buf);
}

} // namespace udpn::input
