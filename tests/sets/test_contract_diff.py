"""The difference between two versions of a contract, paragraph by paragraph and word by
word (sets.contract_diff)."""

from sets.contract_diff import Paragraph, Piece, difference, paragraphs, words


def test_paragraphs_split_at_blank_lines_whatever_the_line_endings():
    assert paragraphs("One.\r\n\r\nTwo\nstill two.\n \nThree.\n") == [
        "One.",
        "Two\nstill two.",
        "Three.",
    ]
    assert paragraphs("   ") == []


def test_a_reworded_paragraph_shows_the_words_removed_and_added():
    assert words("We send apologies before the day.", "We send apologies early.") == (
        Piece("same", "We send apologies "),
        Piece("removed", "before the day."),
        Piece("added", "early."),
    )


def test_paragraphs_kept_reworded_added_and_removed():
    before = "Keep.\n\nOld wording here.\n\nDrop me."
    after = "Keep.\n\nNew wording here.\n\nDrop me.\n\nA new rule."
    result = difference(before, after)
    assert [p.status for p in result.paragraphs] == ["same", "changed", "same", "added"]
    assert result.paragraphs[1].pieces[:2] == (Piece("removed", "Old"), Piece("added", "New"))
    assert result.paragraphs[3] == Paragraph("added", (Piece("added", "A new rule."),))
    assert result.summary == "1 paragraph reworded, 1 added."


def test_a_removed_paragraph_is_shown_where_it_was():
    result = difference("One.\n\nTwo.\n\nThree.", "One.\n\nThree.")
    assert [(p.status, p.pieces[0].text) for p in result.paragraphs] == [
        ("same", "One."),
        ("removed", "Two."),
        ("same", "Three."),
    ]
    assert (result.changed, result.added, result.removed) == (0, 0, 1)
    assert result.summary == "1 paragraph removed."


def test_the_same_text_has_no_difference():
    result = difference("One.\n\nTwo.", "One.\r\n\r\nTwo.")
    assert result.is_empty
    assert result.summary == "No paragraph changed."


def test_more_paragraphs_replaced_than_written_are_removed():
    result = difference("A.\n\nB.\n\nC.", "X.")
    assert [p.status for p in result.paragraphs] == ["changed", "removed", "removed"]
    assert result.summary == "1 paragraph reworded, 2 removed."
