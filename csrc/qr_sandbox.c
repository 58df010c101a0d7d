/*
 * What the sandbox (lua/quarry/sandbox.lua) needs from C: limits on the
 * untrusted Lua code of rule packs and reports, where a rule is written,
 * and paths resolved as the kernel resolves them.
 *
 * Limits. A step budget is counted by a count hook (every QR_STEP_CHUNK
 * VM instructions); a memory ceiling is kept by a lua_Alloc wrapper that
 * counts the bytes of the Lua heap (string.rep("x", 1e10) asks it for
 * 10 GB and is refused before anything is allocated). Both hold only
 * inside core.limited(); outside, the hook is not set and the wrapper
 * only counts. The wrapper is installed on first use and stays until the
 * state is closed.
 *
 * The wrapper also puts a small-object allocator (qr_pool.c) in front of
 * the state's own: the many small tables, strings and closures a pack
 * makes and drops cost malloc's bins and consolidations otherwise. Blocks
 * the state had before the wrapper came, and large ones, stay the real
 * allocator's (the pool tells its own by address). The counts and the
 * ceiling are of the bytes Lua asks for, with or without the pool.
 * lua_close unloads this library (the package library's finalizer, marked
 * earlier, runs after the state's other finalizers) before it frees the
 * rest of the state, whose blocks the pool must take back: so the pool is
 * used only once this library is pinned in memory (dlopen RTLD_NODELETE
 * of its own file), the wrapper then stays to the end, and the last block
 * freed, the state's own (the main thread's lua_getextraspace, allocated
 * first and freed last), frees the pool and the bookkeeping with it.
 * Without the pool (QUARRY_POOL=0 in the environment, a build with
 * AddressSanitizer, a run under valgrind unless QUARRY_POOL=1, or the
 * library cannot be pinned: linked into the program) the finalizer of a
 * sentinel in the registry puts the original allocator back instead, and
 * lua_close frees the rest of the state through it.
 *
 * A limit that trips raises an error in the code that ran past it. Code
 * that catches it gets QR_STEP_GRACE more steps to unwind and say where it
 * was; past that, the hook raises at every instruction, so that no loop
 * of pcalls outlives the limit. Memory needs no grace: unwinding leaves
 * the memory that tripped the limit to the collector, and every request
 * past the ceiling is refused again. core.limited reports which limit
 * tripped.
 *
 * Hooks are per coroutine: core.limit_thread(co) sets the same hook on a
 * coroutine the sandboxed code creates. Finalizers (__gc) run with hooks
 * off, so the sandbox refuses __gc (sandbox.lua).
 *
 * The hook counts instructions, and one instruction can take long: a
 * comparison of two long strings, a call of string.find over 100 MB. So
 * the step budget also stands for CPU time, QR_NS_PER_STEP a step: while
 * core.limited runs with a budget, an interval timer (ITIMER_VIRTUAL: user
 * CPU time) ticks every QR_TICK_MS; its signal handler counts the tick and
 * asks for the hook at the next instruction (lua_sethook may be called
 * from a signal handler: lua.c's Ctrl-C handler does), and the hook trips
 * the limit once the ticks pass the budget's CPU time. The steps counted
 * (core.limit_stats) stay those of instructions. No tick can stop one
 * call of a C function: those that loop charge steps themselves
 * (core.limit_charge, sandbox.lua).
 *
 * A count hook costs every instruction, whatever its count: Lua 5.4's
 * interpreter stops at each one while a count hook is set (13% of the
 * news pack's time). So core.limited_by_clock, for the packs quarry
 * ships (the sandbox decides which, rules.lua), counts the budget by the
 * CPU clock alone: no hook is set, the clock's tick sets it, and the hook
 * checks the budget against the steps the ticks' CPU time stands for and
 * removes itself. Once the limit trips, the grace is counted by
 * instructions as above; coroutines (core.limit_thread) keep their count
 * hook; and without the clock (SIGVTALRM taken, or blocked in the
 * calling thread) the call counts instructions. The steps it reports are those its CPU time stands for.
 *
 * The error names where the code was: the nearest stack level whose
 * source is untrusted code's (core.limit_source; the sandbox marks each
 * file it loads), so that a limit tripping inside quarry's own Lua code,
 * run on the code's behalf, still names the user's file and line; else
 * the nearest level that is not quarry's own (core.limit_host), else none.
 */
#define _XOPEN_SOURCE 700   /* realpath */

#include "qr_lua.h"
#include "qr_pool.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define QR_VALGRIND 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define QR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QR_ASAN 1
#endif
#endif

#define QR_STEP_CHUNK 1000          /* instructions between two hook calls */
#define QR_STEP_GRACE 100000        /* steps to unwind after the step limit tripped */
#define QR_TICK_MS 10               /* CPU time between two ticks of the CPU clock */
#define QR_NS_PER_STEP 100          /* the CPU time a step may take, on average */
#define QR_STEPS_PER_TICK (QR_TICK_MS * (1000000 / QR_NS_PER_STEP))   /* the steps a tick stands for */

#if defined(__GNUC__)
#define QR_NOINLINE __attribute__((noinline))
#else
#define QR_NOINLINE
#endif

typedef struct qr_limits {
    /* what every request reads first */
    qr_pool *pool;                /* the small blocks' allocator, or NULL */
    long long total;              /* bytes of the Lua heap */
    long long ceiling;            /* a request that would take total past this goes the long way
                                     (limit_move): base + max inside core.limited with a ceiling,
                                     LLONG_MIN while a refusal is pending, else LLONG_MAX */
    long long high;               /* the most total has been since core.limited began */
    lua_Alloc real;               /* the allocator this one wraps */
    void *real_ud;
    const void *state_block;      /* with the pool: the block freed last, the state's own */
    int active;                   /* inside core.limited */
    /* memory: total may not pass base + max (max 0: no ceiling); peak:
     * high - base when the last core.limited call ended */
    long long mem_base, mem_max, mem_peak;
    int mem_trips;                /* requests refused (and not given on Lua's second try) */
    int pending;                  /* the last request to grow was refused: */
    void *refused_ptr;            /* ... this one */
    size_t refused_size;
    /* steps: used may not pass max (max 0: no budget) */
    long long steps_max, steps_used;
    int steps_tripped;            /* 1: tripped once; 2: past the grace too */
    long long cpu_ticks;          /* CPU clock ticks since core.limited began */
    int cpu_tripped;              /* the step limit tripped on CPU time */
    int by_clock;                 /* steps counted by the CPU clock alone (core.limited_by_clock) */
    lua_State *thread;            /* the thread core.limited runs on */
} qr_limits;

