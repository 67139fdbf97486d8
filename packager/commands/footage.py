"""`packager footage`: generate the synthetic footage of a sample project."""

from __future__ import annotations

import click

from ..cli import AppContext, pass_app
from ..errors import PackagerError
from ..progress import step_progress
from ..sample import generate_sample_footage, planned_clips


@click.command("footage")
@click.option("-j", "--jobs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="How many clips to encode at once.")
@pass_app
def command(app: AppContext, jobs: int) -> None:
    """Generate missing footage for a sample project (colour slate, module title, tone).

    Only for projects marked `[sample] enabled = true`: real projects bring their own footage.
    Clips go to .packager/sample-footage/, each long enough for the edit points that use it.
    """
    project = app.project
    if not project.is_sample:
        raise PackagerError("this project is not a sample: its footage must be supplied, not generated",
                            path=project.root / "packager.toml", where="field sample.enabled")
    make_sample_footage(app, jobs)


def make_sample_footage(app: AppContext, jobs: int = 2) -> int:
    """Shared with `build`: generate what is missing, with progress; returns how many clips were made."""
    project = app.project
    todo = planned_clips(project)
    if not todo:
        app.err.print("footage: sample footage complete")
        return 0
    with step_progress(app.err, f"footage: generating {len(todo)} sample clip(s)", len(todo)) as advance:
        generate_sample_footage(project, jobs=jobs, on_done=lambda clip: advance())
    app.err.print(f"footage: made {len(todo)} synthetic clip(s) in "
                  f"{project.sample_footage_dir.relative_to(project.root)}/ (sample project: no real footage)")
    return len(todo)
