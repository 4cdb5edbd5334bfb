"""Command line: parse options, call the core, render. Nothing is computed here."""
from __future__ import annotations

import os
import sys

import typer
from typer import _click as click  # typer >= 0.20 (pyproject pins >= 0.26) vendors click
from typer.core import TyperCommand, TyperGroup, TyperOption

from ipcorpus import __version__
from ipcorpus.errors import IpcorpusError


def _display_params() -> list:
    """--color, -q and -v, the same on the root and on every command (the root's
    apply to the command, which may add to them): what a run says besides its
    results, and in what colour (output.Display)."""
    return [
        TyperOption(param_decls=["--color"], default=None, metavar="WHEN",
                    help="auto | always | never: colour of tables and the progress bar. Default: auto "
                         "(colour on a terminal unless NO_COLOR is set)."),
        TyperOption(param_decls=["-q", "--quiet"], is_flag=True, default=False,
                    help="No warnings, notes or progress bar on stderr: results and errors only."),
        TyperOption(param_decls=["-v", "--verbose"], count=True, default=0, type=click.types.INT,
                    help="List every file that could not be analysed, also those that failed in earlier runs."),
    ]


def _take_display(ctx, reset: bool):
    """Apply the display options of this command (or the root) and hide them from its function."""
    from ipcorpus.commands.output import configure
    configure(ctx.params.pop("color", None), bool(ctx.params.pop("quiet", False)),
              int(ctx.params.pop("verbose", 0) or 0), reset=reset)


class Group(TyperGroup):
    """Every failure becomes one `ipcorpus: error: …` line with exit 2; a closed
    pipe ends quietly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params += _display_params()

    def invoke(self, ctx):
        _take_display(ctx, reset=True)
        # Click's main turns a closed pipe into exit 1; `| head` must end quietly with 0.
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _quiet_pipe()
            return 0

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        argv = kwargs.get("args", args[0] if args else None)
        # --debug shows the traceback of an internal error; user errors stay one line.
        debug = "--debug" in (sys.argv[1:] if argv is None else argv)
        code = 0
        try:
            rv = super().main(*args, **kwargs)
            code = rv if isinstance(rv, int) else 0
            sys.stdout.flush()
        except typer.Exit as e:
            code = getattr(e, "exit_code", 0)
        except (typer.Abort, KeyboardInterrupt):
            _err("interrupted")
            code = 130
        except click.exceptions.NoArgsIsHelpError as e:
            # Bare `ipcorpus`: the help as --help formats it, on stderr (a usage error).
            _print(e.format_message(), sys.stderr)
            code = 2
        except click.ClickException as e:
            _err(e.format_message().replace("\n", " "))
            code = 2
        except IpcorpusError as e:
            _err(str(e))
            code = e.code
        except BrokenPipeError:
            _quiet_pipe()
            code = 0
        except Exception as e:  # noqa: BLE001 - the last guard against a traceback
            if debug:
                raise
            _err(f"internal error: {type(e).__name__}: {e} (run `ipcorpus --debug …` for details)")
            code = 2
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_pipe()
        from ipcorpus.commands.output import configure
        configure(reset=True)            # one invocation's settings never reach the next (tests run many)
        sys.exit(code)


class Command(TyperCommand):
    """Every command: the display options (_display_params), and usage naming a
    required argument as `PATH...`, not typer's `{PATH...}`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params += _display_params()

    def invoke(self, ctx):
        _take_display(ctx, reset=False)
        return super().invoke(ctx)

    def collect_usage_pieces(self, ctx):
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in super().collect_usage_pieces(ctx)]


def _print(text: str, stream):
    try:
        print(text, file=stream)
    except (BrokenPipeError, ValueError):
        pass


def _err(msg: str):
    # Undecodable bytes of a path as \xNN, as safe_path prints them everywhere else.
    msg = msg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    try:
        print(f"ipcorpus: error: {msg}", file=sys.stderr)
    except (BrokenPipeError, ValueError):
        pass


def _quiet_pipe():
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


