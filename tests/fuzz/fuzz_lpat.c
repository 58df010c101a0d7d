/*
 * Fuzz target: the budgeted Lua-pattern matcher untrusted code gets
 * (qr_lpat.c, bound as quarry.core.lpat_find, match, gmatch and gsub in
 * qr_llpat.c), driven by tests/fuzz/fuzz_lpat.lua: any pattern, subject,
 * start and replacement; its results must be Lua's own (string.find and
 * the rest, errors included) whenever it finishes within its budget.
 * Input layout: see the driver.
 */
#include "fuzz_lua.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fuzz_lua_init("fuzz_lpat.lua", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lua_run(data, size);
    return 0;
}
