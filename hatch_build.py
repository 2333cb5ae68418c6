"""Build hook: compile the message catalogs (workshop/locale/*/LC_MESSAGES/workshop.po) into .mo files
inside the wheel, with Babel, so an installed workshop reads compiled catalogs. A checkout and an
editable install compile the .po files in memory instead (workshop.i18n.catalog); .mo files are never
committed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogBuildHook(BuildHookInterface):
    PLUGIN_NAME = "catalogs"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        self._folder = Path(tempfile.mkdtemp(prefix="workshop-catalogs-"))
        root = Path(self.root)
        for po in sorted((root / "workshop" / "locale").glob("*/LC_MESSAGES/workshop.po")):
            language = po.parent.parent.name
            with po.open("rb") as stream:
                catalog = read_po(stream, locale=language, domain="workshop")
            errors = [(message.id, error) for message, errs in catalog.check() for error in errs]
            if errors:
                raise RuntimeError(f"{po}: {len(errors)} broken translations, e.g. {errors[0]}")
            mo = self._folder / language / "workshop.mo"
            mo.parent.mkdir(parents=True)
            with mo.open("wb") as stream:
                write_mo(stream, catalog)
            build_data["force_include"][str(mo)] = f"workshop/locale/{language}/LC_MESSAGES/workshop.mo"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
