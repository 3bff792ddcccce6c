"""The shape of an API action on one record (file, approve, withdraw, answer…): every such
endpoint names its body schema, its policy check and its service call; the rest is here."""

from __future__ import annotations

from app.api.base import DomainApi, versioned_body
from app.extensions import db
from app.rules.errors import RuleViolation
from app.services.transaction import check_version


class ActionApi(DomainApi):
    """A resource whose records change through actions, each one service call.

    `summary(record)` is the JSON an action answers; `request_actor()` the actor its services
    take; `forbidden_errors` the service exceptions meaning "not yours to do" (403)."""

    summary = request_actor = None  # each resource's own, as staticmethod(...)
    forbidden_errors: tuple[type[Exception], ...] = ()

    def act_on(self, pk, body, write, *, optional: bool = False, read=None, may=None,
               may_send=None):
        """An action on the record `pk`, answered in this order:

        - 404 when the record is outside the caller's scope (the resource's row filter);
        - 403 when `may(record, actor)` says no — the policy, before the body is read;
        - 400/422 for a body `body` (a VersionedBody schema) refuses; `read()` instead reads
          another kind of request (an upload) as (values, the version the client read);
        - 403 when `may_send(values, actor)` says no (a field only some roles may send);
        - 409 when the client read an older version (issue #9: no lost updates);
        - then `write(record, values, actor)` calls the service in one transaction: 422
          with the rule's message when it refuses, else `summary(record)`.
        """
        record = self.datamodel.get(pk, self._base_filters)
        if record is None:
            return self.response_404()
        actor = self.request_actor()
        if may is not None and not may(record, actor):
            return self.response_403()
        try:
            values, seen = read() if read is not None else versioned_body(body,
                                                                           optional=optional)
        except RuleViolation as violation:
            return self.refuse(violation)
        if may_send is not None and not may_send(values, actor):
            return self.response_403()

        def versioned_write():
            # First in the transaction, where the services that take `seen_version` check it.
            check_version(record, seen)
            write(record, values, actor)
            return record

        return self.run(versioned_write)

    def run(self, write, status: int = 200):
        """`write()` in one transaction, answered with the summary of the record it returns:
        a broken rule or a conflict as RuleAnswers says, a forbidden error 403."""
        try:
            with self.unit_of_work() as saved:
                record = write()
        except self.forbidden_errors:
            db.session.rollback()
            return self.response_403()
        if not saved.ok:
            return saved.answer
        return self.response(status, **self.summary(record))
