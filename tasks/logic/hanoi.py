"""Tower of Hanoi: move every disk onto the target peg in the fewest possible moves.

=====  =====  ==========================================  ==============
level  disks  start                                       fewest moves
=====  =====  ==========================================  ==============
1      3      one tower on a random peg                   7
2      4      one tower on a random peg                   15
3      5      disks scattered over the pegs (legal stack)  16 to 31
4      6      disks scattered over the pegs (legal stack)  32 to 63
5      7      disks scattered over the pegs (legal stack)  64 to 127
=====  =====  ==========================================  ==============

The target peg is random (never the peg that holds the largest disk, so at least ``2^(n-1)``
moves are needed). From a tower the optimum is the classic ``2^n - 1`` moves; from a scattered
start it is computed by the standard recursion (move the largest misplaced disk once, after
parking the smaller ones on the third peg), whose solution is the unique shortest one. The
prompt states the optimum.

Answer format: one move per line as ``from -> to`` with peg numbers 1 to 3 (``1 -> 3``; commas
may separate moves too, ``to`` may replace the arrow and lines may be numbered ``1.``), inside
``<answer>…</answer>``. Constraints: every move is legal (it takes the top disk of a non-empty
peg and never puts it on a smaller disk), the number of moves is the optimum, and one per disk:
it ends on the target peg (an illegal move ends the sequence). Any sequence meeting them all is
correct.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, PuzzleSource, RuleResult
from rlvr.types import Task

LEVELS = {1: (3, False), 2: (4, False), 3: (5, True), 4: (6, True), 5: (7, True)}
PROMPT = (
    "Tower of Hanoi with {n} disks, numbered 1 (smallest) to {n} (largest), on three pegs "
    "numbered 1 to 3. The disks are now stacked like this (bottom to top):\n{pegs}\n\n"
    "Move all the disks onto peg {target}. A move takes the top disk of one peg and puts it on "
    "another peg, never on a smaller disk. Use the fewest possible moves: {optimum}.\n\n"
    "Give the moves inside <answer></answer>, one per line as 'from -> to' with peg numbers, "
    "for example 1 -> 3."
)
# Linear time: no pattern can start inside a run of digits or of blanks, and peg numbers have at
# most 3 digits (a longer number is no peg: it is left over, and the answer is unreadable).
_NUMBERING = re.compile(r"^[ \t]*\d{1,4}[.):]\s+", re.MULTILINE)  # "3. 1 -> 2"
_MOVE = re.compile(
    r"(?:\(\s*)?(?<!\d)(\d{1,3})\s*(?:->|→|\bto\b)\s*(\d{1,3})(?!\d)(?:\s*\))?", re.IGNORECASE
)


def solve(position: list[int], target: int) -> list[list[int]]:
    """The shortest move list (0-based pegs) gathering disks ``position`` onto ``target``.

    ``position[d]`` is the peg of disk ``d`` (0 is the smallest).
    """
    position, moves = list(position), []

    def gather(k: int, peg: int) -> None:  # put disks 0..k-1 onto ``peg``
        if k == 0:
            return
        disk = k - 1
        if position[disk] != peg:
            spare = 3 - position[disk] - peg
            gather(disk, spare)
            moves.append([position[disk], peg])
            position[disk] = peg
        gather(disk, peg)

    gather(len(position), target)
    return moves


def describe(position: list[int]) -> str:
    lines = []
    for peg in range(3):
        disks = [str(d + 1) for d in range(len(position) - 1, -1, -1) if position[d] == peg]
        lines.append(f"peg {peg + 1}: {' '.join(disks) if disks else '(empty)'}")
    return "\n".join(lines)


def render(moves: list[list[int]]) -> str:
    return "\n".join(f"{a + 1} -> {b + 1}" for a, b in moves)


class HanoiSource(PuzzleSource):
    """Towers of Hanoi from a tower or a scattered legal position; only optimal answers pass."""

    family: ClassVar[str] = "hanoi"  # the module name: the logic verifier imports it by family

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, scattered = LEVELS[difficulty]
        target = rng.randrange(3)
        largest = (target + rng.randrange(1, 3)) % 3  # never the target peg
        if scattered:
            position = [rng.randrange(3) for _ in range(n - 1)] + [largest]
        else:
            position = [largest] * n
        moves = solve(position, target)
        optimum = f"the shortest solution has {len(moves)} moves"
        prompt = PROMPT.format(n=n, pegs=describe(position), target=target + 1, optimum=optimum)
        return Problem(
            prompt,
            render(moves),
            {"position": position, "target": target, "optimum": len(moves)},
        )

    def accept(self, task: Task) -> bool:
        # a trivial answer never solves: it moves only the smallest disk, and the largest must move
        # (the target is never its peg)
        return True


def parse_moves(text: str) -> list[tuple[int, int]]:
    """``from -> to`` pairs; any other text raises :class:`AnswerFormatError`."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    text = _NUMBERING.sub("", text)
    moves = [(int(a), int(b)) for a, b in _MOVE.findall(text)]
    if re.sub(r"[\s,;]", "", _MOVE.sub("", text)):
        raise AnswerFormatError("write one move per line as 'from -> to', e.g. 1 -> 3")
    if not moves:
        raise AnswerFormatError("no moves found")
    return moves


