"""Schemathesis against a generated app, from the OpenAPI document it serves.

Used by tests/test_openapi.py (in-process, on specs/) and tests/test_corpus_sample.py
(in a child process, on the Graph sample): ``python tests/openapi_fuzz.py MODULE``
prints a JSON report of the app ``MODULE.app``.

Every case is sent to the app in memory and its response checked with Schemathesis'
checks: no 5xx, a documented status, content type and headers, a body that fits the
documented schema. ``ignored_auth`` is left out: the in-memory service answers
without a token (the token only names the user ``/me`` stands for), while the
document says the API takes a bearer token, as the real one does.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections import Counter
from typing import Any

import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import ignored_auth, positive_data_acceptance

__all__ = ["fuzz", "reachable_routes"]


def reachable_routes(app: Any) -> set[tuple[str, str, str]]:
    """(path as OpenAPI writes it, method, router module and handler name) of every route of an
    app that a request can reach: of two routes of one method and path shape, the first one."""
    from fastapi.routing import APIRoute

    found: dict[tuple[str, str], tuple[str, str, str]] = {}
    for route in app.routes:
        if isinstance(route, APIRoute):
            path = route.path.replace(":path}", "}")
            shape = re.sub(r"\{[^{}]*\}", "{}", path).lower()
            for method in sorted(route.methods):
                found.setdefault((method.lower(), shape), (path, method.lower(), _handler(route.endpoint)))
    return set(found.values())


def _handler(endpoint: Any) -> str:
    """``customer_create``: the router module (its resource) and the handler (its method)."""
    return f"{endpoint.__module__.rsplit('.', 1)[-1]}_{endpoint.__name__}"


def fuzz(
    app: Any,
    *,
    examples: int,
    every: int = 1,
    verbose: bool = False,
    derandomize: bool = True,
    lenient: bool = False,
    negative: bool = False,
) -> dict[str, Any]:
    """Run every ``every``-th operation of the app's ``/openapi.json`` with up to ``examples``
    generated cases each (with ``negative``, also as many cases of data the document does not
    allow, checked by Schemathesis' negative-data checks too); the statuses seen, and each
    failing operation with its failures."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()][::every]
    statuses: Counter[int] = Counter()
    failures: dict[str, list[str]] = {}
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if negative else [GenerationMode.POSITIVE]
    for operation, mode in ((operation, mode) for operation in operations for mode in modes):

        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=derandomize,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            response = case.call()
            statuses[response.status_code] += 1
            case.validate_response(response, excluded_checks=[ignored_auth, *([positive_data_acceptance] if lenient else [])])

        try:
            run()
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # Schemathesis reports failures as an exception group
            text = str(error)
            failures[f"{operation.label} ({mode.value})"] = sorted(set(re.findall(r"- (ST\d+ [^\n]+)", text))) or [text[:500]]
            if verbose:
                print(text[:4000], file=sys.stderr)
    return {
        "operations": len(operations),
        "cases": sum(statuses.values()),
        "statuses": {str(status): n for status, n in sorted(statuses.items())},
        "server_errors": sum(n for status, n in statuses.items() if status >= 500),
        "failures": failures,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("module", help="module whose `app` to test (e.g. graph.v1_0.server.app)")
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--negative", action="store_true", help="also data the document does not allow")
    args = parser.parse_args()
    sys.path.insert(0, ".")
    report = fuzz(importlib.import_module(args.module).app, examples=args.examples, every=args.every, negative=args.negative)
    import resource

    report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(report, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