/***
@module quarry.core
*/

/* --- the allocator ------------------------------------------------------------ */

/* the block moved (lua_Alloc) by the pool when there is one, else by the real allocator */
static void *heap_realloc(qr_limits *lim, void *ptr, size_t osize, size_t nsize)
{
    return lim->pool ? qr_pool_realloc(lim->pool, ptr, osize, nsize) : lim->real(lim->real_ud, ptr, osize, nsize);
}

/* The last block freed, the state's own: lua_close is done, nothing
 * calls pool_alloc again. */
static QR_NOINLINE void *limit_last_free(qr_limits *lim, void *ptr, size_t osize)
{
    lua_Alloc real = lim->real;
    qr_pool_realloc(lim->pool, ptr, osize, 0);
    qr_pool_delete(lim->pool);
    real(lim->real_ud, lim, sizeof *lim, 0);
    return NULL;
}

/* ceiling's value for what lim holds now */
static void set_ceiling(qr_limits *lim)
{
    lim->ceiling = !lim->active || lim->mem_max <= 0 ? LLONG_MAX
                 : lim->pending ? LLONG_MIN : lim->mem_base + lim->mem_max;
}

/* A request to grow inside core.limited with a ceiling (the heap at
 * total, old of it the block's): refused past the ceiling. */
static QR_NOINLINE void *limit_grow(qr_limits *lim, void *ptr, size_t osize, size_t nsize, long long old)
{
    /* Lua collects its garbage and asks again once before it raises
     * "not enough memory": a refusal counts as a trip unless that
     * second request, the very next one to grow, gets its memory */
    int retry = lim->pending && ptr == lim->refused_ptr && nsize == lim->refused_size;
    void *res;
    lim->pending = 0;
    if (nsize > (size_t)LLONG_MAX / 2 || lim->total - old + (long long)nsize > lim->mem_base + lim->mem_max) {
        if (!retry) {
            lim->mem_trips++;
            lim->pending = 1;
            lim->refused_ptr = ptr;
            lim->refused_size = nsize;
        }
        set_ceiling(lim);
        return NULL;
    }
    set_ceiling(lim);
    res = heap_realloc(lim, ptr, osize, nsize);
    if (res && retry) lim->mem_trips--;
    if (res) {
        lim->total += (long long)nsize - old;
        if (lim->total > lim->high) lim->high = lim->total;
    }
    return res;
}

/* A request to take, move or grow a block that pool_alloc's short path
 * does not serve (a move, a large block, the pool's list empty, or a
 * request the ceiling may refuse, or that follows a refusal). */
static QR_NOINLINE void *limit_move(qr_limits *lim, void *ptr, size_t osize, size_t nsize)
{
    long long old = ptr ? (long long)osize : 0;
    void *res;
    if (lim->ceiling < LLONG_MAX && (long long)nsize > old
        && (nsize > (size_t)LLONG_MAX / 2 || lim->total - old + (long long)nsize > lim->ceiling))
        return limit_grow(lim, ptr, osize, nsize, old);
    res = heap_realloc(lim, ptr, osize, nsize);
    if (res) {
        lim->total += (long long)nsize - old;
        if (lim->total > lim->high) lim->high = lim->total;
    }
    return res;
}

/* ptr (not NULL) freed, when the pool's short path did not free it */
static QR_NOINLINE void *limit_free(qr_limits *lim, void *ptr, size_t osize)
{
    if (ptr == lim->state_block) return limit_last_free(lim, ptr, osize);
    return qr_pool_realloc(lim->pool, ptr, osize, 0);
}

/* The wrapper with the pool. Its short paths, the commonest requests by
 * far: a small block taken from the pool with room under the ceiling, a
 * block freed to the pool. The ceiling's one comparison stands for every
 * case the long way handles (see ceiling). */
static void *pool_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    qr_limits *lim = ud;
    if (nsize == 0) {
        if (!ptr) return NULL;
        lim->total -= (long long)osize;
        if (qr_pool_give(lim->pool, ptr)) return NULL;
        return limit_free(lim, ptr, osize);
    }
    if (!ptr && nsize <= QR_POOL_MAX) {
        long long total = lim->total + (long long)nsize;
        void *b;
        if (total <= lim->ceiling && (b = qr_pool_take(lim->pool, nsize)) != NULL) {
            lim->total = total;
            if (total > lim->high) lim->high = total;
            return b;
        }
    }
    return limit_move(lim, ptr, osize, nsize);
}

/* The wrapper without the pool. */
static void *limit_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    qr_limits *lim = ud;
    if (nsize == 0) {
        if (ptr) lim->total -= (long long)osize;
        return lim->real(lim->real_ud, ptr, osize, 0);
    }
    return limit_move(lim, ptr, osize, nsize);
}

/* The limits of the state of L, or NULL before they are installed. */
static qr_limits *limits_if_any(lua_State *L)
{
    void *ud;
    lua_Alloc f = lua_getallocf(L, &ud);
    return f == limit_alloc || f == pool_alloc ? ud : NULL;
}

/* __gc of the sentinel: without the pool, the original allocator back and
 * the bookkeeping freed (with it, the last free does that: pool_alloc) */
static int limits_uninstall(lua_State *L)
{
    qr_limits *lim = limits_if_any(L);
    if (lim && !lim->pool) {
        lua_setallocf(L, lim->real, lim->real_ud);
        lim->real(lim->real_ud, lim, sizeof *lim, 0);
    }
    return 0;
}

/* Whether a new state's heap gets the pool (see the header comment). */
static int pool_wanted(void)
{
    static const char here = 0;   /* an address in this library */
    const char *env = getenv("QUARRY_POOL");
#ifdef QR_ASAN
    (void)here;
    (void)env;
    return 0;
#else
    if (env && strcmp(env, "0") == 0) return 0;
#ifdef QR_VALGRIND
    if (RUNNING_ON_VALGRIND && !(env && strcmp(env, "1") == 0)) return 0;
#endif
    return qr_pool_pin_code(&here);
#endif
}

