"""Python names for everything the docs name, decided once and nowhere else.

Templates print the names made here; they never build one. Every name is a
valid identifier that avoids keywords, builtins and the attributes of
pydantic's ``BaseModel``, in the spelling its kind wants (``snake_case``
attributes, functions and modules, ``PascalCase`` classes, ``UPPER_SNAKE`` enum
members).

Collisions are resolved *stably*: the name of a thing depends on that thing and
on the names it actually collides with, never on its position in a sorted list.
Each candidate name has one canonical original spelling (``display_name`` is
owned by ``displayName``); when several originals collide, the canonical one
keeps the plain name and every other gets a short hash of its own original
spelling appended (``display_name_5f0a1c``). Adding a type, a property or an
operation therefore never renames one that already had the canonical spelling,
and never renames anything that collides with nothing.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_NAMESPACE",
    "GENERATED_DEPENDENCIES",
    "MAX_MODULE_LENGTH",
    "Style",
    "assign",
    "attribute_names",
    "class_names",
    "client_attribute_names",
    "client_method_names",
    "enum_member_names",
    "identifier_loss",
    "example_test_names",
    "function_names",
    "handler_name",
    "module_names",
    "option_names",
    "package_problem",
    "parameter_names",
    "pascal_case",
    "snake_case",
    "stable_hash",
    "type_class_names",
    "type_module_names",
    "version_module",
    "version_modules",
]

DEFAULT_NAMESPACE = "microsoft.graph"
"""Types in this namespace are named by their short name alone."""

KEYWORDS = frozenset(
    "False None True and as assert async await break class continue def del elif else except "
    "finally for from global if import in is lambda nonlocal not or pass raise return try "
    "while with yield".split()
)
"""Python's hard keywords (fixed here so output never depends on the running Python)."""

BUILTINS = frozenset(
    "ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup "
    "BlockingIOError BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError "
    "ConnectionError ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError Ellipsis "
    "EncodingWarning EnvironmentError Exception ExceptionGroup FileExistsError FileNotFoundError "
    "FloatingPointError FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError "
    "IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError "
    "ModuleNotFoundError NameError NotADirectoryError NotImplemented NotImplementedError OSError "
    "OverflowError PendingDeprecationWarning PermissionError ProcessLookupError "
    "PythonFinalizationError RecursionError ReferenceError ResourceWarning RuntimeError "
    "RuntimeWarning StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError "
    "SystemExit TabError TimeoutError TypeError UnboundLocalError UnicodeDecodeError "
    "UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ValueError "
    "Warning ZeroDivisionError abs aiter all anext any ascii bin bool breakpoint bytearray bytes "
    "callable chr classmethod compile complex copyright credits delattr dict dir divmod enumerate "
    "eval exec exit filter float format frozenset getattr globals hasattr hash help hex input int "
    "isinstance issubclass iter len license list locals map max memoryview min next object oct "
    "open ord pow print property quit range repr reversed round set setattr slice sorted "
    "staticmethod str sum super tuple type vars zip".split()
)
"""Builtin names, minus ``id`` (an attribute or parameter called ``id`` shadows nothing we use)."""

BASEMODEL_ATTRIBUTES = frozenset(
    "construct copy dict from_orm json model_computed_fields model_config model_construct "
    "model_copy model_dump model_dump_json model_extra model_fields model_fields_set "
    "model_json_schema model_parametrized_name model_post_init model_rebuild model_validate "
    "model_validate_json model_validate_strings parse_file parse_obj parse_raw schema schema_json "
    "update_forward_refs validate".split()
)
"""Public attributes of pydantic's ``BaseModel`` that a field must not shadow."""

TEMPLATE_GLOBALS = frozenset(
    "Any ApiModel AsyncIterator AsyncSession Body Depends Enum Field Iterator Mapping "
    "Reply Request Response Sequence Session TYPE_CHECKING APIRouter FastAPI DocumentedReply "
    "MemoryBase Seed Harness Client AsyncClient abc annotations enum httpx pytest router self "
    "cls app respond to_json documented documented_body path_value install_error_handlers "
    "include_routers create_app pytestmark result item_path_value literal_value route_path act_for "
    "Literal Plan Route PLANS GuardedRoute Limits".split()
)
"""Names the templates bind at module level (or use inside functions): generated names
avoid them, so a handler or a parameter can never shadow one."""

MAX_MODULE_LENGTH = 100
"""Longest module (file or folder) name: far below the 255 bytes file systems allow, with
room for ``test_`` and ``.py``. A longer name keeps its start and gets a hash of its original."""

