"""The renderer alone, on documents built in memory (no database)."""

from __future__ import annotations

import re

import pytest

from exports.options import ExportOptions
from exports.services.render import render_html, render_pdf, render_png
from exports.services.sections import prepare
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


# ----------------------------------------------------------------------------- sizes that break layouts


def expected_texts(doc: dict) -> list[str]:
    """What must be printed: every stage name, lane title, card text and touchpoint title."""
    return ([s["name"] for s in doc["stages"]] + [lane["title"] for lane in doc["lanes"]]
            + [c["text"] for c in doc["cards"]] + [t["title"] for t in doc["touchpoints"]])


def assert_printed_inside(doc: dict, pages: list[dict], *, split_ok: tuple[str, ...] = ()) -> None:
    text = squash("".join(p["text"] for p in pages))
    missing = [item[:60] for item in expected_texts(doc) if item not in split_ok and squash(item) not in text]
    assert not missing, missing
    for number, page in enumerate(pages, start=1):
        assert not page["outside"], f"page {number}: characters outside the page: {page['outside'][:3]}"


def assert_in_order(text: str, words: list[str]) -> None:
    position = 0
    for word in words:
        found = text.find(word, position)
        assert found >= 0, f"{word!r} is missing after offset {position}"
        position = found + len(word)


