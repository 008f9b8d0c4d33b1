"""docs/test-cards.md lists every test card, payment method id and token the sandbox knows."""

from pathlib import Path

from payments.testcards import TEST_CARDS, TEST_METHODS, TEST_TOKENS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "test-cards.md").read_text()


def test_every_test_card_id_and_token_is_documented_with_its_number():
    rows = {line.split("|")[1].strip(): line for line in DOC.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip().isdigit()}
    assert set(rows) == set(TEST_CARDS)
    for method, number in TEST_METHODS.items():
        assert f"`{method}`" in rows[number], method
    for token, number in TEST_TOKENS.items():
        assert f"`{token}`" in rows[number], token
    for number, card in TEST_CARDS.items():
        if card.decline:
            assert f"`{card.decline}`" in rows[number], number