app = typer.Typer(cls=Group, add_completion=True, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Founder-IP versus matrix stance in scraped Chinese articles, every claim cited to path:line.")


def _version(value: bool):
    if value:
        print(f"ipcorpus {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit."),
          debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors.")):
    """Founder-IP versus matrix stance in scraped Chinese articles."""


# Shared options ------------------------------------------------------------------
def _paths_arg(stdin: bool = True):
    return typer.Argument(..., metavar="PATH...", show_default=False,
                          help="Files or folders of articles (.txt and .md by default)"
                               + ("; - for one article from standard input, cited as <stdin>:LINE and never "
                                  "indexed." if stdin else "; not - (standard input): ingest indexes files."))


PathsArg = _paths_arg()
FilePathsArg = _paths_arg(stdin=False)
FormatOpt = typer.Option(
    "auto", "--format", "-f", metavar="FORMAT",
    help="table | tsv | csv | json | jsonl | markdown. Default: table on a terminal, tsv otherwise.")
DbOpt = typer.Option(None, "--db", envvar="IPCORPUS_DB", metavar="FILE",
                     help="Index file. Default: .ipcorpus/index.sqlite in the corpus folder.")
NoCacheOpt = typer.Option(False, "--no-cache", help="Analyse without reading or writing the index.")
JobsOpt = typer.Option(0, "--jobs", "-j", min=0, metavar="N", help="Worker processes (0: one per core).")
GlobOpt = typer.Option(None, "--glob", metavar="PATTERN",
                       help="File name patterns to take from folders (repeatable). Default: *.txt, *.md.")
ConfigOpt = typer.Option(None, "--config", metavar="FILE",
                         help="Settings file. Default: the nearest ipcorpus.toml above the paths.")
KeepRuleOpt = typer.Option(None, "--keep-rule", metavar="RULE", help="Do not drop lines for this rule (repeatable).")
DropRuleOpt = typer.Option(None, "--drop-rule", metavar="RULE",
                           help="Turn on an opt-in rule (repeatable; see `ipcorpus rules`).")
LexiconOpt = typer.Option(None, "--lexicon", metavar="FILE", help="Extra lexicon TOML file (repeatable).")
SchedulerOpt = typer.Option(None, "--scheduler", envvar="IPCORPUS_SCHEDULER", metavar="ADDRESS",
                            help="Analyse on this Dask scheduler's workers (tcp://host:8786; needs ipcorpus[dask]).")
ListFilesOpt = typer.Option(False, "--list-files",
                            help="Print the files the command would read, one per line, and exit.")


def _options(paths, db, no_cache, jobs, glob, config, keep_rule=None, drop_rule=None, lexicon=None, scheduler=None):
    from ipcorpus.api import make_options
    if db:
        from ipcorpus.index import check_db_folder
        check_db_folder(db)
    return make_options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)


def _list_files(paths, opts, out, files=None):
    """--list-files: the files the glob takes, one per line, as `rg --files` lists
    them; nothing taken is exit 1 with the usual note."""
    from ipcorpus.commands.output import nothing_matched
    from ipcorpus.source import iter_paths
    files = list(iter_paths(paths, opts.patterns)) if files is None else files
    if not files:
        out.note(nothing_matched(paths, opts.patterns), always=True)
        raise typer.Exit(1)
    out.write("".join(_show(f) + "\n" for f in files))
    raise typer.Exit(0)


def _check_format(fmt: str, allowed=None):
    from ipcorpus.commands.output import FORMATS
    allowed = allowed or FORMATS
    if fmt != "auto" and fmt not in allowed:
        raise IpcorpusError(f"unknown format '{fmt}' (choose from {', '.join(allowed)})")


def _run(paths, opts, out):
    from ipcorpus.api import Corpus
    from ipcorpus.progress import Progress
    with Progress(out.err) as bar:
        corpus = Corpus.open(paths, options=opts, progress=bar.update).run
    for n in corpus.notes:
        out.note(f"ipcorpus: note: {n}")
    return corpus, _warn_failed(corpus, paths, out)


