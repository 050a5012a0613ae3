"""pandas.read_sas on the XPORT export compared with the CSV export
(tests/validation/exports.sh).  Prints "ok NAME" or "FAIL NAME: why".
    /usr/bin/python3 pandas_xpt.py DIR
Numbers: equal within 1e-12 relative, missing (NaN) where the CSV field is
empty; strings equal, an empty CSV field matching "" or a missing value."""
import csv
import math
import os
import sys

d = sys.argv[1]
try:
    import pandas as pd
except ImportError as ex:
    print("FAIL pandas: not importable (python3-pandas): %s" % ex)
    sys.exit(0)
def check(stem):
    with open(os.path.join(d, stem + "_dictionary.csv"), newline="", encoding="utf-8") as f:
        dic = list(csv.DictReader(f))
    with open(os.path.join(d, stem + ".csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    x = pd.read_sas(os.path.join(d, stem + ".xpt"), format="xport", encoding="utf-8")
    names = [c["name"] for c in dic]
    print(("ok" if list(x.columns) == names else "FAIL") + " " + stem.upper() + ": pandas read_sas variable names")
    print(("ok" if len(x) == len(rows) else "FAIL") + " " + stem.upper() + ": pandas read_sas rows")
    bad = []
    for c in dic:
        n = c["name"]
        for i, r in enumerate(rows):
            v = x[n].iloc[i]
            if c["type"] == "numeric":
                if r[n] == "":
                    ok = v is None or (isinstance(v, float) and math.isnan(v))
                else:
                    a = float(r[n])
                    ok = abs(a - float(v)) <= 1e-12 * max(1.0, abs(a))
            else:
                s = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).rstrip()
                ok = s == r[n]
            if not ok:
                bad.append("%s[%d]" % (n, i))
    print(("ok" if not bad else "FAIL") + " " + stem.upper() + ": pandas read_sas every value equals the CSV"
          + ("" if not bad else ": " + ",".join(bad[:10])))


stems = sorted(f[:-len("_dictionary.csv")] for f in os.listdir(d) if f.endswith("_dictionary.csv"))
print(("ok" if "adsl" in stems and "dm" in stems else "FAIL") + " pandas: datasets found: " + ",".join(stems))
for stem in stems:
    check(stem)
