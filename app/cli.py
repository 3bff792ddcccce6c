"""`flask bianmin ...` commands: upgrade the schema and roles, create the demo center."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext
from flask_migrate import upgrade as alembic_upgrade

from app.actor import Actor
from app.context import center_zone, clock, today
from app.demo import create_demo_center
from app.demo.assessment import create_demo_assessments
from app.demo.attendance import generate_demo_attendance
from app.demo.cases import generate_demo_cases
from app.demo.complaints import create_demo_complaints
from app.demo.deductions import create_demo_deductions
from app.demo.handover import create_demo_handovers
from app.demo.leave import generate_demo_leave
from app.demo.meetings import create_demo_meetings
from app.demo.roster import generate_demo_rota
from app.demo.semiannual import create_demo_semiannual
from app.extensions import db
from app.logging_filters import install_log_filters
from app.rules.errors import RuleViolation
from app.security import ensure_roles, sync_roles
from app.queue import clean as clean_background_jobs, run_worker
from app.services.attendance import derive_month
from app.services.audit import audit_actor
from app.services.backup import BackupError, backup, restore
from app.services.calendar import refresh_work_days
from app.services.deductions import generate_month, months_to_generate, parse_month
from app.services.jobs import (ATTENDANCE, DEDUCTIONS, JobBusy, WORK_DAYS, exclusive_job,
                               last_runs, local_time, run_nightly)
from app.services.schedule import recompute_running_deadlines
from app.services.transaction import transaction
from app.views import menu_entries


def fail(message: str) -> None:
    """CLI errors: one readable line on stderr, exit status 1, nothing saved."""
    db.session.rollback()
    click.echo(f"错误 / Error: {message}", err=True)
    sys.exit(1)


def command_transaction() -> transaction:
    """A command's unit of work: committed once; a broken rule or a concurrent change
    (issue #9) rolls it back and ends the command with one line and exit status 1."""
    def stop(error) -> None:
        fail(str(error) if isinstance(error, RuleViolation) else error.render(gettext))

    return transaction(db.session, on_error=stop)


def check_password_complexity(password: str) -> None:
    """The user form's password rule (FAB_PASSWORD_COMPLEXITY_*), for passwords given on the
    command line: `sm.add_user` itself checks nothing. Raises ValueError."""
    from flask_appbuilder.exceptions import PasswordComplexityValidationError
    from flask_appbuilder.validators import default_password_complexity

    if not current_app.config.get("FAB_PASSWORD_COMPLEXITY_ENABLED"):
        return
    validator = current_app.config.get("FAB_PASSWORD_COMPLEXITY_VALIDATOR") or default_password_complexity
    try:
        validator(password)
    except PasswordComplexityValidationError as error:
        raise ValueError(str(error)) from error


def refresh_planner_statistics() -> None:
    """Issue #9: ANALYZE after a schema change or a bulk load, so that the planner knows the
    tables' sizes and the indexes' selectivity. SQLite has no autovacuum to do it: without
    statistics it guesses, and the ledger's month filter reads a window's whole history by
    ix_case_window_received instead of the month by ix_case_accepted_on (133 ms → 1.4 ms at a
    million cases). PostgreSQL's autovacuum would get there later; this is at once. An empty
    table gets no statistics (SQLite then keeps its defaults), so a fresh database is not
    taught that its tables stay empty."""
    from sqlalchemy import text

    with command_transaction():
        db.session.execute(text("ANALYZE"))


@click.group("bianmin")
def bianmin_cli():
    """便民服务中心管理平台 commands."""


def _recompute_after_upgrade() -> None:
    """CASE-3: a newer chinese-calendar may know a year's official schedule the running cases'
    deadlines were counted without (the statutory fallback), and a release before issue #16
    counted such a year as plain Monday–Friday: count them again. Idempotent."""
    now = clock()
    with audit_actor("cli:upgrade"):
        moved = recompute_running_deadlines(
            db.session, range(now.today.year - 1, now.today.year + 3),
            Actor(username="cli:upgrade"), now, center_zone())
    if moved:
        click.echo(f"deadlines of {moved} running cases recomputed on the new calendar")


@bianmin_cli.command("upgrade")
@with_appcontext
def upgrade_command():
    """Apply the migrations, then create or update permissions and the declared roles (ORG-2)."""
    alembic_upgrade()
    install_log_filters()  # migrations/env.py reconfigures logging from alembic.ini (PRIV-1)
    with command_transaction():
        refresh_work_days(db.session, today())
        _recompute_after_upgrade()
    appbuilder = current_app.appbuilder
    ensure_roles(appbuilder.sm)
    appbuilder.add_permissions(update_perms=True)
    sync_roles(appbuilder.sm, menu_entries(appbuilder))
    refresh_planner_statistics()
    click.echo("schema and roles are up to date")


@bianmin_cli.command("demo")
@click.option("--password", default=None, help="One password for every demo user (default: random).")
@click.option("--cases", default=0, show_default=True,
              help="Also generate this many cases of the last years (added to those already there).")
@with_appcontext
def demo_command(password, cases):
    """Create the demo center: windows, service items, staff and one user per role; with
    --cases N also N generated cases (app/demo/cases.py)."""
    import time

    if cases < 0:
        fail(f"--cases must be 0 or more, not {cases}")
    try:
        if password:
            check_password_complexity(password)
        with audit_actor("cli:demo"):
            with command_transaction():
                logins = create_demo_center(db.session, current_app.appbuilder.sm, password)
            with command_transaction():  # LEAVE-1..4, before the clocks that respect it
                generate_demo_leave(db.session, current_app.appbuilder.sm, today())
            with command_transaction():  # ATT-1..4: a year of clocks, derived
                generate_demo_attendance(db.session, today())
            with command_transaction():  # ROSTER-1/2: the year's duty rota and logs
                generate_demo_rota(db.session, today())
            with command_transaction():  # MEET-1: the year's meetings up to today
                create_demo_meetings(db.session, today())
            started = time.perf_counter()
            if cases:
                generate_demo_cases(db.session, cases, today=today(),
                                    zone=current_app.config["CENTER_TIMEZONE"])
            with command_transaction():  # HAND-1: after the cases, so the lists name some
                create_demo_handovers(db.session, current_app.appbuilder.sm, today(),
                                      zone=current_app.config["CENTER_TIMEZONE"])
            with command_transaction():  # COMP-1..5: a year of complaints, after the cases
                create_demo_complaints(db.session, current_app.appbuilder.sm, today(),
                                       zone=current_app.config["CENTER_TIMEZONE"])
            # SCORE-1, FAULT-1: after cases, attendance, meetings (and complaints)
            create_demo_deductions(db.session, today())
            with command_transaction():  # SCORE-5/6: the first half-year, graded and confirmed
                sm = current_app.appbuilder.sm
                office, leader = sm.find_user(username="office"), sm.find_user(username="leader")
                create_demo_semiannual(db.session, today(), office.id if office else None,
                                       leader.id if leader else None)
            with command_transaction():  # SCORE-2/3: last, after every score event
                create_demo_assessments(db.session, current_app.appbuilder.sm, today())
    except (RuleViolation, ValueError) as error:
        fail(str(error))
    refresh_planner_statistics()
    click.echo("演示账号 / demo logins:")
    for role, username, secret in logins:
        click.echo(f"  {role:<12} {username:<12} {secret}")
    if cases:
        click.echo(f"生成办件 / cases generated: {cases} in {time.perf_counter() - started:.1f} s")


@bianmin_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path):
    """Back up the whole database and the sick-leave certificates (LEAVE_ATTACHMENT_DIR) into
    PATH, a new file (pg_dump on PostgreSQL, the online backup API on SQLite) (OPS-2)."""
    try:
        report = backup(db.engine, path, current_app.config.get("LEAVE_ATTACHMENT_DIR"))
    except BackupError as error:
        fail(str(error))
    click.echo(f"备份完成 / backup written: {report.path} "
               f"({report.attachments} 个证明文件 / certificate files)")


