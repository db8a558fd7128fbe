"""The renderer alone, on documents built in memory (no database)."""

from __future__ import annotations

from exports.services.render import ExportOptions, prepare, render_html, render_pdf, render_png
from tests.exports.helpers import pdf_pages, squash, synthetic_document


def test_a_card_longer_than_a_page_continues_on_the_next_pages_without_leaving_them():
    doc = synthetic_document(stages=3, lanes=3, cards=6)
    long_text = " ".join(f"mot{i} très-long-texte" for i in range(900))  # about 20,000 characters
    doc["cards"][0]["text"] = long_text[:10_000]
    doc["cards"][1]["text"] = "x" * 3000  # one word wider than any column
    data, info = render_pdf(doc, ExportOptions(paper="A4", personas=False))
    pages = pdf_pages(data)
    assert all(not page["outside"] for page in pages)
    text = squash("".join(p["text"] for p in pages))
    # Every word of the long card, in order, across the pages it continues on.
    position = 0
    # (Only the numbered words: PDFium drops a hyphen that ends a line.)
    for word in doc["cards"][0]["text"].split()[::2]:
        found = text.find(word, position)
        assert found >= 0, f"{word!r} is missing after offset {position}"
        position = found + len(word)
    assert text.count("(continued)") >= 2
    assert text.count("x") >= 3000
    assert info["pages"] >= 4


def test_cjk_accents_and_emoji_print_and_cjk_uses_a_cjk_font():
    doc = synthetic_document(stages=2, lanes=3, cards=3)
    doc["cards"][0]["text"] = "顧客は配達を待っています"
    doc["cards"][1]["text"] = "Délai trop élevé, garçon déçu 🚀👍🏽 fin"
    data, _info = render_pdf(doc, ExportOptions(paper="A4", personas=False, language="fr"))
    text = "".join(p["text"] for p in pdf_pages(data))
    assert "顧客は配達を待っています" in squash(text)
    assert "Délaitropélevé,garçondéçu" in squash(text) and "fin" in text
    options = ExportOptions(paper="A4")
    assert "Noto Sans CJK" in render_html(prepare(doc, options))
    latin = synthetic_document(stages=2, lanes=3, cards=3)
    assert "Noto Sans CJK" not in render_html(prepare(latin, options))  # only where CJK text occurs


def test_a_huge_png_is_capped_at_fifty_megapixels_and_says_so():
    doc = synthetic_document(stages=30, lanes=4, cards=60)
    data, info = render_png(doc, ExportOptions(format="png", dpi=300))
    assert info["dpi_lowered"] and info["dpi"] < 300
    assert info["width"] * info["height"] <= 50_000_000
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_emotion_notes_print_under_the_curve():
    doc = synthetic_document(stages=3, lanes=4, cards=4)
    doc["emotions"][0]["note"] = "Inquiète : le colis n’arrive pas"
    data, _info = render_pdf(doc, ExportOptions(paper="A3", personas=False))
    pages = pdf_pages(data)
    assert squash("Camille, busy parent: Inquiète : le colis n’arrive pas") in squash("".join(p["text"] for p in pages))
    assert not any(p["outside"] for p in pages)
