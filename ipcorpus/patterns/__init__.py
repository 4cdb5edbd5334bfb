"""Linear-time regular expressions (see compiled.py)."""
from ipcorpus.patterns.compiled import (
    MAX_PATHS,
    VERSION,
    AnyMatch,
    AnyPattern,
    Match,
    Pattern,
    UnsafePattern,
    check,
    compile,
    engine,
    first_chars,
    plan,
    prepare,
)

__all__ = ["MAX_PATHS", "VERSION", "AnyMatch", "AnyPattern", "Match", "Pattern", "UnsafePattern", "check", "compile",
           "engine", "first_chars", "plan", "prepare"]
