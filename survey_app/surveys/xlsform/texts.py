"""A form's texts: the default language's into the definition, the others as translations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import language_code


class Texts:
    """Collects a form's texts: default language into the definition, others as translations."""

    def __init__(self, default: str, languages: Sequence[str]) -> None:
        self.default = default
        self.languages = languages
        self.translations: dict[str, dict[str, str]] = {}

    def default_text(self, value: Mapping[str, Any]) -> str:
        """The default-language text of ``value``, the other languages left aside."""
        for column_language, text in value.items():
            code = self.default if column_language == "default" else None
            code = code or language_code(column_language, self.languages)
            if text and code == self.default:
                return str(text)
        return ""

    def pick(self, value: Any, key: str) -> str:
        """The default-language text of ``value``; other languages go to translations."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        text = ""
        for column_language, translated in value.items():
            if not translated:
                continue
            if column_language == "default":
                code: str | None = self.default
            else:
                code = language_code(column_language, self.languages)
            if code == self.default:
                text = text or str(translated)
            elif code is not None:
                self.translations.setdefault(code, {})[key] = str(translated)
        return text
