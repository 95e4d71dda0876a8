"""Issue 25: the web's numbers of self-reported VNeID confirmations, and the list of who asked
for help, as CSV, scoped like every page (a facilitator sees only their own classes)."""

from __future__ import annotations

import csv
import io

from web_helpers import T0, ev, log_in

from storage.sql.ingest import write_batch


async def rows(client, path: str) -> list[list[str]]:
    download = await client.get(path)
    assert download.status == 200 and download.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO((await download.read()).decode("utf-8-sig"))))


async def answered(seeded) -> None:
    """A (LOP1) confirmed, B (LOP1) asked for help and shared a name, C (LOP2) asked for help."""
    await write_batch(
        seeded,
        [
            ev("vneid", "tg:A", T0 + 5000, answer="yes"),
            ev("vneid", "tg:B", T0 + 5000, answer="help", name="=Bà Tư"),
            ev("vneid", "tg:C", T0 + 5000, answer="help"),
        ],
    )


async def test_officials_get_the_counts_and_the_help_list(client, seeded):
    await answered(seeded)
    await log_in(client, "lan")
    counts = await rows(client, "/vneid.csv")
    assert counts[0] == ["by", "name", "confirmed", "not_yet", "asked_for_help", "answered",
                         "source"]  # fmt: skip
    assert ["ward", "Phường Ninh Kiều", "1", "0", "1", "2", "SELF-REPORTED"] in counts
    assert ["class", "LOP2", "0", "0", "1", "1", "SELF-REPORTED"] in counts
    help_list = await rows(client, "/vneid-help.csv")
    assert help_list[0] == ["class", "class_name", "ward", "asked_on", "name", "source"]
    assert [r[0] for r in help_list[1:]] == ["LOP1", "LOP2"]
    assert help_list[1][4] == "'=Bà Tư"  # never a spreadsheet formula
    assert not any("tg:" in cell for row in help_list for cell in row)  # no chat ids


async def test_a_facilitator_sees_only_their_class(client, seeded):
    await answered(seeded)
    await log_in(client, "hoa")  # LOP1's facilitator
    assert [r[0] for r in (await rows(client, "/vneid-help.csv"))[1:]] == ["LOP1"]
    assert all(r[1] != "LOP2" for r in await rows(client, "/vneid.csv"))
    forbidden = await client.get("/vneid-help.csv?class=LOP2")
    assert forbidden.status == 403