def check(task: Task, answer: str) -> RuleResult:
    """Constraints: every move legal, the optimal length, and one per disk: it ends on the target
    peg (where the moves leave it; an illegal move ends the sequence)."""
    position, target = task.metadata["position"], task.metadata["target"]
    moves = parse_moves(answer)
    pegs: list[list[int]] = [[], [], []]
    for disk in range(len(position) - 1, -1, -1):
        pegs[position[disk]].append(disk + 1)
    broken = []
    for number, (a, b) in enumerate(moves, 1):
        if not (1 <= a <= 3 and 1 <= b <= 3) or a == b:
            broken.append(f"move {number} ({a} -> {b}) does not name two different pegs 1 to 3")
        elif not pegs[a - 1]:
            broken.append(f"move {number} ({a} -> {b}) takes from an empty peg")
        elif pegs[b - 1] and pegs[b - 1][-1] < pegs[a - 1][-1]:
            disk, below = pegs[a - 1][-1], pegs[b - 1][-1]
            broken.append(f"move {number} ({a} -> {b}) puts disk {disk} on smaller disk {below}")
        else:
            pegs[b - 1].append(pegs[a - 1].pop())
            continue
        break
    on_target = set(pegs[target])
    broken += [
        f"disk {disk} does not end on peg {target + 1}"
        for disk in range(len(position), 0, -1)
        if disk not in on_target
    ]
    if len(moves) != task.metadata["optimum"]:
        broken.append(f"the answer has {len(moves)} moves, not the fewest possible")
    total = len(position) + 2
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return render(solve(task.metadata["position"], task.metadata["target"]))


def mutations(task: Task) -> dict[str, str]:
    moves = solve(task.metadata["position"], task.metadata["target"])
    middle = len(moves) // 2
    a, b = moves[middle]
    changed = [*moves[:middle], [a, 3 - a - b], *moves[middle + 1 :]]
    swapped = [*moves[:middle], moves[middle + 1], moves[middle], *moves[middle + 2 :]]
    small = task.metadata["position"][0]  # disk 1 can always move, and move back
    spare = (small + 1) % 3
    detour = [[small, spare], [spare, small], *moves]
    return {
        "move_changed": render(changed),  # the shortest solution is unique: any change breaks it
        "moves_swapped": render(swapped),
        "last_move_dropped": render(moves[:-1]),
        "detour": render(detour),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning moves: the smallest disk moved once, or to and fro as often as the optimum."""
    small = task.metadata["position"][0]
    spare = (small + 1) % 3
    there, back = [small, spare], [spare, small]
    shuttle = [back if i % 2 else there for i in range(task.metadata["optimum"])]
    return {"one_move": render([there]), "shuttle_smallest": render(shuttle)}
