"""ipcorpus: founder-IP versus matrix stance analysis for scraped Chinese articles."""

__version__ = "0.1.0"

# Bumped whenever cleaning or scoring changes, so cached results are recomputed.
ANALYSER_VERSION = "1"
