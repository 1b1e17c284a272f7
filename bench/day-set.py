"""The day set of the benches: the DS logs of SRC copied COPIES times into OUT, each copy's header time
moved by a day, so that no two files are the same bytes.
    python3 bench/day-set.py OUT COPIES SRC"""
import os, struct, sys

out, copies, src = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out)
for name in sorted(os.listdir(src)):
    if not name.endswith((".dslog", ".dsevents")):
        continue
    data = open(os.path.join(src, name), "rb").read()
    seconds = struct.unpack(">q", data[4:12])[0]  # LabVIEW seconds after the 4-byte version
    base, ext = os.path.splitext(name)
    for i in range(copies):
        b = bytearray(data)
        b[4:12] = struct.pack(">q", seconds + 86400 * i)
        open(os.path.join(out, f"{base} d{i:02d}{ext}"), "wb").write(b)
