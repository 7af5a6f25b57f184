"""Reference figures for `roster-bench`: OR-Tools CP-SAT on the Curtois–Qu instances.

Builds the benchmark's model (FORMAT.md §4–§5 in ../shared/benchmarks/shift-scheduling/) as a
CP-SAT model, solves each instance with a time limit and a number of workers, and prints the same
tab-separated row per instance as `roster-bench`:
`instance feasible objective best_known gap_pct time_to_best_s`.

With `--solutions DIR` the best roster is written there as a tab-separated grid, so that the
exact evaluator can re-score it (`roster-bench --score`): the two models must agree.

Usage: python cq_cpsat.py --time-limit 60 --workers 2 [--best-known FILE] [--solutions DIR]
       INSTANCE_FILE...
"""

import argparse
import pathlib
import sys
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model


@dataclass
class Instance:
    name: str
    horizon: int = 0
    shifts: list = field(default_factory=list)  # shift ids in file order
    length: dict = field(default_factory=dict)  # shift id -> minutes
    cannot_follow: dict = field(default_factory=dict)  # shift id -> set of shift ids
    staff: list = field(default_factory=list)  # employee ids in file order
    max_shifts: dict = field(default_factory=dict)  # (employee, shift) -> max days
    max_minutes: dict = field(default_factory=dict)
    min_minutes: dict = field(default_factory=dict)
    max_consecutive: dict = field(default_factory=dict)
    min_consecutive: dict = field(default_factory=dict)
    min_days_off: dict = field(default_factory=dict)
    max_weekends: dict = field(default_factory=dict)
    days_off: dict = field(default_factory=dict)  # employee -> set of days
    on_requests: list = field(default_factory=list)  # (employee, day, shift, weight)
    off_requests: list = field(default_factory=list)
    cover: list = field(default_factory=list)  # (day, shift, requirement, under, over)


def parse(path: pathlib.Path) -> Instance:
    instance = Instance(name=path.stem)
    section = None
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            section = line
            continue
        fields = line.split(",")
        try:
            if section == "SECTION_HORIZON":
                instance.horizon = int(fields[0])
            elif section == "SECTION_SHIFTS":
                shift = fields[0]
                instance.shifts.append(shift)
                instance.length[shift] = int(fields[1])
                instance.cannot_follow[shift] = {s for s in fields[2].split("|") if s}
            elif section == "SECTION_STAFF":
                e = fields[0]
                instance.staff.append(e)
                for pair in fields[1].split("|"):
                    shift, most = pair.split("=")
                    instance.max_shifts[e, shift] = int(most)
                instance.max_minutes[e] = int(fields[2])
                instance.min_minutes[e] = int(fields[3])
                instance.max_consecutive[e] = int(fields[4])
                instance.min_consecutive[e] = int(fields[5])
                instance.min_days_off[e] = int(fields[6])
                instance.max_weekends[e] = int(fields[7])
            elif section == "SECTION_DAYS_OFF":
                instance.days_off.setdefault(fields[0], set()).update(int(d) for d in fields[1:])
            elif section == "SECTION_SHIFT_ON_REQUESTS":
                instance.on_requests.append((fields[0], int(fields[1]), fields[2], int(fields[3])))
            elif section == "SECTION_SHIFT_OFF_REQUESTS":
                instance.off_requests.append((fields[0], int(fields[1]), fields[2], int(fields[3])))
            elif section == "SECTION_COVER":
                day, shift, requirement, under, over = fields
                instance.cover.append((int(day), shift, int(requirement), int(under), int(over)))
            else:
                raise ValueError(f"data outside a known section: {section}")
        except (IndexError, ValueError, KeyError) as error:
            raise SystemExit(f"{path}:{number}: malformed line ({error})")
    return instance


