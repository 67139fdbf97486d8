"""`packager bundle`: the distribution folder (offline index, videos, subtitles, documents, checksums) and ISO."""

from __future__ import annotations

import click

from ..atomic import sweep_partials
from ..cli import AppContext, pass_app
from ..video.targets import TARGETS


@click.command("bundle")
@click.option("-t", "--target", type=click.Choice(TARGETS), default="usb", show_default=True,
              help="The medium: usb (a folder; no file over 4 GiB for FAT32), dvd (DVD-5, or DVD-9 when needed) "
                   "or cd (CD-R); dvd and cd also get an ISO image.")
@click.option("--scorm", is_flag=True, help="Also write a SCORM 1.2 zip of the bundle for an LMS (Moodle...).")
@click.option("--no-iso", is_flag=True, help="For dvd and cd, skip the ISO image (the folder is still made).")
@pass_app
def command(app: AppContext, target: str, scorm: bool, no_iso: bool) -> None:
    """Assemble dist/<programme>-<target>/ from the rendered videos and the documents.

    \b
    The folder holds index.html (open it in any browser, no network: the nine modules, Spanish
    captions by default, French selectable, chapters, documents; interface in French or Spanish),
    videos/, subtitles/, documents/, LISEZMOI.txt, LEAME.txt and SHA256SUMS.
    For dvd and cd, also dist/<programme>-<target>.iso (ISO 9660 + Joliet + Rock Ridge).

    Needs `packager render --target TARGET` and `packager docs` first (`packager build` runs them all).
    Checks file names and the medium's capacity before writing anything: over budget, the message
    lists the largest files and exits 2 without an image. A failed run leaves no half-made folder.
    """
    from ..bundle.build import make_bundle

    sweep_partials(app.project.dist_dir)  # temporary ISOs and zips that killed runs left
    result = make_bundle(app.project, target, scorm=scorm, console=app.err, iso=not no_iso)
    app.out.print(f"bundle: {result.path}", markup=False, highlight=False)
    app.out.print(f"  size: {result.size_text(target)}", markup=False)
    if result.iso is not None:
        app.out.print(f"  disc image: {result.iso}", markup=False, highlight=False)
    if result.scorm is not None:
        app.out.print(f"  SCORM package: {result.scorm}", markup=False, highlight=False)
    app.out.print(f"  check a copy with: packager verify {result.iso or result.path}", markup=False,
                  highlight=False)