/* The limits of the state of L, installing the counting allocator. */
static qr_limits *limits_of(lua_State *L)
{
    void *ud;
    lua_Alloc real = lua_getallocf(L, &ud);
    qr_limits *lim;
    if (real == limit_alloc || real == pool_alloc) return ud;
    /* the sentinel first: nothing may raise once the allocator is set */
    lua_newuserdatauv(L, 0, 0);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, limits_uninstall);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lim = real(ud, NULL, 0, sizeof *lim);
    if (!lim) {
        luaL_error(L, "not enough memory");
        return NULL;
    }
    memset(lim, 0, sizeof *lim);
    lim->real = real;
    lim->real_ud = ud;
    if (pool_wanted()) lim->pool = qr_pool_new(real, ud);
    if (lim->pool) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
        lim->state_block = lua_getextraspace(lua_tothread(L, -1));
        lua_pop(L, 1);
    }
    lim->total = (long long)lua_gc(L, LUA_GCCOUNT) * 1024 + lua_gc(L, LUA_GCCOUNTB);
    lim->high = lim->total;
    set_ceiling(lim);
    lua_setallocf(L, lim->pool ? pool_alloc : limit_alloc, lim);
    lua_setfield(L, LUA_REGISTRYINDEX, "quarry.limits");
    return lim;
}

/***
Limits, call sites and paths, for quarry.sandbox.
@section sandbox
*/

/* --- the step hook -------------------------------------------------------------- */

static void limit_hook(lua_State *L, lua_Debug *ar);

/* --- the CPU clock ------------------------------------------------------------------ */

static volatile sig_atomic_t clock_ticks;   /* ticks the hook has not taken yet */
static lua_State *volatile clock_thread;    /* the thread core.limited runs on, while the clock runs */
static int clock_usable = -1;               /* -1: not tried yet; 0: SIGVTALRM is someone else's */
static struct itimerval clock_saved;

static void clock_tick(int sig)
{
    lua_State *L = clock_thread;
    (void)sig;
    clock_ticks++;
    if (L) lua_sethook(L, limit_hook, LUA_MASKCOUNT, 1);
}

/* Starts the CPU clock for core.limited on L; nothing when SIGVTALRM is
 * taken, or the clock runs already (another Lua state's limited). */
static void clock_start(lua_State *L)
{
    struct itimerval tick;
    if (clock_usable < 0) {
        struct sigaction sa, old;
        clock_usable = 0;
        if (sigaction(SIGVTALRM, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO)
            && (old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN)) {
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = clock_tick;
            sa.sa_flags = SA_RESTART;
            sigemptyset(&sa.sa_mask);
            clock_usable = sigaction(SIGVTALRM, &sa, NULL) == 0;
        }
    }
    if (!clock_usable || clock_thread) return;
    clock_ticks = 0;
    clock_thread = L;
    tick.it_interval.tv_sec = tick.it_value.tv_sec = 0;
    tick.it_interval.tv_usec = tick.it_value.tv_usec = QR_TICK_MS * 1000;
    if (setitimer(ITIMER_VIRTUAL, &tick, &clock_saved) != 0) clock_thread = NULL;
}

/* Whether this thread blocks SIGVTALRM (a program may block signals in
 * the threads that run Lua): the clock's ticks wait then, and a call
 * counted by the clock alone would not be counted at all. */
static int clock_blocked(void)
{
    sigset_t mask;
    return sigprocmask(SIG_BLOCK, NULL, &mask) != 0 || sigismember(&mask, SIGVTALRM) == 1;
}

/* Stops the CPU clock that clock_start started for L; returns the CPU
 * time (microseconds) since the last tick a hook took: the ticks not
 * taken, and the part of a tick since the last. (The timer's own count,
 * not clock_gettime: reading the thread's CPU clock would bring the
 * kernel's tally of the process's CPU time up to date, which it otherwise
 * does at its own ticks only while a timer runs, and os.clock() read
 * inside the call would lag behind.) */
static long long clock_stop(lua_State *L)
{
    struct itimerval left;
    long long untaken;
    if (clock_thread != L) return 0;
    untaken = (long long)clock_ticks * QR_TICK_MS * 1000;
    if (getitimer(ITIMER_VIRTUAL, &left) == 0 && left.it_value.tv_sec == 0
        && left.it_value.tv_usec > 0 && left.it_value.tv_usec <= QR_TICK_MS * 1000)
        untaken += QR_TICK_MS * 1000 - left.it_value.tv_usec;
    setitimer(ITIMER_VIRTUAL, &clock_saved, NULL);
    clock_thread = NULL;
    clock_ticks = 0;
    return untaken;
}

/***
core.cpu_clock() -> seconds: the CPU time of the calling thread, for timing
code that runs inside core.limited_by_clock. os.clock() is not fit for that:
while the call's timer runs, the kernel brings its tally of the process's CPU
time up to date only at its ticks (4 ms on many machines), so os.clock() read
inside the call moves by whole ticks. The thread's own clock is read to the
nanosecond (falls back to clock() where it cannot be read).
@function cpu_clock
@return number seconds
*/
static int l_cpu_clock(lua_State *L)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
        lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    else
        lua_pushnumber(L, (lua_Number)clock() / (lua_Number)CLOCKS_PER_SEC);
    return 1;
}

/* --- charging steps ----------------------------------------------------------------- */

/* The registry's set of the sources (chunk names) of untrusted code. */
#define QR_SOURCES_KEY "quarry.limit_sources"

/* Is source the chunk name of untrusted code (core.limit_source)? Walks
 * the set rather than indexing it: indexing would make a string, and the
 * heap may be at its ceiling. */
static int untrusted_source(lua_State *L, const char *source)
{
    int found = 0;
    if (lua_getfield(L, LUA_REGISTRYINDEX, QR_SOURCES_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushnil(L);
    while (!found && lua_next(L, -2)) {
        found = lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), source) == 0;
        lua_pop(L, 1);
    }
    if (found) lua_pop(L, 1);   /* the key lua_next left */
    lua_pop(L, 1);
    return found;
}

/* The registry's prefix of the sources of quarry's own Lua modules. */
#define QR_HOST_KEY "quarry.limit_host"

static int host_source(lua_State *L, const char *source)
{
    int host = 0;
    if (lua_getfield(L, LUA_REGISTRYINDEX, QR_HOST_KEY) == LUA_TSTRING) {
        size_t n;
        const char *prefix = lua_tolstring(L, -1, &n);
        host = strncmp(source, prefix, n) == 0;
    }
    lua_pop(L, 1);
    return host;
}

