"""Translations: our catalogues (translations/zh_CN, translations/en) merged over FAB's.

Two gaps of the libraries, closed here:

1. Babel reads `zh_CN` as `zh_Hans_CN`, and gettext then looks for the catalogues
   `zh_Hans_CN` and `zh`, never `zh_CN`: Flask-Babel would load Flask-AppBuilder's `zh`
   catalogue and silently skip ours. `CatalogueDomain` also tries the language_TERRITORY
   name, so `translations/zh_CN` is found (and FAB's `zh` still is, as the fallback).
2. FAB 5.3's own `zh` catalogue is older than its code: "Add", "Edit", "Delete", the
   password-complexity message and others have no translation there, a few are fuzzy and a
   few are wrong. `FAB_MESSAGES` lists them so that `pybabel extract` puts them in our
   catalogue, which Flask-Babel merges over FAB's (later directories win).
"""

from __future__ import annotations

import os
from types import SimpleNamespace

from babel import Locale, support
from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_appbuilder.fields import QuerySelectField
import flask_babel
from flask_babel import Domain, get_babel, get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from markupsafe import Markup

from app.rules.errors import N_


def catalogue_names(locale: Locale) -> list[str]:
    """Catalogue directory names for `locale`, most specific first: zh_Hans_CN, zh_CN, zh."""
    names = [str(locale)]
    if locale.territory:
        names.append(f"{locale.language}_{locale.territory}")
    names.append(locale.language)
    return list(dict.fromkeys(names))


def load_catalogue(dirname: str, locale: Locale, domain: str):
    """The first `<dirname>/<name>/LC_MESSAGES/<domain>.mo` of `catalogue_names(locale)`."""
    for name in catalogue_names(locale):
        path = os.path.join(dirname, name, "LC_MESSAGES", f"{domain}.mo")
        if os.path.isfile(path):
            with open(path, "rb") as fp:
                return support.Translations(fp=fp, domain=domain)
    return support.NullTranslations()


_LOCALE_NAMES: dict = {}


def _locale_name(locale) -> str:
    """`str(locale)`, kept per Locale (Babel builds the name anew on every call; a page asks
    for it at every translated string, issue #21)."""
    name = _LOCALE_NAMES.get(locale)
    if name is None:
        name = _LOCALE_NAMES[locale] = str(locale)
    return name


_NO_TRANSLATIONS = support.NullTranslations()


def locale_name() -> str:
    """`str(get_locale())` by the shortest way (issue #21): the locale Flask-Babel keeps for the
    request (its `babel_locale` slot), chosen by `get_locale` when not yet chosen."""
    namespace = _babel_namespace()
    locale = namespace.__dict__.get("babel_locale") if namespace is not None else None
    if locale is None:
        locale = get_locale()
    return _locale_name(locale) if locale is not None else str(locale)


