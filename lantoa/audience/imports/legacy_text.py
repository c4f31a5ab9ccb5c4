"""Text typed with the pre-Unicode Vietnamese fonts, as it arrives in a spreadsheet, back to Unicode NFC.

Before Unicode, offices typed with fonts that drew Vietnamese letters in place of Western ones:

* TCVN3 / ABC (TCVN 5712:1993, the ".Vn…" fonts): one byte per letter, tone included. Excel stores
  the bytes as the Windows-1252 characters they stand for: "NguyÔn V¨n A" is "Nguyễn Văn A". The
  standard set has the lower-case toned letters and the upper-case Ă Â Ê Ô Ơ Ư Đ; capitals with a
  tone were typed with the all-capitals ".VnTimeH" font on the lower-case codes, so a toned letter
  inside an otherwise upper-case word is written back in upper case.
* VNI-Windows (the "VNI-…" fonts): a base letter followed by a mark character, "Nguyeãn Vaên A";
  ơ ư đ ỉ ĩ ị ỵ have one character of their own.

The tables below are written out from the published code charts. `detect` decides which reading of a
text gives real Vietnamese syllables; plain ASCII is never taken for legacy text.
"""

import re
import unicodedata
from collections.abc import Iterable

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

# ----- TCVN3 (VN3): byte → letter ----------------------------------------------------------------------

_TCVN3_BYTES = {
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
    0xA8: "ă",
    0xA9: "â",
    0xAA: "ê",
    0xAB: "ô",
    0xAC: "ơ",
    0xAD: "ư",
    0xAE: "đ",
    0xB5: "à",
    0xB6: "ả",
    0xB7: "ã",
    0xB8: "á",
    0xB9: "ạ",
    0xBB: "ằ",
    0xBC: "ẳ",
    0xBD: "ẵ",
    0xBE: "ắ",
    0xC6: "ặ",
    0xC7: "ầ",
    0xC8: "ẩ",
    0xC9: "ẫ",
    0xCA: "ấ",
    0xCB: "ậ",
    0xCC: "è",
    0xCE: "ẻ",
    0xCF: "ẽ",
    0xD0: "é",
    0xD1: "ẹ",
    0xD2: "ề",
    0xD3: "ể",
    0xD4: "ễ",
    0xD5: "ế",
    0xD6: "ệ",
    0xD7: "ì",
    0xD8: "ỉ",
    0xDC: "ĩ",
    0xDD: "í",
    0xDE: "ị",
    0xDF: "ò",
    0xE1: "ỏ",
    0xE2: "õ",
    0xE3: "ó",
    0xE4: "ọ",
    0xE5: "ồ",
    0xE6: "ổ",
    0xE7: "ỗ",
    0xE8: "ố",
    0xE9: "ộ",
    0xEA: "ờ",
    0xEB: "ở",
    0xEC: "ỡ",
    0xED: "ớ",
    0xEE: "ợ",
    0xEF: "ù",
    0xF1: "ủ",
    0xF2: "ũ",
    0xF3: "ú",
    0xF4: "ụ",
    0xF5: "ừ",
    0xF6: "ử",
    0xF7: "ữ",
    0xF8: "ứ",
    0xF9: "ự",
    0xFA: "ỳ",
    0xFB: "ỷ",
    0xFC: "ỹ",
    0xFD: "ý",
    0xFE: "ỵ",
}
# As Excel hands it over: the Windows-1252 character of each byte.
TCVN3_DECODE = {bytes([b]).decode("cp1252"): letter for b, letter in _TCVN3_BYTES.items()}
TCVN3_ENCODE = {letter: char for char, letter in TCVN3_DECODE.items()}

# ----- VNI-Windows: base letter + mark ---------------------------------------------------------------