/* Where the code that ran past a limit is, from stack level `level` up:
 * the nearest level whose source is untrusted code's (a pack's or a
 * report's file); without one, the nearest Lua level that is not quarry's
 * own (the sandbox's table.insert, a module instance the pack called, the
 * rule engine), such as a pack a program made in Lua; without one, none
 * (*line 0). The walk ends at core.limited: its caller is outside. */
static int l_limited(lua_State *L);
static int l_limited_by_clock(lua_State *L);

static void limit_position(lua_State *L, int level, char *src, size_t size, int *line)
{
    lua_Debug ar;
    *line = 0;
    for (; level >= 0 && lua_getstack(L, level, &ar); level++) {
        int boundary;
        if (!lua_getinfo(L, "Slf", &ar)) continue;
        /* what called core.limited is outside the limits */
        boundary = lua_tocfunction(L, -1) == l_limited || lua_tocfunction(L, -1) == l_limited_by_clock;
        lua_pop(L, 1);
        if (boundary) break;
        if (ar.currentline <= 0) continue;
        if (untrusted_source(L, ar.source)) {
            snprintf(src, size, "%s", ar.short_src);
            *line = ar.currentline;
            return;
        }
        if (*line == 0 && !host_source(L, ar.source)) {
            snprintf(src, size, "%s", ar.short_src);
            *line = ar.currentline;
        }
    }
}

/* Counts n more steps; past the budget, or past its CPU time (and, once
 * tripped, past the grace), raises the limit's error, naming where the
 * code at stack level `level` (the function running, or a caller; -1:
 * nowhere) is, or the untrusted code that called it (limit_position). */
static void limit_charge(lua_State *L, qr_limits *lim, long long n, int level)
{
    char src[LUA_IDSIZE];
    int line;
    lim->steps_used += n;
    if (lim->steps_tripped < 2) {
        long long allowed = lim->steps_max + (lim->steps_tripped ? QR_STEP_GRACE : 0);
        int cpu_over = lim->cpu_ticks * QR_STEPS_PER_TICK > allowed;
        if (lim->steps_used <= allowed && !cpu_over) return;
        if (lim->steps_tripped) lua_sethook(L, limit_hook, LUA_MASKCOUNT, 1);
        /* counted by the clock alone, the thread had no hook: the grace
         * is counted by instructions, as without the clock */
        else if (lim->by_clock) lua_sethook(lim->thread, limit_hook, LUA_MASKCOUNT, QR_STEP_CHUNK);
        lim->steps_tripped++;
        if (cpu_over && lim->steps_used <= allowed) lim->cpu_tripped = 1;
    }
    limit_position(L, level, src, sizeof src, &line);
    if (line > 0) lua_pushfstring(L, "%s:%d: ", src, line);
    else lua_pushliteral(L, "");
    if (lim->cpu_tripped)
        lua_pushfstring(L, "step limit exceeded (more than %I steps: its CPU time, %I ns a step, is spent)",
                        (lua_Integer)lim->steps_max, (lua_Integer)QR_NS_PER_STEP);
    else
        lua_pushfstring(L, "step limit exceeded (more than %I steps)", (lua_Integer)lim->steps_max);
    lua_concat(L, 2);
    lua_error(L);
}

static void limit_hook(lua_State *L, lua_Debug *ar)
{
    qr_limits *lim = limits_if_any(L);
    long long n = QR_STEP_CHUNK;
    int ticks = clock_ticks;
    if (!lim || !lim->active || lim->steps_max <= 0) return;
    if (ticks) {
        clock_ticks = 0;
        lim->cpu_ticks += ticks;
    }
    if (lim->by_clock && !lim->steps_tripped && L == lim->thread) {
        /* called by the clock: the budget checked against the steps its
         * ticks' CPU time stands for (limit_charge), and no hook until
         * the next tick (unless the budget is spent now) */
        lua_sethook(L, NULL, 0, 0);
        if (clock_ticks) lua_sethook(L, limit_hook, LUA_MASKCOUNT, 1);   /* a tick came meanwhile */
        limit_charge(L, lim, 0, 0);
        return;
    }
    if (L == clock_thread && lim->steps_tripped < 2 && lua_gethookcount(L) == 1) {
        /* called by the clock, not after QR_STEP_CHUNK instructions */
        lua_sethook(L, limit_hook, LUA_MASKCOUNT, QR_STEP_CHUNK);
        n = 0;
    }
    (void)ar;   /* level 0: the function running */
    limit_charge(L, lim, n, 0);
}

/* limit_charge for a C function that Lua code at stack level `level`
 * called (through the sandbox's own Lua wrapper): the error names that
 * code, or the untrusted code that called it. Nothing happens outside core.limited or without a budget. */
static void charge_caller(lua_State *L, long long n, int level)
{
    qr_limits *lim = limits_if_any(L);
    if (!lim || !lim->active || lim->steps_max <= 0 || n <= 0) return;
    if (n > LLONG_MAX / 4) n = LLONG_MAX / 4;
    limit_charge(L, lim, n, level);
}

void qr_limit_work(lua_State *L, long long n)
{
    qr_limits *lim = limits_if_any(L);
    int ticks;
    if (!lim || !lim->active || lim->steps_max <= 0) return;
    ticks = clock_ticks;
    if (ticks) {
        clock_ticks = 0;
        lim->cpu_ticks += ticks;
    }
    if (n < 0) n = 0;
    if (n > LLONG_MAX / 4) n = LLONG_MAX / 4;
    limit_charge(L, lim, n, 1);
}

/***
core.limit_charge(n [, level]): inside core.limited, counts n steps more
against the budget (a library function about to go through n elements in
C, where the hook does not count), raising the step limit's error, as the
code at `level` (default 2: the caller's caller), when that passes it.
@function limit_charge
@param n integer the steps
@param level integer optional: the stack level the error names
@return nothing
*/
static int l_limit_charge(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    int level = (int)luaL_optinteger(L, 2, 2);
    charge_caller(L, n, level);
    return 0;
}

