"""Portal-noise stripping: line rules (packs/*.toml), block and run detectors,
corpus-learned furniture, and metadata."""
from ipcorpus.noise.clean import Cleaned, clean  # noqa: F401
