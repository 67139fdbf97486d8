"""`packager init DIR`: scaffold a new project of the same shape as Project 3's."""

from __future__ import annotations

from pathlib import Path

import click
from jinja2 import Environment, StrictUndefined

from ..atomic import write_text
from ..cli import AppContext, pass_app
from ..errors import PackagerError
from ..names import slugify

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "data" / "init"
RENAMES = {"gitignore": ".gitignore"}  # dotfiles are not reliably packaged, so they ship under a plain name


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title-fr", default="Nouveau programme de formation", show_default=True,
              help="Programme title in French.")
@click.option("--title-es", default="Nuevo programa de formación", show_default=True,
              help="Programme title in Spanish.")
@pass_app
def command(app: AppContext, directory: Path, title_fr: str, title_es: str) -> None:
    """Create a new project in DIRECTORY: packager.toml, one example module, its transcript and questions.

    The new project is a sample (its footage is generated) so `packager -C DIRECTORY build` works at
    once; replace the example module with yours and set `[sample] enabled = false` when footage exists.
    Refuses to touch a folder that already holds a project.
    """
    if (directory / "packager.toml").exists():
        raise PackagerError("a project already exists here; nothing was written", path=directory / "packager.toml",
                            hint="choose another folder")
    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    values = {"title_fr": _toml_escape(title_fr), "title_es": _toml_escape(title_es), "slug": slugify(title_fr)}
    plan = []
    for source in sorted(p for p in TEMPLATE_DIR.rglob("*") if p.is_file()):
        relative = source.relative_to(TEMPLATE_DIR)
        target = directory / relative.parent / RENAMES.get(relative.name, relative.name)
        if target.exists():
            raise PackagerError("file already exists; nothing was written", path=target,
                                hint="choose an empty folder")
        plan.append((source, target))
    for source, target in plan:
        write_text(target, env.from_string(source.read_text(encoding="utf-8")).render(values))
    for empty in ("subtitles/es", "workbooks/es/questions", "footage"):
        (directory / empty).mkdir(parents=True, exist_ok=True)
    app.out.print(f"init: created a project in {directory} ({len(plan)} files)")
    app.out.print(f"next: packager -C {directory} check")


def _toml_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
