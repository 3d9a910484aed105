#!/usr/bin/env python3
"""msg_missing.py - the messages of src/ that have no Japanese yet.

Reads every format string given to c2c_err_set/_at/_prefix/_detail/_hint,
c2c_tr, mrv/ingest.c's row_error and city/scenario.c's scn_bad in src/ (adjacent literals joined, as the compiler joins them)
and the catalogue src/core/msg_ja/*.def, and prints each format without a
Japanese entry as FILE:LINE: "format", grouped by directory with counts.

  python3 scripts/msg_missing.py [--strict DIR...] [--unused]

--strict DIR: exit 1 when a format under src/DIR has no Japanese (tests use
it for the directories whose every message a browser user can meet).
--unused: also list catalogue entries no code uses any more.
"""
import ast
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
SRC = os.path.join(ROOT, 'src')
CALL = re.compile(r'\b(c2c_err_set|c2c_err_at|c2c_err_prefix|c2c_err_detail|c2c_err_hint|c2c_tr|row_error|scn_bad)\s*\(')
LIT = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def c_string(lit):
    # C and Python agree on the escapes c2c's messages use (\n \t \" \\ \xNN)
    return ast.literal_eval(lit)


def args_of(text, start):
    """The argument texts of a call whose '(' is at start - 1."""
    depth, i, args, cur = 1, start, [], start
    while i < len(text) and depth:
        c = text[i]
        if c == '"':
            m = LIT.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c == "'":
            m = re.compile(r"'(?:[^'\\]|\\.)*'").match(text, i)
            i = m.end() if m else i + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
            if not depth:
                args.append(text[cur:i])
                break
        elif c == ',' and depth == 1:
            args.append(text[cur:i])
            cur = i + 1
        i += 1
    return args


def formats(path):
    text = open(path, encoding='utf-8').read()
    # comments out, keeping line numbers
    text = re.sub(r'/\*.*?\*/', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text, flags=re.S)
    for m in CALL.finditer(text):
        name = m.group(1)
        if text[:m.start()].rstrip().endswith(('int', 'void', 'char *', 'const char *')):
            continue  # the declaration or definition itself
        args = args_of(text, m.end())
        pos = {'c2c_err_set': 2, 'c2c_err_at': 3, 'c2c_tr': 0, 'row_error': 2, 'scn_bad': 2}.get(name, 1)
        if len(args) <= pos:
            continue
        arg = args[pos].strip()
        lits = LIT.findall(arg)
        if not lits or LIT.sub('', arg).strip():
            continue  # not a literal (a variable, a ternary): cannot be checked here
        fmt = ''.join(c_string(l) for l in lits)
        if fmt in ('%s', ''):
            continue  # passes another message on
        yield text.count('\n', 0, m.start()) + 1, fmt


def catalogue():
    have = {}
    d = os.path.join(SRC, 'core', 'msg_ja')
    for f in sorted(os.listdir(d)):
        text = open(os.path.join(d, f), encoding='utf-8').read()
        text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
        for m in re.finditer(r'\bMSG\s*\(', text):
            args = args_of(text, m.end())
            if len(args) == 2:
                have[''.join(c_string(l) for l in LIT.findall(args[0]))] = f
    return have


def main(argv):
    strict = []
    unused = '--unused' in argv
    if '--strict' in argv:
        strict = [a for a in argv[argv.index('--strict') + 1:] if not a.startswith('--')]
    have = catalogue()
    used, missing = set(), {}
    for dirpath, _, files in os.walk(SRC):
        for f in sorted(files):
            if not f.endswith('.c'):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, ROOT)
            for line, fmt in formats(path):
                used.add(fmt)
                if fmt not in have:
                    missing.setdefault(rel.split(os.sep)[1], []).append((rel, line, fmt))
    total = 0
    for d in sorted(missing):
        print(f'## src/{d}: {len(missing[d])} without Japanese')
        for rel, line, fmt in missing[d]:
            print(f'{rel}:{line}: {fmt!r}')
        total += len(missing[d])
    print(f'# {total} formats without Japanese; the catalogue has {len(have)}')
    if unused:
        for fmt in sorted(set(have) - used):
            print(f'unused ({have[fmt]}): {fmt!r}')
    bad = [d for d in strict if missing.get(d)]
    if bad:
        print('missing Japanese in ' + ', '.join('src/' + d for d in bad), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