def text_top(data: bytes, page_index: int, needle: str) -> float:
    """The top (PDF points from the page's foot) of the first occurrence of ``needle``."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(data)[page_index]
    textpage = page.get_textpage()
    found = textpage.search(needle, match_case=False).get_next()
    assert found, f"{needle!r} not on page {page_index + 1}"
    return textpage.get_charbox(found[0])[3]


def assert_numbered(pages: list[dict]) -> None:
    """Every page ends with its own number out of the total ("Page 3 / 17")."""
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert squash(page["text"]).endswith(f"Page{number}/{total}"), (number, page["text"][-40:])


def test_a_5000_character_card_prints_every_word_inside_the_pages_on_a3_and_a4():
    doc = synthetic_document(stages=4, lanes=4, cards=12)
    words = []
    while len(" ".join(words)) < 5000:
        words += [f"mot{len(words)}", "livraison", "trop", "tardive,", "le", "client", "rappelle."]
    long_card = doc["cards"][0]
    long_card["text"] = " ".join(words)[:5000]
    assert len(long_card["text"]) == 5000
    for paper in ("A3", "A4"):
        data, info = render_pdf(doc, ExportOptions(paper=paper))
        pages = pdf_pages(data)
        assert_printed_inside(doc, pages, split_ok=(long_card["text"],))
        assert_in_order(squash("".join(p["text"] for p in pages)),
                        [w for w in long_card["text"].split() if w.startswith("mot")][:-1])
        assert info["pages"] == len(pages) and not info["one_piece"]
        assert_numbered(pages)


def test_two_hundred_cards_in_one_cell_continue_over_pages_with_every_card_inside():
    doc = synthetic_document(stages=3, lanes=4, cards=6)
    cell = doc["cards"][0]
    for n in range(200):
        doc["cards"].append({**cell, "id": f"cell-{n}", "text": f"Carte {n:03d} : le livreur n’a pas sonné.",
                             "position": f"b{n:03d}"})
    data, info = render_pdf(doc, ExportOptions(paper="A3"))
    pages = pdf_pages(data)
    assert_printed_inside(doc, pages)
    text = squash("".join(p["text"] for p in pages))
    assert_in_order(text, [squash(f"Carte {n:03d} :") for n in range(200)])
    assert text.count("(continued)") >= 3  # the lane goes on over several pages, and says so
    assert_numbered(pages)


def test_a_sixty_stage_map_is_tiled_in_bands_with_every_text_inside_the_pages():
    doc = synthetic_document(stages=60, lanes=6, cards=240)
    data, info = render_pdf(doc, ExportOptions(paper="A3"))
    pages = pdf_pages(data)
    assert_printed_inside(doc, pages)
    assert info["bands"] == 10 and info["parts"] > 1
    text = squash("".join(p["text"] for p in pages))
    for first in range(1, 61, 6):
        assert squash(f"Stages {first}–{first + 5} of 60") in text
    assert_numbered(pages)
    # Each band of stages starts again with the first lane and its header.
    for first in range(1, 61, 6):
        page = next(p for p in pages if squash(f"Stages {first}–{first + 5} of 60") in squash(p["text"]))
        assert squash(doc["lanes"][0]["title"]) in squash(page["text"])


# ----------------------------------------------------------------------------- parts


def test_parts_rendered_apart_print_the_same_pages_as_the_document_in_one_piece():
    from django.conf import settings

    from exports.printing.pdf import pdf_part

    doc = synthetic_document(stages=12, lanes=9, cards=200)
    data, info = render_pdf(doc, ExportOptions(paper="A3"))
    assert info["parts"] > 1
    prepared = prepare(doc, ExportOptions(paper="A3"))
    whole, count = pdf_part(render_html(prepared), str(settings.BASE_DIR), prepared.geo.zoom)
    apart, together = pdf_pages(data), pdf_pages(whole)
    assert count == len(apart) == info["pages"]
    assert [squash(p["text"]) for p in apart] == [squash(p["text"]) for p in together]


def test_a_part_that_overflows_its_page_sends_the_document_to_one_piece_numbered_by_weasyprint(caplog):
    doc = synthetic_document(stages=6, lanes=5, cards=60)
    doc["map"]["goal"] = "Réduire les retards de livraison. " * 150  # the cover runs onto a second page
    data, info = render_pdf(doc, ExportOptions(paper="A4"))
    pages = pdf_pages(data)
    assert info["one_piece"] and "rendering it in one piece" in caplog.text
    goal = re.sub(r"Grocerydelivery—currentstatePage\d+/\d+", "", squash("".join(p["text"] for p in pages[:2])))
    assert goal.count(squash("Réduire les retards de livraison.")) == 150
    assert_printed_inside(doc, pages)
    assert_numbered(pages)


def test_the_fit_to_one_page_poster_is_put_back_together_from_its_slices():
    doc = synthetic_document(stages=10, lanes=9, cards=160)
    data, info = render_pdf(doc, ExportOptions(paper="fit", personas=False))
    pages = pdf_pages(data)
    assert info["parts"] > 2 and len(pages) == 2  # the poster (from slices), then priorities
    assert_printed_inside(doc, pages[:1])
    # The slices follow each other down the page: lane titles in the lanes' order.
    assert_in_order(squash(pages[0]["text"]), [squash(lane["title"]) for lane in doc["lanes"]])
    assert_numbered(pages)


def test_a_png_from_slices_decodes_and_matches_the_poster_rendered_whole():
    import io

    import pypdfium2 as pdfium
    from PIL import Image, ImageChops, ImageStat

    doc = synthetic_document(stages=8, lanes=9, cards=120)
    data, info = render_png(doc, ExportOptions(format="png", dpi=60))
    assert info["parts"] > 1 and not info["dpi_lowered"]
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every row: the joined deflate stream and its checksum are valid
    assert image.mode == "RGB" and (image.width, image.height) == (info["width"], info["height"])
    assert image.info["dpi"] == (60, 60) or round(image.info["dpi"][0]) == 60
    whole, _info = render_pdf(doc, ExportOptions(paper="fit", personas=False))
    reference = pdfium.PdfDocument(whole)[0].render(scale=60 / 72, fill_color=(255, 255, 255, 255)).to_pil()
    assert abs(reference.width - image.width) <= 1 and abs(reference.height - image.height) <= 3
    # The same picture (sizes differ by a pixel, so compare at a quarter of the size,
    # where sub-pixel shifts of glyphs do not count but a missing or misplaced slice does).
    size = (image.width // 4, image.height // 4)
    difference = ImageChops.difference(reference.convert("RGB").resize(size), image.resize(size))
    assert max(ImageStat.Stat(difference).mean) < 1.5


# ----------------------------------------------------------------------------- rich lanes


def blueprint_document() -> dict:
    doc = synthetic_document(stages=6, lanes=12, cards=96)
    pains = [c for c in doc["cards"] if any(lane["id"] == c["lane"] and lane["kind"] == "pain_points"
                                            for lane in doc["lanes"])]
    changes = [c for c in doc["cards"] if any(lane["id"] == c["lane"] and lane["kind"] == "opportunities"
                                              for lane in doc["lanes"])]
    pains[0].update(text="Le colis arrive sans prévenir", priority="high")
    for change in changes[:2]:
        change.update(addresses=pains[0]["id"], priority="medium")
    changes[0]["text"] = "Envoyer un SMS la veille"
    changes[2].update(addresses=pains[1]["id"], text="Créneaux de deux heures", priority="low")
    pains[1]["text"] = "Créneau de livraison trop large"
    for change in changes[3:]:
        change["addresses"] = None
    return doc


def test_changes_and_the_pain_points_they_address_show_the_link_and_priority_on_both_cards():
    doc = blueprint_document()
    data, _info = render_pdf(doc, ExportOptions(paper="A3", language="fr"))
    text = squash("".join(p["text"] for p in pdf_pages(data)))
    # On the changes: the pain point each addresses.
    assert text.count(squash("↳ Traite : Le colis arrive sans prévenir")) == 2
    assert squash("↳ Traite : Créneau de livraison trop large") in text
    # On the pain points: what addresses them.
    assert squash("✓ Traité par 2 changements") in text
    assert squash("✓ Traité par : Créneaux de deux heures") in text
    for label in ("Priorité haute", "Priorité moyenne", "Priorité basse"):  # printed in capitals
        assert squash(label).upper() in text.upper(), label


def test_a_service_blueprint_prints_the_line_of_interaction_above_the_frontstage_and_the_line_of_visibility():
    doc = blueprint_document()
    data, _info = render_pdf(doc, ExportOptions(paper="A3"))
    pages = pdf_pages(data)
    frontstage = next(lane["title"] for lane in doc["lanes"] if lane["kind"] == "frontstage")
    visibility = next(lane["title"] for lane in doc["lanes"] if lane["kind"] == "line_of_visibility")
    index = next(i for i, p in enumerate(pages) if squash(frontstage) in squash(p["text"]))
    line, lane = text_top(data, index, "Line of interaction"), text_top(data, index, frontstage)
    assert 0 < line - lane < 25  # points: the rule's label sits just above the frontstage lane's title
    assert any(squash(visibility) in squash(p["text"]) for p in pages)


def test_the_priorities_page_ranks_moments_of_truth_then_irritant_touchpoints():
    from touchpoints.priorities import rank_priorities

    doc = blueprint_document()
    doc["moments"][0].update(importance=2, impact=2, title="Le livreur appelle")
    data, _info = render_pdf(doc, ExportOptions(paper="A3"))
    page = next(p for p in pdf_pages(data) if "Importance × impact".upper() in p["text"].upper())
    ranked = rank_priorities(doc)
    assert ranked[-1]["kind"] == "touchpoint" and ranked[0]["kind"] == "moment"
    assert_in_order(squash(page["text"]), [squash(e["title"]) for e in ranked])
    assert squash("2 × 2 = 4") in squash(page["text"])


# ----------------------------------------------------------------------------- pages to look at


def save_page(data: bytes, index: int, name: str, dpi: int = 110) -> None:
    import pypdfium2 as pdfium

    from tests.conftest import artifact

    pdf = pdfium.PdfDocument(data)
    image = pdf[index].render(scale=dpi / 72, fill_color=(255, 255, 255, 255)).to_pil().convert("RGB")
    image.save(artifact(f"exports/{name}.png"))
    colours = image.getcolors(1_000_000) or []
    assert len(colours) > 20 and max(count for count, _c in colours) < 0.97 * image.width * image.height, name


def test_the_pages_of_a_large_map_are_saved_for_people_to_look_at():
    """Cover, a grid page, a tiled page (stages 7-12 of 30), the priorities and personas
    pages, and the poster as a PNG: look at them in test-artifacts/exports/."""
    import io

    from PIL import Image

    from tests.conftest import artifact

    doc = synthetic_document(stages=30, lanes=12, cards=720)
    data, info = render_pdf(doc, ExportOptions(paper="A3"))
    pages = pdf_pages(data)
    assert_printed_inside(doc, pages)
    assert not info["one_piece"]
    save_page(data, 0, "cover")
    save_page(data, 1, "grid-page")
    tiled = next(i for i, p in enumerate(pages) if squash("Stages 7–12 of 30") in squash(p["text"]))
    save_page(data, tiled, "tiled-page")
    blueprint = next(i for i, p in enumerate(pages) if i > 0 and "LINE OF INTERACTION" in p["text"].upper())
    save_page(data, blueprint, "blueprint-page")
    save_page(data, next(i for i, p in enumerate(pages) if "IMPORTANCE × IMPACT" in p["text"].upper()), "priorities")
    save_page(data, len(pages) - 1, "personas")

    french, _info = render_pdf(blueprint_document(), ExportOptions(paper="A4", language="fr"))
    save_page(french, 0, "cover-a4-fr")
    save_page(french, 1, "grid-page-a4-fr")

    png, png_info = render_png(doc, ExportOptions(format="png", dpi=150))
    image = Image.open(io.BytesIO(png))
    image.load()
    assert png_info["dpi_lowered"] and image.width * image.height <= 50_000_000
    image.crop((0, 0, min(image.width, 2400), min(image.height, 1600))).save(artifact("exports/poster-corner.png"))
    image.resize((image.width // 5, image.height // 5)).save(artifact("exports/poster.png"))


# ----------------------------------------------------------------------------- bands use the page


def test_stages_are_shared_evenly_between_the_fewest_bands():
    from exports.services.layout import band_sizes, geometry

    assert geometry("A3", 7).per_band == 4  # six fit across an A3 page: 4 + 3, not 6 + 1
    assert band_sizes(7, geometry("A3", 7).per_band) == [4, 3]
    assert band_sizes(13, geometry("A3", 13).per_band) == [5, 4, 4]
    assert band_sizes(12, geometry("A3", 12).per_band) == [6, 6]
    assert band_sizes(6, geometry("A3", 6).per_band) == [6]
    assert band_sizes(5, geometry("A4", 5).per_band) == [3, 2]  # four fit on A4
    assert band_sizes(60, geometry("A3", 60).per_band) == [6] * 10


def grid_bottom(data: bytes, index: int) -> float:
    """How far down the page (0-1) the grid's last drawn line is, above the footer."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[index].render(scale=1).to_pil().convert("L")
    finally:
        pdf.close()
    width, height = image.size
    footer = int(height * 0.95)  # the page number and title in the bottom margin
    for y in range(footer - 1, 0, -1):
        row = image.crop((int(width * 0.1), y, int(width * 0.9), y + 1))
        if row.getextrema()[0] < 245:
            return y / height
    return 0.0


