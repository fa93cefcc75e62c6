"""``corpuskit clean``: a raw corpus in, a cleaned corpus, its rejects and a report out."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from corpuskit import pipeline
from corpuskit.cli.common import (
    checked_code_registry,
    column_options,
    config_option,
    fail,
    user_errors_exit,
)
from corpuskit.cli.progress import progress_bars
from corpuskit.config import Config, OutputOptions, load_config
from corpuskit.display import printable
from corpuskit.engine import ENGINES, make_engine
from corpuskit.schema import OUTPUT_FORMATS


def _apply_flags(config: Config, **flags: object) -> Config:
    """Command-line flags override the configuration file."""
    changes = {k: v for k, v in flags.items() if v is not None}
    if not changes:
        return config
    return config.replace(input=dataclasses.replace(config.input, **changes))


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    help="Output folder, local or a URL on object storage (s3://..., needs "
    f"corpuskit[remote]; default for the bundled sample: {pipeline.DEFAULT_OUT}).",
)
@click.option("--overwrite", is_flag=True, help="Replace the output folder if it exists.")
@click.option(
    "--work-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="With a URL --out: the local folder the run works in before the upload (default: "
    "one under ~/.cache/corpuskit named by the URL); --resume needs the same one.",
)
@config_option
@column_options
@click.option("--strict", is_flag=True, default=None, help="Stop at the first malformed record.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    help="Format of the clean, rejected and findings datasets: Parquet (default), or JSON "
    "Lines plain, gzip or zstd compressed (config: [output] format).",
)
@click.option("--no-validate", is_flag=True, help="Skip the boilerplate and quality rules.")
@click.option("--no-dedup", is_flag=True, help="Skip duplicate detection.")
@click.option("--workers", type=int, help="Processes to use (default: all cores).")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run into the same --out from the parts it finished "
    "(with a URL --out, also upload again an output whose upload failed).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=pipeline.BATCH_ROWS,
    show_default=True,
    help="Documents per part (memory grows with it).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="Where the passes run: this machine, or a Ray cluster (needs corpuskit[ray]).",
)
@click.option("--ray-address", help="Ray cluster to join (default: start a local Ray).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars and no summary.")
@user_errors_exit
def clean(
    inputs: tuple[Path, ...],
    out: str | Path | None,
    overwrite: bool,
    work_dir: Path | None,
    config_file: Path | None,
    text_col: str | None,
    title_col: str | None,
    id_col: str | None,
    strict: bool | None,
    output_format: str | None,
    no_validate: bool,
    no_dedup: bool,
    workers: int | None,
    resume: bool,
    batch_size: int,
    engine: str,
    ray_address: str | None,
    quiet: bool,
) -> None:
    """Clean INPUTS (JSONL[.gz|.zst], Parquet, CSV, folders of .txt) into --out.

    An INPUT or --out may be a URL on object storage (s3://, gs://, hf://, ...; needs
    corpuskit[remote] and the storage's fsspec driver). A URL --out is written in a
    local work folder and uploaded when the run has finished, its marker file last.

    With no INPUTS, runs on the bundled sample in seeds/ and writes reports/latest/.
    Writes clean.parquet, rejected.parquet, findings.parquet (clean.jsonl... with
    --format jsonl), summary.json and report.html; every input document ends up in
    exactly one of clean or rejected.
    """
    if no_validate and no_dedup:
        fail("--no-validate and --no-dedup together leave nothing to do; drop one of them")
    config = load_config(config_file)
    config = _apply_flags(
        config, text_col=text_col, title_col=title_col, id_col=id_col, strict=strict
    )
    if workers is not None:
        config = config.replace(workers=workers)
    if output_format is not None:
        config = config.replace(output=OutputOptions(format=output_format))
    codes = checked_code_registry(config, config_file)
    paths = list(inputs)
    if not paths:
        paths = pipeline.seed_inputs()
        if not paths:
            fail("no INPUT given and the bundled sample folder (seeds/) holds no corpus file")
        if out is None:
            out, overwrite = pipeline.DEFAULT_OUT, True
    if out is None:
        fail("--out DIR is required when INPUTs are given (the folder the results go to)")
    result = pipeline.clean(
        paths,
        out,
        config=config,
        overwrite=overwrite,
        do_validate=not no_validate,
        do_dedup=not no_dedup,
        progress=progress_bars(not quiet),
        resume=resume,
        batch_rows=batch_size,
        engine=make_engine(engine, workers=config.workers, address=ray_address),
        work_dir=work_dir,
    )
    if not quiet:
        click.echo(format_summary(result.summary, result.out_dir, result.seconds, codes.names()))


def format_summary(
    summary: dict, out_dir: Any, seconds: float, names: dict[str, str] | None = None
) -> str:
    """The short text summary printed after a run; ``names`` maps codes to rule names.

    Codes, names and the folder come from rule files and the command line: they are
    printed through :func:`~corpuskit.display.printable`."""
    names = {printable(code): printable(name) for code, name in (names or {}).items()}
    docs = summary["documents"]
    lines = [summary["run"]["read"]] if summary.get("run", {}).get("read") else []
    lines.append(
        f"{docs['in']:,} documents in: {docs['kept']:,} kept, {docs['rejected']:,} rejected"
        f" ({seconds:.1f} s)"
    )
    if summary["rejected_by_reason"]:
        lines.append("rejected by reason:")
        for reason, count in _top(summary["rejected_by_reason"]):
            reason = printable(reason)
            lines.append(f"  {reason:<8} {names.get(reason, ''):<30} {count:>8,}")
    stripped = summary["stripped_by_rule"]
    if stripped:
        lines.append("lines stripped by rule:")
        for code, stats in sorted(stripped.items(), key=lambda kv: (-kv[1]["lines"], kv[0])):
            code = printable(code)
            lines.append(
                f"  {code:<8} {names.get(code, ''):<30} {stats['lines']:>8,} lines"
                f" in {stats['documents']:,} documents"
            )
    clusters = summary["duplicates"]
    lines.append(
        f"duplicate clusters: {clusters['clusters']:,}"
        f" ({clusters['documents_in_clusters']:,} documents)"
    )
    lines.append(f"report: {printable(out_dir / 'report.html')}")
    return "\n".join(lines)


def _top(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
