"""The ``python`` tool: runs code in the sandbox, with state kept across the calls of an episode.

Every call is a fresh sandboxed run (``rlvr.verifiers.sandbox``, program mode), so no call can
harm the next. State carries over by replay: a call runs the episode's earlier cells first, with
their output discarded, then the new cell, whose output is returned. ``random`` is seeded the
same way on every replay, so replayed cells rebuild the same state; code that depends on the
clock or on the outside world may see other values when replayed. A cell whose run timed out is
not replayed. Like a REPL, the value of a final expression is printed.
"""

from __future__ import annotations

from rlvr.verifiers.sandbox import RunRequest, Sandbox, SandboxLimits, default_sandbox

DRIVER = """\
import ast, contextlib, io, random, sys, traceback
CELLS = {cells!r}
namespace = {{"__name__": "__main__"}}


def run(source, show):
    try:
        tree = ast.parse(source, "<cell>")
        last = tree.body[-1] if show and tree.body and isinstance(tree.body[-1], ast.Expr) else None
        if last is not None:
            tree.body.pop()
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
            if value is not None:
                print(repr(value))
    except SystemExit:
        pass
    except BaseException:
        if show:
            traceback.print_exc(limit=3, file=sys.stdout)


random.seed(0)
for cell in CELLS[:-1]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        run(cell, False)
sys.stderr = sys.stdout
run(CELLS[-1], True)
"""


class PythonTool:
    """One episode's Python session."""

    name = "python"

    def __init__(
        self,
        sandbox: Sandbox | None = None,
        limits: SandboxLimits | None = None,
        max_output_chars: int = 4_000,
    ) -> None:
        self._sandbox = sandbox
        self.limits = limits or SandboxLimits(timeout=10, test_timeout=5, memory_mb=1024)
        self.max_output_chars = max_output_chars
        self.cells: list[str] = []

    def reset(self) -> None:
        self.cells = []

    def __call__(self, code: str) -> str:
        cells = [*self.cells, code]
        sandbox = self._sandbox or default_sandbox()
        program = DRIVER.format(cells=cells)
        result = sandbox.run(RunRequest(mode="program", code=program, inputs=[""]), self.limits)
        test = result.tests[0] if result.tests else None
        if result.status == "error":
            return f"(the sandbox could not run the code: {result.message})"
        if test is None or test.get("timeout") or result.status == "timeout":
            return f"(the code ran out of time: {self.limits.test_timeout:g} s; nothing kept)"
        self.cells = cells
        output = test.get("stdout", "")
        if len(output) > self.max_output_chars:
            output = output[: self.max_output_chars] + "\n[output truncated]"
        return output.rstrip("\n") or "(no output)"