# Marks after a vowel (lower-case form; the upper-case form is the same letter in upper case).
_VNI_MARKS = {
    "ù": "\u0301",  # sắc
    "ø": "\u0300",  # huyền
    "û": "\u0309",  # hỏi
    "õ": "\u0303",  # ngã
    "ï": "\u0323",  # nặng
}
# Vowel shapes: a + "â" → â, a + "ê" → ă, then the same shape with a tone in one character.
_VNI_SHAPED = {
    ("a", "â"): ("â", {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}),
    ("a", "ê"): ("ă", {"é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}),
    ("e", "â"): ("ê", {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}),
    ("o", "â"): ("ô", {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}),
}
# Letters with one character of their own.
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "í": "í", "ì": "ì"}


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(code: str, letter: str) -> None:
        letter = unicodedata.normalize("NFC", letter)
        table[code] = letter
        table[code.upper()] = letter.upper()
        # Caps Lock on the base only ("Aù") or on the mark only: read the same letter.
        if len(code) == 2:
            table[code[0].upper() + code[1]] = letter.upper()

    for single, letter in _VNI_SINGLE.items():
        add(single, letter)
    for base in "aeiouy":
        for mark, combining in _VNI_MARKS.items():
            if base == "i":
                continue  # i takes single characters (í ì æ ó ò)
            if base == "y" and mark == "ï":
                continue  # ỵ is "î"
            add(base + mark, base + combining)
    for (base, shape), (shaped, tones) in _VNI_SHAPED.items():
        add(base + shape, shaped)
        for tone_char, combining in tones.items():
            add(base + tone_char, shaped + combining)
    for own_base, own in (("ô", "ơ"), ("ö", "ư")):
        for mark, combining in _VNI_MARKS.items():
            add(own_base + mark, own + combining)
    return table


VNI_DECODE = _build_vni()
# Encoding uses the canonical (lower/upper-case) spellings only.
VNI_ENCODE: dict[str, str] = {}
for _code, _letter in sorted(VNI_DECODE.items(), key=lambda kv: kv[0] != kv[0].lower() and kv[0] != kv[0].upper()):
    if _code in (_code.lower(), _code.upper()):
        VNI_ENCODE.setdefault(_letter, _code)
_VNI_PATTERN = re.compile("|".join(re.escape(code) for code in sorted(VNI_DECODE, key=len, reverse=True)))
_TCVN3_PATTERN = re.compile("[" + re.escape("".join(TCVN3_DECODE)) + "]")

# Characters a legacy text can never contain: anything past Latin-1 except Windows-1252's extras.
_CP1252_EXTRA = set(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))


def _beyond_latin1(text: str) -> bool:
    return any(ord(ch) > 0xFF and ch not in _CP1252_EXTRA for ch in text)


# ----- decoding ----------------------------------------------------------------------------------------


def _tcvn3_text(text: str) -> str:
    words = text.split(" ")
    decoded = [_TCVN3_PATTERN.sub(lambda m: TCVN3_DECODE[m.group()], w) for w in words]
    pairs = list(zip(words, decoded, strict=True))
    plain = [c for w, d in pairs for c, o in zip(d, w, strict=True) if c == o and c.isalpha()]
    coded_caps = any(c != o and c.isupper() for w, d in pairs for c, o in zip(d, w, strict=True))
    long_word = any(sum(1 for c, o in zip(d, w, strict=True) if c == o and c.isalpha()) > 1 for w, d in pairs)
    # ".VnTimeH": capitals typed on the lower-case codes. A text whose letters are all capitals (with
    # a word of two or more, or one of the capitals Ă Â Ê Ô Ơ Ư Đ) is written back in capitals.
    if plain and all(c.isupper() for c in plain) and (long_word or coded_caps):
        return " ".join(d.upper() for d in decoded)
    # A capital with a tone has no code in .VnTime: in a text where every other word is capitalised
    # (a name, a place), a word that starts with a converted lower-case letter is capitalised too.
    starts = [d[:1] for w, d in pairs if d[:1].isalpha() and (d[:1] == w[:1] or d[:1].isupper())]
    if starts and all(c.isupper() for c in starts):
        decoded = [d[:1].upper() + d[1:] if d[:1] != w[:1] and d[:1].isalpha() else d for w, d in pairs]
    return " ".join(decoded)


def decode(text: str, encoding: str) -> str:
    """The Unicode NFC text that `text` (read as `encoding`) stands for. Text that already has letters
    only Unicode can hold (ộ, ư, đ…) is returned as it is: it was not typed with a legacy font."""
    if not text or text.isascii() or _beyond_latin1(text):
        return unicodedata.normalize("NFC", text) if text else text
    if encoding == TCVN3:
        out = _tcvn3_text(text)
    elif encoding == VNI:
        out = _VNI_PATTERN.sub(lambda m: VNI_DECODE[m.group()], text)
    else:
        return unicodedata.normalize("NFC", text)
    return unicodedata.normalize("NFC", out)


