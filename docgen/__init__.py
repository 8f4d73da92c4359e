"""docgen: server stubs, clients and tests generated from Markdown API reference pages."""

from docgen.diagnostics import Diagnostic, Severity, SourceSpan

__version__ = "0.1.0"

__all__ = ["Diagnostic", "Severity", "SourceSpan", "__version__"]
