"""Text utilities shared by readers and extractors: decoding, scripts, languages, whitespace."""
from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "DecodeError",
    "decode",
    "decode_checked",
    "clean",
    "join_inline",
    "is_cjk",
    "detect_language",
    "to_simplified",
    "normalize_chars",
    "normalize_chars_many",
    "nfkc",
]


class DecodeError(ValueError):
    """The bytes are not text kg can read (binary, or no encoding fits)."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _plausible(text: str) -> float:
    """Share of characters that are ordinary text: printable ASCII, white space or CJK."""
    if not text:
        return 0.0
    ok = sum(1 for ch in text if (" " <= ch <= "~") or ch in "\n\r\t" or is_cjk(ch) or ch.isalpha())
    return ok / len(text)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes in the data, and one byte order gives plausible text
    (an odd last byte or a few damaged units do not matter)."""
    if len(data) < 4 or b"\x00" not in data[:4096]:
        return None
    sample = data[: min(len(data), 8192) & ~1]
    best, best_score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        score = _plausible(sample.decode(enc, errors="replace"))
        if score > best_score:
            best, best_score = enc, score
    return best if best_score > 0.95 else None


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 with a few invalid bytes (a damaged file, not another encoding): the text with
    U+FFFD for each bad sequence, and how many there were; None when the bad sequences are
    too many for that (a legacy code page)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    if bad <= 0:
        return None
    good_multibyte = sum(1 for ch in text if ch > "\x7f") - bad
    # a handful of bad bytes, and few against the valid multi-byte characters around them
    if bad <= 3 or bad * 20 <= good_multibyte:
        return text, bad
    return None


