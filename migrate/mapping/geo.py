"""Country and state/province names to the ISO codes Wholesale wants."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrate.mapping.text import fold


@dataclass
class Countries:
    """``countries.csv``: any spelling seen in the wild → ISO 3166 alpha-2."""

    by_name: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, code: str) -> None:
        self.by_name[fold(name)] = code

    def lookup(self, text: str | None) -> str | None:
        if text is None or not text.strip():
            return None
        return self.by_name.get(fold(text))

    @property
    def codes(self) -> set[str]:
        return set(self.by_name.values())


@dataclass
class States:
    """``states.csv``: (country, state name) → subdivision code."""

    by_name: dict[tuple[str, str], str] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)

    def add(self, country: str, name: str, code: str) -> None:
        self.by_name[(country, fold(name))] = code
        self.codes.setdefault(country, set()).add(code)

    def knows(self, country: str | None) -> bool:
        return country in self.codes

    def lookup(self, country: str | None, text: str | None) -> str | None:
        if not country or text is None or not text.strip():
            return None
        upper = text.strip().upper()
        if upper in self.codes.get(country, ()):
            return upper
        return self.by_name.get((country, fold(text)))