@bianmin_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database's content.")
@with_appcontext
def restore_command(path, yes):
    """Replace the whole database with the backup in PATH and put its certificates back into
    LEAVE_ATTACHMENT_DIR (OPS-2). Stop the app servers first; run `flask bianmin upgrade`
    afterwards if the backup is from an older release."""
    if not yes and not click.confirm(f"Replace everything in the database with {path}?"):
        fail("restore cancelled")
    db.session.remove()
    try:
        report = restore(db.engine, path, current_app.config.get("LEAVE_ATTACHMENT_DIR"))
    except BackupError as error:
        fail(str(error))
    files = (f"{report.attachments} 个证明文件 / certificate files" if report.with_attachments
             else "备份中没有证明文件 / the backup holds no certificate files")
    click.echo(f"恢复完成 / database restored from {path} ({files})")


def nightly_jobs(day):
    """The jobs of `flask bianmin nightly` for the night `day` (the center's date), in order:
    (name, function of the session). Each name is the job's lock and its `job_run` record
    (app/services/jobs.py): the same lock as the pages and commands that start the same work."""
    def work_days(session):
        with transaction(session):
            refresh_work_days(session, day)

    def attendance(session):
        """ATT-2/3: the stored attendance days of this month (and of last month in its first
        week, when late corrections and 补签单 still arrive), for the month views and LEAVE-4."""
        months = {(day.year, day.month), ((day - timedelta(days=7)).year,
                                          (day - timedelta(days=7)).month)}
        with transaction(session):
            for year, month in sorted(months):
                derive_month(session, year, month, day)

    def deductions(session):
        """SCORE-1: this month's automatic deductions (and last month's in its first week),
        each month in its own transaction; a confirmed month is skipped."""
        for year, month in months_to_generate(day):
            with transaction(session):
                generate_month(session, year, month, day)

    return [(WORK_DAYS, work_days), (ATTENDANCE, attendance), (DEDUCTIONS, deductions)]


