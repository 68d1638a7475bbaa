"""Mapping tables: user copies, fallback to the shipped tables, and refused bad tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate.errors import ConfigError, ExitCode
from migrate.mapping.tables import load_tables, shipped_dir
from tests.migration_helpers import CONFIG, SAMPLES, common, invoke


def _copy(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "maps"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_shipped_tables_load() -> None:
    tables = load_tables()
    assert all(Path(p).parent == shipped_dir() for p in tables.sources.values())
    assert len(tables.digest) == 64


def test_user_table_overrides_and_missing_ones_fall_back(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path, "packages.csv", "order,package,match,services\n1,webex_suite,default,\n"
    )
    tables = load_tables(folder)
    assert tables.sources["packages.csv"] == str(folder / "packages.csv")
    assert tables.sources["devices.csv"] == str(shipped_dir() / "devices.csv")
    assert tables.packages.classify(("Integrated IMP",), False).package == "webex_suite"


def test_user_copy_of_every_table_loads(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(shipped_dir(), folder)
    assert load_tables(folder).digest == load_tables().digest


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "packages.csv",
            "order,package,match,services\n1,webex_gold,any,Integrated IMP\n"
            "2,webex_voice,default,\n",
            "packages.csv: row 2: column package: unknown package 'webex_gold'",
        ),
        (
            "packages.csv",
            "order,package,match,services\n1,webex_calling,any,X\n1,webex_voice,default,\n",
            "packages.csv: row 3: column order: duplicate key 1 (also row 2)",
        ),
        (
            "packages.csv",
            "order,package,match,services\n1,webex_calling,any,Call [Center\n"
            "2,webex_voice,default,\n",
            "packages.csv: row 2: column services: broken pattern 'Call [Center': unclosed '['",
        ),
        (
            "packages.csv",
            "order,package,services\n1,webex_voice,\n",
            "packages.csv: row 1: column match: missing column",
        ),
        (
            "packages.csv",
            "order,package,match,services\n1,webex_voice,sometimes,X\n",
            "packages.csv: row 2: column match: unknown match 'sometimes'",
        ),
        (
            "packages.csv",
            "order,package,match,services\n1,webex_voice,any,X\n",
            "packages.csv: column match: 0 default rows",
        ),
        (
            "devices.csv",
            "order,device_type,user_agent,model,kind\n1,,Cisco-CP-(\\d{4}-3PCC,"
            "DMS Cisco {1},phone\n",
            "devices.csv: row 2: column user_agent: broken pattern",
        ),
        (
            "devices.csv",
            "order,device_type,user_agent,model,kind\n1,cisco.*,,DMS Cisco {2},phone\n",
            "devices.csv: row 2: column model: {2} but the patterns capture 0 group(s)",
        ),
        (
            "devices.csv",
            "order,device_type,user_agent,model,kind\n1,a.*,,X,phone\n2,a.*,,Y,phone\n",
            "devices.csv: row 3: column device_type: duplicate key",
        ),
        (
            "devices.csv",
            "order,device_type,user_agent,model,kind\n1,a.*,,X,fax\n",
            "devices.csv: row 2: column kind: unknown kind 'fax'",
        ),
        (
            "devices.csv",
            "order,device_type,user_agent,model,kind,colour\n",
            "devices.csv: row 1: column colour: unknown column",
        ),
        (
            "languages.csv",
            "language,iso639_1\nEnglish,en\nenglish,en\n",
            "languages.csv: row 3: column language: duplicate key 'english' (also row 2)",
        ),
        (
            "languages.csv",
            "language,iso639_1\nEnglish,eng\n",
            "languages.csv: row 2: column iso639_1: not a two-letter ISO 639-1 code",
        ),
        (
            "countries.csv",
            "name,code\nUSA,USA\n",
            "countries.csv: row 2: column code: not an ISO alpha-2 code: 'USA'",
        ),
        ("countries.csv", "name\nUSA\n", "countries.csv: row 1: column code: missing column"),
        (
            "states.csv",
            "country,name,code\nUS,Ohio,OH\nUS,ohio,OH\n",
            "states.csv: row 3: column name: duplicate key",
        ),
        (
            "unsupported_services.csv",
            "service,rebuild\nCall Center - *,x\ncall center - *,y\n",
            "unsupported_services.csv: row 3: column service: duplicate key",
        ),
    ],
)
def test_bad_tables_are_refused(tmp_path: Path, name: str, text: str, expected: str) -> None:
    folder = _copy(tmp_path, name, text)
    with pytest.raises(ConfigError) as caught:
        load_tables(folder)
    message = str(caught.value)
    assert str(folder / name) in message
    assert expected in message
    assert "\n" not in message


def test_missing_mappings_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mappings folder not found"):
        load_tables(tmp_path / "nope")


def test_a_table_that_is_a_folder_is_refused_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "maps"
    (folder / "countries.csv").mkdir(parents=True)
    with pytest.raises(ConfigError) as caught:
        load_tables(folder)
    assert str(caught.value) == f"{folder / 'countries.csv'}: a folder, not a CSV table"


@pytest.mark.parametrize(
    ("pattern", "column", "why"),
    [
        ("(a+)+$", "user_agent", "nested quantifier"),
        ("(?:\\w+\\s?)+x", "user_agent", "nested quantifier"),
        ("(cisco|cisco )*phone", "device_type", "nested quantifier"),
        (".*a.*b.*c.*d", "device_type", "4 unbounded quantifiers"),
    ],
)
def test_a_pattern_that_may_backtrack_forever_is_refused(
    tmp_path: Path, pattern: str, column: str, why: str
) -> None:
    cells = {"device_type": "", "user_agent": "", column: pattern}
    row = f"10,{cells['device_type']},{cells['user_agent']},DMS Cisco 8845,phone\n"
    folder = _copy(tmp_path, "devices.csv", "order,device_type,user_agent,model,kind\n" + row)
    with pytest.raises(ConfigError) as caught:
        load_tables(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'devices.csv'}: row 2: column {column}: pattern")
    assert why in message and "\n" not in message


def test_the_shipped_device_patterns_pass_the_backtracking_check() -> None:
    tables = load_tables()
    assert len(tables.devices.rules) > 10


def test_an_unterminated_quote_is_refused_with_its_row(tmp_path: Path) -> None:
    text = 'name,code\nFrance,FR\n"Germany,DE\nItaly,IT\n'
    folder = _copy(tmp_path, "countries.csv", text)
    with pytest.raises(ConfigError) as caught:
        load_tables(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'countries.csv'}: row 3: ")
    assert "line 3" in message and "quote" in message and "\n" not in message


def test_bad_tables_exit_2_with_one_line_from_the_command(tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    (root / "migrate.toml").write_text(CONFIG)
    code, _out, err = invoke("extract", *common(root), str(SAMPLES / "acme-enterprise"))
    assert code == 0, err
    folder = _copy(tmp_path, "devices.csv", "order,device_type,user_agent,model,kind\n")
    (folder / "devices.csv").write_text(
        "order,device_type,user_agent,model,kind\n10,,(a|aa)+$,DMS Cisco 8845,phone\n"
    )
    code, _out, err = invoke("map", *common(root), "--mappings", str(folder))
    assert code == ExitCode.USAGE
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "devices.csv: row 2: column user_agent" in lines[0], err
    assert "Traceback" not in err
