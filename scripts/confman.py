#!/usr/bin/python3
# scripts/confman.py - writes man/vigie.conf.5 from etc/vigie.conf, so the
# page and the example configuration say the same: each key with its
# default (or an example) and its comment. Run after changing the example:
#     /usr/bin/python3 scripts/confman.py
# tests/integration/install.sh checks that the page is up to date.
import os
import re
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
src = open(os.path.join(top, "etc/vigie.conf")).read().splitlines()


def esc(s):
    s = s.replace("\\", "\\e")
    return "\\&" + s if s.startswith((".", "'")) else s


out = ['.\\" man/vigie.conf.5 - the configuration file\'s manual (mdoc),',
       '.\\" written by scripts/confman.py from etc/vigie.conf.',
       '.Dd November 23, 2026', '.Dt VIGIE.CONF 5', '.Os', '.Sh NAME',
       '.Nm vigie.conf', '.Nd configuration of the Vigie appliance',
       '.Sh DESCRIPTION', 'An INI file read by', '.Xr vigie-collector 8 ,',
       '.Xr vigie-correlator 8', 'and', '.Xr vigie 1 .',
       'Lines starting with', '.Ql \\&; ', 'are comments.',
       'A key repeated in a file adds to a list key and replaces any other;',
       'an unknown section or key, or a bad value, is an error naming the',
       'file and line; a command-line option overrides the key of the same',
       'name.', 'Sizes take K, M, G and T suffixes.',
       'Each key is shown with its default, or an example where it has none.']
section = None
comment = []
for line in src:
    if line.startswith("[") and line.endswith("]"):
        if section:
            out.append(".El")
        section = line
        out += [".Ss " + line, ".Bl -tag -width Ds"]
        comment = []
        continue
    m = re.match(r"^;?([a-z-]+) = ?(.*)$", line)
    if m and section:
        key, val = m.group(1), m.group(2)
        out.append(".It Ic %s" % key)
        out.append(".Li " + esc(val) if val else "(empty)")
        out.append(".br")
        out += [esc(c) for c in comment]
        comment = []
    elif line.startswith("; ") and section:
        comment.append(line[2:])
    elif line.strip() == "":
        comment = []
out.append(".El")
out += [".Sh FILES", ".Bl -tag -width Ds", ".It Pa @SYSCONFDIR@/vigie/vigie.conf",
        "The appliance's configuration; the example with every key is",
        "installed as", ".Pa @DOCDIR@/vigie.conf.example .", ".El",
        ".Sh SEE ALSO", ".Xr vigie 1 ,", ".Xr vigie-collector 8 ,",
        ".Xr vigie-correlator 8"]
text = "\n".join(out) + "\n"
dst = os.path.join(top, "man/vigie.conf.5")
if len(sys.argv) > 1 and sys.argv[1] == "--check":
    sys.exit(0 if open(dst).read() == text else 1)
open(dst, "w").write(text)
