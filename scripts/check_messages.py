#!/usr/bin/env python3
"""Check that the Vietnamese translations are up to date, without touching the repository.

`makemessages` can only write its catalogue into the tree it scans, so the working tree
(sources, templates and locale/, not .venv/var/.git) is copied into a temporary directory
and `manage.py makemessages -l vi` runs there. The msgids it extracts are then compared with
the repository's locale/vi/LC_MESSAGES/django.po (and djangojs.po when that exists):

* a msgid used in the code but absent from the .po file  -> missing
* a msgid present with an empty msgstr (any plural form) -> untranslated
* a msgid present but marked `#, fuzzy`                  -> fuzzy

Exit 0 and print "translations: N messages, all translated" when there is nothing to report,
else list the problems and exit 1. Run `make messages`, translate, and run again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "vi"
PO_DIR = Path("locale") / LANGUAGE / "LC_MESSAGES"
# Not copied into the scratch tree (also not scanned): environments, data, caches, VCS.
SKIP_DIRS = {
    ".venv",
    "venv",
    ".git",
    "var",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "test-artifacts",
}
MAKEMESSAGES_IGNORE = [".venv", "var", "scripts", "tests"]


# --- a small .po parser -----------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            if nxt in "01234567":  # octal escape, up to three digits
                j = i + 1
                while j < len(body) and j < i + 4 and body[j] in "01234567":
                    j += 1
                out.append(chr(int(body[i + 1 : j], 8)))
                i = j
                continue
            out.append(nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def label(self) -> str:
        text = self.msgid if self.msgid_plural is None else f"{self.msgid} / {self.msgid_plural}"
        text = text.replace("\n", "\\n")
        return f"[{self.msgctxt}] {text}" if self.msgctxt is not None else text

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(value != "" for value in self.msgstr.values())


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete `#~` entries are skipped; the header is kept)."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    target: tuple[str, int | None] | None = None  # the field continuation lines append to
    seen_msgstr = False
    has_msgid = False

    def finish() -> None:
        nonlocal current, seen_msgstr, target
        if current is not None:
            entries.append(current)
        current, seen_msgstr, target = None, False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path}:{number}"
        line = raw.strip()
        if not line:
            if current is not None and seen_msgstr:
                finish()
            pending_flags = set()  # flags belong to the entry right below them
            continue
        if line.startswith("#"):
            if current is not None and seen_msgstr:
                finish()
            if line.startswith("#~"):
                pending_flags = set()  # an obsolete entry: its flags are not the next one's
            elif line.startswith("#,"):
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            # "#~" obsolete entries, "#|" previous msgids, "#." "#:" "# " comments: ignored.
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{where}: a continuation string outside an entry")
            value = _unquote(line, where)
            name, index = target
            if name == "msgstr":
                current.msgstr[index or 0] += value
            else:
                setattr(current, name, getattr(current, name) + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid"):
            if current is not None and seen_msgstr:
                finish()
            if current is not None and (keyword == "msgctxt" or has_msgid):
                raise ValueError(f"{where}: {keyword} without a msgstr for the entry above")
            if current is None:
                current, has_msgid = Entry(flags=pending_flags, line=number), False
                pending_flags = set()
            setattr(current, keyword, _unquote(rest, where))
            has_msgid = has_msgid or keyword == "msgid"
            target = (keyword, None)
        elif keyword == "msgid_plural":
            if current is None or not has_msgid:
                raise ValueError(f"{where}: msgid_plural before msgid")
            current.msgid_plural = _unquote(rest, where)
            target = ("msgid_plural", None)
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            if current is None or not has_msgid:
                raise ValueError(f"{where}: msgstr before msgid")
            index = 0
            if keyword != "msgstr":
                try:
                    index = int(keyword[len("msgstr[") : -1])
                except ValueError:
                    raise ValueError(f"{where}: bad keyword {keyword!r}") from None
            current.msgstr[index] = _unquote(rest, where)
            target = ("msgstr", index)
            seen_msgstr = True
        else:
            raise ValueError(f"{where}: unexpected line {raw!r}")
    if current is not None:
        finish()
    return entries


def messages(entries: list[Entry]) -> dict[tuple[str | None, str], Entry]:
    """The real messages (not the header entry), by (msgctxt, msgid)."""
    return {e.key: e for e in entries if not (e.msgid == "" and e.msgctxt is None)}


# --- running makemessages on a copy -----------------------------------------------------------


def copy_tree(dest: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in SKIP_DIRS}
        if Path(directory).resolve() == ROOT:
            skipped |= {n for n in names if n.startswith(".") and n not in (".", "..")}
        return skipped

    shutil.copytree(ROOT, dest, symlinks=True, ignore=ignore)


def extract(domains: list[str]) -> dict[str, dict[tuple[str | None, str], Entry]]:
    """Run makemessages on a scratch copy of the tree; the msgids it found, per domain."""
    with tempfile.TemporaryDirectory(prefix="lantoa-messages-") as tmp:
        tree = Path(tmp) / "tree"
        copy_tree(tree)
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)  # not needed; never touch a real database from here
        env["LANTOA_VAR_DIR"] = str(Path(tmp) / "var")
        found = {}
        for domain in domains:
            cmd = [sys.executable, "manage.py", "makemessages", "-l", LANGUAGE, "-d", domain]
            cmd += ["--no-location", "--no-obsolete", "--verbosity", "0"]
            cmd += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
            result = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                sys.stderr.write(result.stdout + result.stderr)
                raise SystemExit(f"check_messages: makemessages -d {domain} failed (exit {result.returncode})")
            po = tree / PO_DIR / f"{domain}.po"
            found[domain] = messages(parse_po(po)) if po.exists() else {}
        return found


def main() -> int:
    committed_dir = ROOT / PO_DIR
    django_po = committed_dir / "django.po"
    if not django_po.exists():
        print(
            f"check_messages: {django_po.relative_to(ROOT)} does not exist: there are no Vietnamese "
            "translations yet. Run `make messages`, translate the strings, and commit the .po file.",
            file=sys.stderr,
        )
        return 1
    domains = ["django"] + (["djangojs"] if (committed_dir / "djangojs.po").exists() else [])

    committed = {}
    for domain in domains:
        path = committed_dir / f"{domain}.po"
        try:
            committed[domain] = messages(parse_po(path))
        except (ValueError, UnicodeDecodeError) as exc:
            print(f"check_messages: cannot read {path.relative_to(ROOT)}: {exc}", file=sys.stderr)
            return 1

    in_code = extract(domains)

    problems: list[str] = []
    total = 0
    for domain in domains:
        po_name = (PO_DIR / f"{domain}.po").as_posix()
        wanted, have = in_code[domain], committed[domain]
        total += len(wanted)
        missing = [e for key, e in wanted.items() if key not in have]
        fuzzy = [have[key] for key in wanted if key in have and "fuzzy" in have[key].flags]
        empty = [have[key] for key in wanted if key in have and not have[key].translated]
        for title, items, with_line in (
            ("in the code but missing from", missing, False),
            ("untranslated (empty msgstr) in", empty, True),
            ("marked fuzzy in", fuzzy, True),
        ):
            if items:
                problems.append(f"{len(items)} message(s) {title} {po_name}:")
                for e in sorted(items, key=lambda e: e.line if with_line else 0):
                    where = f"line {e.line}: " if with_line else ""
                    problems.append(f"    {where}{e.label}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(
            "check_messages: translations are not up to date; run `make messages`, translate, "
            "remove the fuzzy flags, and run again.",
            file=sys.stderr,
        )
        return 1
    print(f"translations: {total} messages, all translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
