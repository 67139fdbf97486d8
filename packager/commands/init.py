"""`packager init [DIR]`: scaffold a new project of the same shape as Project 3's."""

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
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--title-fr", default="Nouveau programme de formation", show_default=True,
              help="Programme title in French.")
@click.option("--title-es", default="Nuevo programa de formación", show_default=True,
              help="Programme title in Spanish.")
@pass_app
def command(app: AppContext, directory: Path | None, title_fr: str, title_es: str) -> None:
    """Create a new project in DIRECTORY: packager.toml, one example module, its transcript and questions.

    Without DIRECTORY, in the current folder (or the -C folder), which must be empty (a `.git` aside).

    The new project is a sample (its footage is generated) so `packager -C DIRECTORY build` works at
    once; replace the example module with yours and set `[sample] enabled = false` when footage exists.
    Refuses to touch a folder that already holds a project.
    """
    here = directory is None
    if directory is None:
        directory = app.project_dir
        if (directory / "packager.toml").exists():
            pass  # said below, as for a named folder
        elif directory.is_dir() and any(p.name != ".git" for p in directory.iterdir()):
            raise PackagerError("this folder is not empty; nothing was written", path=directory.resolve(),
                                hint="run `packager init` in an empty folder, or name a new one: "
                                     "`packager init my-programme`")
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
    app.out.print(f"init: created a project in {directory.resolve() if here else directory} ({len(plan)} files)")
    same = here and directory.resolve() == Path.cwd().resolve()
    app.out.print("next: packager check" if same else f"next: packager -C {directory} check")


def _toml_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
