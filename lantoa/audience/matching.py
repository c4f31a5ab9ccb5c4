"""How two person records are recognised as the same person (import and the duplicate finder share it).

Strong keys: the same CCCD; the same BHXH number. Weaker: the same phone; the same accent- and
case-insensitive name with the same birth date in the same commune (communes as rolled up today, so a
person recorded under a commune merged in 2025 still matches).
"""

from lantoa.core.text import search_key

STRONG = ("cccd", "bhxh_number")


def name_birth_key(full_name: str, birth_date, commune_id: int | None) -> str:
    if not full_name or not birth_date or not commune_id:
        return ""
    return f"{search_key(full_name)}|{birth_date.isoformat()}|{commune_id}"