/***
core.limit_source(chunkname): marks chunkname (a source as load takes it,
"@path/to/pack.lua") as untrusted code's. A limit's error names the
nearest caller in such a source: a limit that trips while quarry's own Lua
code runs on the code's behalf (the sandbox's table.insert, a module the
pack called) names the line of the pack that called it, not quarry's.
@function limit_source
@param chunkname string the chunk name
@return nothing
*/
static int l_limit_source(lua_State *L)
{
    luaL_checkstring(L, 1);
    if (lua_getfield(L, LUA_REGISTRYINDEX, QR_SOURCES_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, QR_SOURCES_KEY);
    }
    lua_pushvalue(L, 1);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    return 0;
}

/***
core.limit_host(prefix): the sources (chunk names) of quarry's own Lua
modules start with prefix ("@/usr/share/lua/5.4/quarry/"): a limit's
error never names a line of theirs, unless a file of untrusted code
(core.limit_source) lies there too.
@function limit_host
@param prefix string the prefix
@return nothing
*/
static int l_limit_host(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, QR_HOST_KEY);
    return 0;
}

/***
core.limit_thread(co) -> co: the step budget counts co's steps too, and
making it costs 1000 steps (its hook counts from zero: code that makes
many coroutines running a few instructions each would be counted too
little otherwise)
@function limit_thread
@param co thread a coroutine
@return thread co
*/
static int l_limit_thread(lua_State *L)
{
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co != NULL, 1, "coroutine");
    limits_of(L);
    lua_sethook(co, limit_hook, LUA_MASKCOUNT, QR_STEP_CHUNK);
    charge_caller(L, QR_STEP_CHUNK, 2);
    lua_settop(L, 1);
    return 1;
}

/* core.limited and core.limited_by_clock: f(...) at index 3 on, under
 * the limits at 1 and 2; by_clock: the steps counted by the CPU clock
 * alone (by instructions when the clock cannot run). */
static int limited_call(lua_State *L, int by_clock)
{
    lua_Integer steps = luaL_checkinteger(L, 1), bytes = luaL_checkinteger(L, 2);
    qr_limits *lim;
    lua_Hook old_hook;
    int old_mask, old_count, status, nargs;
    const char *kind;
    luaL_checktype(L, 3, LUA_TFUNCTION);
    lim = limits_of(L);
    nargs = lua_gettop(L) - 3;
    if (lim->active) {
        status = lua_pcall(L, nargs, LUA_MULTRET, 0);
        kind = "error";
    } else {
        old_hook = lua_gethook(L);
        old_mask = lua_gethookmask(L);
        old_count = lua_gethookcount(L);
        lim->active = 1;
        lim->thread = L;
        lim->by_clock = 0;
        lim->steps_max = steps > 0 ? steps : 0;
        lim->steps_used = 0;
        lim->steps_tripped = lim->cpu_tripped = 0;
        lim->cpu_ticks = 0;
        lim->mem_max = bytes > 0 ? bytes : 0;
        lim->mem_base = lim->high = lim->total;
        lim->mem_peak = 0;
        lim->mem_trips = lim->pending = 0;
        set_ceiling(lim);
        if (lim->steps_max) {
            clock_start(L);
            lim->by_clock = by_clock && clock_thread == L && !clock_blocked();
            if (lim->by_clock) lua_sethook(L, NULL, 0, 0);
            else lua_sethook(L, limit_hook, LUA_MASKCOUNT, QR_STEP_CHUNK);
        }
        status = lua_pcall(L, nargs, LUA_MULTRET, 0);
        {
            long long untaken_us = clock_stop(L);
            /* counted by the clock: core.limit_stats reports the steps the
             * call's CPU time stands for (with those C functions charged) */
            if (lim->by_clock)
                lim->steps_used += (lim->cpu_ticks * QR_TICK_MS * 1000 + untaken_us) * 1000 / QR_NS_PER_STEP;
        }
        lua_sethook(L, old_hook, old_mask, old_count);
        lim->active = 0;
        lim->mem_peak = lim->high - lim->mem_base;
        set_ceiling(lim);
        kind = lim->steps_tripped ? "steps"
             : (lim->mem_trips > 0 || status == LUA_ERRMEM) ? "memory" : "error";
    }
    if (status == LUA_OK) {                         /* the results from index 3 on */
        lua_pushboolean(L, 1);
        lua_insert(L, 3);
        return lua_gettop(L) - 2;
    }
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    lua_pushstring(L, kind);
    return 3;
}

/***
core.limited(max_steps, max_bytes, f, ...) -> true, f's results... | false, message, kind
Calls f(...) in protected mode with at most max_steps Lua VM
instructions (counted every 1000; 0: no budget; the budget stands for
CPU time too, 100 ns a step) and the Lua heap
growing by at most max_bytes over its size at the call (0: no ceiling).
kind is "steps" or "memory" when a limit tripped, "error" otherwise; the
error object is f's, as pcall gives it (turning it into a string may run
untrusted code: the caller does that under limits of its own). Inside
another core.limited call, the outer limits hold and this is a pcall.
@function limited
@param max_steps integer the most VM instructions (0: no budget)
@param max_bytes integer the most the Lua heap may grow (0: no ceiling)
@param f function the code
@param ... its arguments
@return boolean true, then f's results; or false, message, kind ("steps", "memory" or "error")
*/
static int l_limited(lua_State *L)
{
    return limited_call(L, 0);
}

/***
core.limited_by_clock(max_steps, max_bytes, f, ...) -> as core.limited:
the step budget counted by the CPU clock alone, max_steps standing for
max_steps x 100 ns of CPU time, for code quarry ships: no count hook runs
while f runs (one costs every VM instruction), but a tick of the clock
(every 10 ms of CPU time) charges its CPU time as steps and checks the
budget. Once the limit has tripped, the grace and what follows are counted
by instructions, as core.limited counts them; so are coroutines
(core.limit_thread), and the whole call when the clock cannot run
(SIGVTALRM is the program's or blocked, or another Lua state's call
runs it).
@function limited_by_clock
@param max_steps integer the steps of 100 ns of CPU time (0: no budget)
@param max_bytes integer the most the Lua heap may grow (0: no ceiling)
@param f function the code
@param ... its arguments
@return boolean true, then f's results; or false, message, kind ("steps", "memory" or "error")
*/
static int l_limited_by_clock(lua_State *L)
{
    return limited_call(L, 1);
}

