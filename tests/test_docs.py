"""The README and docs/ say what the command line does: every `lianjie` command they show
exists, with every option they give it; the README stays a newcomer's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjie.cli import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A command as a page shows it: a code span or a code block's line that starts `lianjie WORD`.
SHOWN = re.compile(r"^lianjie ((?:db |users )?[a-z]+)\b(.*)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def shown_commands() -> list[tuple[str, str, str]]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        blocks = [line for block in FENCE.findall(text) for line in block.splitlines()]
        spans = re.findall(r"`([^`\n]+)`", FENCE.sub("", text))
        for shown in (s.strip() for s in blocks + spans):
            if match := SHOWN.match(shown):
                found.append((page.name, match[1], match[2]))
    return found


def help_of(command: str) -> str:
    result = CliRunner().invoke(app, [*command.split(), "--help"], terminal_width=200)
    assert 0 == result.exit_code, f"lianjie {command}: {result.output}"
    return result.output


COMMANDS = sorted({command for _, command, _ in shown_commands()})


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_shown_exists(command: str) -> None:
    help_of(command)


def test_every_option_shown_is_one_the_command_takes() -> None:
    helps = {command: help_of(command) for command in COMMANDS}
    wrong = [
        f"{page}: lianjie {command} {option}"
        for page, command, rest in shown_commands()
        for option in re.findall(r"--[a-z][a-z-]+", rest)
        if option not in helps[command] and option not in {"--help", "--verbose"}
    ]
    assert [] == wrong


def test_the_readme_is_a_newcomers_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 300
    for page in PAGES:
        assert "../shared" not in page.read_text(encoding="utf-8"), page.name
    links = re.findall(r"\]\(([^)#]+)", readme)
    assert [] == [link for link in links if not (ROOT / link).exists()]


def test_the_server_recipe_serves_no_report_and_seals_the_confidential_list() -> None:
    """Issue 37: the recipe's step 6 ran `python -m http.server` on the reports folder, which
    served the confidential list to the network. The recipe now serves no report folder, sets
    the password the list is encrypted with, and keeps Prefect's home for its owner."""
    page = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")
    [recipe] = [block for block in re.findall(r"```sh\n(.*?)```", page, re.S) if "deploy" in block]
    commands = [line for line in recipe.splitlines() if line and not line.startswith("#")]
    assert not [c for c in commands if re.search(r"http\.server|--directory|nginx|caddy", c)]
    assert any(c.startswith("export LIANJIE_CONFIDENTIAL_PASSWORD=") for c in commands)
    assert any("umask 077" in c for c in commands)
    assert "--host 127.0.0.1" in recipe
