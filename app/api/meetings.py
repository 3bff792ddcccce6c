"""Meetings API: the schedule of weekly meetings and study sessions, read only (MEET-1).

Meetings are generated and recorded on their pages (app/views/meetings.py) through
app/services/meetings.py; the API serves no generic writes. Attendance is not listed here:
who was late or absent is the office's and leadership's to read (the meeting page).
"""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.base import DomainApi
from models.meetings import Meeting


class MeetingApi(DomainApi):
    """/api/v1/meeting/ — every signed-in role reads the schedule and the minutes."""

    resource_name = "meeting"
    class_permission_name = "Meeting"
    datamodel = SQLAInterface(Meeting)
    include_route_methods = {"get", "get_list", "info"}
    list_columns = ["id", "kind", "day", "starts_at", "topic"]
    show_columns = ["id", "kind", "day", "starts_at", "topic", "minutes", "minutes_at"]
    order_columns = ["day"]
    search_columns = ["kind", "day"]
    base_order = ("day", "desc")