@bianmin_cli.command("deductions")
@click.option("--month", "month_text", required=True, help="The month, e.g. 2026-10.")
@with_appcontext
def deductions_command(month_text):
    """Generate the month's automatic deductions (SCORE-1: overdue cases, one-time notice
    violations, refusals without report, absences and off-post time, meeting attendance).
    Running it again adds nothing twice; a confirmed month is left as it is. One run at a
    time, with the pages' and the nightly job's: while one runs, this one ends with one line
    and exit status 1 (OPS-1)."""
    try:
        year, month = parse_month(month_text)
    except RuleViolation as error:
        fail(f"--month {month_text!r}: {error}")

    try:
        with audit_actor("cli:deductions"), \
                exclusive_job(db.session, DEDUCTIONS, started_by="cli:deductions",
                              subject=f"{year}-{month:02d}", run_date=today()) as run, \
                run.watch(command_transaction()):
            result = generate_month(db.session, year, month, today())
    except JobBusy as busy:
        fail(busy.line())
    if result.skipped:
        click.echo(f"{result.period:%Y-%m}: confirmed, nothing changed (reopen the month first)")
        return
    click.echo(f"{result.period:%Y-%m}: {result.added} added, {result.updated} updated, "
               f"{result.removed} removed, {result.kept} unchanged")


@bianmin_cli.command("attendance")
@click.option("--month", "month_text", required=True, help="The month, e.g. 2026-10.")
@with_appcontext
def attendance_command(month_text):
    """Derive the month's stored attendance days again (ATT-2/3/4), e.g. after importing late
    clock records or approving 补签单 of a closed month. One derivation at a time, with the
    nightly job's: while one runs, this one ends with one line and exit status 1 (OPS-1)."""
    try:
        year, month = parse_month(month_text)
    except RuleViolation as error:
        fail(f"--month {month_text!r}: {error}")
    try:
        with audit_actor("cli:attendance"), \
                exclusive_job(db.session, ATTENDANCE, started_by="cli:attendance",
                              subject=f"{year}-{month:02d}", run_date=today()) as run, \
                run.watch(command_transaction()):
            days = derive_month(db.session, year, month, today())
    except JobBusy as busy:
        fail(busy.line())
    click.echo(f"{year}-{month:02d}: {days} attendance days derived")


