std = "lua54"
max_line_length = 120
files["tests"] = { std = "+busted" }
files["bench"] = { globals = {} }
-- rule packs run in quarry.rules' environment, which provides these
files["lua/quarry/rules"] = { read_globals = { "P", "rule", "include", "gazetteer", "read_list", "pack_dir" } }
files["tests/fixtures/packs"] = { read_globals = { "P", "rule", "include", "gazetteer", "read_list", "pack_dir" } }
