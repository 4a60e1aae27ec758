"""The benchmark's arithmetic: each round against its own floors, the median round standing."""

from __future__ import annotations

from bench.run import CYCLE, derived, median_round, round_ratios


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


def test_the_median_round_stands_and_every_round_is_shown() -> None:
    rounds = [_stages(2.0, 4.0), _stages(3.0, 4.0), _stages(2.0, 8.0)]  # 2×, 3×, 1×
    ratios = [round_ratios(r) for r in rounds]
    assert median_round(ratios) == 0
    found = derived({"100": rounds[median_round(ratios)]}, {"100": ratios})
    assert (
        found["cycle 100 / same-rows floor, 3 rounds"] == "median 2.00×; each: 2.00×, 3.00×, 1.00×"
    )
    assert found["cycle 100 / data floor writing the same rows"] == "2.0× (floor 4.0 s)"


def test_one_round_shows_no_median() -> None:
    one = _stages(2.0, 4.0)
    assert not any("rounds" in key for key in derived({"100": one}, {"100": [round_ratios(one)]}))
