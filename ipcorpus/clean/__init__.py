"""Portal-noise stripping: line rules (packs/*.toml), block and run detectors,
corpus-learned furniture, and metadata."""