/***
core.limit_clocked() -> boolean: whether the last (or running)
core.limited call counted its steps by the CPU clock alone
(core.limited_by_clock, the clock running)
@function limit_clocked
@return boolean
*/
static int l_limit_clocked(lua_State *L)
{
    qr_limits *lim = limits_if_any(L);
    lua_pushboolean(L, lim && lim->by_clock);
    return 1;
}

/***
core.limit_tripped() -> "steps" | "memory" | nil: inside core.limited,
which limit has tripped (the sandbox's pcall raises it again)
@function limit_tripped
@return string "steps", "memory", or nil
*/
int qr_limit_tripped(lua_State *L)
{
    qr_limits *lim = limits_if_any(L);
    if (lim && lim->active && lim->steps_tripped) return 1;
    if (lim && lim->active && lim->mem_trips > 0) return 2;
    return 0;
}

static int l_limit_tripped(lua_State *L)
{
    int tripped = qr_limit_tripped(L);
    if (tripped == 1) lua_pushliteral(L, "steps");
    else if (tripped == 2) lua_pushliteral(L, "memory");
    else lua_pushnil(L);
    return 1;
}

/***
core.limit_stats() -> steps, bytes: the steps the last core.limited call
counted (instructions, a multiple of 1000, and what C functions charged;
for core.limited_by_clock, the steps its CPU time stands for, 100 ns a
step, and what C functions charged) and how far the Lua heap grew over
its size at the call, at most
@function limit_stats
@return integer the steps counted
@return integer the bytes the heap grew by
*/
static int l_limit_stats(lua_State *L)
{
    qr_limits *lim = limits_if_any(L);
    lua_pushinteger(L, lim ? (lua_Integer)lim->steps_used : 0);
    lua_pushinteger(L, !lim ? 0 : (lua_Integer)(lim->active ? lim->high - lim->mem_base : lim->mem_peak));
    return 2;
}

/* --- where a function was called from --------------------------------------------- */

static int callsite_call(lua_State *L)
{
    lua_Debug ar;
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    /* level 1: the caller, whose frame a C function keeps even in a tail call */
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
        lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
    else
        lua_pushnil(L);
    lua_rotate(L, 1, 2);
    lua_call(L, n + 1, LUA_MULTRET);
    return lua_gettop(L);
}

/***
core.callsite(f) -> g: g(...) returns f(where, ...), where being the
"file:line" g was called from (nil when that is not Lua code). As a C
function, g sees its caller even in `return g{...}`, a tail call that
would leave a Lua function no trace of it.
@function callsite
@param f function the function to wrap
@return function g
*/
static int l_callsite(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, callsite_call, 1);
    return 1;
}

/* where(): the "file:line" of the first of the frames 2 to 7 above it (its
 * caller's callers) whose source is not upvalue 1's, "?" when none is. */
static int where_call(lua_State *L)
{
    const char *own = lua_tostring(L, lua_upvalueindex(1));
    lua_Debug ar;
    int level;
    for (level = 2; level <= 7 && lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) break;
        if (strcmp(ar.source, own) != 0) {
            lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
            return 1;
        }
    }
    lua_pushliteral(L, "?");
    return 1;
}

/***
core.where_outside(source) -> where: where() returns "file:line" of the
first frame outside the file source names (a chunk's source, "@path"),
from its caller's caller up to five frames more, or "?": where a value a
module makes was written, for its messages.
@function where_outside
@param source string the module's own source
@return function where
*/
static int l_where_outside(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_pushcclosure(L, where_call, 1);
    return 1;
}

/* --- paths ---------------------------------------------------------------------------- */

/***
core.realpath(path) -> canonical absolute path | nil, message
realpath(3): ".", ".." and symbolic links resolved; the file must exist.
libc's own, bound here rather than taken from luaposix
(posix.stdlib.realpath): the one function the sandbox needs, and no
run-time dependency more for it.
@function realpath
@param path string the path
@return string the canonical absolute path; or nil, message
*/
static int l_realpath(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char *resolved = realpath(path, NULL);
    if (!resolved) {
        int err = errno;
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(err));
        return 2;
    }
    lua_pushstring(L, resolved);
    free(resolved);
    return 1;
}

/* --- data files ---------------------------------------------------------------------- */

/***
core.list_rows(text) -> rows: the rows of a data file's text (box:read_list):
each line, its CR dropped, that is neither empty nor starts with "#", as
the list of its tab-separated fields (empty ones too), with row.line its
line number (lines end at LF). A step a row and one per 64 bytes count
against the step budget (core.limited).
@function list_rows
@param text string the file's text
@return table the rows
*/
static int l_list_rows(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len), *end = s + len, *p = s;
    lua_Integer line = 0, nrows = 0;
    lua_settop(L, 1);
    lua_newtable(L);                                /* rows, at 2 */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *stop = nl ? nl : end, *f;
        int nf = 0;
        line++;
        if (stop > p && stop[-1] == '\r') stop--;   /* a CRLF line's CR */
        if (stop > p && *p != '#') {
            lua_createtable(L, 2, 1);
            for (f = p;;) {
                const char *tab = memchr(f, '\t', (size_t)(stop - f));
                lua_pushlstring(L, f, (size_t)((tab ? tab : stop) - f));
                lua_rawseti(L, -2, ++nf);
                if (!tab) break;
                f = tab + 1;
            }
            lua_pushinteger(L, line);
            lua_setfield(L, -2, "line");
            lua_rawseti(L, 2, ++nrows);
        }
        if (!nl) break;
        p = nl + 1;
    }
    qr_limit_work(L, (long long)(nrows + (lua_Integer)(len / 64)));
    return 1;
}

/***
core.module_setmetatable(t, mt) -> t: setmetatable for quarry's modules
loaded for untrusted code (sandbox.lua), which refuses a metatable with a
__gc field: their metatables are within its reach, and a __gc it added
to one would make each object the module makes later run it as a
finalizer, outside every limit (the error names the nearest line of
untrusted code on the stack). Otherwise Lua's setmetatable.
@function module_setmetatable
@param t table the table
@param mt table the metatable, or nil
@return table t
*/
static int l_module_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) {
            /* named where the untrusted code that led here is (its nearest
             * frame), else where the module called */
            lua_Debug ar;
            int level;
            for (level = 1; lua_getstack(L, level, &ar); level++)
                if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && untrusted_source(L, ar.source)) break;
            if (lua_getstack(L, level, &ar)) {
                lua_getinfo(L, "Sl", &ar);
                lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            } else {
                luaL_where(L, 1);
            }
            lua_pushliteral(L, "setmetatable: __gc is not available to untrusted code (a finalizer runs outside "
                               "its limits)");
            lua_concat(L, 2);
            return lua_error(L);
        }
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* --- values leaving the box ----------------------------------------------------------- */

