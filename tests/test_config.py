"""migrate.toml: defaults, the documented example, unknown keys and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate.config import load_config
from migrate.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parent.parent / "migrate" / "data" / "migrate.toml.example"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "migrate.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    config = load_config(None)
    assert config.customer_level == "enterprise"
    assert config.email.template is None
    assert config.administrator.choose == "contact"


def test_documented_example_loads() -> None:
    config = load_config(EXAMPLE)
    assert config.provisioning_id
    assert config.customer_level in ("enterprise", "group")


def test_full_config(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            """
provisioning_id = "PROV"
customer_level = "group"
sub_partner_org_id = "SUBORG"
emergency_location_identifier = "95547321"
[emergency_location_identifiers]
"sp/g1" = "111"
[administrator]
choose = "user"
rule = "title"
title_pattern = "(?i)boss"
[administrator.users]
"sp/g1" = "ada@bw"
[email]
missing = "{first}.{last}@{domain}"
[email.domains]
"sp/g1" = "example.com"
""",
        )
    )
    assert config.customer_level == "group"
    assert config.administrator.users == {"sp/g1": "ada@bw"}
    assert config.email.template == "{first}.{last}@{domain}"
    assert config.email.domains == {"sp/g1": "example.com"}
    assert config.emergency_location_identifiers == {"sp/g1": "111"}
    assert len(config.digest) == 64


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('provisioning_id = "x"\ncolour = "red"\n', "key colour: unknown key"),
        ('[administrator]\nchose = "user"\n', "key administrator.chose: unknown key"),
        ('[email]\nmissing = "block"\ndomain = "x"\n', "key email.domain: unknown key"),
        ('customer_level = "site"\n', "key customer_level: bad value 'site'"),
        ("customer_level = 3\n", "key customer_level: expected a string"),
        ('[administrator]\nchoose = "random"\n', "key administrator.choose: bad value 'random'"),
        ('[administrator]\nchoose = "user"\n', 'key administrator.users: choose = "user" needs'),
        (
            '[administrator]\ntitle_pattern = "(unclosed"\n',
            "key administrator.title_pattern: broken pattern",
        ),
        (
            '[email]\nmissing = "{first}.{nick}@{domain}"\n',
            "key email.missing: bad value '{first}.{nick}@{domain}': unknown placeholder {nick}",
        ),
        ('[email]\nmissing = "{first}.{last}"\n', "key email.missing: bad value"),
        ('[email.domains]\n"acme" = "not a domain"\n', "key email.domains.acme: not a mail domain"),
        ("provisioning_id = \n", "not valid TOML"),
    ],
)
def test_bad_config_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(path))
    assert expected in str(caught.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")
