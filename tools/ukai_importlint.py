"""import-linter contract: Ukai's modules reach each other only through ``service.py``.

Every first-level package of ``ukai`` (except ``config``, which wires them
together) may import another module's ``service`` and nothing else of it. The
core also offers a few library packages every module builds on (``public``).
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class ServiceBoundaryContract(Contract):
    type_name = "service_boundary"

    root = fields.StringField()
    wiring = fields.ListField(subfield=fields.StringField(), required=False)
    public = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        root = str(self.root)
        wiring = {f"{root}.{name}" for name in (self.wiring or [])}  # type: ignore[union-attr]
        public = {f"{root}.{name}" for name in (self.public or [])}  # type: ignore[union-attr]
        violations: list[dict[str, object]] = []
        for importer in sorted(graph.modules):
            parts = importer.split(".")
            if parts[0] != root or len(parts) < 2:
                continue
            importer_module = ".".join(parts[:2])
            if importer_module in wiring:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = imported.split(".")
                if target[0] != root or len(target) < 2:
                    continue
                target_module = ".".join(target[:2])
                if target_module == importer_module:
                    continue
                allowed = {f"{target_module}.service", target_module} | public
                if imported in allowed or any(imported.startswith(p + ".") for p in public):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                violations.append(
                    {
                        "importer": importer,
                        "imported": imported,
                        "lines": [d["line_number"] for d in details],
                    }
                )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            lines = ", ".join(str(n) for n in violation["lines"])
            output.print_error(
                f"{violation['importer']} imports {violation['imported']} (l. {lines}); "
                "import the other module's service.py instead.",
                bold=False,
            )
        output.new_line()
