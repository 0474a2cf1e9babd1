// ThreadSanitizer builds only (tests/meson.build: LD_PRELOAD of the `tsan` test setup).
//
// Debian 12's librdkafka 2.0.2 creates its threads and locks with the C11 <threads.h> API
// (thrd_create, mtx_lock, cnd_wait, call_once from glibc 2.34+). Neither GCC 12's libtsan nor
// clang 14's TSan runtime intercepts those functions, and glibc implements them with internal
// calls that bypass the pthread interceptors. So TSan never learns about librdkafka's threads:
// the first intercepted call on one of them (getaddrinfo, resolving the bootstrap address)
// runs with an uninitialised TSan thread state and crashes with SEGV inside the runtime. And
// its locks would be invisible too, hiding the happens-before edges between our threads and
// librdkafka's (false reports on memory handed over through librdkafka queues).
//
// This preloaded shim defines the C11 functions in terms of the pthread functions TSan does
// intercept (glibc's thrd_t, mtx_t, cnd_t and once_flag are the pthread objects underneath, and
// glibc's own C11 functions are the same thin wrappers). It changes no behaviour, only makes the
// third-party threads and locks visible; librdkafka's code itself stays uninstrumented.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <new>

namespace {

int from_errno(int e) noexcept
{
    switch (e) {
    case 0: return thrd_success;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    case ENOMEM: return thrd_nomem;
    default: return thrd_error;
    }
}

struct start_args {
    thrd_start_t fn;
    void* arg;
};

void* trampoline(void* p) noexcept
{
    const start_args a = *static_cast<start_args*>(p);
    delete static_cast<start_args*>(p);
    // thrd_join reads the thread's int result back from the pointer (as glibc's does).
    return reinterpret_cast<void*>(static_cast<std::intptr_t>(a.fn(a.arg)));
}

} // namespace

extern "C" {

int thrd_create(thrd_t* thr, thrd_start_t fn, void* arg)
{
    auto* a = new (std::nothrow) start_args{fn, arg};
    if (a == nullptr) {
        return thrd_nomem;
    }
    const int e = pthread_create(reinterpret_cast<pthread_t*>(thr), nullptr, trampoline, a);
    if (e != 0) {
        delete a;
    }
    return from_errno(e);
}

int thrd_join(thrd_t thr, int* res)
{
    void* r = nullptr;
    const int e = pthread_join(static_cast<pthread_t>(thr), &r);
    if (e == 0 && res != nullptr) {
        *res = static_cast<int>(reinterpret_cast<std::intptr_t>(r));
    }
    return from_errno(e);
}

int mtx_init(mtx_t* m, int type)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    if ((type & mtx_recursive) != 0) {
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    }
    const int e = pthread_mutex_init(reinterpret_cast<pthread_mutex_t*>(m), &attr);
    pthread_mutexattr_destroy(&attr);
    return from_errno(e);
}

int mtx_lock(mtx_t* m)
{
    return from_errno(pthread_mutex_lock(reinterpret_cast<pthread_mutex_t*>(m)));
}

int mtx_trylock(mtx_t* m)
{
    return from_errno(pthread_mutex_trylock(reinterpret_cast<pthread_mutex_t*>(m)));
}

int mtx_timedlock(mtx_t* __restrict m, const struct timespec* __restrict ts)
{
    return from_errno(pthread_mutex_timedlock(reinterpret_cast<pthread_mutex_t*>(m), ts));
}

int mtx_unlock(mtx_t* m)
{
    return from_errno(pthread_mutex_unlock(reinterpret_cast<pthread_mutex_t*>(m)));
}

void mtx_destroy(mtx_t* m)
{
    pthread_mutex_destroy(reinterpret_cast<pthread_mutex_t*>(m));
}

int cnd_init(cnd_t* c)
{
    return from_errno(pthread_cond_init(reinterpret_cast<pthread_cond_t*>(c), nullptr));
}

int cnd_signal(cnd_t* c)
{
    return from_errno(pthread_cond_signal(reinterpret_cast<pthread_cond_t*>(c)));
}

int cnd_broadcast(cnd_t* c)
{
    return from_errno(pthread_cond_broadcast(reinterpret_cast<pthread_cond_t*>(c)));
}

int cnd_wait(cnd_t* c, mtx_t* m)
{
    return from_errno(pthread_cond_wait(reinterpret_cast<pthread_cond_t*>(c),
                                        reinterpret_cast<pthread_mutex_t*>(m)));
}

int cnd_timedwait(cnd_t* __restrict c, mtx_t* __restrict m, const struct timespec* __restrict ts)
{
    return from_errno(pthread_cond_timedwait(reinterpret_cast<pthread_cond_t*>(c),
                                             reinterpret_cast<pthread_mutex_t*>(m), ts));
}

void cnd_destroy(cnd_t* c)
{
    pthread_cond_destroy(reinterpret_cast<pthread_cond_t*>(c));
}

void call_once(once_flag* flag, void (*fn)(void))
{
    pthread_once(reinterpret_cast<pthread_once_t*>(flag), fn);
}

} // extern "C"