def encode(text: str, encoding: str) -> str:
    """The legacy spelling of a Unicode text (for tests and sample files). Letters that TCVN3 cannot
    hold (upper-case with a tone) are written with the lower-case code, as the .VnTimeH font does."""
    text = unicodedata.normalize("NFC", text)
    if encoding == TCVN3:
        return "".join(TCVN3_ENCODE.get(ch, TCVN3_ENCODE.get(ch.lower(), ch)) for ch in text)
    if encoding == VNI:
        return "".join(VNI_ENCODE.get(ch, ch) for ch in text)
    raise ValueError(encoding)


# ----- detection ---------------------------------------------------------------------------------------

_TONES = "\u0301\u0300\u0309\u0303\u0323"
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
_NUCLEI_TEXT = """
    a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ
    ưa ưi ươ ưu uy yê iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu uêu
"""
_NUCLEI = sorted(_NUCLEI_TEXT.split(), key=len, reverse=True)
_CODA = r"(?:ch|ng|nh|c|m|n|p|t)?"
_SYLLABLE = re.compile(rf"^{_ONSET}(?:{'|'.join(_NUCLEI)}){_CODA}$")


def _is_vietnamese_word(word: str) -> bool:
    """A plausible Vietnamese syllable: onset, vowel nucleus, coda, at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONES)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return bool(_SYLLABLE.match(bare))


# Syllables that fill the name, address and title columns of office lists: a reading that gives them
# is worth more than one that gives a rare syllable of the same shape ("Thị" rather than "Thũ").
_COMMON_TEXT = """
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đoàn lâm mai trương
    thị văn hữu đức công quốc minh thành ngọc thanh hồng hương phương thảo trang linh hà hải hùng
    dũng tuấn tùng sơn nam bắc bình an hòa hoà khánh long lạc thường ngự tiến phước lợi thạnh thới
    tiền xã phường ấp khóm huyện tỉnh đồng tháp tây đông giang châu phú mỹ hưng nhơn lộc tân vĩnh
    người tham gia bảo hiểm hội tự nguyện bắt buộc tháng năm ngày số điện thoại địa chỉ nữ giới tổng
    cộng danh sách cán bộ công chức đơn vị chức vụ trưởng phó chủ tịch ủy ban nhân dân ánh ân ấn ý
    yến uyên vân việt xuân thủy thu thúy tâm tài tú trí trung nhung như nhàn ngân nga hạnh hiền hiếu
    hiệp hoa huệ hưởng kiều loan lan lài lệ liên liễu lụa mến mơ mười nghĩa nhi phúc quang quý quyên
    sang sáu tám tư ba hai một bảy chín đạt định điệp đào đạo đầy
"""
_COMMON = set(_COMMON_TEXT.split())


def _score(text: str) -> int:
    """How many words with non-ASCII letters read as Vietnamese syllables (minus those that do not);
    common syllables count double."""
    score = 0
    for word in re.findall(r"[^\s\d.,;:()/\-]+", text):
        if word.isascii():
            continue
        if _is_vietnamese_word(word):
            score += 2 if word.lower() in _COMMON else 1
        else:
            score -= 1
    return score


def detect(text: str) -> str | None:
    """TCVN3, VNI or None (Unicode, or nothing to tell by) for one text."""
    if not text or text.isascii() or _beyond_latin1(text):
        return None
    best, best_score = None, _score(text)
    for encoding in ENCODINGS:
        converted = decode(text, encoding)
        if converted == text:
            continue
        score = _score(converted)
        if score > best_score:
            best, best_score = encoding, score
    return best


def detect_many(texts: Iterable[str]) -> str | None:
    """The legacy encoding most texts of a file are typed in, or None. Texts that can only be Unicode
    count against conversion, so a file typed in Unicode with a few odd cells is left alone."""
    votes = {TCVN3: 0, VNI: 0, None: 0}
    for text in texts:
        if not text or text.isascii():
            continue
        if _beyond_latin1(text):
            votes[None] += 1
            continue
        votes[detect(text)] += 1
    encoding = max(ENCODINGS, key=lambda e: votes[e])
    # Legacy texts sit beside Unicode ones in lists typed over the years; conversion leaves the Unicode
    # ones alone, so it is proposed when a fair share of the texts read better converted.
    return encoding if votes[encoding] and votes[encoding] * 4 >= votes[None] else None
