"""Reading: find article files, decode their bytes, split them into numbered lines.

Line numbers are the ones an editor shows: `\n`, `\r\n` and a lone `\r` each end a
line, and a final line break does not start an extra empty line.
"""
from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ipcorpus.errors import InputError, IpcorpusError

DEFAULT_PATTERNS = ("*.txt", "*.md", "*.html", "*.htm")
MAX_BYTES = 100 * 1024 * 1024
STDIN = "<stdin>"      # the path `-` stands for: one article read from standard input
_NEWLINE = re.compile(r"\r\n|\r|\n")

# The most frequent characters of Chinese text, in both scripts. A wrong decoding
# (Big5 bytes read as GB18030 or the reverse) yields valid but rare characters, so
# the share of common ones tells the right decoding apart.
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严品牌企业创始营销账号矩阵直播"
    "並來個們備傳價兒內兩別則創劃動務勞區卻參員問單嚴國圓圖團報場壓學實寫將專對導層屬帶幹幾廠廣張強後從應戰採據數斷於時書會東條業極構標樣機權歷氣決沒況準溫滿濟無熱營爭爲狀現產當發確礦種稱積節約紅級細組結給統經維線縣總織羣義習聯聲聽與華萬處號衆術裏裝覆見規親觀計記設許話該認說調論證識議變資質賬車軍較轉辦農這連進運過達適選還邊銷鐵長門開間關陣隊階際離難電響須領頭題類風養馬驗體鬥麼點黨"
    "，。、；：？！“”‘’（）《》—…"
)


@dataclass
class Decoded:
    text: str
    encoding: str
    lost: int          # characters that could not be decoded (U+FFFD inserted)


def split_lines(text: str) -> list[str]:
    parts = _NEWLINE.split(text)
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return parts


def _quality(text: str) -> float:
    """Higher is a more plausible decoding of Chinese text."""
    if not text:
        return 0.0
    common = rare = bad = 0
    # Each distinct character once (Counter counts in C): a page holds a few
    # thousand distinct characters among tens of thousands.
    for ch, n in Counter(text).items():
        o = ord(ch)
        if o < 128:
            continue
        if ch in _COMMON:
            common += n
        elif ch == "\ufffd" or 0xE000 <= o <= 0xF8FF:
            bad += n
        else:
            rare += n
    total = common + rare + bad
    if total == 0:
        return 1.0
    return (common - 4 * bad - 0.5 * rare) / total


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    ctrl = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return ctrl / len(text)


_CONTROL_BYTES = frozenset(b for b in range(32) if b not in b"\t\n\r\f\v\x1a\x1b")


def _control_bytes(sample: bytes) -> int:
    """C0 control bytes that never occur in text (NUL excepted, checked apart)."""
    return sum(sample.count(b) for b in _CONTROL_BYTES)


def _utf16_without_bom(data: bytes, sample: bytes) -> Decoded | None:
    best = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[:len(sample) - len(sample) % 2].decode(enc)
        except UnicodeDecodeError:
            continue
        if _control_share(text) > 0.01:
            continue
        q = _quality(text)
        if q > 0 and (best is None or q > best[0]):
            best = (q, enc)
    if best is None:
        return None
    text = data.decode(best[1], errors="replace")
    return Decoded(text, best[1], text.count("\ufffd"))


