#!/usr/bin/env python3
"""Keep ui/lang/*/LC_MESSAGES/hall-kiosk.po in step with the @tr() strings of ui/**/*.slint.

  scripts/i18n.py sync    add new msgids (empty msgstr), drop ones no longer used, keep translations
  scripts/i18n.py check   exit 1 and list every msgid that is missing or untranslated
  scripts/i18n.py set < FILE.tsv   set translations from lines "msgid<TAB>zh_CN<TAB>zh_TW"
  scripts/i18n.py set-lang LANG < FILE.tsv   set one language from lines "msgid<TAB>text"

Source strings are English; zh_CN, zh_TW and bo are translated here. The Tibetan (bo)
translations await review by a native speaker: every entry of a language listed in REVIEW
carries that note as a translator comment, and a reviewer removes the language from REVIEW
(or the comment from an entry) as they check it. The test tests/i18n_complete.rs runs the
same check in CI, so an untranslated string never ships.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LANGS = ["zh_CN", "zh_TW", "bo"]
# Languages whose translations no native speaker has reviewed yet.
REVIEW = {"bo": "needs review by a native Tibetan speaker (machine-assisted translation)"}
TR = re.compile(r'@tr\(\s*"((?:[^"\\]|\\.)*)"')


def extract():
    ids = []
    for f in sorted((ROOT / "ui").rglob("*.slint")):
        for m in TR.finditer(f.read_text(encoding="utf-8")):
            s = m.group(1).replace('\\"', '"')
            if s not in ids:
                ids.append(s)
    return ids


def unquote(s):
    return s[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def read_po(path):
    header, entries, cur, key = [], {}, None, None
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    blocks = text.split("\n\n")
    for b in blocks:
        lines = [l for l in b.strip().splitlines() if l and not l.startswith("#")]
        if not lines:
            continue
        msgid, msgstr, which = "", "", None
        for l in lines:
            if l.startswith("msgid "):
                which = "id"; msgid = unquote(l[6:])
            elif l.startswith("msgstr "):
                which = "str"; msgstr = unquote(l[7:])
            elif l.startswith('"'):
                if which == "id":
                    msgid += unquote(l)
                else:
                    msgstr += unquote(l)
        if msgid == "":
            header = b.strip()
        else:
            entries[msgid] = msgstr
    return header, entries


def write_po(path, header, entries, ids, lang):
    out = [header, ""]
    note = f"# {REVIEW[lang]}\n" if lang in REVIEW else ""
    for i in ids:
        out.append(f"{note}msgid {quote(i)}\nmsgstr {quote(entries.get(i, ''))}\n")
    path.write_text("\n".join(out), encoding="utf-8")


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    ids = extract()
    given = {}
    if cmd == "set":
        for line in sys.stdin.read().splitlines():
            if line.strip():
                msgid, cn, tw = line.split("\t")
                given[msgid] = {"zh_CN": cn, "zh_TW": tw}
        cmd = "sync"
    elif cmd == "set-lang":
        only = sys.argv[2]
        for line in sys.stdin.read().splitlines():
            if line.strip():
                msgid, text = line.split("\t")
                given[msgid] = {only: text}
        cmd = "sync"
    bad = []
    for lang in LANGS:
        path = ROOT / "ui" / "lang" / lang / "LC_MESSAGES" / "hall-kiosk.po"
        header, entries = read_po(path)
        for msgid, tr in given.items():
            if lang in tr:
                entries[msgid] = tr[lang]
        if cmd == "sync":
            write_po(path, header, entries, ids, lang)
        for i in ids:
            if not entries.get(i):
                bad.append(f"{lang}: {i}")
    if bad:
        print("untranslated strings:\n  " + "\n  ".join(bad))
        return 1 if cmd == "check" else 0
    print(f"ok: {len(ids)} strings translated in {', '.join(LANGS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
