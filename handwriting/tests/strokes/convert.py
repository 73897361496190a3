#!/usr/bin/env python3
"""Recorded test strokes from hanzi-writer-data (Make Me a Hanzi medians).

    npm pack hanzi-writer-data@2.0.1 && tar xzf hanzi-writer-data-2.0.1.tgz
    python3 convert.py package .

reads package/<char>.json for each character below and writes <name>.json in the
kiosk's stroke-file format: a JSON list of strokes, each a list of [x, y] points in a
300 x 300 box with y growing downward, in writing order.

The data's medians are in a 1024 x 1024 box with y growing upward and the baseline
at y = -124 (the Make Me a Hanzi convention), so x' = x * 300 / 1024 and
y' = (900 - y) * 300 / 1024, rounded to whole pixels (zinnia takes integers) and
clamped to the box. Every median point is kept: zinnia reads a stroke's shape from the
points farthest from its chords, and the medians already hold exactly the corners.
"""

import json
import os
import sys

CHARACTERS = {"shi": "十", "ren": "人", "da": "大", "zhong": "中", "zheng": "政"}
BOX = 300
SOURCE_BOX = 1024
SOURCE_TOP = 900


def convert_point(x, y):
    def fit(v):
        return min(BOX, max(0, round(v * BOX / SOURCE_BOX)))

    return [fit(x), fit(SOURCE_TOP - y)]


def stroke_file(medians):
    strokes = [[convert_point(x, y) for x, y in median] for median in medians]
    lines = ",\n".join("  " + json.dumps(s, separators=(", ", ": ")) for s in strokes)
    return "[\n" + lines + "\n]\n"


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: convert.py HANZI_WRITER_DATA_DIR OUT_DIR")
    source, out = argv[1], argv[2]
    for name, char in CHARACTERS.items():
        with open(os.path.join(source, char + ".json"), encoding="utf-8") as f:
            medians = json.load(f)["medians"]
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            f.write(stroke_file(medians))
        print(f"{name}.json  {char}  {len(medians)} strokes, "
              f"{sum(len(m) for m in medians)} points")


if __name__ == "__main__":
    main(sys.argv)
