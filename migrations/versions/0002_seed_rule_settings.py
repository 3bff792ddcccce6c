"""Seed the rule settings with every default that RULES.md names.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

The list is frozen here on purpose: a migration must keep meaning what it meant when it ran.
Later migrations add settings their rules need. Descriptions are English msgids (marked N_
for extraction) shown translated in the UI.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def N_(text):
    return text


WD, MIN, PTS, DAYS, PCT, TIMES = (N_("working days"), N_("minutes"), N_("points"), N_("days"),
                                  N_("percent"), N_("times"))

# (key, rule id, type, default, unit, description)
SETTINGS = [
    ("case.max_extension_days", "CASE-5", "int", "10", WD, N_("Longest extension of a case")),
    ("case.max_extensions", "CASE-5", "int", "1", TIMES, N_("How many times a case may be extended")),
    ("case.due_soon_days", "CASE-6", "int", "2", WD, N_("A case counts as due soon within")),
    ("notice.max_days", "NOTICE-1", "int", "5", WD, N_("A one-time notice not given on the spot is given within")),
    ("neg.review_days", "NEG-2", "int", "3", WD, N_("The section head reviews a refusal report within")),
    ("neg.correction_notify_days", "NEG-2", "int", "3", WD, N_("After a correction the window informs the applicant within")),
    ("neg.escalation_days", "NEG-2", "int", "3", WD, N_("Important refusals are reported to the deputy director within")),
    ("roster.people_per_day", "ROSTER-1", "int", "1", "", N_("People on duty per working day")),
    ("roster.duty_early_minutes", "ROSTER-2", "int", "10", MIN, N_("The duty person opens the hall this early")),
    ("att.summer_starts", "ATT-1", "text", "05-01", "", N_("First day of summer hours (month-day)")),
    ("att.winter_starts", "ATT-1", "text", "10-01", "", N_("First day of winter hours (month-day)")),
    ("att.summer_am_start", "ATT-1", "time", "08:00", "", N_("Summer: morning starts")),
    ("att.summer_am_end", "ATT-1", "time", "11:30", "", N_("Summer: morning ends")),
    ("att.summer_pm_start", "ATT-1", "time", "15:00", "", N_("Summer: afternoon starts")),
    ("att.summer_pm_end", "ATT-1", "time", "18:00", "", N_("Summer: afternoon ends")),
    ("att.winter_am_start", "ATT-1", "time", "08:00", "", N_("Winter: morning starts")),
    ("att.winter_am_end", "ATT-1", "time", "11:30", "", N_("Winter: morning ends")),
    ("att.winter_pm_start", "ATT-1", "time", "14:00", "", N_("Winter: afternoon starts")),
    ("att.winter_pm_end", "ATT-1", "time", "17:30", "", N_("Winter: afternoon ends")),
    ("att.arrive_early_minutes", "ATT-1", "int", "5", MIN, N_("Staff arrive this early")),
    ("att.late_count_half_day_absence", "ATT-3", "int", "4", TIMES, N_("Late or early leaves in a month that count as half a day of absence")),
    ("att.leave_post_hours", "ATT-3", "int", "2", "hours", N_("Leaving the post longer than this counts as half a day of absence")),
    ("leave.office_head_max_days", "LEAVE-2", "decimal", "0.5", DAYS, N_("Leave up to this length is approved by the head of the general office")),
    ("leave.director_max_days", "LEAVE-2", "decimal", "3", DAYS, N_("Leave up to this length is approved by the (deputy) director; longer by the party secretary")),
    ("leave.personal_month_bonus_days", "LEAVE-4", "int", "30", DAYS, N_("Personal leave in a year above which one month's bonus is withheld")),
    ("leave.personal_half_year_bonus_days", "LEAVE-4", "int", "60", DAYS, N_("Personal leave in a year above which half a year's bonus is withheld")),
    ("leave.sick_award_days", "LEAVE-4", "int", "30", DAYS, N_("Sick leave in a year above which no award is possible")),
    ("leave.absence_bonus_days", "LEAVE-4", "int", "7", DAYS, N_("Absence in a year above which the year's bonus is cancelled")),
    ("leave.absence_consecutive_dismissal_days", "LEAVE-4", "int", "15", DAYS, N_("Consecutive absence above which a dismissal case is raised")),
    ("leave.absence_yearly_dismissal_days", "LEAVE-4", "int", "30", DAYS, N_("Absence in a year above which a dismissal case is raised")),
    ("comp.complex_answer_days", "COMP-2", "int", "15", WD, N_("A complex complaint is answered within")),
    ("score.m1_max", "SCORE-2", "decimal", "10", PTS, N_("M1 conduct and attitude: category maximum")),
    ("score.m2_max", "SCORE-2", "decimal", "10", PTS, N_("M2 case management: category maximum")),
    ("score.m3_max", "SCORE-2", "decimal", "10", PTS, N_("M3 time-limit promise: category maximum")),
    ("score.m4_max", "SCORE-2", "decimal", "10", PTS, N_("M4 handling quality: category maximum")),
    ("score.m5_max", "SCORE-2", "decimal", "10", PTS, N_("M5 center activities: category maximum")),
    ("score.m6_max", "SCORE-2", "decimal", "10", PTS, N_("M6 integrity: category maximum")),
    ("score.m7_max", "SCORE-2", "decimal", "10", PTS, N_("M7 work style and complaints: category maximum")),
    ("score.m8_max", "SCORE-2", "decimal", "15", PTS, N_("M8 staff presence: category maximum")),
    ("score.m9_max", "SCORE-2", "decimal", "5", PTS, N_("M9 cleanliness: category maximum")),
    ("score.m10_max", "SCORE-2", "decimal", "10", PTS, N_("M10 mutual window rating: category maximum")),
    ("score.bonus_cap", "SCORE-2", "decimal", "10", PTS, N_("Monthly bonus points cap")),
    ("score.m1_behaviour", "SCORE-2", "decimal", "1", PTS, N_("M1: deduction per behaviour violation")),
    ("score.m1_quarrel", "SCORE-2", "decimal", "3", PTS, N_("M1: deduction for a quarrel with an applicant")),
    ("score.m1_quarrel_serious", "SCORE-2", "decimal", "2", PTS, N_("M1: further deduction for a serious quarrel")),
    ("score.m2_lapse", "SCORE-2", "decimal", "2", PTS, N_("M2: deduction per case-management lapse")),
    ("score.m3_overdue_day", "CASE-6", "decimal", "1", PTS, N_("M3: deduction per overdue working day per case")),
    ("score.m4_late_upload", "SCORE-2", "decimal", "1", PTS, N_("M4: deduction per case uploaded late")),
    ("score.m5_late", "SCORE-2", "decimal", "1", PTS, N_("M5: deduction for being late to a meeting")),
    ("score.m5_absent", "SCORE-2", "decimal", "2", PTS, N_("M5: deduction for missing a meeting without reason")),
    ("score.m5_poor_cooperation", "SCORE-2", "decimal", "3", PTS, N_("M5: deduction for poor cooperation on a center task")),
    ("score.m6_breach", "SCORE-2", "decimal", "2", PTS, N_("M6: deduction per integrity breach")),
    ("score.m8_leave_post", "SCORE-2", "decimal", "2", PTS, N_("M8: deduction per half day or more away from the post")),
    ("score.m9_untidy", "SCORE-2", "decimal", "1", PTS, N_("M9: deduction each time the window is untidy")),
    ("score.red_flag_count", "SCORE-3", "int", "5", "", N_("Windows named red-flag windows each month")),
    ("score.star_count", "SCORE-4", "int", "5", "", N_("Post stars named each year")),
    ("semi.part_de_max", "SCORE-5", "decimal", "15", PTS, N_("Semi-annual: conduct (德) maximum")),
    ("semi.part_neng_max", "SCORE-5", "decimal", "15", PTS, N_("Semi-annual: skills (能) maximum")),
    ("semi.part_qin_max", "SCORE-5", "decimal", "15", PTS, N_("Semi-annual: attendance (勤) maximum")),
    ("semi.part_ji_max", "SCORE-5", "decimal", "40", PTS, N_("Semi-annual: results (绩) maximum")),
    ("semi.part_lian_max", "SCORE-5", "decimal", "15", PTS, N_("Semi-annual: integrity (廉) maximum")),
    ("semi.bonus_cap", "SCORE-5", "decimal", "10", PTS, N_("Semi-annual bonus cap")),
    ("semi.ontime_per_point", "SCORE-5", "decimal", "0.5", PTS, N_("Semi-annual: deduction per percentage point of on-time rate below 100%")),
    ("grade.excellent", "SCORE-6", "decimal", "90", PTS, N_("Grade excellent from")),
    ("grade.competent", "SCORE-6", "decimal", "75", PTS, N_("Grade competent / qualified from")),
    ("grade.basic", "SCORE-6", "decimal", "60", PTS, N_("Grade basically competent / qualified from")),
    ("grade.excellent_share", "SCORE-6", "decimal", "20", PCT, N_("Largest share of staff graded excellent")),
]

rule_setting = sa.table(
    "rule_setting",
    sa.column("key", sa.String), sa.column("rule_id", sa.String), sa.column("value_type", sa.String),
    sa.column("default_value", sa.String), sa.column("value", sa.String), sa.column("unit", sa.String),
    sa.column("description", sa.Text),
)


def upgrade():
    op.bulk_insert(rule_setting, [
        {"key": key, "rule_id": rule, "value_type": kind, "default_value": default, "value": default,
         "unit": unit, "description": description}
        for key, rule, kind, default, unit, description in SETTINGS
    ])


def downgrade():
    op.execute(rule_setting.delete().where(rule_setting.c.key.in_([row[0] for row in SETTINGS])))
