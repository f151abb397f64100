"""The reader's time zone comes from the `tz` cookie without listing the zone database on a
request (that scan, ~600 files, ran in every worker's first requests at once under load)."""

import zoneinfo

import pytest

from pen.chat import timefmt


@pytest.mark.parametrize(("cookie", "zone"), [
    ("Europe/Paris", "Europe/Paris"),
    ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("", "UTC"),
    ("Nowhere/Atlantis", "UTC"),
    ("America", "UTC"),  # a folder of the zone database
    ("../../../../etc/passwd", "UTC"),
    ("/etc/localtime", "UTC"),
    ("zone.tab", "UTC"),  # a file of the zone database that is not a zone
    ("Europe/" + "x" * 80, "UTC"),
    ("Europe/Paris\x00", "UTC"),
])
def test_reader_zone_accepts_zone_names_only(bare_app, cookie, zone):
    headers = {"Cookie": f"tz={cookie}"} if cookie else {}
    with bare_app.test_request_context("/", headers=headers):
        assert timefmt.reader_zone().key == zone


def test_reader_zone_does_not_list_the_zone_database(bare_app, monkeypatch):
    monkeypatch.setattr(zoneinfo, "available_timezones", lambda: pytest.fail("listed the zone database"))
    with bare_app.test_request_context("/", headers={"Cookie": "tz=Asia/Tokyo"}):
        assert timefmt.reader_zone().key == "Asia/Tokyo"
