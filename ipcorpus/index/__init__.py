"""The index of a corpus (`.ipcorpus/index.sqlite`): where it lives (location.py), how
records are stored (codec.py), the connection's lifecycle (connection.py), and the
tables: files, analyses, stances and digests (store.py), learned furniture (learned.py) and
kept outputs (outputs.py)."""
from __future__ import annotations

from ipcorpus.index.codec import (
                                  pack,
                                  pack_analysis,
                                  pack_digest,
                                  pack_stance,
                                  path_key,
                                  path_of,
                                  stats_of,
                                  unpack,
                                  unpack_analysis,
                                  unpack_digest,
                                  unpack_stance,
)
from ipcorpus.index.connection import SCHEMA_VERSION
from ipcorpus.index.location import (
                                  CONFIG_NAME,
                                  check_db_folder,
                                  default_db_path,
                                  folders_up,
                                  nearest_file,
                                  user_cache_dir,
)
from ipcorpus.index.outputs import RESULT_MAX, RESULTS_KEPT
from ipcorpus.index.store import Store

__all__ = ["CONFIG_NAME", "RESULTS_KEPT", "RESULT_MAX", "SCHEMA_VERSION", "Store", "check_db_folder",
           "default_db_path", "folders_up", "nearest_file", "pack", "pack_analysis", "pack_digest", "pack_stance",
           "path_key", "path_of", "stats_of", "unpack", "unpack_analysis", "unpack_digest", "unpack_stance",
           "user_cache_dir"]
