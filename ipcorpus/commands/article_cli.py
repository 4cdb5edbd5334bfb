"""The commands on articles: ingest, clean, stance, rules, show. Each parses its
options and hands the corpus to what prints it (ingest_clean.py, stance_tables.py,
rules_show.py)."""
from __future__ import annotations

import typer

from ipcorpus.commands.app import (
    Command,
    ConfigOpt,
    DbOpt,
    DropRuleOpt,
    FilePathsArg,
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
    require_files,
    run_corpus,
    run_options,
)
from ipcorpus.errors import IpcorpusError


# ingest -------------------------------------------------------------------------
@app.command(cls=Command)
def ingest(paths: list[str] = FilePathsArg, format: str = FormatOpt, db: str | None = DbOpt,
           no_cache: bool = NoCacheOpt, jobs: int = JobsOpt, glob: list[str] | None = GlobOpt,
           config: str | None = ConfigOpt, keep_rule: list[str] | None = KeepRuleOpt,
           drop_rule: list[str] | None = DropRuleOpt, lexicon: list[str] | None = LexiconOpt,
           list_files: bool = ListFilesOpt, scheduler: str | None = SchedulerOpt):
    """Index articles (incrementally) and print a summary: files new / changed /
    unchanged / failed, encodings, scripts, lines and damaged lines."""
    from ipcorpus.commands.ingest_clean import ingest_summary
    from ipcorpus.commands.output import Out
    check_format(format)
    if "-" in paths:
        raise IpcorpusError("ingest indexes files, and standard input (-) is none: give stance, clean, check "
                            "or report - to analyse it without an index")
    out = Out(format)
    opts = run_options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)
    if list_files:
        print_files(paths, opts, out)
    corpus, hard = run_corpus(paths, opts, out)
    if not corpus.files:
        from ipcorpus.commands.output import nothing_matched
        out.note(nothing_matched(paths, opts.patterns).replace("ipcorpus: ", "ipcorpus: warning: ", 1))
    ingest_summary(corpus, out)
    finish(corpus, hard)


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
    from ipcorpus.commands.ingest_clean import clean_output
    from ipcorpus.commands.output import Out
    check_format(format, ("text",) + __import__("ipcorpus.commands.output", fromlist=["FORMATS"]).FORMATS)
    out = Out("tsv" if format == "text" else format)
    opts = run_options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, None, scheduler)
    if list_files:
        print_files(paths, opts, out)
    corpus, hard = run_corpus(paths, opts, out)
    require_files(corpus, paths, opts, out)
    if kept and not explain:
        raise typer.BadParameter("--kept goes with --explain", param_hint="--kept")
    clean_output(corpus, out, format, original=original, explain=explain, kept=kept)
    finish(corpus, hard)


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
    check_format(format)
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
    opts = run_options(paths, db, no_cache, jobs, glob, config, keep_rule, drop_rule, lexicon, scheduler)
    if list_files:
        print_files(paths, opts, out)
    from ipcorpus.commands.stance_tables import stance_docs, stance_pieces
    from ipcorpus.index.output_cache import Streamed, render
    labels = tuple(label or ())
    if explain and (by is not None or evidence):
        raise IpcorpusError("--explain goes with neither --by nor --evidence")
    options = {"evidence": evidence, "by": by, "labels": sorted(labels), "sort": sort, "limit": limit}
    # Records print as the run scores them when their order needs no stance (the walk,
    # or by path; a limit that does not count labels).
    streams = by is None and not explain and sort in (None, "path") and not (limit is not None and labels)
    stream = Streamed(out, "stance", options, lambda c: stance_pieces(c, out.fmt, evidence, labels,
                                                                        stance_docs(c, labels, sort, limit)))
    corpus, hard = run_corpus(paths, opts, out, stream if streams else None)
    require_files(corpus, paths, opts, out)
    if stream.finish():
        finish(corpus, hard)
        return
    docs = stance_docs(corpus, labels, sort, limit) if by is None else None
    if explain:
        from ipcorpus.commands.stance_tables import stance_explain_output
        stance_explain_output(corpus, out, labels, docs)
        finish(corpus, hard)
        return
    render(corpus, out, "stance", options,
           lambda o: stance_output(corpus, o, evidence=evidence, by=by, labels=labels, docs=docs),
           stance_pieces(corpus, out.fmt, evidence, labels, docs) if by is None else None)
    finish(corpus, hard)


# rules --------------------------------------------------------------------------
@app.command(cls=Command)
def rules(format: str = FormatOpt, config: str | None = ConfigOpt,
          test: bool = typer.Option(False, "--test",
                                    help="Run every rule's examples and keeps, shipped and your own: "
                                         "a line per failure, exit 1 if any fails.")):
    """List the cleaning rules: name, family, pack, whether on by default, what it drops;
    with --test, run every rule's examples and keeps."""
    from ipcorpus.commands.output import Out
    from ipcorpus.commands.rules_show import rules_output, rules_test_output
    check_format(format)
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
    from ipcorpus.commands.rules_show import show_output
    out = Out("tsv")
    show_output(citation, context, normalized, out,
                lambda path: run_options([path], db, no_cache, 1, None, config, keep_rule, drop_rule))
