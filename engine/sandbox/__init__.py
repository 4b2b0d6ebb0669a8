"""The sandbox that runs every expression and script found in an uploaded BPMN or DMN file.

Owns the static check (an AST whitelist, run before anything executes and again, cached,
at run time), the run-time guards (operation budget, deadline, size caps) and the
SpiffWorkflow seam: `make_script_engine` returns a script engine whose environment is a
`SandboxEnvironment` instead of SpiffWorkflow's plain `eval`/`exec`.

One module a concern, each importing only those listed before it: `_limits` (the numbers
and the two errors), `_budget` (the run budget), `_functions` (the whitelisted functions),
`_methods` (attributes, methods and operators at run time), `_checker` (the static check),
`_instrumenter` (routes every step through the guards), `_compiler` (check, instrument,
compile; the public checks) and `_environment` (the SpiffWorkflow seam).

The expression language, for process designers
----------------------------------------------
Expressions (gateway conditions, DMN inputs and outputs, timer values) and scripts
(script tasks) are a small subset of Python over the case data:

* literals (str, int, float, True/False/None, lists, dicts, sets, tuples), data names,
  arithmetic, comparisons (`<`, `in`, `is None`, chained `18 <= age < 60`), `and`/`or`/`not`,
  `a if cond else b`, subscripts and slices, list/dict/set comprehensions and generator
  expressions, f-strings (constant format specs, widths up to 100);
* scripts also have assignment (`x = ...`, `d["k"] = ...`, `x += 1`, tuple unpacking), `del`,
  `if`/`elif`/`else`, `for` over a list, dict, string or `range()`, `break`, `continue`, `pass`
  and the mutating methods (`append`, `pop`, `update`, ...);
* methods: see `ALLOWED_ATTRIBUTES` (str: lower, upper, strip, split, join, replace,
  startswith, ...; list: count, index; dict: get, keys, values, items; date: year, month,
  day, weekday, isoformat, ...);
* functions: see `ALLOWED_FUNCTIONS`. Dates in case data are ISO strings ("YYYY-MM-DD");
  `today()`, `add_days()`, `add_months()` and `add_years()` return such strings, so they
  compare directly with data (`passport_expiry > add_months(today(), 6)`); `date()` returns
  a `datetime.date` for field access (`date(birth_date).year`).

Everything else is refused with `ExpressionRejected`: imports, `def`, `class`, `lambda`,
`while`, `with`, `try`, `global`, names or attributes starting with `_`, `str.format`,
calls of anything but the whitelisted functions and methods. Running is bounded
(`SandboxLimitExceeded`): 1,000,000 operations, 1 second, strings and lists of at most
1,000,000 items, integers of at most 10,000 bits, `range()` of at most 100,000 numbers.
After a script, task data holds JSON values only: dates become ISO strings, anything else
(a set, a function) is an error naming the variable.

DMN tables: SpiffWorkflow turns an input entry into one expression with the input
expression (`age` and `< 18` become `age< 18`; `"kawin"` becomes `(status) == ("kawin")`;
`18 <= ? < 60` evaluates `?` as the input) and runs it here, so the same rules apply.
`check_dmn_entry` checks an input entry the way SpiffWorkflow will combine it.
"""

from engine.sandbox._compiler import check_dmn_entry, check_expression, check_script
from engine.sandbox._environment import SandboxEnvironment, SandboxScriptEngine, make_script_engine
from engine.sandbox._functions import ALLOWED_FUNCTIONS
from engine.sandbox._limits import ExpressionRejected, SandboxLimitExceeded
from engine.sandbox._methods import ALLOWED_ATTRIBUTES

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_FUNCTIONS",
    "ExpressionRejected",
    "SandboxEnvironment",
    "SandboxLimitExceeded",
    "SandboxScriptEngine",
    "check_dmn_entry",
    "check_expression",
    "check_script",
    "make_script_engine",
]
