"""State-machine tasks: write a function that simulates a machine described in the prompt.

=====  ==========================================================================================
level  kinds
=====  ==========================================================================================
1      a robot moving U/D/L/R on an open grid; a vending machine (coins, selections, stock); a
       state machine given by a complete transition table; INC/DEC register programs; a stack
       machine with PUSH, POP, ADD
2      + walls; refunds; missing transitions (stay put); JNZ loops under a step limit; SUB, MUL,
       DUP
3      + a robot that turns (F/L/R, heading); unknown items; an absorbing error state; CPY and
       literal operands; SWAP, OVER
4      + repeat counts (``3F``); rejected coins; a transducer that emits outputs; ADD and JMP;
       stack underflow returns None
5      + ice cells the robot slides on; change returned after each sale; a ``reset`` input; the
       step limit as an argument (None when reached); floor DIV (by zero: None) and JZ skips
=====  ==========================================================================================

Each task's ``answer`` is the reference solution (source text) and ``metadata["tests"]`` its
hidden tests (see :mod:`rlvr.tasks.code.schema`). Every machine halts: programs that loop run
into an explicit step limit. :func:`wrong_solutions` gives near misses. Rendering a
:class:`~rlvr.tasks.code.kit.Spec` and picking its near misses is :mod:`.kit`'s.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from rlvr.tasks.code.kit import Maker, Spec, SpecSource, at_level, patch

# -- a robot on a grid ------------------------------------------------------------------------

ROBOT_CODE = """def $name(grid: list[str], commands: str) -> $returns:
    headings, moves = "NESW", [(-1, 0), (0, 1), (1, 0), (0, -1)]
    row, col = next((r, line.index("S")) for r, line in enumerate(grid) if "S" in line)
    heading, count = 0, ""

    def free(r: int, c: int) -> bool:
        return 0 <= r < len(grid) and 0 <= c < len(grid[r]) and grid[r][c] != "#"

    for command in commands:
        if command.isdigit():
            count += command
            continue
        for _ in range(int(count or 1)):
            if command in "LR":
                heading = (heading + (3 if command == "L" else 1)) % 4
                continue
            dr, dc = moves[heading if command == "F" else headings.index(command)]
            while free(row + dr, col + dc):
                row, col = row + dr, col + dc
                if grid[row][col] != "~":
                    break
        count = ""
    return $result
