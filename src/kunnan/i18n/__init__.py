"""Every text a user sees, in the user's language: the one translation mechanism.

Source texts are English and are the message ids of a gettext catalog; the Chinese lives in
``kunnan/locale/zh_CN/LC_MESSAGES/kunnan.po``, compiled when first needed by the standard
library's ``gettext`` (see ``kunnan.i18n.po``). Code marks a text where it is used:

``_("household {code} not found", code=code)``
    the text in the current language, then filled in with ``str.format``;
``n_("{n} row", "{n} rows", n, n=n)``
    the same with an English plural (Chinese has one form);
``p_("category", "low_income_edge")``
    a text in a context, for short words that mean different things in different places
    (enum labels take their enum's noun as context);
``N_("...")``
    marks a text defined before any language is known (a column header, a command's summary);
    it is translated where it is shown, with ``_``.

The language is chosen once per command (``choose``): ``--lang``, else ``KUNNAN_LANG``, else
the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``zh_CN.UTF-8`` gives Chinese), else English.
This module imports nothing of kunnan, so every layer may use it.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from typing import Any

#: The languages kunnan speaks: English (the source texts) and Chinese.
LANGUAGES = ("en", "zh")
#: The catalog of each language that is not the source.
CATALOGS = {"zh": "zh_CN"}
#: Languages whose outputs name a programme or a union by the name the ledger holds
#: (金秋助学, 白银区总工会), which is Chinese only, where the others show its code
#: (golden-autumn, baiyin-qu); their files are also for the office (money in yuan), where
#: the others' are for programs (integer fen) and read back by ``kunnan import``.
BY_NAME = frozenset({"zh"})


def by_name(language: str) -> bool:
    """Whether outputs in ``language`` name things as the ledger names them (``BY_NAME``)."""
    return language in BY_NAME


#: The language spoken now, set once per command by ``use``.
_state = {"language": "en"}


class UnknownLanguage(ValueError):
    """A language kunnan does not speak was asked for."""


def normalise(text: str) -> str:
    """``en``/``zh`` for a language as a user or a locale writes it (``zh_CN.UTF-8``, ``zh-Hans``,
    ``en_US``, ``C``); UnknownLanguage for anything else given on purpose."""
    word = text.strip().lower().replace("-", "_")
    if word.startswith("zh") or word in ("cn", "chinese", "中文"):
        return "zh"
    if word.startswith("en") or word in ("c", "posix", "c.utf8", "c.utf_8", "english"):
        return "en"
    raise UnknownLanguage(text)


def choose(option: str | None, environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The language of this command: ``--lang``, else ``KUNNAN_LANG``, else the locale."""
    environ = os.environ if environ is None else environ
    for given in (option, environ.get("KUNNAN_LANG")):
        if given:
            return normalise(given)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value:
            try:
                return normalise(value)
            except UnknownLanguage:
                return "en"
    return "en"


def use(language: str) -> None:
    """Speak ``language`` (``en`` or ``zh``) from now on."""
    if language not in LANGUAGES:
        raise UnknownLanguage(language)
    _state["language"] = language


def current() -> str:
    return _state["language"]


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (English: the source texts themselves)."""
    if language not in CATALOGS:
        return gettext.NullTranslations()
    from kunnan.i18n.po import load_catalog

    return load_catalog(CATALOGS[language])


def translate(message: str, language: str | None = None, context: str | None = None) -> str:
    """``message`` in ``language`` (default: the current one); the message itself if the
    catalog has no translation."""
    language = _state["language"] if language is None else language
    if language == "en":
        return message
    found = catalog(language)
    return found.pgettext(context, message) if context else found.gettext(message)


def _(message: str, /, **values: Any) -> str:
    text = translate(message)
    return text.format(**values) if values else text


def n_(singular: str, plural: str, count: int, /, **values: Any) -> str:
    language = _state["language"]
    if language == "en":
        text = singular if count == 1 else plural
    else:
        text = catalog(language).ngettext(singular, plural, count)
    return text.format(**values) if values else text


def p_(context: str, message: str, /, **values: Any) -> str:
    text = translate(message, context=context)
    return text.format(**values) if values else text


def N_(message: str, /) -> str:
    return message


def is_translated(message: str, language: str, context: str | None = None) -> bool:
    """Whether the catalog of ``language`` has ``message`` (English has every message)."""
    if language == "en":
        return True
    return translate(message, language, context) != message or message in _identical(language)


@cache
def _identical(language: str) -> frozenset[str]:
    """Messages whose translation is the message itself (codes, 'HTML'), kept on purpose."""
    from kunnan.i18n.po import catalog_path, read_po

    return frozenset(
        entry.msgid
        for entry in read_po(catalog_path(CATALOGS[language]))
        if entry.msgstr == entry.msgid
    )
