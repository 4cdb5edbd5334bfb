"""Stance on founder-IP versus matrix strategy."""
from ipcorpus.stance.aggregate import stance_of  # noqa: F401
from ipcorpus.stance.lexicon import get_lexicon  # noqa: F401