def _babel_namespace():
    """Flask-Babel's per-request namespace (`g._flask_babel`), or None outside an app context.
    Read straight from the app context: through `flask.g` every look-up is a proxy's walk,
    and a page asks for its translations some 40 times (issue #21)."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    namespace = app_context.g.__dict__.get("_flask_babel")
    if namespace is None:
        namespace = app_context.g._flask_babel = SimpleNamespace()
    return namespace


class CatalogueDomain(Domain):
    """Flask-Babel's default domain, with `load_catalogue` as the lookup (Flask-Babel 4.0).

    Issue #21: the request's translations are kept in Flask-Babel's own per-request slot
    `babel_translations`, which its `refresh()` (FAB's language switch) deletes and its
    `force_locale()` empties and restores; so a language chosen during the request, or
    forced for a while, is still followed."""

    def get_translations(self):
        namespace = _babel_namespace()
        if namespace is None:  # outside a request or app context
            return _NO_TRANSLATIONS
        kept = namespace.__dict__.get("babel_translations")
        if kept is not None and kept[0] is self:
            return kept[1]
        translations = self._translations_of(get_locale())
        namespace.babel_translations = (self, translations)
        return translations

    def _translations_of(self, locale):
        if locale is None:
            return _NO_TRANSLATIONS
        key = (_locale_name(locale), self.domain[0])
        translations = self.cache.get(key)
        if translations is None:
            translations = support.Translations()
            # FAB's directory comes first (FAB's BabelManager prepends it), ours last: ours wins.
            for index, dirname in enumerate(self.translation_directories):
                domain = self.domain[0] if len(self.domain) == 1 else self.domain[index]
                catalogue = load_catalogue(dirname, locale, domain)
                translations.merge(catalogue)
                if hasattr(catalogue, "plural"):
                    translations.plural = catalogue.plural
            self.cache[key] = translations
        return translations


def request_domain() -> Domain:
    """`flask_babel.get_domain()`, same answers, by the shortest way (issue #21): Flask-Babel's
    `gettext` and every lazy string ask for it, through `flask.g`'s proxy three times."""
    namespace = _babel_namespace()
    if namespace is None:
        return Domain()
    domain = namespace.__dict__.get("babel_domain")
    if domain is None:
        domain = namespace.babel_domain = get_babel().instance.domain_instance
    return domain


def request_translations():
    """What `flask_babel.get_translations()` answers, by the shortest way (issue #21): the
    translations kept in the request's slot when they are the request's domain's."""
    namespace = _babel_namespace()
    if namespace is None:
        return _NO_TRANSLATIONS
    values = namespace.__dict__
    domain = values.get("babel_domain") or request_domain()
    kept = values.get("babel_translations")
    if kept is not None and kept[0] is domain:
        return kept[1]
    return domain.get_translations()


def _formatted(context, text: str, variables: dict):
    """The end of Jinja's newstyle gettext functions (jinja2.ext._make_new_gettext): Markup
    under autoescape, and always read as a %-format — which leaves a text without "%" as
    it is, so that one is not formatted."""
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if "%" in text else text


@pass_context
def template_gettext(__context, __string: str, **variables):
    return _formatted(__context, request_translations().ugettext(__string), variables)


@pass_context
def template_ngettext(__context, __singular: str, __plural: str, __num: int, **variables):
    variables.setdefault("num", __num)
    return _formatted(__context, request_translations().ungettext(__singular, __plural, __num),
                      variables)


@pass_context
def template_pgettext(__context, __string_ctx: str, __string: str, **variables):
    variables.setdefault("context", __string_ctx)
    return _formatted(__context, request_translations().upgettext(__string_ctx, __string),
                      variables)


@pass_context
def template_npgettext(__context, __string_ctx: str, __singular: str, __plural: str,
                       __num: int, **variables):
    variables.setdefault("context", __string_ctx)
    variables.setdefault("num", __num)
    return _formatted(__context, request_translations().unpgettext(
        __string_ctx, __singular, __plural, __num), variables)


def install_template_gettext(app: Flask) -> None:
    """Jinja's `_()`, `gettext`, `ngettext`… (Flask-Babel's callables) through
    `request_translations`, same answers (issue #21).

    Installed as Jinja's newstyle callables, then put in place of the wrappers Jinja makes
    around them: the same steps (jinja2.ext._make_new_gettext…) called directly. `_` is
    `gettext` itself rather than Jinja's alias that looks `gettext` up at every call: a page
    translates some 15–300 strings, each through three `context.call`s before."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext,
                                 ngettext=template_ngettext, pgettext=template_pgettext,
                                 npgettext=template_npgettext)


def keep_parsed_locales(configuration) -> None:
    """Issue #21: Flask-Babel parses the selected locale's name (`Locale.parse`, a look at the
    locale data on disk) on every request; the selector now answers the parsed Locale, kept
    per name (`Locale.parse` returns a Locale as it is). It asks `api_language` before FAB's
    selector, which reads only `_l_` and the session."""
    select = configuration.locale_selector
    if select is None or getattr(select, "keeps_parsed", False):
        return
    parsed: dict = {}

    def selector():
        name = api_language() or select()
        if name is None or isinstance(name, Locale):
            return name
        locale = parsed.get(name)
        if locale is None:
            locale = parsed[name] = Locale.parse(name)
        return locale

    selector.keeps_parsed = True
    configuration.locale_selector = selector


def api_language() -> str | None:
    """An API client says its language in Accept-Language: under /api/, with no
    `_l_` in the query and no language chosen in the session, the best match among LANGUAGES
    (zh_CN when it asks for none of them). None elsewhere: pages keep FAB's choice — `_l_`,
    then the session, zh_CN first — whatever the browser asks for."""
    if not (has_request_context() and request.path.startswith("/api/")):
        return None
    if "_l_" in request.args or session.get("locale"):
        return None
    config = current_app.config
    return request.accept_languages.best_match(list(config["LANGUAGES"]),
                                               config["BABEL_DEFAULT_LOCALE"])


def install_catalogues(app: Flask) -> None:
    """Make `CatalogueDomain` the default domain of the app's Flask-Babel (created by FAB)."""
    babel = app.extensions["babel"].instance
    babel.domain_instance = CatalogueDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    keep_parsed_locales(app.extensions["babel"])
    install_template_gettext(app)
    # Flask-Babel's gettext functions look `get_domain` up in their module at every call.
    flask_babel.get_domain = request_domain
    install_blank_choice()


# The empty choice of a select box (issue #20): FAB's relation fields leave its text empty, and
# WTForms 3.3 then writes the option's value instead, so every form read "__None".
BLANK_CHOICE = _l("(none)")


def install_blank_choice() -> None:
    """Give FAB's `QuerySelectField` blank choice a text in the reader's language (once)."""
    if getattr(QuerySelectField, "_bianmin_blank_choice", False):
        return
    original = QuerySelectField.iter_choices

    def iter_choices(self):
        for choice in original(self):
            if choice[0] == "__None" and not choice[1]:
                choice = (choice[0], str(BLANK_CHOICE), *choice[2:])
            yield choice

    QuerySelectField.iter_choices = iter_choices
    QuerySelectField._bianmin_blank_choice = True


# Flask-AppBuilder 5.3 msgids its `zh` catalogue lacks, has only as fuzzy, or gets wrong.
# Never used at run time: FAB asks for them itself; this list only feeds `pybabel extract`.
FAB_MESSAGES = (
    # missing or fuzzy in FAB's zh
    N_("Add"),
    N_("Edit"),
    N_("Show"),
    N_("Delete"),
    N_("Are you sure you want to delete this item?"),
    N_("Database Error"),
    N_("Not a valid choice"),
    N_("Must have at least two capital letters, one special character, two digits, three lower "
       "case letters and a minimal length of 10."),
    N_("Contains (insensitive)"),
    N_("Start with"),
    N_("In"),
    N_("Not In"),
    N_("Edit User Information"),
    N_("User information changed"),
    N_("The user's password for authentication"),
    N_("It's not a good policy to remove a user, just make it inactive"),
    N_("User(s) exists in the role, cannot delete"),
    N_("Either select a role or a group"),
    N_("Groups"),
    N_("List Groups"),
    N_("Show Group"),
    N_("Add Group"),
    N_("Edit Group"),
    N_("User(s) exists in the group, cannot delete"),
    N_("Sign In with "),
    N_("The user group on the application, this will associate with a list of roles associated "
       "with the group"),
    # translated by FAB, but wrongly or awkwardly for a government office
    N_("Back"),
    N_("Logout"),
    N_("Profile"),
    N_("Detail"),
    N_("Page size"),
    N_("Is Active?"),
    N_("User Registrations"),
    N_("Invalid login. Please try again."),
    N_("Access is Denied"),  # flashed when a visitor opens a staff page: say what to do
    # the user form's hints speak of LDAP and OpenID, which this platform does not use
    N_("Username valid for authentication on DB or LDAP, unused for OID auth"),
    N_("The user's email, this will also be used for OID auth"),
    N_("Integrity error, probably unique constraint"),
    N_("Starts with"),
    N_("Not Starts with"),
    N_("Ends with"),
    N_("Not Ends with"),
)

# Msgids our own templates translate from data: `_(role.name)` on the home page. The names are
# app/roles.py's role constants (and FAB's visitor role); keep the two lists in step.
ROLE_MESSAGES = (
    N_("Admin"),
    N_("Leadership"),
    N_("Office"),
    N_("SectionHead"),
    N_("WindowHead"),
    N_("Clerk"),
    N_("Public"),
)

# Msgids stored as data and shown translated: rule setting units that migration 0002 stores
# as plain text (the rule settings list runs them through gettext).
DATA_MESSAGES = (
    N_("hours"),
)