@bianmin_cli.command("nightly")
@click.option("--date", "night", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The night to run for, as the center's date (default: today).")
@click.option("--force", is_flag=True,
              help="Run the jobs even if they are already done for that night.")
@click.option("--job", "only", multiple=True,
              help="Run only this job (repeatable): work-days, attendance, deductions.")
@with_appcontext
def nightly_command(night, force, only):
    """Run the nightly jobs once per night for the whole deployment (OPS-1, issue #18): every
    app server's cron may call it, at the same moment or later; each job runs on the runner
    that takes its lock and is recorded done for the night (table job_run), so the others —
    and any later run that night — skip it and say so. A failed job is not done: the next run
    runs it again (--force runs a done one again). Exit status 1 when a job failed."""
    import logging

    night = night.date() if night else today()
    jobs = nightly_jobs(night)
    unknown = set(only) - {name for name, _job in jobs}
    if unknown:
        fail(f"--job: no such nightly job {', '.join(sorted(unknown))} "
             f"(jobs: {', '.join(name for name, _job in jobs)})")
    failed = 0
    for name, job in jobs:
        if only and name not in only:
            continue
        try:
            with audit_actor(f"cli:nightly:{name}"):
                attempt = run_nightly(db.session, name, job, night=night, force=force)
        except Exception as error:  # noqa: BLE001 — recorded failed; the other jobs still run
            db.session.rollback()
            failed += 1
            message = str(error) if isinstance(error, RuleViolation) else \
                f"{type(error).__name__}: {error}"
            if not isinstance(error, RuleViolation):
                logging.getLogger(__name__).exception("nightly job %s failed", name)
            click.echo(f"{name}: failed for {night:%Y-%m-%d}: {message}", err=True)
            continue
        if attempt.ran:
            click.echo(f"{name}: done for {night:%Y-%m-%d}")
        elif attempt.busy is not None:
            click.echo(f"{name}: skipped, {attempt.busy.line().removeprefix(name + ': ')}")
        else:
            click.echo(f"{name}: skipped, another instance is running it")
    if failed:
        sys.exit(1)


@bianmin_cli.command("jobs")
@click.option("--limit", default=20, show_default=True, help="How many runs to list.")
@with_appcontext
def jobs_command(limit):
    """List the latest job runs (nightly and generations started by hand), newest first."""
    for run in last_runs(db.session, max(1, min(limit, 1000))):
        what = f"night {run.run_date:%Y-%m-%d}" if run.nightly else (run.subject or "-")
        click.echo(f"{local_time(run.started_at)}  {run.job:<11} {what:<16} {run.outcome:<8} "
                   f"{local_time(run.finished_at) or '-':<19}  {run.started_by} "
                   f"({run.host}, pid {run.pid}, attempt {run.attempts})"
                   + (f"  {run.detail}" if run.detail else ""))


@bianmin_cli.command("jobs-clean")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Remove finished jobs older than this many days (default: JOB_RESULT_DAYS, 7).")
@with_appcontext
def jobs_clean_command(days):
    """Remove finished background jobs (done or failed) older than JOB_RESULT_DAYS days, with
    their result files, and any file of JOBS_RESULT_DIR as old that no waiting or running job
    needs (issue #21). Every worker does it hourly; this is the same, now."""
    app = current_app._get_current_object()
    days = days or app.config["JOB_RESULT_DAYS"]
    cleaned = clean_background_jobs(app, days)
    click.echo(f"background jobs older than {days} days: {cleaned.jobs} removed, "
               f"{cleaned.files} files removed")


@bianmin_cli.command("worker")
@click.option("--threads", default=2, show_default=True,
              help="Jobs run at the same time by this worker process.")
@with_appcontext
def worker_command(threads):
    """Serve the background job queue (issue #21: large exports and imports, the month's
    generations): run each job the app queues, with its progress, and clean up finished jobs
    hourly (JOB_RESULT_DAYS), until stopped. Start one or more anywhere that reaches the
    database, the queue (JOBS_QUEUE_URL / REDIS_URL) and JOBS_RESULT_DIR."""
    app = current_app._get_current_object()
    click.echo(f"job worker: queue {app.config['JOBS_QUEUE_URL'].split('@')[-1]} "
               f"({app.config['JOBS_QUEUE_NAME']}), {threads} thread(s)")
    run_worker(app, workers=max(1, threads))
