"""Stripe's published types as a JSON validator: the TypeScript declarations of the official
`stripe` npm package (package.json pins it: the version whose API version is stripe-python's),
generated from Stripe's OpenAPI description, read into a schema.

    result = validate(body, "PaymentIntent")   # or "ApiList<Refund>"; default: any response
    assert not result.errors, result.errors    # ["$.data[0].status: 'x' is none of ..."]
    result.objects                              # Counter of the `object` types validated

What is checked, by the declarations of `node_modules/stripe/cjs/**/*.d.ts`:
- every required key is there (`key: T`; `key?: T` may be absent; `key?: void` must be);
- no key the type does not declare (unless it has an index signature: `Metadata`);
- `string`, `number` (ints pass), `boolean`, `null` only where the type says `| null`;
- string-literal unions are enums: the generated `'a' | 'b' | OtherString` stands for "more
  may come"; here only the published values pass (strict), a union with plain `string` takes
  any string;
- arrays, nested objects (inline or `Charge.PaymentMethodDetails.Card`), generics
  (`ApiList<T>`, `Partial<T>`), `Record`, expandable fields (`string | Customer`: an id, or
  the object validated in turn), unions of objects (`Event`: the interface whose literal keys,
  `type`, `object`, `deleted`, match; the errors of the likeliest are reported), names
  imported from other files.
Only the regular shapes of the generated files are parsed; a declaration this reader does not
understand, or a name it cannot find, raises `SchemaError` when a value reaches it: loud, never
a silent pass. Files are parsed when first needed, once per process.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "node_modules" / "stripe"
# The names a caller uses, declared as the package declares its own (a d.ts of ours).
ROOT = """
import { PaymentIntent } from './resources/PaymentIntents.js';
import { Customer, DeletedCustomer } from './resources/Customers.js';
import { Refund } from './resources/Refunds.js';
import { Event } from './resources/Events.js';
import { WebhookEndpoint, DeletedWebhookEndpoint } from './resources/WebhookEndpoints.js';
import { Charge } from './resources/Charges.js';
import { PaymentMethod } from './resources/PaymentMethods.js';
import { SetupIntent } from './resources/SetupIntents.js';
import { ApiList, ApiSearchResult } from './lib.js';
import { RawErrorType } from './Types.js';
type StripeObject = PaymentIntent | Customer | DeletedCustomer | Refund | Event | WebhookEndpoint
    | DeletedWebhookEndpoint | Charge | PaymentMethod | SetupIntent;
/* Stripe's error object: OpenAPI's `api_errors` (generated as PaymentIntent.LastPaymentError),
   its `type` any the SDKs know (RawErrorType: also authentication_error, rate_limit_error). */
interface ApiError extends PaymentIntent.LastPaymentError { type: RawErrorType; }
interface ErrorBody { error: ApiError; }
type StripeResponse = StripeObject | ApiList<StripeObject> | ApiSearchResult<StripeObject>
    | ErrorBody;
"""
_TOKEN = re.compile(r"""\s+|/\*.*?\*/|//[^\n]*|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|"""
                    r"""[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|=>|\.\.\.|\S)""", re.S)
_PRIMITIVES = {"string": str, "number": (int, float), "boolean": bool, "object": dict}
_ANY, _ABSENT = {"unknown", "any"}, {"void", "undefined"}
_BUILTINS = {*_PRIMITIVES, *_ANY, *_ABSENT, "Array", "Record", "Partial"}


class SchemaError(Exception):
    """A declaration the reader does not understand, or a name it cannot find."""


@dataclass
class _Module:
    file: Path
    decls: dict = field(default_factory=dict)  # (namespace..., name) -> declaration
    namespaces: set = field(default_factory=set)
    imports: dict = field(default_factory=dict)  # local name -> (source, exported or None: *)


@dataclass(frozen=True)
class _Scope:
    mod: _Module
    path: tuple = ()
    env: tuple = ()  # a generic's type arguments: ((param, (node, scope of the node)), ...)