"""
ROBOT_WRONG = [
    ("north_is_down", 1, 5, patch(ROBOT_CODE, "[(-1, 0), (0, 1), (1, 0), (0, -1)]",
                                  "[(1, 0), (0, 1), (-1, 0), (0, -1)]")),
    ("stops_when_blocked", 1, 5, patch(ROBOT_CODE, "            while free(",
                                       "            if not free(row + dr, col + dc):\n"
                                       "                return $result\n            while free(")),
    ("walls_ignored", 2, 5, patch(ROBOT_CODE, ' and grid[r][c] != "#"', "")),
    ("turns_reversed", 3, 5, patch(ROBOT_CODE, "(3 if command", "(1 if command")
     .replace('"L" else 1)', '"L" else 3)')),
    ("counts_ignored", 4, 5, patch(ROBOT_CODE, "range(int(count or 1))", "range(1)")),
    ("ice_ignored", 5, 5, patch(ROBOT_CODE, '                if grid[row][col] != "~":\n'
                                "                    break\n", "                break\n")),
]  # fmt: skip


def random_grid(rng: random.Random, rows: int, cols: int, walls: float, ice: float) -> list[str]:
    cells = [
        ["#" if (roll := rng.random()) < walls else "~" if roll < walls + ice else "."
         for _ in range(cols)]
        for _ in range(rows)
    ]  # fmt: skip
    cells[rng.randrange(rows)][rng.randrange(cols)] = "S"
    return ["".join(row) for row in cells]


def make_robot(rng: random.Random, level: int) -> Spec:
    text = at_level(level, [
        (1, 5, "Simulate a robot on a grid. `grid` is a list of equally long strings; row 0 is "
               "the top row and column 0 the leftmost column. The robot starts on the cell "
               "marked `S`."),
        (1, 1, "All other cells are free (`.`)."),
        (2, 5, "Cells marked `#` are walls; all other cells are free."),
        (1, 5, "`commands` is a string of commands carried out in order. `N`, `S`, `E` and `W` "
               "move the robot one cell up, down, right and left. A move that would leave the "
               "grid or enter a wall is skipped (the robot stays), and the next command "
               "follows."),
        (3, 5, "The robot faces north (up) at first: `F` moves it one cell forward, in the "
               "direction it faces (skipped the same way), `L` and `R` turn it 90 degrees left "
               "and right; `N`, `S`, `E`, `W` do not change where it faces."),
        (4, 5, "A command may be preceded by a number `k` (one or more digits): the command is "
               "then carried out `k` times, each step on its own (`0F` does nothing)."),
        (5, 5, "Cells marked `~` are ice (free): after the robot moves onto ice it keeps sliding "
               "one cell at a time in the same direction while it stands on ice and the next "
               "cell is free; the slide is part of the same move."),
        (1, 2, "Return the final position as `[row, column]`."),
        (3, 5, "Return `[row, column, heading]`, with the heading as `N`, `E`, `S` or `W`."),
    ])  # fmt: skip
    letters = "NESW" if level <= 2 else "FFFFLRNESW"
    inputs = []
    for _ in range(10 + level):
        rows, cols = rng.randint(3, 4 + level // 2), rng.randint(3, 4 + level // 2)
        tokens = [rng.choice(letters) for _ in range(rng.randint(4, 6) + 2 * level)]
        if level >= 4:
            tokens = [str(rng.randint(2, 12)) + t if rng.random() < 0.3 else t for t in tokens]
        grid = random_grid(rng, rows, cols, 0.2 * (level > 1), 0.25 * (level == 5))
        inputs.append([grid, "".join(tokens)])
    inputs[3:3] = at_level(level, [
        (1, 5, [["..S..", ".....", "....."], "NNSEEE" + rng.choice(("W", "S", "SS"))]),
        (2, 5, [["....", ".#..", ".S..", "...."], "NE" + rng.choice(("N", "NE", "EN"))]),
        (3, 5, [["....", ".#..", ".S..", "...."], "FR" + rng.choice(("F", "FF", "RF"))]),
        (4, 5, [[".....", "..S..", "....."], "2R" + rng.choice(("F", "3F", "12F"))]),
        (5, 5, [["...", "~..", "~..", "~..", "S.."], "F" + rng.choice(("", "R", "RF"))]),
    ])  # fmt: skip
    subs = (
        {"returns": "list", "result": "[row, col, headings[heading]]"} if level >= 3
        else {"returns": "list[int]", "result": "[row, col]"}
    )  # fmt: skip
    names = ("robot_position", "simulate_robot", "run_robot", "drive_robot")
    return Spec("robot", names, " ".join(text), ROBOT_CODE, inputs, subs)


# -- a vending machine -------------------------------------------------------------------------

VENDING_CODE = """def $name(items: dict[str, list[int]], events: list[str]) -> list[str]:
    stock = {name: count for name, (price, count) in items.items()}
    credit, log = 0, []
    for event in events:
        action, _, arg = event.partition(" ")
        if action == "coin":
            if int(arg) in (5, 10, 25, 100):
                credit += int(arg)
            else:
                log.append(f"reject {arg}")
        elif action == "refund":
            if credit:
                log.append(f"refund {credit}")
            credit = 0
        elif arg not in items:
            log.append(f"unknown {arg}")
        elif stock[arg] == 0:
            log.append(f"sold out {arg}")
        elif credit < items[arg][0]:
            log.append(f"insufficient {arg}")
        else:
            credit -= items[arg][0]
            stock[arg] -= 1
            log.append(f"dispense {arg}")$change
    return log
"""
CHANGE = """
            if credit:
                log.append(f"change {credit}")
            credit = 0"""
REFUND = '            if credit:\n                log.append(f"refund {credit}")\n'
SOLD_OUT = '        elif stock[arg] == 0:\n            log.append(f"sold out {arg}")\n'
LOW = '        elif credit < items[arg][0]:\n            log.append(f"insufficient {arg}")\n'
VENDING_WRONG = [
    ("credit_not_deducted", 1, 5, patch(VENDING_CODE, " " * 12 + "credit -= items[arg][0]\n", "")),
    ("stock_ignored", 1, 5, patch(VENDING_CODE, SOLD_OUT, "")),
    ("credit_checked_first", 1, 5, patch(VENDING_CODE, SOLD_OUT + LOW, LOW + SOLD_OUT)),
    ("refund_zero_logged", 2, 5, patch(VENDING_CODE, REFUND, REFUND.split("\n", 1)[1][4:])),
    ("any_coin_accepted", 4, 5, patch(VENDING_CODE, "in (5, 10, 25, 100)", "> 0")),
    ("no_change_given", 5, 5, VENDING_CODE.replace("$change", "")),
]  # fmt: skip
SNACKS = ("cola", "chips", "gum", "water", "candy", "juice", "nuts")


def vending_events(rng: random.Random, level: int, items: dict[str, list[int]]) -> list[str]:
    events = []
    for _ in range(rng.randint(4, 6) + 2 * level):
        roll = rng.random()
        if roll < 0.45:
            bad = level >= 4 and rng.random() < 0.15
            events.append(f"coin {rng.choice((1, 3, 50, 200) if bad else (5, 10, 25, 100))}")
        elif roll < 0.55 and level >= 2:
            events.append("refund")
        else:
            unknown = level >= 3 and rng.random() < 0.15
            events.append(f"select {rng.choice(('tea', 'soup') if unknown else list(items))}")
    return events


def make_vending(rng: random.Random, level: int) -> Spec:
    text = at_level(level, [
        (1, 5, "Simulate a vending machine. `items` maps each item name to `[price, stock]` (in "
               "cents). The machine starts with credit 0 and processes `events` in order, "
               "returning the list of messages it logs:"),
        (1, 3, "`\"coin N\"` adds N cents to the credit (N is always 5, 10, 25 or 100);"),
        (4, 5, "`\"coin N\"` adds N cents to the credit when N is 5, 10, 25 or 100, and "
               "otherwise logs `\"reject N\"` and changes nothing;"),
        (1, 5, "`\"select X\"` checks, in this order:"),
        (3, 5, "if X is not in `items`, log `\"unknown X\"`;"),
        (1, 5, "if X's stock is 0, log `\"sold out X\"`; if the credit is below X's price, log "
               "`\"insufficient X\"`; otherwise subtract the price from the credit, lower X's "
               "stock by one and log `\"dispense X\"`."),
        (5, 5, "Right after a dispense, any credit left is returned: log `\"change C\"` (C being "
               "that credit) and set the credit to 0."),
        (2, 5, "`\"refund\"` logs `\"refund C\"` with the current credit C and sets it to 0; "
               "when the credit is already 0 it logs nothing."),
    ])  # fmt: skip
    inputs = []
    for _ in range(10 + level):
        names = rng.sample(SNACKS, rng.randint(2, 4))
        items = {name: [5 * rng.randint(5, 30), rng.randint(0, 3)] for name in names}
        inputs.append([items, vending_events(rng, level, items)])
    price = 5 * rng.randint(11, 19)
    edge = {"gum": [price, 2], "cola": [price, 0]}
    inputs[3:3] = at_level(level, [
        (1, 5, [edge, ["coin 100", "select gum", "select gum", "select cola", "coin 100",
                       "select cola", "select gum"]]),
        (2, 5, [edge, ["refund", "coin 25", "refund", "refund"]]),
        (3, 5, [edge, ["coin 5", "select tea", "coin 25"]]),
        (4, 5, [edge, ["coin 3", "coin 10", "coin 50", "refund"]]),
    ])  # fmt: skip
    names = ("vending_machine", "run_vending", "vend", "simulate_vending")
    return Spec("vending", names, " ".join(text), VENDING_CODE, inputs,
                {"change": CHANGE if level >= 5 else ""})  # fmt: skip


# -- a state machine given by its transition table ---------------------------------------------

AUTOMATON_CODE = """\
def $name(transitions: dict[str, dict[str, str]], start: str, inputs: list[str]) -> str:
    state = start
    for symbol in inputs:
$step
    return state
"""
STEPS = {
    "complete": "        state = transitions[state][symbol]",
    "stay": "        state = transitions[state].get(symbol, state)",
    "error": '        if state != "error":\n'
    '            state = transitions[state].get(symbol, "error")',
    "restart": "        state = transitions[state].get(symbol, start)",
}
AUTOMATON_WRONG = [
    ("skips_first_input", 1, 3, patch(AUTOMATON_CODE, "in inputs:", "in inputs[1:]:")),
    ("ignores_last_input", 1, 3, patch(AUTOMATON_CODE, "in inputs:", "in inputs[:-1]:")),
    ("missing_restarts", 2, 3, AUTOMATON_CODE.replace("$step", STEPS["restart"])),
    ("error_not_absorbing", 3, 3, AUTOMATON_CODE.replace("$step", STEPS["stay"])),
]  # fmt: skip
THEMES = (
    (("locked", "unlocked", "alarm", "broken"), ("coin", "push", "kick")),
    (("red", "green", "yellow", "flashing", "off"), ("timer", "fault", "power")),
    (("closed", "open", "locked", "jammed"), ("pull", "shut", "lock", "unlock")),
    (("idle", "running", "paused", "done", "failed"), ("go", "stop", "tick", "crash")),
    (("q0", "q1", "q2", "q3", "q4"), ("a", "b", "c")),
)


def machine(rng: random.Random, level: int, outputs: bool = False) -> tuple[dict, str, list]:
    """A random transition table (``outputs``: entries are ``[next, output]``), its start state
    and its symbols; from level 2 on some transitions are missing."""
    states, symbols = rng.choice(THEMES)
    states = list(states[: min(len(states), 1 + level)])
    symbols = list(symbols[: rng.randint(2, len(symbols))])
    table: dict[str, dict[str, Any]] = {}
    for state in states:
        row = {}
        for symbol in symbols:
            if level >= 2 and rng.random() < 0.25:
                continue
            target = rng.choice(states)
            row[symbol] = [target, rng.choice("xyz01")] if outputs else target
        table[state] = row
    return table, rng.choice(states), symbols


# -- a transducer: transitions that emit outputs -----------------------------------------------

TRANSDUCER_CODE = """\
def $name(table: dict[str, dict[str, list[str]]], start: str, inputs: list[str]) -> list[str]:
    state, outputs = start, []
    for symbol in inputs:
        if symbol == "reset":
            state = start
        elif symbol in table[state]:
            state, output = table[state][symbol]
            outputs.append(output)
    return outputs
"""
TRANSDUCER_WRONG = [
    ("logs_states", 4, 5, patch(TRANSDUCER_CODE, "outputs.append(output)",
                                "outputs.append(state)")),
    ("skips_first_input", 4, 5, patch(TRANSDUCER_CODE, "in inputs:", "in inputs[1:]:")),
    ("missing_restarts", 4, 5, patch(TRANSDUCER_CODE, "        elif symbol in table[state]:\n",
                                     "        elif symbol not in table[state]:\n"
                                     "            state = start\n        else:\n")),
    ("reset_ignored", 5, 5, patch(TRANSDUCER_CODE, '        if symbol == "reset":\n'
                                  "            state = start\n        elif", "        if")),
]  # fmt: skip


def make_automaton(rng: random.Random, level: int) -> Spec:
    text = at_level(level, [
        (1, 3, "Simulate a state machine. `transitions[state][symbol]` is the state the machine "
               "moves to when it reads `symbol` in `state`. Starting in `start`, it reads the "
               "symbols of `inputs` one by one; return the state it ends in."),
        (4, 5, "Simulate a state machine that writes outputs. `table[state][symbol]` is a pair "
               "`[next_state, output]`: reading `symbol` in `state` moves the machine to "
               "`next_state` and appends `output` to the output list. Starting in `start`, the "
               "machine reads `inputs` one by one; return the list of outputs."),
        (1, 1, "Every state has a transition for every symbol."),
        (2, 2, "When the current state has no transition for a symbol, the machine stays in "
               "its state."),
        (3, 3, 'When the current state has no transition for a symbol, the machine moves to the '
               'state `"error"` (which is not in the table) and stays there for the rest of the '
               'input.'),
        (4, 5, "When the current state has no transition for a symbol, nothing happens (same "
               "state, no output)."),
        (5, 5, 'The input `"reset"` (never a symbol of the table) puts the machine back in '
               "`start` without any output."),
    ])  # fmt: skip
    inputs = []
    for _ in range(10 + level):
        table, start, symbols = machine(rng, level, outputs=level >= 4)
        symbols += ["reset"] * (level >= 5)
        sequence = [rng.choice(symbols) for _ in range(rng.randint(3, 4 + 2 * level))]
        inputs.append([table, start, sequence])
    emits = {"a": {"go": ["b", "1"]}, "b": {"go": ["a", "2"], "x": ["b", "3"]}}
    inputs[3:3] = at_level(level, [
        (1, 3, [{"a": {"go": "b", "x": "a"}, "b": {"go": "b", "x": "a"}}, "a", ["go"]]),
        (2, 3, [{"a": {"go": "b", "x": "b"}, "b": {"go": "a"}}, "a", ["x", "x", "go"]]),
        (4, 5, [emits, "b", ["go", "x", "go", "x", "x"]]),
        (5, 5, [emits, "a", ["go", "reset", "go", "x", "reset", "x"]]),
    ])  # fmt: skip
    if level >= 4:
        names = ("transduce", "run_transducer", "machine_outputs", "run_mealy")
        return Spec("transducer", names, " ".join(text), TRANSDUCER_CODE, inputs, {})
    step = STEPS[("complete", "stay", "error")[level - 1]]
    names = ("run_machine", "final_state", "simulate", "run_automaton")
    return Spec("automaton", names, " ".join(text), AUTOMATON_CODE, inputs, {"step": step})


# -- a register machine ------------------------------------------------------------------------

REGISTER_CODE = """def $name(program: list[str], registers: dict[str, int]$param) -> $returns:
    regs, pc, steps = dict(registers), 0, 0

    def value(x: str) -> int:
        return regs[x] if x in regs else int(x)

    while 0 <= pc < len(program):
        if steps == $limit:
            return $at_limit
        steps += 1
        op, *args = program[pc].split()
        if op == "INC":
            regs[args[0]] += 1
        elif op == "DEC":
            regs[args[0]] -= 1
        elif op == "CPY":
            regs[args[1]] = value(args[0])
        elif op == "ADD":
            regs[args[0]] += value(args[1])
        elif op == "JMP" or (op == "JNZ" and value(args[0]) != 0):
            pc += int(args[-1])
            continue
        pc += 1
    return regs
