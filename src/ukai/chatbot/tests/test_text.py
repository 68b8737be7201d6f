from ukai.chatbot.text import query_clean, text_normalize, text_tokens


def test_synonyms_meet_their_canonical_form():
    assert text_normalize("住民票の写し") == "住民票"
    assert text_normalize("マイナカード") == "マイナンバーカード"
    assert text_normalize("マイナの暗証番号") == "マイナンバーカードの暗証番号"
    assert text_normalize("マイナンバーカード") == "マイナンバーカード"
    assert text_normalize("マイナ保険証") == "マイナ保険証"
    assert text_normalize("ゴミ") == "ごみ"
    assert text_normalize("国保に入る") == "国民健康保険に入る"
    assert text_normalize("国保・年金課") == "国保・年金課"
    assert text_normalize("ＰａｙＰａｙ") == "スマートフォン決済"


def test_politeness_and_filler_are_dropped():
    assert query_clean("すみません、粗大ゴミの出し方を教えてください。") == "粗大ごみの出し方を"
    # A question of filler alone keeps its words rather than becoming empty.
    assert query_clean("教えてください") == "教えてください"


def test_tokens_are_normalised_content_words():
    tokens = text_tokens("国民健康保険に入りたい")
    assert "国民健康保険" in tokens
    assert "保険" in tokens  # the mode A parts of a compound count too
    assert "に" not in tokens
    assert text_tokens("🍣🍣") == []
