"""Labels cut from long text end on a whole word with an ellipsis."""

import pytest

from aims.core.text import shorten


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short enough", 20, "Short enough"),
        ("Exactly ten", 11, "Exactly ten"),
        (
            "Send a reminder to staff who have not acknowledged the policy",
            50,
            "Send a reminder to staff who have not…",
        ),
        ("Lines\nand   spaces  fold", 40, "Lines and spaces fold"),
        ("Supercalifragilistic", 8, "Superca…"),
        ("Owner, named: someone else entirely", 14, "Owner, named…"),
    ],
)
def test_it_cuts_at_a_word(text, limit, expected):
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit
