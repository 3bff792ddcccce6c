"""Who may do what to which record: one pure module per domain, below the services (issue #17).

Each function takes an actor value (who, roles, Staff row or id, window, position — plain values
or rows read only) and a record, and answers whether — or which of — the actions are allowed,
the way `app.rules.case_states` answers which transitions a case allows. Services call these and
refuse; views, the API and templates only render the answer. Nothing here reads the request,
the session or the clock.
"""
