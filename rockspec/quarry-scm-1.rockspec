rockspec_format = "3.0"
package = "quarry"
version = "scm-1"
source = {
   url = "git+https://github.com/quarry-text/quarry.git",
}
description = {
   summary = "Fast text mining for news in Lua: tokenise, index, extract, report.",
   detailed = [[
quarry tokenises text in C, stores articles in SQLite with an FTS5 index
on the same tokens, runs extraction rules written in Lua (token patterns,
PCRE2 regexes, gazetteers) and renders who-said-what reports.]],
   license = "MIT",
   homepage = "https://github.com/quarry-text/quarry",
   labels = { "nlp", "text", "news", "sqlite", "fts5" },
}
dependencies = {
   "lua >= 5.4, < 5.5",
   "lua-cjson >= 2.1",
   "argparse >= 0.7",
   "luafilesystem >= 1.8",
   -- quarry serve (the corpus explorer); Debian: lua-http, with lua-cqueues
   "http >= 0.4",
}
external_dependencies = {
   PCRE2 = { header = "pcre2.h", library = "pcre2-8" },
   SQLITE = { header = "sqlite3.h", library = "sqlite3" },
}
build = {
   type = "builtin",
   modules = {
      ["quarry.core"] = {
         sources = {
            "csrc/qr_core.c",
            "csrc/qr_db.c",
            "csrc/qr_fts.c",
            "csrc/qr_gaz.c",
            "csrc/qr_keys.c",
            "csrc/qr_lfts.c",
            "csrc/qr_lgaz.c",
            "csrc/qr_lregex.c",
            "csrc/qr_ltoken.c",
            "csrc/qr_match.c",
            "csrc/qr_regex.c",
            "csrc/qr_token.c",
            "csrc/qr_unicode.c",
         },
         defines = { "PCRE2_CODE_UNIT_WIDTH=8" },
         libraries = { "pcre2-8", "sqlite3" },
         incdirs = { "csrc", "$(PCRE2_INCDIR)", "$(SQLITE_INCDIR)" },
         libdirs = { "$(PCRE2_LIBDIR)", "$(SQLITE_LIBDIR)" },
      },
      -- the loadable SQLite extension (docs/sql.md): quarry's FTS5 tokenizer
      -- for the sqlite3 shell, Datasette, ...; it calls the SQLite of the
      -- program that loads it, so it links no libsqlite3
      ["quarry_sqlite"] = {
         sources = {
            "csrc/qr_sqlite_ext.c",
            "csrc/qr_fts.c",
            "csrc/qr_token.c",
            "csrc/qr_unicode.c",
         },
         defines = { "QR_SQLITE_EXTENSION" },
         incdirs = { "csrc", "$(SQLITE_INCDIR)" },
      },
      ["quarry"] = "lua/quarry/init.lua",
      ["quarry.cli"] = "lua/quarry/cli/init.lua",
      ["quarry.cli.common"] = "lua/quarry/cli/common.lua",
      ["quarry.cli.eval"] = "lua/quarry/cli/eval.lua",
      ["quarry.cli.explain"] = "lua/quarry/cli/explain.lua",
      ["quarry.cli.extract"] = "lua/quarry/cli/extract.lua",
      ["quarry.cli.ingest"] = "lua/quarry/cli/ingest.lua",
      ["quarry.cli.kwic"] = "lua/quarry/cli/kwic.lua",
      ["quarry.cli.report"] = "lua/quarry/cli/report.lua",
      ["quarry.cli.rules"] = "lua/quarry/cli/rules.lua",
      ["quarry.cli.search"] = "lua/quarry/cli/search.lua",
      ["quarry.cli.serve"] = "lua/quarry/cli/serve.lua",
      ["quarry.cli.tokens"] = "lua/quarry/cli/tokens.lua",
      ["quarry.calendar"] = "lua/quarry/calendar.lua",
      ["quarry.corpus"] = "lua/quarry/corpus.lua",
      ["quarry.docs"] = "lua/quarry/docs.lua",
      ["quarry.eval"] = "lua/quarry/eval.lua",
      ["quarry.gazetteer"] = "lua/quarry/gazetteer.lua",
      ["quarry.pattern"] = "lua/quarry/pattern.lua",
      ["quarry.regex"] = "lua/quarry/regex.lua",
      ["quarry.render"] = "lua/quarry/render/init.lua",
      ["quarry.render.article"] = "lua/quarry/render/article.lua",
      ["quarry.render.assets"] = "lua/quarry/render/assets.lua",
      ["quarry.render.csv"] = "lua/quarry/render/csv.lua",
      ["quarry.render.explorer"] = "lua/quarry/render/explorer.lua",
      ["quarry.render.html"] = "lua/quarry/render/html.lua",
      ["quarry.render.json"] = "lua/quarry/render/json.lua",
      ["quarry.render.links"] = "lua/quarry/render/links.lua",
      ["quarry.render.markdown"] = "lua/quarry/render/markdown.lua",
      ["quarry.render.svg"] = "lua/quarry/render/svg.lua",
      ["quarry.render.table"] = "lua/quarry/render/table.lua",
      ["quarry.reports"] = "lua/quarry/reports/init.lua",
      ["quarry.reports.article"] = "lua/quarry/reports/article.lua",
      ["quarry.reports.base"] = "lua/quarry/reports/base.lua",
      ["quarry.reports.digest"] = "lua/quarry/reports/digest.lua",
      ["quarry.reports.entities"] = "lua/quarry/reports/entities.lua",
      ["quarry.reports.facets"] = "lua/quarry/reports/facets.lua",
      ["quarry.reports.kwic"] = "lua/quarry/reports/kwic.lua",
      ["quarry.reports.profile"] = "lua/quarry/reports/profile.lua",
      ["quarry.reports.quotes"] = "lua/quarry/reports/quotes.lua",
      ["quarry.reports.search"] = "lua/quarry/reports/search.lua",
      ["quarry.reports.sources"] = "lua/quarry/reports/sources.lua",
      ["quarry.reports.summary"] = "lua/quarry/reports/summary.lua",
      ["quarry.reports.timeline"] = "lua/quarry/reports/timeline.lua",
      ["quarry.rules"] = "lua/quarry/rules.lua",
      ["quarry.rules.news"] = "lua/quarry/rules/news/init.lua",
      ["quarry.rules.news.dates"] = "lua/quarry/rules/news/dates.lua",
      ["quarry.rules.news.entities"] = "lua/quarry/rules/news/entities.lua",
      ["quarry.rules.news.lexicon"] = "lua/quarry/rules/news/lexicon.lua",
      ["quarry.rules.news.people"] = "lua/quarry/rules/news/people.lua",
      ["quarry.rules.news.quotes"] = "lua/quarry/rules/news/quotes.lua",
      ["quarry.rules.news.resolve"] = "lua/quarry/rules/news/resolve.lua",
      ["quarry.rules.news.structure"] = "lua/quarry/rules/news/structure.lua",
      ["quarry.serve"] = "lua/quarry/serve/init.lua",
      ["quarry.serve.pages"] = "lua/quarry/serve/pages.lua",
   },
   install = {
      bin = { quarry = "bin/quarry" },
      -- the news pack's word lists and gazetteers, next to its modules
      -- (a key names the folder; the file keeps its own name)
      lua = {
         ["quarry.rules.news.data.agencies"] = "lua/quarry/rules/news/data/agencies.tsv",
         ["quarry.rules.news.data.clubs"] = "lua/quarry/rules/news/data/clubs.tsv",
         ["quarry.rules.news.data.countries"] = "lua/quarry/rules/news/data/countries.tsv",
         ["quarry.rules.news.data.demonyms"] = "lua/quarry/rules/news/data/demonyms.tsv",
         ["quarry.rules.news.data.first_names"] = "lua/quarry/rules/news/data/first_names.txt",
         ["quarry.rules.news.data.org_heads"] = "lua/quarry/rules/news/data/org_heads.txt",
         ["quarry.rules.news.data.org_prefixes"] = "lua/quarry/rules/news/data/org_prefixes.txt",
         ["quarry.rules.news.data.organizations"] = "lua/quarry/rules/news/data/organizations.tsv",
         ["quarry.rules.news.data.organizations_exact"] = "lua/quarry/rules/news/data/organizations_exact.tsv",
         ["quarry.rules.news.data.place_cues"] = "lua/quarry/rules/news/data/place_cues.txt",
         ["quarry.rules.news.data.places"] = "lua/quarry/rules/news/data/places.tsv",
         ["quarry.rules.news.data.pronouns"] = "lua/quarry/rules/news/data/pronouns.txt",
         ["quarry.rules.news.data.speech_verbs"] = "lua/quarry/rules/news/data/speech_verbs.txt",
         ["quarry.rules.news.data.surname_particles"] = "lua/quarry/rules/news/data/surname_particles.txt",
         ["quarry.rules.news.data.titles"] = "lua/quarry/rules/news/data/titles.txt",
      },
   },
}
