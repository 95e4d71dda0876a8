"""No cell of the certified list runs as a formula when an official opens it in a spreadsheet,
whatever a learner's client sent as their ward."""

from __future__ import annotations

import csv
import io

from web_helpers import T0, cert, profile

from hocso.report_cli import export
from storage.sql.ingest import write_batch

ATTACKS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd", "-2", "@SUM(A1)", "\t=1", "\r=1"]


async def test_a_forged_ward_is_not_a_formula(database, web_config):
    batch = []
    for n, attack in enumerate(ATTACKS):
        user = f"tg:X{n}"
        batch += [profile(user, T0, attack[:32]), cert(user, T0 + 60, f"XXXX{n}22222", "Lan")]
    await write_batch(database, batch)
    out = io.StringIO()
    await export(database, web_config, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    wards = sorted(row["ward"] for row in rows)
    assert len(wards) == len(ATTACKS)
    assert all(ward.startswith("'") for ward in wards), wards
    shown = sorted(w[1:] for w in wards)  # the words kept, a control character as a space
    assert shown == sorted(a[:32].replace("\t", " ").replace("\r", " ") for a in ATTACKS)