/***
core.check_plain(v, own, what [, strict]) raises "WHAT: a table with a
metatable (...)" when the table v holds, at any depth (keys and values),
a table that own (a set of tables) holds, or with strict one with any
metatable (box:check_plain); each table is looked at once, its fields
counted against the step budget (core.limited).
@function check_plain
@param v table the value
@param own table the tables untrusted code gave a metatable
@param what string what v is, for messages
@param strict boolean optional: refuse any metatable
@return nothing
*/
static int l_check_plain(lua_State *L)
{
    int strict = lua_toboolean(L, 4);
    lua_Integer head = 1, tail = 1;
    long long fields = 0;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checkstring(L, 3);
    lua_settop(L, 3);
    lua_newtable(L);                /* the tables met (seen), at 4 */
    lua_newtable(L);                /* those to look into, in the order met, at 5 */
    lua_pushvalue(L, 1);
    lua_rawseti(L, 5, tail++);
    lua_pushvalue(L, 1);
    lua_pushboolean(L, 1);
    lua_rawset(L, 4);
    while (head < tail) {
        lua_rawgeti(L, 5, head++);  /* the table, at 6 */
        lua_pushvalue(L, 6);
        if ((lua_rawget(L, 2) != LUA_TNIL && lua_toboolean(L, -1)) || (strict && lua_getmetatable(L, 6)))
            return luaL_error(L, "%s: a table with a metatable (quarry takes plain tables from a pack or report)",
                              lua_tostring(L, 3));
        lua_settop(L, 6);
        lua_pushnil(L);
        while (lua_next(L, 6)) {    /* key at 7, value at 8 */
            int i;
            for (i = 7; i <= 8; i++) {
                if (lua_type(L, i) != LUA_TTABLE) continue;
                lua_pushvalue(L, i);
                if (lua_rawget(L, 4) == LUA_TNIL) {
                    lua_pushvalue(L, i);
                    lua_pushboolean(L, 1);
                    lua_rawset(L, 4);
                    lua_pushvalue(L, i);
                    lua_rawseti(L, 5, tail++);
                }
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            fields++;
        }
        lua_settop(L, 5);
        if (fields >= 4096) {
            qr_limit_work(L, fields);
            fields = 0;
        }
    }
    qr_limit_work(L, fields);
    return 0;
}

/* --- annotations leaving the box ------------------------------------------------------ */

#define QR_PLAIN_TABLES 32    /* tables of one annotation copied in C; more: sandbox.lua's copy */
#define QR_PLAIN_DEPTH 8      /* nesting copied in C; deeper: sandbox.lua's copy */
#define QR_PLAIN_OWN 2        /* stack slots of l_plain_annotations: the set own, */
#define QR_PLAIN_WHAT 3       /* what, for messages, */
#define QR_PLAIN_KEEP 6       /* and the copies made, copy j of an annotation at [j] */

/* The tables of one annotation copied so far (a table met twice, or in a
 * cycle, is one copy: copy j is at index j of the table at QR_PLAIN_KEEP). */
typedef struct plain_seen {
    const void *orig[QR_PLAIN_TABLES];
    int n;
    int own;                  /* the set own holds a table: look each one up */
    long long keys;           /* fields copied, charged as steps */
} plain_seen;

#define QR_PLAIN_PAIRS 48     /* fields of a table read in one traversal; more: read twice */
#define QR_PLAIN_PRESIZE 65536   /* the most items the copy of a list is made at: #list is only
                                  * a border, far past the items of a list with holes */

/* Whether key (at idx) goes to a table's array part when sizing a copy. */
static int array_key(lua_State *L, int idx)
{
    lua_Integer k;
    if (!lua_isinteger(L, idx)) return 0;
    k = lua_tointeger(L, idx);
    return k >= 1 && k <= INT_MAX / 2;
}

static int plain_copy_c(lua_State *L, int idx, plain_seen *seen, int depth);

/* Pushes the key or value at idx, a table copied (plain_copy_c); 0 when it
 * cannot be copied here. */
static int plain_push(lua_State *L, int idx, plain_seen *seen, int depth)
{
    if (lua_type(L, idx) != LUA_TTABLE) {
        lua_pushvalue(L, idx);
        return 1;
    }
    return plain_copy_c(L, idx, seen, depth);
}

/* Pushes a new table sized narr, nrec, the copy of the table at idx, and
 * keeps it as the copy of p (before its fields are copied: a table that
 * holds itself, at any depth, gets this copy). */
static int plain_new(lua_State *L, const void *p, plain_seen *seen, int narr, int nrec)
{
    int copy;
    lua_createtable(L, narr, nrec);
    copy = lua_gettop(L);
    seen->orig[seen->n++] = p;
    lua_pushvalue(L, copy);
    lua_rawseti(L, QR_PLAIN_KEEP, seen->n);
    return copy;
}

/* The copy of a table of more than QR_PLAIN_PAIRS fields: sized by one
 * traversal, filled by a second. */
static int plain_copy_wide(lua_State *L, int idx, const void *p, plain_seen *seen, int depth)
{
    int copy, narr = 0, nrec = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (array_key(L, -2)) narr++;
        else nrec++;
        lua_pop(L, 1);
    }
    copy = plain_new(L, p, seen, narr, nrec);
    lua_pushnil(L);
    while (lua_next(L, idx)) {      /* key at copy + 1, value at copy + 2 */
        if (!plain_push(L, copy + 1, seen, depth + 1) || !plain_push(L, copy + 2, seen, depth + 1)) return 0;
        lua_rawset(L, copy);
        lua_pop(L, 1);              /* the value; the key stays for lua_next */
        seen->keys++;
    }
    return 1;
}

/* Replaces the table at idx (near the top) with its copy; 0 when it
 * cannot be copied here. */
static int plain_replace(lua_State *L, int idx, plain_seen *seen, int depth)
{
    if (!plain_copy_c(L, idx, seen, depth)) return 0;
    lua_replace(L, idx);
    return 1;
}

