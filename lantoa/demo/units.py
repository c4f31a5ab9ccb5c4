"""Which unit did a demo record's work on a given day, once the district offices closed (2025)."""


def in_force(unit, day):
    """`unit`, or the unit it was merged into (followed on), as it stood on `day`; None when the work
    passed to no single unit (then the demo gives it to the commune's committee)."""
    seen = set()
    while unit is not None and not unit.is_valid_on(day) and unit.pk not in seen:
        seen.add(unit.pk)
        unit = unit.merged_into
    return unit if unit is not None and unit.is_valid_on(day) else None