class _Parser:
    """Declarations (interface, namespace, type, import) into `_Module.decls`; type
    expressions into tuples: ("ref", name, args), ("lit", v), ("null",), ("union", alts),
    ("inter", parts), ("array", item), ("object", members, index), ("bad", text)."""

    def __init__(self, text: str, where: str):
        self.t = [m.group(1) for m in _TOKEN.finditer(text) if m.group(1)]
        self.i, self.where = 0, where

    def peek(self, ahead=0):
        return self.t[self.i + ahead] if self.i + ahead < len(self.t) else None

    def accept(self, token) -> bool:
        if self.peek() == token:
            self.i += 1
            return True
        return False

    def take(self, expected=None) -> str:
        token = self.peek()
        if token is None or expected is not None and token != expected:
            raise SchemaError(f"{self.where}: {expected or 'a token'} expected, not {token!r} "
                              f"(after {' '.join(self.t[max(0, self.i - 8):self.i])})")
        self.i += 1
        return token

    def skip(self, block_ends: bool) -> None:
        """Past a statement (or member) not read: to its `;`, or its block's `}`."""
        depth = 0
        while (token := self.peek()) is not None and not (depth == 0 and token == "}"):
            self.i += 1
            depth += (token in ("(", "{", "[")) - (token in (")", "}", "]"))
            if depth == 0 and (token == ";" or block_ends and token == "}"):
                return

    def block(self, mod: _Module, path: tuple) -> None:
        while self.peek() not in (None, "}"):
            exported = self.accept("export")
            self.accept("declare")
            if self.accept("import") or exported and self.peek() in ("{", "*"):
                self.imports(mod)
            elif self.accept("interface"):
                name, params = self.take(), self.params()
                extends = [self.type()] if self.accept("extends") else []
                while self.accept(","):
                    extends.append(self.type())
                mod.decls[(*path, name)] = ("interface", params, extends, *self.members())
            elif self.accept("namespace"):
                mod.namespaces.add((*path, name := self.take()))
                self.take("{")
                self.block(mod, (*path, name))
                self.take("}")
            elif self.peek() == "type" and self.peek(1) not in ("{", "*"):
                self.i += 1
                name, params = self.take(), self.params()
                self.take("=")
                mod.decls[(*path, name)] = ("alias", params, self.guarded(name, ";"))
            else:
                self.skip(block_ends=True)

    def imports(self, mod: _Module) -> None:
        self.accept("type")
        names = {}
        if self.accept("*") and self.accept("as"):
            names[self.take()] = None
        elif self.accept("{"):
            while not self.accept("}"):
                name = self.take()
                names[self.take() if self.accept("as") else name] = name
                self.accept(",")
        if self.accept("from"):
            source = self.take()[1:-1]
            mod.imports.update({local: (source, name) for local, name in names.items()})
        self.skip(block_ends=False)

    def params(self) -> tuple:
        names = []
        if self.accept("<"):
            while not self.accept(">"):
                names.append(self.take())
                for keyword in ("extends", "="):
                    if self.accept(keyword):
                        self.type()
                self.accept(",")
        return tuple(names)

    def guarded(self, what: str, end: str):
        """A type ending at `end`; one this reader cannot parse is kept as ("bad", ...)."""
        start = self.i
        try:
            node = self.type()
            if self.peek() not in (end, ",", "}"):
                self.take(end)
        except SchemaError as error:
            self.i = start
            self.skip(block_ends=False)
            return ("bad", f"{what}: {error}")
        self.accept(end)
        return node

    def members(self) -> tuple[dict, tuple | None]:
        self.take("{")
        members, index = {}, None
        while not self.accept("}"):
            self.accept("readonly")
            if self.accept("["):  # an index signature: [key: string]: T
                self.take(), self.take(":"), self.take(), self.take("]"), self.take(":")
                index = self.guarded("[key: string]", ";")
                continue
            name = self.take().strip("'\"")
            optional = self.accept("?")
            if self.peek() == ":":
                self.i += 1
                members[name] = (optional, self.guarded(name, ";"))
            else:  # a method, a call signature: nothing a JSON value has
                self.skip(block_ends=False)
                members[name] = (True, ("bad", f"{name}: not a property"))
        return members, index

    def type(self):
        self.accept("|")
        alternatives = [self.intersection()]
        while self.accept("|"):
            alternatives.append(self.intersection())
        return alternatives[0] if len(alternatives) == 1 else ("union", tuple(alternatives))

    def intersection(self):
        parts = [self.primary()]
        while self.accept("&"):
            parts.append(self.primary())
        return parts[0] if len(parts) == 1 else ("inter", tuple(parts))

    def primary(self):
        token = self.take()
        if token == "(":
            node = self.type()
            self.take(")")
        elif token == "{":
            self.i -= 1
            node = ("object", *self.members())
        elif token[0] in "'\"":
            node = ("lit", token[1:-1])
        elif token in ("true", "false", "null"):
            node = ("null",) if token == "null" else ("lit", token == "true")
        elif token[0].isdigit():
            node = ("lit", json.loads(token))
        elif re.fullmatch(r"[A-Za-z_$][\w$]*", token) and token not in ("keyof", "typeof"):
            name = [token]
            while self.accept("."):
                name.append(self.take())
            args = []
            if self.accept("<"):
                args.append(self.type())
                while self.accept(","):
                    args.append(self.type())
                self.take(">")
            node = ("ref", tuple(name), tuple(args))
        else:
            raise SchemaError(f"{self.where}: {token!r} begins no type this reader knows")
        while self.peek() == "[" and self.peek(1) == "]":
            self.i += 2
            node = ("array", node)
        return node


