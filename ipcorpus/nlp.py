"""jieba, loaded once per process and only when a clause needs it."""
from __future__ import annotations

import logging
import os
import tempfile

_jieba = None


def tokenizer(user_words=()):
    """The jieba module, initialised quietly with its cache in a writable place and
    the domain terms added as user words (so 个人IP, 去雷军化, 雷布斯 stay whole)."""
    global _jieba
    if _jieba is None:
        import jieba
        jieba.setLogLevel(logging.WARNING)
        from ipcorpus.store import user_cache_dir
        cache = user_cache_dir()
        try:
            os.makedirs(cache, exist_ok=True)
            if not os.access(cache, os.W_OK):
                raise OSError
        except OSError:
            cache = tempfile.gettempdir()
        jieba.dt.tmp_dir = cache
        jieba.initialize()
        for w in user_words:
            if len(w) >= 2:
                jieba.add_word(w, freq=200000)
        _jieba = jieba
    return _jieba