def build(instance: Instance):
    """The benchmark's model: every rule of FORMAT.md §4 hard, the objective of §5."""
    model = cp_model.CpModel()
    h = instance.horizon
    x = {}  # (employee, day, shift) -> bool, only where the shift is possible at all
    works = {}  # (employee, day) -> bool: on duty that day
    for e in instance.staff:
        off = instance.days_off.get(e, set())
        for d in range(h):
            cells = []
            for s in instance.shifts:
                if d in off or instance.max_shifts[e, s] == 0:
                    continue
                x[e, d, s] = model.new_bool_var(f"x_{e}_{d}_{s}")
                cells.append(x[e, d, s])
            model.add_at_most_one(cells)
            works[e, d] = model.new_bool_var(f"w_{e}_{d}")
            model.add(works[e, d] == sum(cells))

    for e in instance.staff:
        cells = [(d, s, x[e, d, s]) for d in range(h) for s in instance.shifts if (e, d, s) in x]
        # Forbidden successions.
        for d, s, v in cells:
            for t in instance.cannot_follow[s]:
                if (e, d + 1, t) in x:
                    model.add_bool_or([v.Not(), x[e, d + 1, t].Not()])
        # Max shifts per type and total minutes.
        for s in instance.shifts:
            of_type = [v for _, t, v in cells if t == s]
            if of_type:
                model.add(sum(of_type) <= instance.max_shifts[e, s])
        minutes = sum(instance.length[s] * v for _, s, v in cells)
        model.add(minutes <= instance.max_minutes[e])
        model.add(minutes >= instance.min_minutes[e])
        # Max consecutive working days: no window of max + 1 days fully worked.
        longest = instance.max_consecutive[e]
        for start in range(h - longest):
            model.add(sum(works[e, d] for d in range(start, start + longest + 1)) <= longest)
        # Min consecutive working days and days off, edge runs exempt: the pattern
        # "off, k working days, off" (or the reverse) with k below the minimum is forbidden
        # when both bounding days lie in the horizon.
        for shortest, on in ((instance.min_consecutive[e], True), (instance.min_days_off[e], False)):
            for k in range(1, shortest):
                for first in range(1, h - k):
                    before, after = first - 1, first + k
                    if after > h - 1:
                        continue
                    inside = [works[e, d] for d in range(first, first + k)]
                    if on:
                        clause = [works[e, before]] + [v.Not() for v in inside] + [works[e, after]]
                    else:
                        clause = [works[e, before].Not()] + inside + [works[e, after].Not()]
                    model.add_bool_or(clause)
        # Max weekends.
        weekends = []
        for w in range(h // 7):
            worked_weekend = model.new_bool_var(f"wk_{e}_{w}")
            model.add_max_equality(worked_weekend, [works[e, 7 * w + 5], works[e, 7 * w + 6]])
            weekends.append(worked_weekend)
        model.add(sum(weekends) <= instance.max_weekends[e])

    objective = []
    constant = 0
    for e, d, s, weight in instance.on_requests:
        constant += weight
        if (e, d, s) in x:
            objective.append(-weight * x[e, d, s])
    for e, d, s, weight in instance.off_requests:
        if (e, d, s) in x:
            objective.append(weight * x[e, d, s])
    for d, s, requirement, under_weight, over_weight in instance.cover:
        staffed = sum(x[e, d, s] for e in instance.staff if (e, d, s) in x)
        # Shortfall and surplus exactly (not merely bounded below), so that the objective of
        # every solution found, not only of an optimal one, is the roster's f.
        under = model.new_int_var(0, requirement, f"under_{d}_{s}")
        model.add_max_equality(under, [requirement - staffed, 0])
        over = model.new_int_var(0, len(instance.staff), f"over_{d}_{s}")
        model.add(over == staffed - requirement + under)
        objective.append(under_weight * under + over_weight * over)
    model.minimize(sum(objective) + constant)
    return model, x


class Progress(cp_model.CpSolverSolutionCallback):
    """Records when the last improving solution was found."""

    def __init__(self, started):
        super().__init__()
        self.started = started
        self.time_to_best = float("nan")

    def on_solution_callback(self):
        self.time_to_best = time.monotonic() - self.started


def grid(instance: Instance, solver: cp_model.CpSolver, x) -> str:
    lines = []
    for e in instance.staff:
        cells = []
        for d in range(instance.horizon):
            chosen = [s for s in instance.shifts if (e, d, s) in x and solver.value(x[e, d, s])]
            cells.append(chosen[0] if chosen else "")
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def best_known(path):
    known = {}
    if path is None:
        return known
    for line in pathlib.Path(path).read_text().splitlines():
        fields = line.split("\t")
        if len(fields) > 5 and fields[0].startswith("Instance"):
            try:
                known[fields[0]] = int(fields[5])
            except ValueError:
                pass
    return known


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--best-known")
    parser.add_argument("--solutions")
    parser.add_argument("instances", nargs="+")
    arguments = parser.parse_args()
    known = best_known(arguments.best_known)
    print("instance\tfeasible\tobjective\tbest_known\tgap_pct\ttime_to_best_s", flush=True)
    for path in map(pathlib.Path, arguments.instances):
        instance = parse(path)
        started = time.monotonic()
        model, x = build(instance)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = arguments.time_limit
        solver.parameters.num_workers = arguments.workers
        solver.parameters.random_seed = arguments.seed
        progress = Progress(started)
        status = solver.solve(model, progress)
        feasible = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        target = known.get(instance.name)
        if feasible:
            objective = round(solver.objective_value)
            gap = f"{100.0 * (objective - target) / target:.2f}" if target else ""
            if arguments.solutions:
                out = pathlib.Path(arguments.solutions)
                out.mkdir(parents=True, exist_ok=True)
                (out / f"{instance.name}.tsv").write_text(grid(instance, solver, x))
            row = [instance.name, "yes", str(objective), str(target or ""), gap, f"{progress.time_to_best:.1f}"]
        else:
            row = [instance.name, "no", "", str(target or ""), "", ""]
        print("\t".join(row), flush=True)
        print(
            f"{instance.name}: {solver.status_name(status)}, bound {solver.best_objective_bound:.0f}, "
            f"{solver.wall_time:.1f} s",
            file=sys.stderr,
            flush=True,
        )


if __name__ == "__main__":
    main()