_modules: dict[Path, _Module] = {}


def _module(file: Path, text: str | None = None) -> _Module:
    if file not in _modules:
        if text is None and not file.exists():
            raise SchemaError(f"{file} is missing: `npm ci` installs the stripe package")
        mod = _Module(file)
        _Parser(text if text is not None else file.read_text(), file.name).block(mod, ())
        _modules[file] = mod
    return _modules[file]


def _lookup(scope: _Scope, name: tuple) -> tuple[tuple, _Scope]:
    """The declaration `name` (`A` or `A.B.C`) means in `scope`, and the scope of its body."""
    first, rest, mod = name[0], name[1:], scope.mod
    for depth in range(len(scope.path), -1, -1):
        base = (*scope.path[:depth], first)
        if base in (mod.namespaces if rest else mod.decls):
            if (*base, *rest) not in mod.decls:
                break
            return mod.decls[(*base, *rest)], _Scope(mod, (*base, *rest)[:-1])
    if first not in mod.imports:
        raise SchemaError(f"{'.'.join(name)}: not declared in {mod.file.name}")
    source, exported = mod.imports[first]
    target = _module(Path(str((mod.file.parent / source).resolve()).removesuffix(".js") + ".d.ts"))
    return _lookup(_Scope(target), rest if exported is None else (exported, *rest))


@dataclass
class Result:
    errors: list[str]
    objects: Counter  # the `object` of each object that validated, nested ones included


