"""The area-tree cache of long reads: same answers as without it, copies handed out, nothing kept after."""

from lantoa.geo.models import Area
from lantoa.geo.selectors import area_tree_cache, descendant_ids, rollup_source_ids


def test_cached_lookups_answer_the_same_and_hand_out_copies(default_data, django_assert_max_num_queries):
    district = Area.objects.filter(level=Area.Level.DISTRICT).first()
    plain = descendant_ids([district.id])
    with area_tree_cache():
        first = descendant_ids(iter([district.id]))  # a one-pass iterable is not used up by the key
        assert first == plain
        first.add(-1)  # a caller changing its set does not change the cache
        with django_assert_max_num_queries(0):
            assert descendant_ids([district.id]) == plain
            assert descendant_ids({district.id}) == plain
        commune = Area.objects.filter(level=Area.Level.COMMUNE).first()
        assert rollup_source_ids(commune) == rollup_source_ids(commune)
    # After the block every call reads the database again.
    with django_assert_max_num_queries(10) as captured:
        assert descendant_ids([district.id]) == plain
    assert len(captured.captured_queries) >= 1