GENERATED_DEPENDENCIES = frozenset(
    "pydantic pydantic_core annotated_types typing_extensions typing_inspection fastapi starlette "
    "httpx httpcore h11 anyio sniffio idna certifi uvicorn click multipart python_multipart "
    "email_validator pytest _pytest pluggy iniconfig packaging docgen".split()
)
"""Top-level modules the generated code, its tests and their dependencies import (and docgen
itself): a generated package of one of these names would shadow it."""

BESIDE_PACKAGE = frozenset({"tests", "conftest"})
"""Names the generated tree uses next to the package."""

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]*")
_SEPARATORS = re.compile(r"[\W_]+")
"""Anything but letters and digits (of any script) separates words."""


def _identifier_part(char: str) -> bool:
    return ("a" + char).isidentifier()


def _unicode_words(chunk: str) -> list[str]:
    """A chunk of letters and digits holding non-ASCII ones, split where a lower-case letter
    is followed by an upper-case one (``ünïcødéName`` -> ``ünïcødé``, ``Name``) and at the
    few characters that cannot stand in an identifier."""
    words = []
    for part in "".join(c if _identifier_part(c) else " " for c in chunk).split():
        start = 0
        for i in range(1, len(part)):
            if part[i].isupper() and part[i - 1].islower():
                words.append(part[start:i])
                start = i
        words.append(part[start:])
    return words


def _words(text: str) -> list[str]:
    """Split any spelling (camelCase, PascalCase, snake, kebab, dotted, spaced, ...) into words.

    ``text`` is NFKC-normalised first, as Python normalises identifiers; letters and digits
    of any script make words (ASCII ones split as before: ``HTTPStatus`` -> ``HTTP``,
    ``Status``); every other character separates them.
    """
    words: list[str] = []
    for chunk in _SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        if chunk.isascii():
            words.extend(_WORD.findall(chunk))
        elif chunk:
            words.extend(_unicode_words(chunk))
    return [word for word in words if word]


def snake_case(text: str) -> str:
    """``displayName`` -> ``display_name``, ``ünïcødé`` -> ``ünïcødé``, ``with space`` ->
    ``with_space``; empty when ``text`` has no letters or digits."""
    return unicodedata.normalize("NFKC", "_".join(word.lower() for word in _words(text)))


def identifier_loss(original: str) -> str:
    """The characters of ``original`` that its Python name (:func:`snake_case`) leaves out, sorted
    and unique; empty when the name keeps everything but what only separates words.

    Kept: letters and digits of any script (NFKC-normalised, as Python reads identifiers),
    and what only separates words: white space, punctuation (``-``, ``.``, ``"``, ``{``...)
    and ASCII symbols (``$``, ``*``, ``+``...), which become ``_`` or a change of case.
    Lost: anything else that does not reach the name, such as emoji, symbols beyond ASCII,
    control and zero-width characters, or a combining mark with no letter to sit on.
    """
    name = snake_case(original)
    lost = set()
    for char in unicodedata.normalize("NFKC", original):
        if char.isascii() or char.isspace() or unicodedata.category(char).startswith("P"):
            continue
        if char not in name and char.lower() not in name:
            lost.add(char)
    return "".join(sorted(lost))


def pascal_case(text: str) -> str:
    """``postalAddressType`` -> ``PostalAddressType``; acronyms keep their capitals."""
    return "".join(word[:1].upper() + word[1:] for word in _words(text))


def _camel(snake: str) -> str:
    """``display_name`` -> ``displayName``: the canonical original of a snake name."""
    first, *rest = snake.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def stable_hash(original: str, length: int = 6) -> str:
    """A short hex digest of ``original``: the same on every run and every machine."""
    return hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _with_suffix(name: str, suffix: str, max_length: int) -> str:
    """``name`` + ``suffix``, ``name`` cut so that the whole fits in ``max_length`` (0: no limit)."""
    if max_length and len(name) + len(suffix) > max_length:
        name = name[: max(1, max_length - len(suffix))].rstrip("_") or name[:1]
    return name + suffix