def _warn_failed(corpus, paths, out) -> bool:
    """A warning per file of a folder that could not be analysed, in full the first
    time it fails; files that failed the same way in the runs before are one summary
    line (every one with -v). True when a file named on the command line failed: that
    is the error that ends the run (_finish)."""
    from ipcorpus.commands.output import DISPLAY
    from ipcorpus.source import STDIN
    explicit = {STDIN if p == "-" else p for p in paths if not os.path.isdir(p)}
    hard = False
    known = 0
    for f in corpus.failed():
        if f.path in explicit:
            hard = True     # reported once, as the error line that ends the run
        elif f.known and not DISPLAY.verbose:
            known += 1
        else:
            out.note(f"ipcorpus: warning: {_show(f.path)}: {f.error}")
    if known:
        from typer._click.globals import get_current_context
        command = get_current_context().info_name
        out.note(f"ipcorpus: warning: {known} file{'s' if known != 1 else ''} could not be analysed, as in "
                 f"earlier runs; `ipcorpus {command} -v` lists them")
    return hard


def _require_files(corpus, paths, opts, out):
    """stance and clean on no file at all: say so and exit 1, printing nothing."""
    from ipcorpus.commands.output import nothing_matched
    if not corpus.files:
        out.note(nothing_matched(paths, opts.patterns), always=True)
        raise typer.Exit(1)


def _show(p):
    from ipcorpus.commands.output import safe_path
    return safe_path(p)


def _finish(corpus, hard: bool):
    if hard:
        bad = [f for f in corpus.failed()]
        if len(bad) == 1:
            raise IpcorpusError(f"{_show(bad[0].path)}: {bad[0].error}")
        raise IpcorpusError(f"{len(bad)} files could not be analysed")


# ingest -------------------------------------------------------------------------
@app.command(cls=Command)
def ingest(paths: list[str] = FilePathsArg, format: str = FormatOpt, db: str | None = DbOpt,
           no_cache: bool = NoCacheOpt, jobs: int = JobsOpt, glob: list[str] | None = GlobOpt,
           config: str | None = ConfigOpt, keep_rule: list[str] | None = KeepRuleOpt,
           drop_rule: list[str] | None = DropRuleOpt, lexicon: list[str] | None = LexiconOpt,
           list_files: bool = ListFilesOpt, scheduler: str | None = SchedulerOpt):
    """Index articles (incrementally) and print a summary: files new / changed /
    unchanged / failed, encodings, scripts, lines and damaged lines."""
    from ipcorpus.commands.output import Out
    from ipcorpus.commands.stance_tables import ingest_summary
    _check_format(format)
    if "-" in paths:
        raise IpcorpusError("ingest indexes files, and standard input (-) is none: give stance, clean, check "
                            "or report - to analyse it without an index")
    out = Out(format)
    opts = _options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)
    if list_files:
        _list_files(paths, opts, out)
    corpus, hard = _run(paths, opts, out)
    if not corpus.files:
        from ipcorpus.commands.output import nothing_matched
        out.note(nothing_matched(paths, opts.patterns).replace("ipcorpus: ", "ipcorpus: warning: ", 1))
    ingest_summary(corpus, out)
    _finish(corpus, hard)


# clean --------------------------------------------------------------------------
@app.command(cls=Command)
def clean(paths: list[str] = PathsArg,
          original: bool = typer.Option(False, "--original", help="Print kept lines as they stand in the file."),
          explain: bool = typer.Option(False, "--explain", help="Print every dropped line: path:line: [rule] text."),
          kept: bool = typer.Option(False, "--kept",
                                    help="With --explain: the kept lines that may be furniture (short, list-like, "
                                         "link-like, near the end), each with why it was kept."),
          format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                                     help="text (the article) | table | tsv | csv | json | jsonl | markdown."),
          db: str | None = DbOpt, no_cache: bool = NoCacheOpt, jobs: int = JobsOpt,
          glob: list[str] | None = GlobOpt, config: str | None = ConfigOpt,
          keep_rule: list[str] | None = KeepRuleOpt, drop_rule: list[str] | None = DropRuleOpt,
          list_files: bool = ListFilesOpt, scheduler: str | None = SchedulerOpt):
    """Strip portal noise: the article alone, one line per kept line. Nothing is
    edited; every dropped line names the rule that dropped it."""
    from ipcorpus.commands.output import Out
    from ipcorpus.commands.stance_tables import clean_output
    _check_format(format, ("text",) + __import__("ipcorpus.commands.output", fromlist=["FORMATS"]).FORMATS)
    out = Out("tsv" if format == "text" else format)
    opts = _options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, None, scheduler)
    if list_files:
        _list_files(paths, opts, out)
    corpus, hard = _run(paths, opts, out)
    _require_files(corpus, paths, opts, out)
    if kept and not explain:
        raise typer.BadParameter("--kept goes with --explain", param_hint="--kept")
    clean_output(corpus, out, format, original=original, explain=explain, kept=kept)
    _finish(corpus, hard)


