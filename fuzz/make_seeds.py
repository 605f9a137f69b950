#!/usr/bin/env python3
# Writes the generated seed corpora of the fuzz targets (tools/fuzz.sh) into OUT/<target>/:
# the test fixtures, and small slices of the real lists in SHARED (../shared/lists) when
# that folder exists. Hand-written seeds live in fuzz/corpus/<target>/ beside this file.
# Usage: make_seeds.py REPO OUT [SHARED]
import csv, io, os, re, sys

repo, out = sys.argv[1], sys.argv[2]
shared = sys.argv[3] if len(sys.argv) > 3 else ""
fixtures = os.path.join(repo, "tests", "fixtures")
MARK = b"\n~~~~next-file~~~~\n"  # fuzz_util.h SplitParts

def read(path):
    with open(path, "rb") as f:
        return f.read()

def seed(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def lines(data):
    return data.splitlines(keepends=True)

def folder(files):  # load_list: "name\ncontent" parts
    return MARK.join(n.encode() + b"\n" + c for n, c in files)

def ofac(sdn, others, tag, start, count):
    """sdn rows [start, start+count) and the alt/add/comments rows that refer to them."""
    rows = [l for l in lines(sdn) if l.strip() not in (b"", b"\x1a")][start:start + count]
    ids = {r.split(b",", 1)[0] for r in rows}
    parts = [b"".join(rows) + b"\x1a"]
    for o in others:
        parts.append(b"".join(l for l in lines(o) if l.split(b",", 1)[0] in ids) + b"\x1a")
    seed("ofac_csv", tag, MARK.join(parts))
    return parts

def head_rows(data, start, count):
    ls = lines(data)
    return ls[0] + b"".join(ls[1 + start:1 + start + count])

# ---- the fixtures, whole ----
ofac_names = ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"]
ofac_fix = [read(os.path.join(fixtures, "ofac", n)) for n in ofac_names]
seed("ofac_csv", "fixture", MARK.join(ofac_fix))
seed("ofac_csv", "fixture-sdn-only", ofac_fix[0])
un_fix = read(os.path.join(fixtures, "un", "consolidated.xml"))
csl_fix = read(os.path.join(fixtures, "csl", "consolidated.csv"))
dpl_fix = read(os.path.join(fixtures, "dpl", "dpl.txt"))
seed("un_xml", "fixture", un_fix)
seed("csl_csv", "fixture", csl_fix)
seed("dpl_tsv", "fixture", dpl_fix)
seed("load_list", "ofac", folder(zip(ofac_names, ofac_fix)))
seed("load_list", "un", folder([("consolidated.xml", un_fix)]))
seed("load_list", "csl", folder([("consolidated.csv", csl_fix)]))
seed("load_list", "dpl", folder([("dpl.txt", dpl_fix)]))
seed("load_list", "mixed", folder([("dpl.txt", dpl_fix), ("consolidated.csv", csl_fix),
                                   ("consolidated.xml", un_fix)]))
seed("load_list", "cons", folder([("cons_prim.csv", ofac_fix[0]), ("cons_alt.csv", ofac_fix[1])]))

# Screening queries: the fixture lists' names, with a type, a date and a country.
names = []
for row in csv.reader(io.StringIO(csl_fix.decode("utf-8", "replace"))):
    if len(row) > 5 and row[5] != "name":
        names.append((row[5], row[3].lower()))
for m in re.finditer(rb"<FIRST_NAME>([^<]*)</FIRST_NAME>\s*<SECOND_NAME>([^<]*)", un_fix):
    names.append(((m.group(1) + b" " + m.group(2)).decode("utf-8", "replace"), "person"))
for i, (name, kind) in enumerate(names[:24]):
    seed("screen", f"fixture-{i}", f"{name}\n{kind}\n1970-01-01\nKP\nP123456\n".encode())
    seed("batch_jsonl", f"fixture-{i}", (
        '{"qid": "q%d", "query": {"name": %s, "type": "%s", "dob": "1970", "country": "KP"}}\n'
        '{"id": 7, "name": %s, "identifiers": ["P123456"]}\n' %
        (i, repr(name).replace("'", '"'), kind, repr(name[::-1]).replace("'", '"'))).encode())

# ---- slices of the real lists ----
if shared and os.path.isdir(shared):
    sdn21 = os.path.join(shared, "us_ofac_sdn", "2021-07")
    if os.path.isdir(sdn21):
        sdn = read(os.path.join(sdn21, "sdn.csv"))
        others = [read(os.path.join(sdn21, n)) for n in ofac_names[1:]]
        for k, start in enumerate([0, 2000, 4500, 7000, 8900]):
            parts = ofac(sdn, others, f"2021-07-{k}", start, 15)
            if k == 0:
                seed("load_list", "ofac-2021-07", folder(zip(ofac_names, parts)))
        # the rows sdn_comments.csv refers to
        com_ids = {l.split(b",", 1)[0] for l in lines(others[2])}
        rows = [l for l in lines(sdn) if l.split(b",", 1)[0] in com_ids][:10]
        seed("ofac_csv", "2021-07-comments", MARK.join(
            [b"".join(rows) + b"\x1a", b"", b"",
             b"".join(l for l in lines(others[2]) if l.split(b",", 1)[0] in com_ids)]))
    sdn24 = os.path.join(shared, "us_ofac_sdn", "2024-05", "sdn.csv")
    if os.path.exists(sdn24):
        sdn = read(sdn24)
        for k, start in enumerate([0, 5000, 10000, 14900]):
            ofac(sdn, [], f"2024-05-{k}", start, 20)
    un = os.path.join(shared, "un_sc", "2026-02", "consolidated.xml")
    if os.path.exists(un):
        x = read(un)
        head = x[:x.index(b"<INDIVIDUALS>")]
        ind = re.findall(rb"<INDIVIDUAL>.*?</INDIVIDUAL>", x, re.S)
        ent = re.findall(rb"<ENTITY>.*?</ENTITY>", x, re.S)
        for k, start in enumerate([0, 200, 500, 725]):
            body = (head + b"<INDIVIDUALS>" + b"".join(ind[start:start + 4]) +
                    b"</INDIVIDUALS><ENTITIES>" + b"".join(ent[start // 3:start // 3 + 3]) +
                    b"</ENTITIES></CONSOLIDATED_LIST>\n")
            seed("un_xml", f"2026-02-{k}", body)
            if k == 0:
                seed("load_list", "un-2026-02", folder([("consolidated.xml", body)]))
    cslp = os.path.join(shared, "us_csl", "2023-11", "consolidated.csv")
    if os.path.exists(cslp):
        c = read(cslp)
        for k, start in enumerate([0, 1000, 2000, 3000, 4200]):
            seed("csl_csv", f"2023-11-{k}", head_rows(c, start, 12))
    dplp = os.path.join(shared, "us_bis_dpl", "2022-09", "dpl.txt")
    if os.path.exists(dplp):
        d = read(dplp)
        for k, start in enumerate([0, 200, 400, 570]):
            seed("dpl_tsv", f"2022-09-{k}", head_rows(d, start, 15))