def _whole_utf32(payload: bytes, enc: str) -> bool:
    if len(payload) % 4:
        return False
    try:
        payload.decode(enc)
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes) -> Decoded:
    """Decode bytes: BOM first, then strict UTF-8, then the best of GB18030 and Big5.

    Raises InputError for binary data (NUL bytes that are not plausible BOM-less
    UTF-16, control bytes that text never holds, or mostly undecodable bytes)."""
    boms = (
        (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
    )
    for bom, enc in boms:
        if data.startswith(bom):
            if enc.startswith("utf-32") and not _whole_utf32(data[len(bom):], enc):
                continue    # FF FE 00 00 is also a UTF-16 BOM before a NUL character
            text = data[len(bom):].decode(enc, errors="replace")
            name = {"utf-8-sig": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16-be"}.get(enc, enc)
            return Decoded(text, name, text.count("\ufffd"))
    sample = data[:65536]
    if b"\x00" in sample:
        # UTF-16 without a BOM: NULs stand in the high byte of ASCII characters, and
        # Chinese text may have few of them, so the decoding itself must be plausible.
        found = _utf16_without_bom(data, sample)
        if found is not None:
            return found
        raise InputError("binary file (NUL bytes)")
    if _control_bytes(sample) > 0.02 * len(sample):
        raise InputError("binary file (control bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 0)
    except UnicodeDecodeError:
        pass
    best: tuple[float, str] | None = None
    for enc in ("gb18030", "big5", "utf-8"):
        text = sample.decode(enc, errors="replace")    # the strict decode where it succeeds
        # A multi-byte character cut at the sample's end is not a fault of the encoding.
        q = _quality(text[:-1] if len(sample) < len(data) else text)
        if best is None or q > best[0]:
            best = (q, enc)
    assert best is not None  # the loop above always runs
    enc = best[1]
    text = data.decode(enc, errors="replace")
    if _control_share(text) > 0.3:
        mixed = _by_line(data)
        if mixed is None:
            raise InputError("binary or undecodable file")
        return mixed
    return Decoded(text, enc, text.count("\ufffd"))


_LINE_PARTS = re.compile(rb"(\r\n|\r|\n)")


def _by_line(data: bytes) -> Decoded | None:
    """A file whose lines are in different encodings (UTF-8, GB18030 and Big5 pages
    pasted together), which no one encoding reads: each line decoded on its own
    (strict UTF-8, else the likelier of GB18030 and Big5), as encoding `mixed`. Line
    breaks are the same bytes in all three, so no line is gained or lost. Tried only
    where decode would give up, so every other file reads exactly as before; None when
    the lines do not read either (binary data)."""
    out: list[str] = []
    for i, part in enumerate(_LINE_PARTS.split(data)):
        if i % 2 or not part:
            out.append(part.decode("ascii"))
            continue
        best: tuple[float, str] | None = None
        for enc in ("utf-8", "gb18030", "big5"):
            t = part.decode(enc, errors="replace")     # the strict decode where it succeeds
            q = _quality(t) - (0 if "\ufffd" not in t else 10)
            if best is None or q > best[0]:
                best = (q, t)
            if enc == "utf-8" and "\ufffd" not in t:
                break                          # valid UTF-8 is unambiguous
        assert best is not None                # the loop above always runs
        out.append(best[1])
    text = "".join(out)
    if _control_share(text) > 0.02:
        return None
    return Decoded(text, "mixed", text.count("\ufffd"))


def is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(top: str) -> Iterator[tuple[str, list[str]]]:
    """(folder, its sorted file names) for every folder under top, in the order of a
    top-down os.walk with sorted names (a folder's files, then each subfolder in
    turn), skipping hidden and symlinked folders and folders that cannot be listed.
    Iterative: os.walk recurses (up to Python 3.11), so a folder nested a thousand
    deep ended the whole run with a RecursionError."""
    stack = [top]
    while stack:
        root = stack.pop()
        dirs: list[str] = []
        files: list[str] = []
        try:
            with os.scandir(root) as it:
                for entry in it:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
        except OSError:
            continue
        yield root, sorted(files)
        subs = [os.path.join(root, d) for d in sorted(dirs) if not is_hidden(d)]
        stack.extend(reversed([d for d in subs if not os.path.islink(d)]))


def iter_paths(paths: Iterable[str], patterns: Iterable[str] = DEFAULT_PATTERNS,
               errors: list | None = None) -> Iterator[str]:
    """Yield article files under the given paths, in a stable order.

    A file named explicitly is taken whatever its name; folders are walked
    recursively, skipping hidden folders; symlinked folders are not followed (so a
    link loop cannot trap the walk). A path that does not exist raises."""
    # fnmatch.fnmatch per name and pattern, as one compiled pattern (case as the
    # platform folds it, like fnmatch).
    taken = re.compile("|".join(fnmatch.translate(os.path.normcase(p)) for p in patterns) or "(?!)")
    seen: set[str] = set()
    paths = list(paths)
    if "-" in paths:
        # One article, cited as <stdin>:N; read when analysed (read_bytes), never indexed.
        if len(paths) > 1:
            raise IpcorpusError("- (standard input) is one article: give it alone, without other paths")
        yield STDIN
        return
    for given in paths:
        remote = _remote(given)
        if remote is not None:
            for url in remote.iter_urls(given, patterns):
                if url not in seen:
                    seen.add(url)
                    yield url
            continue
        if not os.path.lexists(given):
            raise IpcorpusError(f"{given}: no such file or directory")
        if os.path.isdir(given):
            for root, files in _walk(given):
                for name in files:
                    if is_hidden(name) or not taken.match(os.path.normcase(name)):
                        continue
                    full = os.path.join(root, name)
                    if full not in seen:
                        seen.add(full)
                        yield full
        elif given not in seen:
            seen.add(given)
            yield given


_STDIN_DATA: list[tuple] = []     # (the stdin stream, its bytes): every later reader gets the same bytes


def read_stdin(max_bytes: int = MAX_BYTES) -> bytes:
    """Standard input, read once in a process (a command reads an article again for
    its original lines); a terminal is refused rather than waited on."""
    import sys
    stream = sys.stdin
    if not _STDIN_DATA or _STDIN_DATA[0][0] is not stream:
        if stream is None or getattr(stream, "closed", False):
            raise InputError("standard input is closed")
        try:
            if stream.isatty():
                raise InputError("standard input is a terminal: pipe an article in")
        except (AttributeError, ValueError):
            pass
        buf = getattr(stream, "buffer", None)
        try:
            data = buf.read(max_bytes + 1) if buf is not None else stream.read().encode("utf-8", "surrogateescape")
        except OSError as e:
            raise InputError(e.strerror or str(e)) from None
        _STDIN_DATA[:] = [(stream, data)]
    data = _STDIN_DATA[0][1]
    if len(data) > max_bytes:
        raise InputError(f"file too large (more than {max_bytes} bytes)")
    return data


def _remote(path: str):
    """remote.py when `path` is an fsspec URL, else None: imported only then (it
    imports this module, and a local run never needs it)."""
    if "://" in path:
        from ipcorpus.read import remote
        if remote.is_url(path):
            return remote
    return None


def index_path(path: str) -> str:
    """The name the index keeps a file under: a local path made absolute; an fsspec
    URL (and standard input) as given, which os.path would mangle (memory:/x)."""
    return path if path == STDIN or _remote(path) is not None else os.path.abspath(path)


def is_folder(path: str) -> bool:
    """A local folder, or a folder at an fsspec URL (remote.py)."""
    remote = _remote(path)
    return remote.is_folder(path) if remote is not None else os.path.isdir(path)


def exists(path: str) -> bool:
    remote = _remote(path)
    return remote.exists(path) if remote is not None else os.path.exists(path)


def stat_path(path: str):
    """os.stat of a file, or of an fsspec URL its size and modification time (remote.py)."""
    remote = _remote(path)
    if remote is not None:
        return remote.stat_url(path)
    return os.stat(path)


def read_bytes(path: str, max_bytes: int = MAX_BYTES) -> bytes:
    if path == STDIN and _STDIN_DATA:
        return read_stdin(max_bytes)
    remote = _remote(path)
    if remote is not None:
        return remote.read_url(path, max_bytes)
    try:
        if os.path.isdir(path):
            raise InputError("is a directory")
        # Without blocking, and checked on the open file: a FIFO named *.txt would wait
        # for a writer forever, and /dev/zero or a file growing while read never ends.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise InputError("not a regular file")
            if st.st_size > max_bytes:
                raise InputError(f"file too large ({st.st_size} bytes > {max_bytes})")
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:           # it grew while read: the rest, up to the limit
                data += fh.read(max_bytes + 1 - len(data))
            if len(data) > max_bytes:
                raise InputError(f"file too large (more than {max_bytes} bytes)")
            return data
    except OSError as e:
        raise read_error(e) from None


def read_error(e: OSError) -> InputError:
    """Why a file could not be read, as one line (local files and fsspec URLs alike)."""
    if isinstance(e, PermissionError):
        return InputError("permission denied")
    if isinstance(e, FileNotFoundError):
        return InputError("file vanished before it could be read")
    return InputError(e.strerror or str(e))