# stance -------------------------------------------------------------------------
@app.command(cls=Command)
def stance(paths: list[str] = PathsArg,
           evidence: int = typer.Option(0, "--evidence", "-e", min=0, metavar="N",
                                        help="Also show the N strongest clauses per article."),
           by: str | None = typer.Option(None, "--by", metavar="entity", help="entity: one row per company/person."),
           label: list[str] | None = typer.Option(None, "--label", metavar="LABEL",
                                                  help="Only articles with this label (repeatable)."),
           explain: bool = typer.Option(False, "--explain",
                                        help="Why each label: the decision, then every sentence with a target and "
                                             "whether it counted (on-question, quoted, off-question)."),
           sort: str | None = typer.Option(None, "--sort", metavar="KEY",
                                           help="Order the articles by path | label (founder-ip, matrix, mixed, "
                                                "neutral) | score (highest first) | date (newest first, undated "
                                                "last); ties by path. Default: the order of the walk."),
           limit: int | None = typer.Option(None, "--limit", min=0, metavar="N",
                                            help="Only the first N articles (after --label and --sort)."),
           format: str = FormatOpt, db: str | None = DbOpt, no_cache: bool = NoCacheOpt,
           jobs: int = JobsOpt, glob: list[str] | None = GlobOpt, config: str | None = ConfigOpt,
           keep_rule: list[str] | None = KeepRuleOpt, drop_rule: list[str] | None = DropRuleOpt,
           lexicon: list[str] | None = LexiconOpt, list_files: bool = ListFilesOpt,
           scheduler: str | None = SchedulerOpt):
    """Stance per article: founder-ip, matrix, mixed or neutral, with a score in
    [-1, 1] (positive leans founder-IP) and evidence cited as path:line."""
    from ipcorpus.commands.output import Out
    from ipcorpus.commands.stance_tables import LABELS, SORTS, stance_output
    _check_format(format)
    for lb in label or ():
        if lb not in LABELS:
            raise IpcorpusError(f"unknown label '{lb}' (choose from {', '.join(LABELS)})")
    if by not in (None, "entity"):
        raise IpcorpusError(f"unknown --by '{by}' (choose from entity)")
    if sort is not None and sort not in SORTS:
        raise IpcorpusError(f"unknown --sort '{sort}' (choose from {', '.join(SORTS)})")
    if by is not None and (sort is not None or limit is not None):
        raise IpcorpusError("--sort and --limit order articles, not the rows of --by entity")
    out = Out(format)
    opts = _options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)
    if list_files:
        _list_files(paths, opts, out)
    corpus, hard = _run(paths, opts, out)
    _require_files(corpus, paths, opts, out)
    from ipcorpus.commands.stance_tables import stance_docs, stance_pieces
    from ipcorpus.index.output_cache import render
    labels = tuple(label or ())
    docs = stance_docs(corpus, labels, sort, limit) if by is None else None
    if explain:
        if by is not None or evidence:
            raise IpcorpusError("--explain goes with neither --by nor --evidence")
        from ipcorpus.commands.stance_tables import stance_explain_output
        stance_explain_output(corpus, out, labels, docs)
        _finish(corpus, hard)
        return
    render(corpus, out, "stance", {"evidence": evidence, "by": by, "labels": sorted(labels), "sort": sort,
                                   "limit": limit},
           lambda o: stance_output(corpus, o, evidence=evidence, by=by, labels=labels, docs=docs),
           stance_pieces(corpus, out.fmt, evidence, labels, docs) if by is None else None)
    _finish(corpus, hard)


