"""The README is the user's manual: every CLI command must be documented there with an example."""

from pathlib import Path

import typer.main

from pipeline.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_a_readme_example() -> None:
    missing = [name for name in command_names() if f"tonghop {name}" not in README]
    assert not missing, f"README.md lacks an example of: {', '.join(missing)}"


def test_readme_names_the_two_setup_commands() -> None:
    assert "make run" in README and "make test" in README
