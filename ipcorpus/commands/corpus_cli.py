"""The commands on a corpus as a whole: report (the brief), check (the CI gate) and
config (the settings a run would use)."""
from __future__ import annotations

import os

import typer

from ipcorpus.commands.app import (
    Command,
    ConfigOpt,
    DbOpt,
    DropRuleOpt,
    FormatOpt,
    GlobOpt,
    JobsOpt,
    KeepRuleOpt,
    LexiconOpt,
    ListFilesOpt,
    NoCacheOpt,
    PathsArg,
    SchedulerOpt,
    app,
    check_format,
    finish,
    print_files,
    run_corpus,
    run_options,
    shown,
)
from ipcorpus.errors import IpcorpusError


# report -------------------------------------------------------------------------
@app.command(cls=Command)
def report(paths: list[str] = PathsArg,
           html: str | None = typer.Option(None, "--html", metavar="FILE",
                                              help="Write the brief as one self-contained HTML page with SVG charts "
                                                   "(- for stdout). Alone, nothing else is printed."),
           top: int = typer.Option(5, "--top", min=1, metavar="N", help="Evidence clauses per side."),
           keywords: int = typer.Option(10, "--keywords", min=0, metavar="N",
                                        help="Keywords per side (0: none, skips jieba)."),
           force: bool = typer.Option(False, "--force",
                                      help="Let --html write over an existing file that is not a brief ipcorpus "
                                           "wrote, an article included."),
           format: str = FormatOpt, db: str | None = DbOpt, no_cache: bool = NoCacheOpt,
           jobs: int = JobsOpt, glob: list[str] | None = GlobOpt, config: str | None = ConfigOpt,
           keep_rule: list[str] | None = KeepRuleOpt, drop_rule: list[str] | None = DropRuleOpt,
           lexicon: list[str] | None = LexiconOpt, list_files: bool = ListFilesOpt,
           scheduler: str | None = SchedulerOpt):
    """The corpus brief: stance shares over unique articles (reposts counted once),
    reposts, breakdowns by source, portal, month and entity, the strongest voices per
    side with citations and keywords, and the corpus health. tsv/csv give every figure
    as `section key metric value` rows."""
    from ipcorpus.commands.output import Out
    from ipcorpus.report import compute, render, write_html
    check_format(format)
    if html == "-" and format != "auto":
        raise IpcorpusError("--html - prints the page on stdout, so it takes no --format "
                            "(write the page to a file to have both)")
    out = Out(format)
    opts = run_options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)
    if list_files:
        print_files(paths, opts, out)
    if html:
        from ipcorpus.commands.outfile import check_target
        check_target(html, "html", paths, opts.patterns, force)
    corpus, hard = run_corpus(paths, opts, out)
    from ipcorpus.index.output_cache import figures
    data = figures(corpus, "report", {"paths": [shown(p) for p in paths], "top": top, "keywords": keywords},
                   lambda: compute(corpus, paths, top=top, keywords=keywords))
    if html:
        write_html(data, html, out)
    if not html or (format != "auto" and html != "-"):
        render(data, out)
    finish(corpus, hard)