/* Pushes a copy of the table at idx (plain_copy of sandbox.lua: tables at
 * every depth copied, one copy of a table met twice); raises "WHAT: a
 * table with a metatable ..." for a table with a metatable or one the
 * untrusted code gave one (own). Returns 0, pushing nothing, when the
 * annotation is too large or deep for this copy. The fields of a small
 * table are read in one traversal and kept on the stack above a slot for
 * the copy, with which of them are tables; the copy, made at its size
 * (growing it a key at a time rehashes it at every power of two), goes
 * there and takes them from the top, each pair set where it is (its order
 * of keys is Lua's own either way, the same as plain_copy_wide's). */
static int plain_copy_c(lua_State *L, int idx, plain_seen *seen, int depth)
{
    const void *p = lua_topointer(L, idx);
    unsigned char tables[QR_PLAIN_PAIRS];   /* of each pair: 1 the key is a table, 2 the value */
    int j, n, base, own = 0, narr, nrec, any = 0;
    for (j = 0; j < seen->n; j++)
        if (seen->orig[j] == p) { lua_rawgeti(L, QR_PLAIN_KEEP, j + 1); return 1; }
    if (seen->own) {
        lua_pushvalue(L, idx);
        own = lua_rawget(L, QR_PLAIN_OWN) != LUA_TNIL && lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    if (own || lua_getmetatable(L, idx))
        luaL_error(L, "%s: a table with a metatable (quarry takes plain tables from a pack or report)",
                   lua_tostring(L, QR_PLAIN_WHAT));
    if (seen->n == QR_PLAIN_TABLES || depth > QR_PLAIN_DEPTH) return 0;
    luaL_checkstack(L, 2 * QR_PLAIN_PAIRS + 8, "annotations too deep");
    base = lua_gettop(L) + 1;       /* the copy's place; its fields above, key then value */
    n = narr = nrec = 0;
    lua_pushnil(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int kt = lua_type(L, -2);
        if (n == QR_PLAIN_PAIRS) {
            lua_settop(L, base - 1);
            return plain_copy_wide(L, idx, p, seen, depth);
        }
        if (kt == LUA_TNUMBER && array_key(L, -2)) narr++;
        else nrec++;
        tables[n] = (unsigned char)((kt == LUA_TTABLE) | (lua_type(L, -1) == LUA_TTABLE) << 1);
        any |= tables[n++];
        lua_pushvalue(L, -2);       /* the key again, for lua_next */
    }
    plain_new(L, p, seen, narr, nrec);
    lua_replace(L, base);
    if (!any) {                     /* (most often) no table to copy: set them as they are */
        for (j = 0; j < n; j++) lua_rawset(L, base);
    } else {
        for (j = n - 1; j >= 0; j--) {  /* pair j: key at top - 1, value on top */
            int top = base + 2 * (j + 1);
            if ((tables[j] & 2) && !plain_replace(L, top, seen, depth + 1)) return 0;
            if ((tables[j] & 1) && !plain_replace(L, top - 1, seen, depth + 1)) return 0;
            lua_rawset(L, base);
        }
    }
    seen->keys += n;
    return 1;
}

/***
core.plain_annotations(list, own, what, copy) -> a copy of list: each of its
values that is a table copied at every depth as copy(value, what, {}) does
it (sandbox.lua's plain_copy, which it calls for an annotation too large or
deep), in the order next gives; raises "WHAT: a table with a metatable
(...)" for a table with a metatable, or one that own (a set of tables)
holds. The fields copied count against the step budget (core.limited).
@function plain_annotations
@param list table the annotations
@param own table the tables untrusted code gave a metatable
@param what string what they are, for messages
@param copy function the copy in Lua
@return table the copy
*/
static int l_plain_annotations(lua_State *L)
{
    const int out = 5, val = QR_PLAIN_KEEP + 2;   /* the key of list at val - 1 */
    long long charged = 0;
    int own;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, QR_PLAIN_OWN, LUA_TTABLE);
    luaL_checkstring(L, QR_PLAIN_WHAT);
    luaL_checktype(L, 4, LUA_TFUNCTION);
    lua_settop(L, 4);
    lua_pushnil(L);                 /* whether own holds a table at all (most often not) */
    own = lua_next(L, QR_PLAIN_OWN);
    lua_settop(L, 4);
    /* out, at the list's size */
    lua_createtable(L, (int)(lua_rawlen(L, 1) < QR_PLAIN_PRESIZE ? lua_rawlen(L, 1) : QR_PLAIN_PRESIZE), 0);
    lua_newtable(L);                /* the copies (QR_PLAIN_KEEP) */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (lua_type(L, val) == LUA_TTABLE) {
            plain_seen seen;
            seen.n = 0;
            seen.own = own;
            seen.keys = 0;
            if (!plain_copy_c(L, val, &seen, 0)) {
                lua_settop(L, val);
                lua_pushvalue(L, 4);
                lua_pushvalue(L, val);
                lua_pushvalue(L, QR_PLAIN_WHAT);
                lua_newtable(L);
                lua_call(L, 3, 1);
            }
            lua_replace(L, val);
            lua_settop(L, val);
            charged += seen.keys + 1;
        }
        if (lua_isinteger(L, val - 1)) {
            lua_rawseti(L, out, lua_tointeger(L, val - 1));
        } else {
            lua_pushvalue(L, val - 1);
            lua_insert(L, val);
            lua_rawset(L, out);
        }
        if (charged >= 1024) {
            qr_limit_work(L, charged);
            charged = 0;
        }
    }
    qr_limit_work(L, charged);
    lua_settop(L, out);
    return 1;
}

void qr_open_sandbox(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "limited", l_limited }, { "limit_thread", l_limit_thread }, { "limit_tripped", l_limit_tripped },
        { "limit_stats", l_limit_stats }, { "limit_charge", l_limit_charge }, { "limit_source", l_limit_source },
        { "limit_host", l_limit_host }, { "limited_by_clock", l_limited_by_clock },
        { "limit_clocked", l_limit_clocked }, { "cpu_clock", l_cpu_clock },
        { "callsite", l_callsite }, { "where_outside", l_where_outside },
        { "realpath", l_realpath }, { "list_rows", l_list_rows },
        { "check_plain", l_check_plain }, { "module_setmetatable", l_module_setmetatable },
        { "plain_annotations", l_plain_annotations },
        { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
}