class _Validator:
    def __init__(self):
        self.seen = []

    def check(self, node, scope: _Scope, value, at: str) -> list[str]:
        kind = node[0]
        if kind == "lit":
            ok = value == node[1] and type(value) is type(node[1])
            return [] if ok else [f"{at}: {value!r}, where the type says {node[1]!r}"]
        if kind == "null":
            return [] if value is None else [f"{at}: {value!r}, where the type says null"]
        if kind == "union":
            return self.union(node[1], scope, value, at)
        if kind == "array":
            return self.array(node[1], scope, value, at)
        if kind == "object":
            return self.object((node[1], scope, node[2]), value, at)
        if kind == "bad" or kind == "inter" and not _other_string(node):
            raise SchemaError(f"{at}: a declaration this reader does not understand: {node}")
        if kind == "inter":  # OtherString (string & Record<never, never>) alone: any string
            return self.check(("ref", ("string",), ()), scope, value, at)
        name, args = node[1], node[2]
        env = dict(scope.env)
        if name[0] in env:
            return self.check(*env[name[0]], value, at)
        builtin = name[0] if len(name) == 1 else None
        if builtin in _PRIMITIVES:
            ok = isinstance(value, _PRIMITIVES[builtin]) and not (builtin == "number"
                                                                   and isinstance(value, bool))
            return [] if ok else [f"{at}: {json.dumps(value)[:60]} is no {builtin}"]
        if builtin in _ANY:
            return []
        if builtin == "Array":
            return self.array(args[0], scope, value, at)
        if builtin == "Record":
            return self.object(({}, scope, args[1]), value, at)
        shape = _shape(node, scope)
        if shape is not None:
            return self.object(shape, value, at)
        decl, body = _lookup(scope, name)
        return self.check(decl[2], _bind(decl, body, args, scope), value, at)

    def union(self, alternatives, scope, value, at) -> list[str]:
        if value is None and ("null",) in alternatives or isinstance(value, str) and (
                "ref", ("string",), ()) in alternatives:
            return []  # an id for an expandable field: the other alternatives are not read
        flat = _flatten(alternatives, scope)
        literals = [node[1] for node, _ in flat if node[0] == "lit"]
        if any(v == value and type(v) is type(value) for v in literals):
            return []
        if value is None:
            return [] if any(n[0] == "null" for n, _ in flat) else [f"{at}: null, not allowed"]
        if isinstance(value, str) and literals and not any(
                n == ("ref", ("string",), ()) for n, _ in flat):
            shown = ", ".join(sorted(map(str, literals))[:8])
            return [f"{at}: {value!r} is none of the {len(literals)} values ({shown}, …)"]
        candidates = [(n, s) for n, s in flat if n[0] not in ("lit", "null", "inter")]
        if isinstance(value, dict):  # the likeliest first: most literal keys agreeing
            scored = [(_agreeing(*c, value), n, c) for n, c in enumerate(candidates)]
            candidates = [c for score, _, c in sorted(scored, reverse=True) if score >= 0]
        best = None
        for node, node_scope in candidates:
            outer, self.seen = self.seen, []
            errors = self.check(node, node_scope, value, at)
            self.seen = outer + (self.seen if not errors else [])
            if not errors:
                return []
            best = best or errors  # the likeliest alternative's errors are reported
        return best or [f"{at}: {json.dumps(value)[:60]} is none of the types allowed"]

    def array(self, item, scope, value, at) -> list[str]:
        if not isinstance(value, list):
            return [f"{at}: {json.dumps(value)[:60]} is no array"]
        return [e for n, v in enumerate(value) for e in self.check(item, scope, v, f"{at}[{n}]")]

    def object(self, shape, value, at) -> list[str]:
        members, scope, index = shape
        if not isinstance(value, dict):
            return [f"{at}: {json.dumps(value)[:60]} is no object"]
        errors = []
        for key, (optional, node, node_scope) in _members(members, scope).items():
            absent = node[0] == "ref" and node[1][0] in _ABSENT
            if key not in value:
                if not optional and not absent:
                    errors.append(f"{at}: required key {key!r} missing")
            elif absent:
                errors.append(f"{at}.{key}: present, where the type says it never is")
            else:
                errors += self.check(node, node_scope, value[key], f"{at}.{key}")
        for key in sorted(value.keys() - members.keys()):
            if index is None:
                errors.append(f"{at}: key {key!r} is not in the type")
            else:
                errors += self.check(index, scope, value[key], f"{at}.{key}")
        kind = members.get("object", (0, ("",)))[1]
        if not errors and kind[0] == "lit" and "object" in value:  # not a Partial<T>'s
            self.seen.append(kind[1])
        return errors


def _members(members: dict, scope: _Scope) -> dict:
    return {k: m if len(m) == 3 else (*m, scope) for k, m in members.items()}


def _other_string(node) -> bool:
    return node[0] == "inter" and node[1][0] == ("ref", ("string",), ())


