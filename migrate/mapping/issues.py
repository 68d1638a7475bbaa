"""The issues a mapping raises: what a reviewer must fix (blocker) or confirm (warning)."""

from __future__ import annotations

from migrate.plan.model import BLOCKER, WARNING, Issue

SEVERITY_ORDER = {BLOCKER: 0, WARNING: 1}


class Issues:
    """Collects issues once each (stable ids) in the order found.

    An issue is about one record (``entity`` + ``key``, of ``customer_id``) and,
    optionally, one ``field`` of it with the ``value`` found and a ``proposed``
    value. Every argument is named at the call site: six strings in a row are
    too easy to swap.
    """

    def __init__(self) -> None:
        self.items: dict[str, Issue] = {}

    def add(
        self,
        *,
        severity: str,
        code: str,
        entity: str,
        key: str,
        customer_id: str | None,
        message: str,
        field: str | None = None,
        value: str | None = None,
        proposed: str | None = None,
    ) -> None:
        issue_id = f"{code}:{entity}:{key}" + (f":{field}" if field else "")
        if issue_id not in self.items:
            self.items[issue_id] = Issue(
                issue_id, severity, code, entity, key, customer_id, field, value, proposed, message
            )

    def blocker(
        self,
        code: str,
        *,
        entity: str,
        key: str,
        customer_id: str | None,
        message: str,
        field: str | None = None,
        value: str | None = None,
        proposed: str | None = None,
    ) -> None:
        """Something Webex would refuse: the record stays out of the plan until fixed."""
        self.add(
            severity=BLOCKER,
            code=code,
            entity=entity,
            key=key,
            customer_id=customer_id,
            message=message,
            field=field,
            value=value,
            proposed=proposed,
        )

    def warning(
        self,
        code: str,
        *,
        entity: str,
        key: str,
        customer_id: str | None,
        message: str,
        field: str | None = None,
        value: str | None = None,
        proposed: str | None = None,
    ) -> None:
        """A choice the mapping made that a reviewer should confirm."""
        self.add(
            severity=WARNING,
            code=code,
            entity=entity,
            key=key,
            customer_id=customer_id,
            message=message,
            field=field,
            value=value,
            proposed=proposed,
        )
