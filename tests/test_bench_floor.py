"""Issue #21 P1: the floor (bench/floor.py) runs the page's data statements and leaves FAB's frame
out — a statement is frame only when every table it reads is FAB's or the session generation."""

from bench.floor import data_statements

FRAME = [
    ("SELECT ab_user.id, ab_user.username FROM ab_user LEFT OUTER JOIN user_session_generation "
     "ON user_session_generation.user_id = ab_user.id WHERE ab_user.id = ?", (1,)),
    ("SELECT ab_role.id, ab_role.name FROM ab_role, ab_user_role WHERE ? = ab_user_role.user_id",
     (1,)),
]
DATA = [
    ("SELECT case_transition.id, staff.name FROM case_transition LEFT OUTER JOIN ab_user "
     "ON ab_user.id = case_transition.user_id LEFT OUTER JOIN staff ON staff.user_id = ab_user.id "
     "WHERE case_transition.case_id = ?", (7,)),
    ('SELECT "window".id FROM "window" WHERE "window".id = ?', (3,)),
]


def test_the_floor_leaves_out_the_frame_and_keeps_data_joined_to_a_frame_table():
    kept = data_statements(FRAME + DATA)
    assert kept == DATA


def test_the_floor_runs_a_repeated_statement_once_and_no_writes():
    write = ("UPDATE ab_user SET last_login = ? WHERE ab_user.id = ?", (None, 1))
    assert data_statements(DATA + DATA + [write]) == DATA