def _bind(decl, body: _Scope, args, scope: _Scope) -> _Scope:
    bound = zip(decl[1], ((arg, scope) for arg in args), strict=False)  # defaults: unread
    return _Scope(body.mod, body.path, tuple(bound))


def _shape(node, scope: _Scope):
    """(members, scope, index) of an interface, `Partial<T>` or inline object; None for
    anything else (an alias: followed by the caller)."""
    if node[0] == "object":
        return node[1], scope, node[2]
    if node[0] != "ref" or node[1][0] in _BUILTINS - {"Partial"}:
        return None
    env = dict(scope.env)
    if len(node[1]) == 1 and node[1][0] in env:
        return _shape(*env[node[1][0]])
    if node[1] == ("Partial",):
        members, inner, index = _shape(node[2][0], scope)
        return {k: (True, *m[1:]) for k, m in _members(members, inner).items()}, inner, index
    decl, body = _lookup(scope, node[1])
    bound = _bind(decl, body, node[2], scope)
    if decl[0] == "alias":
        return _shape(decl[2], bound)
    members, index = {}, None
    for parent in decl[2]:
        inherited, parent_scope, parent_index = _shape(parent, bound)
        members.update(_members(inherited, parent_scope))
        index = parent_index or index
    members.update(_members(decl[3], bound))
    return members, bound, decl[4] or index


def _flatten(alternatives, scope) -> list:
    """A union's alternatives, each with its scope; aliases to unions (enums) followed."""
    flat = []
    for node in alternatives:
        if node[0] == "ref" and len(node[1]) == 1 and node[1][0] in dict(scope.env):
            flat += _flatten((dict(scope.env)[node[1][0]][0],), dict(scope.env)[node[1][0]][1])
        elif node[0] == "ref" and node[1][0] not in _BUILTINS:
            decl, body = _lookup(scope, node[1])
            if decl[0] == "alias" and decl[2][0] in ("union", "lit", "inter"):
                inner = decl[2][1] if decl[2][0] == "union" else (decl[2],)
                flat += _flatten(inner, _bind(decl, body, node[2], scope))
            else:
                flat.append((node, scope))
        else:
            flat.append((node, scope))
    return flat


def _agreeing(node, scope, value: dict) -> int:
    """How many literal keys (`object`, `type`, `deleted`) of this alternative an object
    has; -1: one disagrees, it cannot be of it. Only these are read, so an `Event` is matched
    without reading the types of the other 250 events."""
    shape = _shape(node, scope)
    if shape is None:
        return -1 if node[0] == "ref" and node[1][0] in _PRIMITIVES else 0
    agreeing = 0
    for key, (optional, member, *_) in shape[0].items():
        if member[0] == "lit" and key in value:
            if value[key] != member[1]:
                return -1
            agreeing += 1
        elif member[0] == "lit" and not optional or key in value and member[0] == "ref" and (
                member[1][0] in _ABSENT):
            return -1
    return agreeing


@cache
def _root() -> _Scope:
    return _Scope(_module(PACKAGE / "cjs" / "__root__.d.ts", ROOT))


@cache
def _type(text: str):
    return _Parser(text, "type").type()


def validate(value, type_text: str = "StripeResponse") -> Result:
    """`value` (parsed JSON) against a type written as in the declarations: "PaymentIntent",
    "ApiList<Refund>", "PaymentIntent.LastPaymentError", or any response (the default)."""
    validator = _Validator()
    errors = validator.check(_type(type_text), _root(), value, "$")
    return Result(errors, Counter(validator.seen) if not errors else Counter())


def package_version() -> tuple[str, str, str]:
    """(npm version, its API version, its OpenAPI spec version) of the installed package."""
    pinned = re.search(r"'([^']+)'", (PACKAGE / "cjs" / "apiVersion.js").read_text())
    return (json.loads((PACKAGE / "package.json").read_text())["version"], pinned.group(1),
            (PACKAGE / "OPENAPI_VERSION").read_text().strip())