"""
REGISTER_WRONG = [
    ("dec_stops_at_zero", 1, 5, patch(REGISTER_CODE, "regs[args[0]] -= 1",
                                      "regs[args[0]] = max(0, regs[args[0]] - 1)")),
    ("registers_start_at_zero", 1, 1, patch(REGISTER_CODE, "dict(registers)",
                                            "dict.fromkeys(registers, 0)")),
    ("absolute_jumps", 2, 5, patch(REGISTER_CODE, "pc += int(args[-1])", "pc = int(args[-1])")),
    ("jumps_when_zero", 2, 5, patch(REGISTER_CODE, "value(args[0]) != 0", "value(args[0]) == 0")),
    ("limit_off_by_one", 2, 5, patch(REGISTER_CODE, "steps == $limit", "steps > $limit")),
    ("cpy_reversed", 3, 5, patch(REGISTER_CODE, "regs[args[1]] = value(args[0])",
                                 "regs[args[0]] = value(args[1])")),
]  # fmt: skip


def instruction(rng: random.Random, level: int, names: str) -> list[str]:
    """One instruction, or a small loop that moves one register into another."""
    r, s = rng.sample(names, 2)
    source = rng.choice((r, str(rng.randint(-2, 5)))) if level >= 3 else r
    options = [[f"INC {r}"], [f"DEC {r}"]]
    if level >= 2:
        options += [[f"DEC {r}", f"INC {s}", f"JNZ {r} -2"], [f"JNZ {source} {rng.randint(-3, 3)}"]]
    if level >= 3:
        options.append([f"CPY {source} {s}"])
    if level >= 4:
        options += [[f"ADD {r} {source}"], [f"JMP {rng.choice((-2, 2, 3))}"]]
    return rng.choice(options)


def make_register(rng: random.Random, level: int) -> Spec:
    ops = at_level(level, [
        (1, 5, "`INC r` adds 1 to register r, `DEC r` subtracts 1 from it"),
        (3, 5, "`CPY x r` sets register r to the value of x"),
        (4, 5, "`ADD r x` adds the value of x to register r"),
        (2, 5, "`JNZ x k` jumps k instructions forward (back when k is negative, 0 repeats it) "
               "when the value of x is not 0, and otherwise goes on to the next instruction"),
        (4, 5, "`JMP k` always jumps k instructions"),
    ])  # fmt: skip
    limit = (
        "the step limit `limit` is reached: if `limit` instructions have been executed and the "
        "program has not stopped, return None instead"
        if level >= 5 else "100 instructions have been executed; then return the registers"
    )  # fmt: skip
    text = at_level(level, [
        (1, 5, "Run a program for a machine with integer registers. `registers` gives every "
               "register's initial value (every register the program uses is in it). The "
               "instructions are: " + "; ".join(ops) + "."),
        (3, 5, "An operand x is a register name or an integer literal, whose value is itself."),
        (1, 1, "Execute the instructions in order and return the final registers (all of them) "
               "as a dictionary."),
        (2, 5, "Execution starts at the first instruction and stops when the next instruction "
               "would be outside the program (return all registers then) or when " + limit
               + "."),
    ])  # fmt: skip
    inputs = []
    for _ in range(10 + level):
        names = "abcd"[: rng.randint(2, 4)]
        program = [line for _ in range(rng.randint(3, 3 + level)) for line in
                   instruction(rng, level, names)]  # fmt: skip
        registers = {name: rng.randint(0, 6) for name in names}
        inputs.append([program, registers] + ([rng.randint(5, 60)] if level >= 5 else []))
    edges = at_level(level, [
        (1, 5, [["DEC b", "INC a", "DEC b", "DEC b"], {"a": 3, "b": 1}]),
        (2, 5, [["DEC a", "INC b", "JNZ a -2"], {"a": 3, "b": 2}]),
        (2, 4, [["INC a", "JNZ a -1"], {"a": 0}]),
        (3, 5, [["CPY 5 a", "CPY a b", "INC b"], {"a": 1, "b": 0}]),
    ])  # fmt: skip
    if level >= 5:
        edges = [[*edge, 40] for edge in edges]
        edges += [[["INC a"] * 4, {"a": 0}, 3], [["INC a", "JNZ a -1"], {"a": 0}, 7]]
    inputs[3:3] = edges
    subs = (
        {"param": ", limit: int", "returns": "dict[str, int] | None", "limit": "limit",
         "at_limit": "None"} if level >= 5 else
        {"param": "", "returns": "dict[str, int]", "limit": "100", "at_limit": "regs"}
    )  # fmt: skip
    names = ("run_program", "execute", "run_registers", "simulate_program")
    return Spec("register", names, " ".join(text), REGISTER_CODE, inputs, subs)


# -- a stack machine ---------------------------------------------------------------------------

STACK_CODE = """def $name(program: list[str]) -> $returns:
    stack, pc = [], 0
    needs = {"POP": 1, "DUP": 1, "JZ": 1, "SWAP": 2, "OVER": 2}
    while pc < len(program):
        op, *args = program[pc].split()
        pc += 1
        if op != "PUSH" and len(stack) < needs.get(op, 2):
            return None
        if op == "PUSH":
            stack.append(int(args[0]))
        elif op == "POP":
            stack.pop()
        elif op == "DUP":
            stack.append(stack[-1])
        elif op == "OVER":
            stack.append(stack[-2])
        elif op == "SWAP":
            stack[-1], stack[-2] = stack[-2], stack[-1]
        elif op == "JZ":
            if stack.pop() == 0:
                pc += int(args[0])
        else:
            b, a = stack.pop(), stack.pop()
            if op == "DIV" and b == 0:
                return None
            results = {"ADD": a + b, "SUB": a - b, "MUL": a * b}
            stack.append(results[op] if op in results else a // b)
    return stack
"""
STACK_WRONG = [
    ("top_first", 1, 5, patch(STACK_CODE, "    return stack\n", "    return stack[::-1]\n")),
    ("pop_takes_bottom", 1, 5, patch(STACK_CODE, "            stack.pop()\n",
                                     "            stack.pop(0)\n")),
    ("sub_reversed", 2, 5, patch(STACK_CODE, '"SUB": a - b', '"SUB": b - a')),
    ("over_copies_top", 3, 5, patch(STACK_CODE, "stack.append(stack[-2])",
                                    "stack.append(stack[-1])")),
    ("underflow_skipped", 4, 5, patch(STACK_CODE, "needs.get(op, 2):\n            return None",
                                      "needs.get(op, 2):\n            continue")),
    ("div_truncates", 5, 5, patch(STACK_CODE, "a // b", "int(a / b)")),
    ("jz_keeps_value", 5, 5, patch(STACK_CODE, "if stack.pop() == 0:", "if stack[-1] == 0:")),
]  # fmt: skip
STACK_OPS = {
    "PUSH": (1, "`PUSH n` pushes the integer n"),
    "POP": (1, "`POP` removes the top value"),
    "ADD": (1, "`ADD` pops b (the top), then a, and pushes a + b"),
    "SUB": (2, "`SUB` pushes a - b the same way"),
    "MUL": (2, "`MUL` pushes a * b"),
    "DIV": (5, "`DIV` pushes a // b (floor division, rounding down)"),
    "DUP": (2, "`DUP` pushes a copy of the top value"),
    "SWAP": (3, "`SWAP` exchanges the two top values"),
    "OVER": (3, "`OVER` pushes a copy of the value just below the top"),
    "JZ": (5, "`JZ k` pops the top value and, if it is 0, skips the next k instructions"),
}


def stack_program(rng: random.Random, level: int) -> list[str]:
    ops = [op for op, (low, _) in STACK_OPS.items() if low <= level]
    needs = {"PUSH": 0, "POP": 1, "DUP": 1, "JZ": 1}
    program, depth = [], 0
    for _ in range(rng.randint(3, 5) + 2 * level):
        careless = level >= 4 and rng.random() < 0.06
        usable = [op for op in ops if careless or depth >= needs.get(op, 2)]
        op = rng.choice(usable + ["PUSH"] * (depth < 2))
        if op == "PUSH":
            program.append(f"PUSH {rng.randint(-9 if level >= 4 else 0, 20)}")
        elif op == "JZ":
            program.append(f"JZ {rng.randint(1, 3)}")
        else:
            program.append(op)
        depth += {"PUSH": 1, "DUP": 1, "OVER": 1, "SWAP": 0}.get(op, -1)
    return program


def make_stack(rng: random.Random, level: int) -> Spec:
    ops = [text for low, text in STACK_OPS.values() if low <= level]
    text = at_level(level, [
        (1, 5, "Run a program for a stack machine whose stack starts empty, and return the final "
               "stack as a list from bottom to top. The instructions are: "
               + "; ".join(ops) + "."),
        (1, 3, "Programs never need more values than the stack holds."),
        (4, 5, "If an instruction needs more values than the stack holds, stop and return "
               "None."),
        (5, 5, "`DIV` by 0 also stops the program with the result None."),
    ])  # fmt: skip
    inputs = [[stack_program(rng, level)] for _ in range(10 + level)]
    a, b = rng.randint(3, 9), rng.randint(10, 20)
    inputs[3:3] = at_level(level, [
        (1, 5, [[f"PUSH {a}", f"PUSH {b}", "POP", f"PUSH {b}"]]),
        (2, 5, [[f"PUSH {b}", f"PUSH {a}", "SUB", f"PUSH {a}", "MUL"]]),
        (3, 5, [[f"PUSH {a}", f"PUSH {b}", "OVER", "SWAP"]]),
        (4, 5, [[f"PUSH {a}", "ADD", f"PUSH {b}"]]),
        (5, 5, [[f"PUSH -{2 * a + 1}", f"PUSH {a}", "DIV", "PUSH 0", "JZ 1", "PUSH 1", "PUSH 2"]]),
        (5, 5, [[f"PUSH {b}", "PUSH 0", "DIV"]]),
    ])  # fmt: skip
    returns = "list[int] | None" if level >= 4 else "list[int]"
    names = ("run_stack", "stack_machine", "eval_stack_program", "execute_stack")
    return Spec("stack", names, " ".join(text), STACK_CODE, inputs, {"returns": returns})


# -- the family --------------------------------------------------------------------------------

KINDS: dict[str, tuple[int, int, Maker]] = {
    "robot": (1, 5, make_robot),
    "vending": (1, 5, make_vending),
    "automaton": (1, 5, make_automaton),
    "register": (1, 5, make_register),
    "stack": (1, 5, make_stack),
}
"""maker -> (lowest level, highest level, task maker); ``make_automaton`` makes transducers from
level 4 on"""
WRONG = {"robot": ROBOT_WRONG, "vending": VENDING_WRONG, "automaton": AUTOMATON_WRONG,
         "transducer": TRANSDUCER_WRONG, "register": REGISTER_WRONG,
         "stack": STACK_WRONG}  # fmt: skip
"""task kind -> near misses ``(label, lowest level, highest level, code template)``"""


class StateMachineSource(SpecSource):
    """Write a function that simulates a machine (see the module docstring)."""

    family: ClassVar[str] = "state-machines"
    kinds = KINDS
    wrong = WRONG


wrong_solutions = StateMachineSource.wrong_solutions
