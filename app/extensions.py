"""The unbound extensions, initialised by `create_app()`.

AppBuilder itself is built per app in `create_app()`: it keeps the views it registered, so a
module-level instance would collect duplicates when tests create several apps.
"""

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = get_sqla_class()()
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
