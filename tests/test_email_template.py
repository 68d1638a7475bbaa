"""The e-mail template for users without an address takes plain placeholders only."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate.config import check_email_template, load_config
from migrate.errors import ConfigError, ExitCode
from migrate.mapping import email as email_rules


@pytest.mark.parametrize(
    "template",
    [
        "{first:>99999999}@{domain}",  # 100 MB of padding per address
        "{first:{last}}@{domain}",  # a nested spec
        "{first!r}@{domain}",
        "{first.__class__}@{domain}",
        "{first[0]}@{domain}",
        "{}@{domain}",
        "{0}@{domain}",
        "{first}@{domain:x}",
    ],
)
def test_anything_but_a_plain_known_placeholder_is_refused(template: str) -> None:
    problem = check_email_template(template)
    assert problem is not None and "placeholder" in problem, problem


def test_plain_placeholders_pass_and_render() -> None:
    template = "{first}.{last}.{user}.{extension}@{domain}"
    assert check_email_template(template) is None
    email = email_rules.render(
        template, first="Zoë", last="Ng", user_id="zng@sp", extension="1001", domain="Ex.com"
    )
    assert email == "zoe.ng.zng.1001@ex.com"


def test_a_format_spec_in_the_config_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "migrate.toml"
    path.write_text('[email]\nmissing = "{first:>99999999}@{domain}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "email.missing" in message and "{first:>99999999}" in message
    assert "\n" not in message and len(message) < 300
    assert caught.value.exit_code == ExitCode.USAGE