def test_a_seven_stage_map_prints_as_two_balanced_bands_that_fill_their_pages():
    doc = synthetic_document(stages=7, lanes=8, cards=14, language="fr")
    data, info = render_pdf(doc, ExportOptions(paper="A3", language="fr", personas=False))
    pages = pdf_pages(data)
    assert_printed_inside(doc, pages)
    grids = [i for i, p in enumerate(pages) if "Étapes" in p["text"]]
    labels = [re.search(r"Étapes \d+ à \d+ sur 7", pages[i]["text"]).group() for i in grids]
    assert labels == ["Étapes 1 à 4 sur 7", "Étapes 5 à 7 sur 7"]  # one page per band, 4 + 3
    assert info["bands"] == 2
    # The paper is used: type a little larger than on A4 when it costs no page, and
    # the grid reaching the foot of each page.
    assert info["zoom"] > 1
    assert pages[grids[0]]["width"] == pytest.approx(420 / 25.4 * 72, rel=0.002)  # still A3
    for index in grids:
        assert grid_bottom(data, index) > 0.88, f"page {index + 1} stops at {grid_bottom(data, index):.0%}"
    for number, index in enumerate(grids, start=1):
        save_page(data, index, f"bands-7-stages-{number}")


def test_a_full_map_keeps_the_densest_layout_rather_than_spill_a_lane_onto_a_page_of_its_own():
    doc = synthetic_document(stages=7, lanes=8, cards=40)
    data, info = render_pdf(doc, ExportOptions(paper="A3", personas=False))
    pages = pdf_pages(data)
    assert_printed_inside(doc, pages)
    grids = [p for p in pages if "Stages" in p["text"]]
    assert [re.search(r"Stages \d+–\d+ of 7", p["text"]).group() for p in grids] == ["Stages 1–4 of 7",
                                                                                        "Stages 5–7 of 7"]
    assert info["zoom"] == 1.0


# ----------------------------------------------------------------------------- where it renders


def _render_in_a_daemon(queue) -> None:  # noqa: ANN001
    from exports.services.render import render_pdf, render_processes

    try:
        data, _info = render_pdf(synthetic_document(stages=3, lanes=3, cards=6),
                                 ExportOptions(paper="A4", personas=False))
        queue.put(("ok", render_processes(), data[:5]))
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        queue.put(("error", repr(exc), b""))


def test_a_daemonic_process_renders_by_itself_rather_than_fail(settings):
    """A prefork pool child is daemonic and may not start helpers: it renders alone."""
    import multiprocessing

    settings.EXPORT_RENDER_PROCESSES = 2
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_render_in_a_daemon, args=(queue,), daemon=True)
    process.start()
    try:
        assert queue.get(timeout=120) == ("ok", 0, b"%PDF-")
    finally:
        process.join(30)