@dataclass(frozen=True, slots=True)
class Style:
    """How one kind of name is spelled."""

    convert: Callable[[str], str]
    """Original spelling -> bare candidate (may be empty, may start with a digit)."""
    owner: Callable[[str], str]
    """Bare candidate -> the one original spelling that owns it without a hash."""
    reserved: frozenset[str]
    """Names this kind must avoid; a reserved candidate gets a trailing underscore."""
    fallback: str
    """The candidate used when the original has no usable characters."""
    digit_prefix: str
    """Put in front of a candidate that starts with a digit."""
    joiner: str = "_"
    """Between a colliding name and its hash."""
    reserved_prefixes: tuple[str, ...] = ()
    """Candidates starting with one of these are reserved too."""
    max_length: int = 0
    """Longest name (0: no limit); a longer candidate is cut and gets a hash of its original."""

    def bare(self, original: str) -> str:
        """The candidate before reserved-name escaping."""
        candidate = self.convert(original)
        if not candidate:
            return self.fallback
        if not candidate.isidentifier():  # starts with a digit (or a mark that cannot start a name)
            candidate = self.digit_prefix + candidate
        if self.max_length and len(candidate) > self.max_length:
            return _with_suffix(candidate, self.joiner + stable_hash(original), self.max_length)
        return candidate

    def is_reserved(self, name: str) -> bool:
        return name in self.reserved or name.startswith(self.reserved_prefixes)

    def final(self, original: str) -> str:
        """The name ``original`` gets when it collides with nothing."""
        name = self.bare(original)
        while self.is_reserved(name):
            name += "_"
        return name

    def canonical(self, original: str) -> bool:
        """True when ``original`` is the spelling that owns its name."""
        name = self.final(original)
        unescaped = name
        while unescaped.endswith("_") and self.is_reserved(unescaped[:-1]):
            unescaped = unescaped[:-1]
        return self.owner(unescaped) == original


