"""Read BroadWorks OCI-P exports into the inventory (DESIGN §3, §4).

``reader`` finds and pairs documents, ``xmlsafe`` parses them without
entities, DTDs or network, ``envelope`` turns a command into plain data,
``parsers`` holds one module per entity, ``store`` merges records on disk
and ``extractor`` runs the whole stage.
"""

from migrate.extract.extractor import ExtractResult, extract, warning_line
from migrate.extract.staging import remove_stale_staging

__all__ = ["ExtractResult", "extract", "remove_stale_staging", "warning_line"]
