"""Names as Wholesale takes them: never empty when a fallback exists, never with '%'."""

from __future__ import annotations

from migrate.mapping.issues import Issues


def clean_name(
    issues: Issues,
    text: str | None,
    fallback: str,
    *,
    entity: str,
    key: str,
    customer_id: str,
    field: str = "name",
) -> tuple[str, str | None]:
    """(the name to send, the BroadWorks name or None when it had none)."""
    raw = text.strip() if text and text.strip() else None
    value = raw or fallback.strip()
    if "%" in value:
        clean = " ".join(value.replace("%", " ").split()) or fallback.replace("%", "")
        issues.warning(
            "percent_in_name",
            entity=entity,
            key=key,
            customer_id=customer_id,
            message="Wholesale refuses '%' in names: removed",
            field=field,
            value=value,
            proposed=clean,
        )
        value = clean
    return value, raw
