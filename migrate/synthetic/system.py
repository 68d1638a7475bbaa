"""The system document: the language and time zone lists every export starts with."""

from __future__ import annotations

from migrate.synthetic import data as d
from migrate.synthetic.counts import Stats
from migrate.synthetic.sinks import DocumentWriter, Sink
from migrate.synthetic.xml import req, resp, table


def write_system(sink: Sink) -> Stats:
    sink.mkdir("system")
    writer = DocumentWriter(sink, 0)
    languages = table("languageTable", ("Language", "Locale", "Encoding"), d.LANGUAGE_TABLE)
    zones = table("timeZoneTable", ("Key", "Display Name"), d.TIME_ZONE_TABLE)
    writer.write(
        "system/system.xml",
        "ISO-8859-1",
        [
            (
                req("SystemLanguageGetListRequest", ""),
                resp(
                    "SystemLanguageGetListResponse",
                    f"<defaultLanguage>English</defaultLanguage>{languages}",
                ),
            ),
            (
                req("SystemTimeZoneGetListRequest20", ""),
                resp(
                    "SystemTimeZoneGetListResponse20",
                    f"<serverTimeZone>America/New_York</serverTimeZone>{zones}",
                ),
            ),
        ],
    )
    stats = Stats(
        documents=writer.documents, files=writer.files, bytes_written=writer.bytes_written
    )
    stats.counts["languages"] = len(d.LANGUAGE_TABLE)
    stats.counts["time_zones"] = len(d.TIME_ZONE_TABLE)
    return stats