# rules --------------------------------------------------------------------------
@app.command(cls=Command)
def rules(format: str = FormatOpt, config: str | None = ConfigOpt,
          test: bool = typer.Option(False, "--test",
                                    help="Run every rule's examples and keeps, shipped and your own: "
                                         "a line per failure, exit 1 if any fails.")):
    """List the cleaning rules: name, family, pack, whether on by default, what it drops;
    with --test, run every rule's examples and keeps."""
    from ipcorpus.commands.output import Out
    from ipcorpus.commands.stance_tables import rules_output, rules_test_output
    _check_format(format)
    if test:
        if format != "auto":
            raise IpcorpusError("rules --test prints a line per failure; it takes no --format")
        raise typer.Exit(rules_test_output(Out("tsv"), config))
    rules_output(Out(format), config)


# show ---------------------------------------------------------------------------
@app.command(cls=Command)
def show(citation: str = typer.Argument(..., metavar="PATH:LINE",
                                        help="path:line or path:line-end, as the other commands print them."),
         context: int = typer.Option(0, "--context", "-C", min=0, metavar="N",
                                     help="Lines of context around the citation."),
         normalized: bool = typer.Option(False, "--normalized", help="Print normalized text instead of the original."),
         db: str | None = DbOpt, no_cache: bool = NoCacheOpt, config: str | None = ConfigOpt,
         keep_rule: list[str] | None = KeepRuleOpt, drop_rule: list[str] | None = DropRuleOpt):
    """Print a cited line with line numbers; dropped lines are marked with their rule.
    A citation of standard input (<stdin>:LINE, or -:LINE after --) reads the article
    piped in again."""
    from ipcorpus.commands.output import Out
    from ipcorpus.commands.stance_tables import show_output
    out = Out("tsv")
    show_output(citation, context, normalized, out,
                lambda path: _options([path], db, no_cache, 1, None, config, keep_rule, drop_rule))


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
    _check_format(format)
    if html == "-" and format != "auto":
        raise IpcorpusError("--html - prints the page on stdout, so it takes no --format "
                            "(write the page to a file to have both)")
    out = Out(format)
    opts = _options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)
    if list_files:
        _list_files(paths, opts, out)
    if html:
        from ipcorpus.commands.outfile import check_target
        check_target(html, "html", paths, opts.patterns, force)
    corpus, hard = _run(paths, opts, out)
    from ipcorpus.index.output_cache import figures
    data = figures(corpus, "report", {"paths": [_show(p) for p in paths], "top": top, "keywords": keywords},
                   lambda: compute(corpus, paths, top=top, keywords=keywords))
    if html:
        write_html(data, html, out)
    if not html or (format != "auto" and html != "-"):
        render(data, out)
    _finish(corpus, hard)


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
    _check_format(format, chk.FORMATS)
    settings = chk.Settings(fail_on=fail_on, select=tuple(select or ()), ignore=tuple(ignore or ()),
                            require_stance=require_stance, max_size=chk.parse_size(max_size))
    paths = list(paths or ["."])
    opts = _options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)
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
        _list_files(paths, opts, out)
    from ipcorpus.check import changed_files
    files = changed_files(changed_since, paths, opts.patterns)
    if not files:
        out.note(f"ipcorpus: note: no article files added or modified since {changed_since}")
        raise typer.Exit(0)
    _list_files(paths, opts, out, files)


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
    from ipcorpus.commands.stance_tables import config_output
    from ipcorpus.config import resolve
    _check_format(format)
    out = Out(format)
    paths = list(paths or ["."])
    for p in paths:
        if not os.path.lexists(p):
            raise IpcorpusError(f"{_show(p)}: no such file or directory")
    if db:
        from ipcorpus.index import check_db_folder
        check_db_folder(db)
    settings = resolve(paths, config, glob, keep_rule, drop_rule, lexicon)
    if list_files:
        _list_files(paths, settings, out)
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


def main():
    app(prog_name="ipcorpus")
