#!/usr/bin/env python3
"""Check sample_corpus/ against tests/data/sample_gold.json (stdlib only).

For every gold entry: decode the file with its encoding, split it into lines the way an
editor numbers them (CRLF is one break), and check that the line ranges cover the file,
that every non-blank line is in exactly one of body/meta/noise, that no blank line is
body, that the title occurs in the file (simplified-script files), that key lines are
body lines, that '?' outside URLs occurs exactly on the damaged lines, and that the
other fields have the documented shape. Then print a summary.

Usage: python3 tests/data/make_sample_check.py [CORPUS_DIR [GOLD_JSON]]
Exit code: 0 when everything passes, 1 otherwise.
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LABELS = {"founder-ip", "matrix", "mixed", "neutral"}
ENCODINGS = {"utf-8", "gb18030", "big5", "utf-16"}
SCRIPTS = {"simplified", "traditional", "traditional-with-pinyin"}
FIELDS = ["encoding", "script", "body", "meta", "noise", "title", "source", "author", "published",
          "stance", "partial", "key", "entities", "why", "repost_of", "damaged_lines"]
PUBLISHED = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$")
URL = re.compile(r"https?://\S+")
GLOSS = re.compile(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]+\)")
TAG = re.compile(r"<[^>]*>")
# characters that some editors or str.splitlines() treat as line breaks: they would make
# line numbers ambiguous, so the sample files must not contain them
ODD_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def decode(data, encoding):
    if encoding == "utf-16":
        if not data.startswith(b"\xff\xfe"):
            raise ValueError("utf-16 file without a little-endian BOM")
        return data[2:].decode("utf-16-le")
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def split_lines(text):
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    newline = "crlf" if crlf and not lf else ("lf" if lf and not crlf else ("mixed" if crlf else "none"))
    return lines, newline


def expand(ranges, n, errors, name):
    out = []
    if not isinstance(ranges, list):
        errors.append(f"{name} is not a list")
        return out
    for r in ranges:
        if not (isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) for x in r)):
            errors.append(f"{name}: bad range {r!r}")
            continue
        a, b = r
        if not 1 <= a <= b <= n:
            errors.append(f"{name}: range {r!r} outside 1..{n:d}")
            continue
        out.extend(range(a, b + 1))
    dup = [x for x, c in Counter(out).items() if c > 1]
    if dup:
        errors.append(f"{name}: lines listed twice: {dup[:10]}")
    return out


def check_entry(key, entry, corpus, keys):
    """(errors, notes, figures) of one gold entry against its file."""
    errors, notes = [], []
    text, early = _read_entry(key, entry, corpus, errors)
    if text is None:
        return early, notes, {}
    lines, newline = split_lines(text)
    sets = _line_sets(entry, lines, errors, notes)
    _check_title(entry, text, errors, notes)
    _check_labels(entry, sets["body"], errors)
    _check_fields(entry, key, keys, errors)
    _check_damage(entry, lines, errors)
    nb, nchars = _check_body(entry, lines, sets["body"], errors)
    return errors, notes, {"lines": len(lines), "body_lines": nb, "body_chars": nchars, "newline": newline}


def _read_entry(key, entry, corpus, errors):
    """The entry's file decoded (errors about its bytes appended), or None and the
    errors to report when it cannot be read at all."""
    missing = [f for f in FIELDS if f not in entry]
    if missing:
        return None, [f"missing fields: {missing}"]
    path = corpus / key
    if not path.is_file():
        return None, [f"file not found: {path}"]
    enc, script = entry["encoding"], entry["script"]
    if enc not in ENCODINGS:
        errors.append(f"unknown encoding {enc!r}")
        return None, errors
    if script not in SCRIPTS:
        errors.append(f"unknown script {script!r}")
    try:
        text = decode(path.read_bytes(), enc)
    except (UnicodeDecodeError, ValueError) as exc:
        return None, [f"cannot decode as {enc}: {exc}"]
    if "\r" in text.replace("\r\n", ""):
        errors.append("lone carriage return in file")
    if ODD_BREAKS.search(text):
        errors.append("file contains a character some tools treat as a line break")
    return text, errors


def _line_sets(entry, lines, errors, notes):
    """The body, meta and noise line numbers: every non-blank line in exactly one."""
    n = len(lines)
    blank = {i for i, line in enumerate(lines, 1) if not line.strip()}
    sets = {}
    for kind in ("body", "meta", "noise"):
        sets[kind] = set(expand(entry[kind], n, errors, kind))
    for a, b in (("body", "meta"), ("body", "noise"), ("meta", "noise")):
        both = sorted(sets[a] & sets[b])
        if both:
            errors.append(f"lines in both {a} and {b}: {both[:10]}")
    listed = sets["body"] | sets["meta"] | sets["noise"]
    unlisted = sorted(set(range(1, n + 1)) - blank - listed)
    if unlisted:
        errors.append(f"non-blank lines in no list: {unlisted[:10]}")
    blank_body = sorted(sets["body"] & blank)
    if blank_body:
        errors.append(f"blank lines listed as body: {blank_body[:10]}")
    blank_other = sorted((sets["meta"] | sets["noise"]) & blank)
    if blank_other:
        notes.append(f"blank lines listed as meta/noise: {blank_other[:10]}")
    return sets


def _check_title(entry, text, errors, notes):
    title = entry["title"]
    if not isinstance(title, str) or not title:
        errors.append("empty title")
    elif entry["script"] == "simplified":
        if title not in text:
            errors.append(f"title not found in file: {title!r}")
    else:
        notes.append(f"title check skipped ({entry['script']})")


def _check_labels(entry, body, errors):
    """The stance, the partial labels and the key lines (body lines, some unless neutral)."""
    stance, partial = entry["stance"], entry["partial"]
    if not (isinstance(stance, list) and len(stance) == 1 and stance[0] in LABELS):
        errors.append(f"stance must be one label of {sorted(LABELS)}: {stance!r}")
    if not (isinstance(partial, list) and set(partial) <= LABELS and not set(partial) & set(stance or [])):
        errors.append(f"bad partial {partial!r}")
    kl = entry["key"]
    if not all(isinstance(x, int) for x in kl):
        errors.append("key must be line numbers")
    else:
        not_body = [x for x in kl if x not in body]
        if not_body:
            errors.append(f"key lines not in body: {not_body}")
        if stance and stance[0] != "neutral" and not kl:
            errors.append("a non-neutral document needs key lines")


def _check_fields(entry, key, keys, errors):
    """The shape of the other fields: entities, why, source, author, published, repost_of."""
    if not isinstance(entry["entities"], list):
        errors.append("entities must be a list")
    if not isinstance(entry["why"], str) or not entry["why"].strip():
        errors.append("why is empty")
    for field in ("source", "author"):
        if entry[field] is not None and not (isinstance(entry[field], str) and entry[field].strip()):
            errors.append(f"{field} must be a non-empty string or null")
    pub = entry["published"]
    if pub is not None and not (isinstance(pub, str) and PUBLISHED.match(pub)):
        errors.append(f"published must be YYYY-MM-DD[THH:MM[:SS]] or null: {pub!r}")
    rep = entry["repost_of"]
    if rep is not None and (rep == key or rep not in keys):
        errors.append(f"repost_of names no other entry: {rep!r}")


def _check_damage(entry, lines, errors):
    damaged = {i for i, line in enumerate(lines, 1) if "?" in URL.sub("", line)}
    if set(entry["damaged_lines"]) != damaged:
        errors.append("damaged_lines {} but '?' outside URLs on {}".format(entry["damaged_lines"], sorted(damaged)))


def _check_body(entry, lines, body, errors):
    """(body lines, characters of body text): within the sample's bounds."""
    body_text = "".join(lines[i - 1].strip() for i in sorted(body))
    if entry["script"] == "traditional-with-pinyin":
        body_text = GLOSS.sub("", body_text)
    body_text = TAG.sub("", body_text)
    nb, nchars = len(body), len(body_text)
    if not 15 <= nb <= 60:
        errors.append(f"article has {nb:d} body lines, expected 15-60")
    if not 800 <= nchars <= 2500:
        errors.append(f"article has {nchars:d} characters of body text, expected 800-2500")
    return nb, nchars


def main(argv):
    corpus = Path(argv[1]) if len(argv) > 1 else ROOT / "sample_corpus"
    gold_path = Path(argv[2]) if len(argv) > 2 else HERE / "sample_gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    files = gold.get("files", {})
    failed = 0
    on_disk = {p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file()}
    for extra in sorted(on_disk - set(files)):
        print(f"FAIL {extra}: file has no gold entry")
        failed += 1
    stances, encodings, scripts, portals, newlines = Counter(), Counter(), Counter(), Counter(), Counter()
    passed = 0
    for key in sorted(files):
        entry = files[key]
        errors, notes, info = check_entry(key, entry, corpus, files)
        stance = entry.get("stance") or ["?"]
        stances[stance[0]] += 1
        encodings[entry.get("encoding")] += 1
        scripts[entry.get("script")] += 1
        portals[key.split("/")[0] if "/" in key else "."] += 1
        if info:
            newlines[info["newline"]] += 1
        if errors:
            failed += 1
            print(f"FAIL {key}")
            for e in errors:
                print(f"     - {e}")
            continue
        passed += 1
        note = ("  [" + "; ".join(notes) + "]") if notes else ""
        print(f"ok   {key:<50} {entry['encoding']:<8} {entry['stance'][0]:<11} lines={info['lines']:<4d} "
              f"body={info['body_lines']:<3d} chars={info['body_chars']:<5d} {info['newline']}{note}")

    # corpus-level requirements of the sample
    reqs = [
        (len(files) >= 18, f"at least 18 files ({len(files):d})"),
        (stances["founder-ip"] >= 5, f"at least 5 founder-ip ({stances['founder-ip']:d})"),
        (stances["matrix"] >= 5, f"at least 5 matrix ({stances['matrix']:d})"),
        (stances["mixed"] >= 3, f"at least 3 mixed ({stances['mixed']:d})"),
        (stances["neutral"] >= 4, f"at least 4 neutral ({stances['neutral']:d})"),
        (all(encodings[e] for e in ENCODINGS), f"every encoding used ({dict(encodings)})"),
        (scripts["traditional-with-pinyin"] >= 1, "a traditional page with pinyin glosses"),
        (any(" " in k and re.search(r"[\u4e00-\u9fff]", k) for k in files), "a file name with a space and Chinese"),
        (any(v.get("repost_of") for v in files.values()), "a repost pair"),
        (newlines["crlf"] >= 1, "a file with CRLF line endings"),
    ]
    for ok, what in reqs:
        if not ok:
            failed += 1
            print(f"FAIL corpus: {what}")

    print()
    print("stance:   " + ", ".join(f"{k}={v:d}" for k, v in sorted(stances.items(), key=str)))
    print("encoding: " + ", ".join(f"{k}={v:d}" for k, v in sorted(encodings.items(), key=str)))
    print("script:   " + ", ".join(f"{k}={v:d}" for k, v in sorted(scripts.items(), key=str)))
    print("portal:   " + ", ".join(f"{k}={v:d}" for k, v in sorted(portals.items(), key=str)))
    print("newline:  " + ", ".join(f"{k}={v:d}" for k, v in sorted(newlines.items(), key=str)))
    print(f"sample check: {passed:d} passed, {failed:d} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
