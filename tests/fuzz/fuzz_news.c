/*
 * Fuzz target: the whole news pack (lua/quarry/rules/news/: structure,
 * gazetteers, names, dates, and the resolve phase with its people and its
 * sieve of quote-speaker strategies), driven by tests/fuzz/fuzz_news.lua
 * on news text the input mutates: as it is, as one long paragraph, with
 * quotation marks for its spaces (many, unbalanced, nested, straight and
 * curly, single and double), or with words of other scripts woven in.
 * Each input must finish within the fuzzer's time bound (tests/fuzz/run.sh:
 * 10 s) with a well-formed list of annotations and no error.
 */
#include "fuzz_lua.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fuzz_lua_init("fuzz_news.lua", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lua_run(data, size);
    return 0;
}