def decode_checked(data: bytes) -> tuple[str, str, list[str]]:
    """Decode a file's bytes; returns (text, encoding name, warnings). Newlines are
    normalized to ``\\n``.

    Order: a BOM; UTF-16 without BOM (ASCII in UTF-16 is also valid UTF-8, with NULs); strict UTF-8; UTF-8 with a few invalid bytes (each
    replaced by U+FFFD, with a warning); then charset-normalizer's best guess (GB18030,
    Big5, ...). Raises :class:`DecodeError` for binary data.
    """
    text = enc = None
    warnings: list[str] = []
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, enc = data.decode(name), name
            except UnicodeDecodeError as exc:
                text = data.decode(name, errors="replace")
                enc = name
                warnings.append(f"invalid {name} at byte {exc.start}: replaced by U+FFFD")
            break
    if text is None:
        u16 = _looks_utf16(data)
        if u16:
            text, enc = data.decode(u16, errors="replace"), u16
            bad = text.count("\ufffd") - data.decode(u16, errors="ignore").count("\ufffd")
            if bad:
                warnings.append(f"{bad} invalid {u16} code unit(s) replaced by U+FFFD")
    if text is None:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if text is None:
        damaged = _mostly_utf8(data)
        if damaged:
            text, enc = damaged[0], "utf-8"
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                warnings.append(f"{damaged[1]} invalid UTF-8 byte sequence(s) replaced by U+FFFD "
                                f"(the first at byte {exc.start})")
    if text is None:
        if b"\x00" in data[:8192]:
            raise DecodeError("binary file (NUL bytes, not UTF-16 text)")
        import charset_normalizer  # imported only when a file is not UTF-8

        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise DecodeError("no text encoding fits (binary file?)")
        enc = best.encoding
        # GBK and GB2312 are subsets of GB18030: decode with the superset
        if enc in ("gbk", "gb2312", "hz"):
            enc = "gb18030"
        try:
            text = data.decode(enc, errors="strict")
        except (UnicodeDecodeError, LookupError):
            raise DecodeError(f"no text encoding fits (the best guess, {enc}, does not decode)") from None
    if "\x00" in text:
        nuls = text.count("\x00")
        if nuls > max(3, len(text) // 1000):
            raise DecodeError("binary file (NUL characters in the decoded text)")
        text = text.replace("\x00", "")  # a few stray NULs in a text: the text stays
        warnings.append(f"{nuls} NUL character(s) removed")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, enc or "utf-8", warnings


def decode(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes; returns (text, encoding name); see :func:`decode_checked`."""
    text, enc, _ = decode_checked(data)
    return text, enc


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Drop control characters (no XML or RDF reader accepts them) and trim."""
    if not text:
        return ""
    return _CONTROL.sub("", text).strip()


def is_cjk(ch: str) -> bool:
    """Han ideographs, kana, hangul and the CJK / full-width punctuation blocks."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x2FA1F
    )


_WS = re.compile(r"\s+")


def join_inline(text: str) -> str:
    """Collapse white space the way a browser renders it, except that white space next to a
    CJK character is dropped (HTML source breaks lines inside Chinese sentences)."""

    return _WS.sub(" ", _WS_BY_CJK.sub("", text)).strip()


# a run of white space with a CJK character (as :func:`is_cjk` tells) before or after it
_CJK_CLASS = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0002fa1f"
# (both branches open with white space, so that only white space is tried; the first looks
# behind its first character for the CJK one)
_WS_BY_CJK = re.compile(f"\\s(?<=[{_CJK_CLASS}]\\s)\\s*|\\s+(?=[{_CJK_CLASS}])")


_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af]")
_LATIN = re.compile("[A-Za-z]")


def _script_counts(text: str) -> tuple[int, int, int, int]:
    """Characters of Han, kana, Hangul and Latin script in ``text`` (counted by regex, in C)."""
    return (len(_HAN.findall(text)), len(_KANA.findall(text)), len(_HANGUL.findall(text)),
            len(_LATIN.findall(text)))


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


# characters OpenCC's conversions can change: CJK and above (radicals, ideographs,
# compatibility ideographs, full-width forms); a text without any is left as it is
_CONVERTIBLE = re.compile("[\u2e80-\U0010ffff]")


def to_simplified(text: str) -> str:
    """Traditional to Simplified Chinese (OpenCC); one character for one, so offsets hold."""
    if text.isascii() or not _CONVERTIBLE.search(text):
        return text
    return _converter("t2s").convert(text)


_UNIFIED = re.compile("[\u4e00-\u9fff]+")


def chinese_variant(text: str) -> str:
    """``zh-Hant`` when the text uses more Traditional-only than Simplified-only characters."""
    sample = "".join(_UNIFIED.findall(text[:3000]))[:800]
    if not sample:
        return "zh-Hans"
    as_simp = to_simplified(sample)
    trad_only = sum(map(str.__ne__, sample, as_simp))
    if not trad_only:
        return "zh-Hans"  # no Traditional-only character: Traditional cannot be the larger share
    as_trad = _converter("s2t").convert(sample)
    simp_only = sum(map(str.__ne__, sample, as_trad))
    return "zh-Hant" if trad_only > simp_only else "zh-Hans"


# scripts whose language kg does not tell apart: a text mostly in one is tagged und-<Script>
# (an Arabic or Hebrew name is not English)
_OTHER_SCRIPTS = (("Arab", re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")),
                  ("Hebr", re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")),
                  ("Cyrl", re.compile("[\u0400-\u04ff]")),
                  ("Grek", re.compile("[\u0370-\u03ff]")),
                  ("Deva", re.compile("[\u0900-\u097f]")),
                  ("Thai", re.compile("[\u0e00-\u0e7f]")))


@lru_cache(maxsize=4096)
def detect_language(text: str, default: str = "en") -> str:
    """BCP 47 tag from the scripts a text is written in: en, zh-Hans, zh-Hant, ja, ko; a
    text mostly in another script is und-Arab, und-Hebr, und-Cyrl..."""
    sample = text[:5000]
    han, kana, hangul, latin = _script_counts(sample)
    total = han + kana + hangul + latin
    if not sample.isascii():
        counts = [(len(rx.findall(sample)), name) for name, rx in _OTHER_SCRIPTS]
        n, script = max(counts)
        if n > total:
            return f"und-{script}"
    if not total:
        return default
    if hangul / total > 0.3:
        return "ko"
    if kana / total > 0.1 and kana >= 3:
        return "ja"
    if han / total > 0.3:
        return chinese_variant(text)
    return default if latin else default


_DOTS = {"‧": "·", "・": "·", "•": "·", "∙": "·", "⋅": "·", "･": "·"}


@lru_cache(maxsize=None)
def _norm_char(ch: str) -> str:
    return _norm_form(ch, unicodedata.normalize("NFKC", ch))


def _norm_form(ch: str, nfkc_form: str) -> str:
    """:func:`_norm_char` of ``ch``, given its NFKC form."""
    if ch in _DOTS:
        return "·"
    n = nfkc_form.lower()
    if len(n) == 1:
        return n
    low = ch.lower()  # "İ".lower() is two characters: keep the text's length, so offsets hold
    return low if len(low) == 1 else ch


#: below this length a text goes through its table character by character (``str.translate``)
_RUNS_FROM = 256


@lru_cache(maxsize=1)
def _changing() -> tuple[re.Pattern, re.Pattern]:
    """Runs of the characters that :func:`_norm_char` and NFKC change: those of the Basic
    Multilingual Plane worked out once (about 20 ms), and every character beyond it. In an
    article few characters change (capitals, full-width punctuation): the runs are found in C
    and only they go through the tables, which gives what a translation of every character
    gives."""
    norm, nf = [], []
    for cp in range(0x10000):
        ch = chr(cp)
        form = unicodedata.normalize("NFKC", ch)
        if form != ch:
            nf.append(cp)
        if _norm_form(ch, form) != ch:
            norm.append(cp)
    return re.compile(_class_of(norm) + "+"), re.compile(_class_of(nf) + "+")


def _class_of(codes: list[int]) -> str:
    """A character class of ``codes`` (increasing, all below U+10000) and of every character
    beyond U+FFFF."""
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\u{codes[i]:04x}" if i == j else f"\\u{codes[i]:04x}-\\u{codes[j]:04x}")
        i = j + 1
    return "[" + "".join(parts) + "\\U00010000-\\U0010ffff]"


def _through(table: dict, which: int, text: str) -> str:
    """``text.translate(table)``, the long texts by their runs of changing characters."""
    if len(text) < _RUNS_FROM:
        return text.translate(table)
    return _changing()[which].sub(lambda m: m.group().translate(table), text)


class _NormTable(dict):
    """``str.translate`` table of :func:`_norm_char`, filled as characters are met (the
    lookups run in C; a character is worked out once per process)."""

    def __missing__(self, code: int) -> str:
        out = self[code] = _norm_char(chr(code))
        return out


_NORM_TABLE = _NormTable()


@lru_cache(maxsize=16)
def normalize_chars(text: str) -> str:
    """Text as names are matched: each character NFKC-normalized and lower-cased (where that
    stays one character), middle dots unified, Traditional → Simplified. The result has the
    same length as ``text``, so offsets in it are offsets in the original."""
    if text.isascii():
        return text.lower()  # NFKC leaves ASCII alone, and OpenCC has nothing to convert
    s = _through(_NORM_TABLE, 0, text)
    simp = to_simplified(s)
    if len(simp) == len(s):
        return simp
    out = []
    for c in s:
        sc = to_simplified(c)
        out.append(sc if len(sc) == 1 else c)
    return "".join(out)


def normalize_chars_many(texts: list[str]) -> list[str]:
    """:func:`normalize_chars` of each text, worked out together (one pass of the character
    table, one OpenCC call): OpenCC's phrases never span the line break that joins them, so
    each part comes out as it would alone. Texts holding a line break, or a conversion that
    changes a length, are done one by one."""
    if len(texts) < 2 or any("\n" in t for t in texts):
        return [normalize_chars(t) for t in texts]
    joined = "\n".join(texts)
    s = _through(_NORM_TABLE, 0, joined)
    simp = to_simplified(s)
    parts = simp.split("\n")
    if len(simp) != len(joined) or len(parts) != len(texts) or any(len(p) != len(t) for p, t in zip(parts, texts)):
        return [normalize_chars(t) for t in texts]
    return parts


class _NFKCTable(dict):
    """``str.translate`` table of each character's own NFKC form, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        out = self[code] = unicodedata.normalize("NFKC", chr(code))
        return out


_NFKC_TABLE = _NFKCTable()


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, about twice as fast on an article: each
    character's own form from a table (in C), kept when the result is normalized, as it is
    unless characters combine across their boundaries (an accent after a letter, Hangul
    jamo); then the text is normalized whole. Either way the same text: the characters'
    own forms are equivalent to the text, and equivalent texts have one NFKC form."""
    out = _through(_NFKC_TABLE, 1, text)
    return out if unicodedata.is_normalized("NFKC", out) else unicodedata.normalize("NFKC", text)
