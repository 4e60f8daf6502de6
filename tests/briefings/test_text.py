import pytest

from briefings.text import Normalizer, ends_like_sentence, split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. had a goods trade deficit with China. It rose.",
        "They met on Feb. 21 in Washington. They spoke for an hour.",
        "The US had a US$295.4 billion goods trade deficit in 2024. It was down.",
        "The deficit was $295.4 billion last year. It was down.",
        "Beijing responded with 145 per cent tariffs. Washington waited.",
        "U.S. officials confirmed the call on Feb. 21, 2025. Mr. Bessent asked for it.",
    ],
)
def test_abbreviations_decimals_and_percentages_do_not_break_sentences(text):
    first, second = sentences(text)
    assert first + " " + second == text


def test_sentence_spans_are_verbatim_substrings_even_with_curly_quotes():
    text = "“Both sides recognised the importance,” CCTV said.  He Lifeng – the vice-premier – agreed."
    assert sentences(text) == [
        "“Both sides recognised the importance,” CCTV said.",
        "He Lifeng – the vice-premier – agreed.",
    ]


def test_empty_text_has_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []


def test_headings_and_cut_off_lines_do_not_end_like_sentences():
    assert not ends_like_sentence("MORE TARIFFS")
    assert not ends_like_sentence("Asked on Feb 20 about Mr Trump’s comments on a prospective trade deal,")
    assert ends_like_sentence("He said it was “fake news”.")
    assert ends_like_sentence("“They are suppressing the consumer,” Bessent said.”")


def test_normalizer_stems_and_drops_stop_words():
    normalizer = Normalizer()
    assert normalizer.terms("The tariffs and the tariff") == ["tariff", "tariff"]
    assert normalizer.terms("Bessent’s request") == normalizer.terms("Bessent's requests")
    assert "295.4" in normalizer.terms("a deficit of $295.4 billion")
    assert normalizer.terms("U.K. exports") == normalizer.terms("UK exports") == ["uk", "export"]
