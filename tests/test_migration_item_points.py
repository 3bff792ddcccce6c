"""Migration 0023: item points live in the deduction catalogue only (SCORE-2) — a per-item
point setting an installation changed is carried into its catalogue item before it goes, and
the downgrade brings the settings back with the catalogue's points."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa


def _execute(conn, sql, **params):
    return conn.execute(sa.text(sql), params)


def _points(conn) -> dict[str, tuple[Decimal, Decimal]]:
    rows = _execute(conn, "SELECT code, points_min, points_max FROM deduction_item")
    return {code: (Decimal(str(low)), Decimal(str(high))) for code, low, high in rows}


def _settings(conn) -> dict[str, tuple[str, str]]:
    rows = _execute(conn, "SELECT key, value, default_value FROM rule_setting "
                          "WHERE key LIKE 'score.m%'")
    return {key: (value, default) for key, value, default in rows if not key.endswith("_max")}


def test_score_2_migration_0023_carries_changed_point_settings_into_the_catalogue(
        fresh_app):
    from flask_migrate import downgrade, upgrade

    from app.extensions import db

    with fresh_app.app_context():
        upgrade(revision="0022")
        with db.engine.begin() as conn:
            for key, value in [("score.m3_overdue_day", "2"),  # in force: carried
                               ("score.m9_untidy", "3"),  # read by nothing, item as seeded
                               ("score.m1_behaviour", "2"),  # read by nothing, item edited
                               ("score.m8_leave_post", "6")]:  # in force, item made a range
                _execute(conn, "UPDATE rule_setting SET value = :v WHERE key = :k",
                         v=value, k=key)
            _execute(conn, "UPDATE deduction_item SET points_max = 3 WHERE code = 'M1-behaviour'")
            _execute(conn, "UPDATE deduction_item SET points_max = 5 WHERE code = 'M8-off-post'")
        upgrade(revision="0023")
        with db.engine.connect() as conn:
            points, settings = _points(conn), _settings(conn)
        assert settings == {}
        assert points["M3-overdue-day"] == (2, 2)
        assert points["M9-untidy"] == (3, 3)
        assert points["M1-behaviour"] == (1, 3)  # Admin's catalogue edit stands
        assert points["M8-off-post"] == (6, 6)  # raised so that min <= max
        assert points["M5-absent"] == (2, 2)  # unchanged setting: nothing carried

        downgrade(revision="0022")
        with db.engine.connect() as conn:
            settings = _settings(conn)
        assert len(settings) == 12
        assert settings["score.m3_overdue_day"] == ("2", "1")
        assert settings["score.m1_behaviour"] == ("1", "1")
        assert settings["score.m5_absent"] == ("2", "2")
