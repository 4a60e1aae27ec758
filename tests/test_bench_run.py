"""The benchmark's arithmetic: each round against its own floors, each ratio its own median."""

from __future__ import annotations

from bench.run import CYCLE, derived, markdown, median_round, round_ratios


def _stages(cycle_stage: float, floor: float) -> dict[str, dict]:
    work = {name: {"work": cycle_stage, "peak_mib": 100} for name in CYCLE}
    floors = {
        "floor_data": 2 * floor,
        "floor_roster": floor / 4,
        "floor_stored": floor / 2,
        "floor_data_stored": floor,
    }
    return work | {name: {"work": s, "peak_mib": 50} for name, s in floors.items()}


def test_a_round_is_judged_against_the_floors_measured_beside_it() -> None:
    ratios = round_ratios(_stages(cycle_stage=2.0, floor=4.0))
    assert ratios["cycle_s"] == 8.0
    assert ratios["cycle"] == 2.0  # 8 s against the same-rows floor's 4 s
    assert ratios["cycle_narrow"] == 1.0
    assert ratios["import"] == 1.0  # 2 s against 2 s
    assert ratios["import_narrow"] == 2.0


def test_one_round_says_its_ratios_and_floors() -> None:
    found = derived({"100": _stages(2.0, 4.0)})
    assert found["cycle 100 / same-rows floor"] == "2.00× (floor 4.00 s)"
    assert found["roster import 100 / roster floor"] == "2.00× (floor 1.00 s)"


def test_each_ratio_is_the_median_of_its_own_rounds() -> None:
    # The import's floor is slow in the round whose cycle is the median: the import's
    # median must not be taken from that round.
    rounds = [_stages(2.0, 4.0), _stages(3.0, 4.0), _stages(2.0, 8.0)]  # cycle 2×, 3×, 1×
    ratios = [round_ratios(r) for r in rounds]
    ratios[0]["import"] = 2.0
    assert median_round(ratios) == 0
    found = derived({"100": rounds[median_round(ratios)]}, {"100": ratios})
    assert found["cycle 100 / same-rows floor"] == (
        "median 2.00× of 3 rounds; each 2.00×, 3.00×, 1.00× (floors 4.00–8.00 s)"
    )
    assert found["roster import 100 / same-rows floor"].startswith(
        "median 1.50× of 3 rounds; each 2.00×, 1.50×, 0.50×"
    )


def test_an_even_number_of_rounds_has_the_mean_of_the_middle_two() -> None:
    rounds = [_stages(2.0, 4.0), _stages(3.0, 4.0)]
    ratios = [round_ratios(r) for r in rounds]
    assert median_round(ratios) == 1  # the table shows the worse of the two
    found = derived({"100": rounds[1]}, {"100": ratios})
    assert found["cycle 100 / same-rows floor"].startswith("median 2.50× of 2 rounds")


def test_the_table_says_which_round_it_shows() -> None:
    rounds = [_stages(3.0, 4.0), _stages(2.0, 4.0), _stages(2.0, 8.0)]
    ratios = [round_ratios(r) for r in rounds]
    results = {
        "date": "2026-11-28",
        "machine": "x86_64",
        "sizes": {
            "100": {k: v | {"wall": 1.0, "cpu": 1.0, "output": {}} for k, v in rounds[1].items()}
        },
        "rounds": {"100": ratios},
        "derived": derived({"100": rounds[1]}, {"100": ratios}),
    }
    assert "At 100 the table shows round 2 of 3" in markdown(results)