def assign(
    originals: Iterable[str], style: Style, taken: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Give each original a unique name in ``style``.

    ``taken`` maps names already fixed elsewhere (a base class's attributes,
    say) to the original that holds them: an original found there keeps that
    name; any other original whose name is taken gets a hash.
    """
    fixed = dict(taken or {})
    holder = {original: name for name, original in fixed.items()}
    groups: dict[str, list[str]] = {}
    for original in sorted(set(originals)):
        if original not in holder:
            groups.setdefault(style.final(original), []).append(original)
    result = {original: holder[original] for original in set(originals) if original in holder}
    hashed: list[tuple[str, str]] = []
    for name, members in groups.items():
        lone = len(members) == 1 and name not in fixed
        for original in members:
            if (lone or style.canonical(original)) and name not in fixed:
                result[original] = name
            else:
                hashed.append((name, original))
    used = set(result.values()) | set(fixed)
    for name, original in sorted(hashed):
        length = 6
        while True:
            suffix = style.joiner + stable_hash(original, length)
            candidate = _with_suffix(name.rstrip("_"), suffix, style.max_length)
            if candidate not in used and not style.is_reserved(candidate):
                break
            length += 2
        result[original] = candidate
        used.add(candidate)
    return result


def _snake_style(
    reserved: frozenset[str], fallback: str, reserved_prefixes: tuple[str, ...] = (), max_length: int = 0
) -> Style:
    return Style(
        convert=snake_case,
        owner=_camel,
        reserved=reserved,
        fallback=fallback,
        digit_prefix="n",
        reserved_prefixes=reserved_prefixes,
        max_length=max_length,
    )


ATTRIBUTE = _snake_style(
    KEYWORDS | BUILTINS | BASEMODEL_ATTRIBUTES | TEMPLATE_GLOBALS,
    "unnamed",
    reserved_prefixes=("model_validate", "model_dump", "model_fields"),
)
"""Model fields: snake_case, owned by their camelCase spelling."""

PARAMETER = _snake_style(
    KEYWORDS | BUILTINS | TEMPLATE_GLOBALS | {"body", "params", "service", "request", "path", "via"},
    "value",
)
"""Function parameters (path placeholders)."""

FUNCTION = Style(
    convert=snake_case,
    owner=lambda name: name.replace("_", "-"),
    reserved=KEYWORDS | BUILTINS | TEMPLATE_GLOBALS | {"close", "aclose", "store", "seed", "serve"},
    fallback="operation",
    digit_prefix="n",
)
"""Operations: methods and handlers, owned by their kebab-case id (``customer-get``)."""

MODULE = _snake_style(
    KEYWORDS | BUILTINS | TEMPLATE_GLOBALS | {"conftest", "session", "close", "aclose"},
    "unnamed",
    max_length=MAX_MODULE_LENGTH,
)
"""Modules of resources: snake_case, owned by their camelCase spelling, at most
:data:`MAX_MODULE_LENGTH` characters (they name files)."""

CLASS = Style(
    convert=pascal_case,
    owner=_lower_first,
    reserved=frozenset(),
    fallback="Unnamed",
    digit_prefix="N",
)
"""Class stems of resources: PascalCase, owned by their lowerCamel spelling. A stem is
never a name by itself (``Customer`` + ``Client``, ``Service``, ...), so it avoids nothing."""

ENUM_MEMBER = Style(
    convert=lambda text: snake_case(text).upper(),
    owner=lambda name: _camel(name.lower()),
    reserved=KEYWORDS | frozenset({"MRO"}),
    fallback="UNNAMED",
    digit_prefix="N",
)
"""Enum members: UPPER_SNAKE, owned by their camelCase spelling."""

TEST = Style(
    convert=snake_case,
    owner=lambda name: name,
    reserved=frozenset(),
    fallback="example",
    digit_prefix="n",
)
"""Test functions (without the ``test_`` prefix), owned by their snake_case example name."""


def _local(qualified: str) -> str:
    """The part of a qualified type name after the default namespace."""
    prefix = DEFAULT_NAMESPACE + "."
    return qualified[len(prefix) :] if qualified.startswith(prefix) else qualified


TYPE_CLASS = Style(
    convert=lambda name: pascal_case(_local(name)),
    owner=lambda name: f"{DEFAULT_NAMESPACE}.{_lower_first(name)}",
    reserved=KEYWORDS | BUILTINS | TEMPLATE_GLOBALS,
    fallback="Unnamed",
    digit_prefix="N",
)
"""Model classes, from qualified type names; ``microsoft.graph.x`` owns ``X``."""

TYPE_MODULE = Style(
    convert=lambda name: snake_case(_local(name)),
    owner=lambda name: f"{DEFAULT_NAMESPACE}.{_camel(name)}",
    reserved=MODULE.reserved,
    fallback="unnamed",
    digit_prefix="n",
    max_length=MAX_MODULE_LENGTH,
)
"""Model modules, from qualified type names (at most :data:`MAX_MODULE_LENGTH` characters)."""


def attribute_names(
    originals: Iterable[str], taken: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Field names for properties (``taken``: names fixed by base classes)."""
    return assign(originals, ATTRIBUTE, taken)


def parameter_names(originals: Iterable[str]) -> list[str]:
    """Parameter names for path placeholders, in order; a repeated one gets ``_2``, ``_3``."""
    names: list[str] = []
    for original in originals:
        name = PARAMETER.final(original)
        base, count = name, 1
        while name in names:
            count += 1
            name = f"{base.rstrip('_')}_{count}"
        names.append(name)
    return names


def function_names(operation_ids: Iterable[str]) -> dict[str, str]:
    """Method and handler names for operations, unique in their version."""
    return assign(operation_ids, FUNCTION)


def module_names(originals: Iterable[str]) -> dict[str, str]:
    """Module names for resources."""
    return assign(originals, MODULE)


def class_names(originals: Iterable[str]) -> dict[str, str]:
    """Class stems for resources (``customer`` -> ``Customer``)."""
    return assign(originals, CLASS)


def type_class_names(qualified: Iterable[str]) -> dict[str, str]:
    """Model class names for qualified type names."""
    return assign(qualified, TYPE_CLASS)


def type_module_names(qualified: Iterable[str]) -> dict[str, str]:
    """Model module names for qualified type names."""
    return assign(qualified, TYPE_MODULE)


def enum_member_names(originals: Iterable[str]) -> dict[str, str]:
    """Enum member names."""
    return assign(originals, ENUM_MEMBER)


def example_test_names(example_names: Iterable[str]) -> dict[str, str]:
    """Test function names (``test_`` included) for example names within one module."""
    return {original: "test_" + name for original, name in assign(example_names, TEST).items()}


def _version_bare(version: str) -> str:
    name = snake_case(version)
    return "v" + name if name[:1].isdigit() else name


VERSION = Style(
    convert=_version_bare,
    owner=lambda name: name.replace("_", "."),
    reserved=MODULE.reserved,
    fallback="version",
    digit_prefix="v",
    max_length=MAX_MODULE_LENGTH,
)
"""Version modules: ``v1.0`` -> ``v1_0``, ``beta`` -> ``beta``."""


def version_module(version: str) -> str:
    """The module of an API version when it collides with no other."""
    return VERSION.final(version)


def version_modules(versions: Iterable[str]) -> dict[str, str]:
    """Modules of API versions, unique."""
    return assign(versions, VERSION)


def package_problem(name: str) -> str | None:
    """Why ``name`` cannot be the generated package's name, or None when it can.

    It must be an identifier and no keyword, and must not shadow a module the
    generated code imports: the standard library's (of the running Python),
    those of :data:`GENERATED_DEPENDENCIES`, and the ``tests`` and ``conftest``
    that the generated tree holds beside the package.
    """
    if not name.isidentifier():
        return "is not a Python identifier"
    if name in KEYWORDS or keyword.iskeyword(name):
        return "is a Python keyword"
    if name in sys.stdlib_module_names or name in ("__main__", "builtins"):
        return "would shadow the standard library module of that name"
    if name in GENERATED_DEPENDENCIES:
        return "would shadow the module of that name that the generated code or its tests import"
    if name in BESIDE_PACKAGE:
        return f"is taken: docgen generates {'a tests folder' if name == 'tests' else 'a conftest.py'} beside the package"
    return None


_CLIENT_RESERVED = KEYWORDS | {"session", "close", "aclose", "store", "serve", "str", "int", "bool", "bytes", "float"}
"""Names a method never takes: the client's and the in-memory service's own, and the builtins
their annotations use."""
_HANDLER_RESERVED = KEYWORDS | TEMPLATE_GLOBALS | {"str", "router"}
"""Names a router module binds, which its handlers avoid."""


def plural(word: str) -> str:
    """``customer`` -> ``customers``, ``company`` -> ``companies`` (English rules, no exceptions)."""
    lower = word.lower()
    if lower.endswith("y") and len(word) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def client_attribute_names(resources: Iterable[str], modules: Mapping[str, str]) -> dict[str, str]:
    """The client attribute of each resource: its plural (``client.customers``); a resource
    whose plural is taken, reserved or no identifier (``35e2s``) keeps its module name, which
    is unique."""
    found: dict[str, str] = {}
    used: set[str] = set()
    for resource in sorted(resources):
        name = snake_case(plural(resource))
        if not name.isidentifier() or name in used or name in _CLIENT_RESERVED or name in modules.values():
            name = modules[resource]
        found[resource] = name
        used.add(name)
    return found


def _method_name(verb: str) -> str:
    name = snake_case(verb) or "call"
    name = "n" + name if name[0].isdigit() else name
    while name in _CLIENT_RESERVED:
        name += "_"
    return name


def client_method_names(operations: Sequence[tuple[str, str, str, str]]) -> dict[str, str]:
    """The client method of each ``(key, verb, qualifier, place)`` of one resource.

    The method is what the operation does (``delete``, ``setData`` -> ``set_data``,
    ``get_content``). Where several operations want one name, the one with the first
    ``place`` (the caller ranks the resource's own collection first, then shorter paths)
    keeps it; the others add their ``qualifier`` (the collection they act on:
    ``list_calendar_view``), and a hash of their ``place`` when that is taken too. Pages'
    file names play no part.
    """
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for key, verb, qualifier, place in operations:
        groups.setdefault(_method_name(verb), []).append((place, key, qualifier))
    found: dict[str, str] = {}
    used = set(groups)
    for name, members in sorted(groups.items()):
        members.sort()
        found[members[0][1]] = name
        for place, key, qualifier in members[1:]:
            candidate, length = _method_name(f"{name}_{qualifier}"), 6
            while candidate in used:
                candidate, length = f"{name}_{stable_hash(place, length)}", length + 2
            found[key] = candidate
            used.add(candidate)
    return found


def handler_name(method: str) -> str:
    """The router handler of a resource's method: the method's name, with ``_`` appended
    while a router module binds it (``respond`` -> ``respond_``)."""
    while method in _HANDLER_RESERVED:
        method += "_"
    return method


OPTION_RESERVED = KEYWORDS | TEMPLATE_GLOBALS | {
    "body", "params", "via", "path", "query", "self", "delta_link", "request", "service", "cls",
    "request_params", "request_headers", "read_delta", "aread_delta", "query_of", "Delta", "Query", "NO_QUERY",
    "headers", "content_type", "follow_redirects",
}
"""Names a query option or header keyword never takes: the other keywords of a client or
service method, and the names the method bodies call."""


def option_names(originals: Sequence[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Keyword names of an operation's query parameters and headers, in order of ``originals``.

    A system query option is its name without ``$`` (``$top`` -> ``top``, ``$filter`` ->
    ``filter``: a keyword argument may shadow a builtin), anything else snake_case
    (``ConsistencyLevel`` -> ``consistency_level``, ``If-Match`` -> ``if_match``). A name
    that is reserved, taken (``taken``: the path parameters) or already given gets ``_``
    appended until it is free.
    """
    used = set(taken)
    found: dict[str, str] = {}
    for original in originals:
        if original in found:
            continue
        name = snake_case(original.lstrip("$")) or "value"
        if not name.isidentifier():
            name = "n" + name
        while name in OPTION_RESERVED or name in used:
            name += "_"
        found[original] = name
        used.add(name)
    return found
