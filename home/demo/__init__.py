"""The demo content as data: structure.yaml (the pages and what is not words) and one file of words per language
(nl.yaml, en.yaml), read by `loader.ensure_demo_content`. An editor of the texts edits YAML, never Python."""
