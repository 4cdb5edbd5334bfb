"""The command line's frame: the typer app and its display options (--color, -q, -v),
one error line and the exit code for every failure, the options commands share, and
the corpus run every command starts with. Nothing is computed here."""
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


def run_options(paths, db, no_cache, jobs, glob, config, keep_rule=None, drop_rule=None, lexicon=None, scheduler=None):
    from ipcorpus.api import make_options
    if db:
        from ipcorpus.index import check_db_folder
        check_db_folder(db)
    return make_options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)


def print_files(paths, opts, out, files=None):
    """--list-files: the files the glob takes, one per line, as `rg --files` lists
    them; nothing taken is exit 1 with the usual note."""
    from ipcorpus.commands.output import nothing_matched
    from ipcorpus.read.source import iter_paths
    files = list(iter_paths(paths, opts.patterns)) if files is None else files
    if not files:
        out.note(nothing_matched(paths, opts.patterns), always=True)
        raise typer.Exit(1)
    out.write("".join(shown(f) + "\n" for f in files))
    raise typer.Exit(0)


def check_format(fmt: str, allowed=None):
    from ipcorpus.commands.output import FORMATS
    allowed = allowed or FORMATS
    if fmt != "auto" and fmt not in allowed:
        raise IpcorpusError(f"unknown format '{fmt}' (choose from {', '.join(allowed)})")


def run_corpus(paths, opts, out, stream=None):
    from ipcorpus.api import Corpus
    from ipcorpus.progress import Progress
    with Progress(out.err) as bar:
        corpus = Corpus.open(paths, options=opts, progress=bar.update, stream=stream).run
    for n in corpus.notes:
        out.note(f"ipcorpus: note: {n}")
    return corpus, warn_failed(corpus, paths, out)


def warn_failed(corpus, paths, out) -> bool:
    """A warning per file of a folder that could not be analysed, in full the first
    time it fails; files that failed the same way in the runs before are one summary
    line (every one with -v). True when a file named on the command line failed: that
    is the error that ends the run (_finish)."""
    from ipcorpus.commands.output import DISPLAY
    from ipcorpus.read.source import STDIN
    explicit = {STDIN if p == "-" else p for p in paths if not os.path.isdir(p)}
    hard = False
    known = 0
    for f in corpus.failed():
        if f.path in explicit:
            hard = True     # reported once, as the error line that ends the run
        elif f.known and not DISPLAY.verbose:
            known += 1
        else:
            out.note(f"ipcorpus: warning: {shown(f.path)}: {f.error}")
    if known:
        from typer._click.globals import get_current_context
        command = get_current_context().info_name
        out.note(f"ipcorpus: warning: {known} file{'s' if known != 1 else ''} could not be analysed, as in "
                 f"earlier runs; `ipcorpus {command} -v` lists them")
    return hard


def require_files(corpus, paths, opts, out):
    """stance and clean on no file at all: say so and exit 1, printing nothing."""
    from ipcorpus.commands.output import nothing_matched
    if not corpus.files:
        out.note(nothing_matched(paths, opts.patterns), always=True)
        raise typer.Exit(1)


def shown(p):
    from ipcorpus.commands.output import safe_path
    return safe_path(p)


def finish(corpus, hard: bool):
    if hard:
        bad = [f for f in corpus.failed()]
        if len(bad) == 1:
            raise IpcorpusError(f"{shown(bad[0].path)}: {bad[0].error}")
        raise IpcorpusError(f"{len(bad)} files could not be analysed")