# check --------------------------------------------------------------------------
@app.command(cls=Command)
def check(paths: list[str] | None = typer.Argument(
              None, show_default=False, metavar="PATH...",
              help="Files or folders of articles (default: the current folder); - for one article from "
                   "standard input, cited as <stdin>:LINE and never indexed."),
          format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                                     help="text: `path:line:col: CODE message`, columns counting Unicode code points "
                                          "from 1 | json | jsonl | github (workflow annotations) | sarif (2.1.0)."),
          fail_on: str = typer.Option("error", "--fail-on", metavar="SEVERITY",
                                      help="Exit 1 on findings at or above: error | warning | info."),
          exit_zero: bool = typer.Option(False, "--exit-zero",
                                         help="Exit 0 even with findings (still 2 when a file cannot be read)."),
          select: list[str] | None = typer.Option(None, "--select", metavar="CODE",
                                                     help="Only these codes or prefixes, e.g. E,W206 (repeatable)."),
          ignore: list[str] | None = typer.Option(None, "--ignore", metavar="CODE",
                                                     help="Not these codes or prefixes (repeatable)."),
          require_stance: bool = typer.Option(False, "--require-stance",
                                              help="Report I301 (neutral, no evidence) as an error."),
          changed_since: str | None = typer.Option(None, "--changed-since", metavar="REF",
                                                      help="Only article files added or modified since this git ref."),
          baseline: str | None = typer.Option(None, "--baseline", metavar="FILE",
                                                 help="Report only findings this baseline file does not hold."),
          write_baseline: str | None = typer.Option(None, "--write-baseline", metavar="FILE",
                                                       help="Record the current findings in FILE and exit 0."),
          force: bool = typer.Option(False, "--force",
                                     help="Let --write-baseline write over an existing file that is not a baseline "
                                          "ipcorpus wrote, an article included."),
          max_size: str | None = typer.Option(None, "--max-size", metavar="SIZE",
                                                 help="E104 above this size: bytes, or with K, M, G. "
                                                      "Default: max_size of ipcorpus.toml, else 100M."),
          base: str | None = typer.Option(None, "--base", metavar="DIR",
                                             help="github and sarif paths relative to DIR. Default: the top of "
                                                  "the git work tree, else the current folder."),
          db: str | None = DbOpt, no_cache: bool = NoCacheOpt, jobs: int = JobsOpt,
          glob: list[str] | None = GlobOpt, config: str | None = ConfigOpt,
          keep_rule: list[str] | None = KeepRuleOpt, drop_rule: list[str] | None = DropRuleOpt,
          lexicon: list[str] | None = LexiconOpt, list_files: bool = ListFilesOpt,
          scheduler: str | None = SchedulerOpt):
    """Check articles for CI: unreadable, empty, all-noise or damaged files, furniture
    left in the text, reposts. One finding per line on stdout, a summary on stderr.
    Exit 0: nothing at or above --fail-on; 1: findings; 2: usage error or a file that
    cannot be read. Codes: see README.md."""
    from ipcorpus import check as chk
    from ipcorpus.commands.output import Out
    check_format(format, chk.FORMATS)
    settings = chk.Settings(fail_on=fail_on, select=tuple(select or ()), ignore=tuple(ignore or ()),
                            require_stance=require_stance, max_size=chk.parse_size(max_size))
    paths = list(paths or ["."])
    opts = run_options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)
    if list_files:
        _check_list_files(paths, opts, changed_since)
    if write_baseline:
        from ipcorpus.commands.outfile import check_target
        check_target(write_baseline, "baseline", paths, opts.patterns, force)
    raise typer.Exit(chk.command(paths, opts, Out(format), format, settings, exit_zero=exit_zero,
                                 changed_since=changed_since, baseline=baseline, write_to=write_baseline,
                                 base=base))


def _check_list_files(paths, opts, changed_since):
    """check --list-files: with --changed-since, only the changed files (none is a pass)."""
    from ipcorpus.commands.output import Out
    out = Out("tsv")
    if changed_since is None:
        print_files(paths, opts, out)
    from ipcorpus.check import changed_files
    files = changed_files(changed_since, paths, opts.patterns)
    if not files:
        out.note(f"ipcorpus: note: no article files added or modified since {changed_since}")
        raise typer.Exit(0)
    print_files(paths, opts, out, files)


# config -------------------------------------------------------------------------
@app.command("config", cls=Command)
def config_(ctx: typer.Context, paths: list[str] | None = typer.Argument(
                None, show_default=False, help="Files or folders of articles (default: the current folder)."),
            format: str = FormatOpt, db: str | None = DbOpt, no_cache: bool = NoCacheOpt,
            glob: list[str] | None = GlobOpt, config: str | None = ConfigOpt,
            keep_rule: list[str] | None = KeepRuleOpt, drop_rule: list[str] | None = DropRuleOpt,
            lexicon: list[str] | None = LexiconOpt, list_files: bool = ListFilesOpt):
    """The settings a command on these paths would use, and where each came from:
    default, the ipcorpus.toml found at or above them (or named with --config), or the
    command line. Nothing is read or written."""
    from ipcorpus.commands.output import Out
    from ipcorpus.commands.rules_show import config_output
    from ipcorpus.config import resolve
    check_format(format)
    out = Out(format)
    paths = list(paths or ["."])
    for p in paths:
        if not os.path.lexists(p):
            raise IpcorpusError(f"{shown(p)}: no such file or directory")
    if db:
        from ipcorpus.index import check_db_folder
        check_db_folder(db)
    settings = resolve(paths, config, glob, keep_rule, drop_rule, lexicon)
    if list_files:
        print_files(paths, settings, out)
    config_output(settings, _index_of(paths, db, no_cache, ctx.get_parameter_source("db")), out)


def _index_of(paths, db, no_cache, source) -> tuple:
    """(the index a run would use, where that came from), making nothing."""
    if no_cache:
        return None, "command line (--no-cache)"
    if db:
        return db, "IPCORPUS_DB" if source is not None and source.name == "ENVIRONMENT" else "command line"
    from ipcorpus.index import default_db_path
    path, note = default_db_path(paths, create=False)
    return path, "default (the corpus folder is read-only: in the user cache)" if note else "default"
