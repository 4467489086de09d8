"""layers.plan_reader.sources: a plan document (TXT, DOCX, PDF, a scan through OCR, HTML) into text,
and every hostile file refused with its own DocumentError code. Every input is built here."""

from __future__ import annotations

import hashlib
import io
import pickle
import zipfile

import matplotlib
import pypdf
import pytest
from matplotlib.backends.backend_pdf import PdfPages
from PIL import Image, ImageDraw, ImageFont

from layers._errors import DocumentError, LayerError
from layers.plan_reader import _source_pdf  # the OCR settings are read from there
from layers.plan_reader.sources import OCR_INSTALL, RECOGNISED_NOTE, read_document
from ui.exports.static_map import cjk_font_files, pdf_cjk_font

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

PLAN = "（一）琶洲园区规划面积约2.2平方公里，东至华南快速干线；“人工智能”产业。"

# ---------------------------------------------------------------------------------------------- TXT

TXT_CASES = [
    # (what, bytes, text read, encoding)
    ("UTF-8", PLAN.encode("utf-8"), PLAN, "utf-8"),
    ("UTF-8 with BOM", b"\xef\xbb\xbf" + PLAN.encode("utf-8"), PLAN, "utf-8-sig"),
    ("GBK", PLAN.encode("gbk"), PLAN, "gb18030"),
    ("GB18030 beyond GBK", "园区𠀀".encode("gb18030"), "园区𠀀", "gb18030"),
    ("UTF-16 with BOM (Notepad 'Unicode')", b"\xff\xfe" + PLAN.encode("utf-16-le"), PLAN, "utf-16-le"),
    ("UTF-16 big-endian with BOM", b"\xfe\xff" + PLAN.encode("utf-16-be"), PLAN, "utf-16-be"),
    ("GBK with one damaged byte", "园区".encode("gbk") + b"\xff" + PLAN.encode("gbk"), "园区\ufffd" + PLAN, "gb18030"),
    ("UTF-8 with one damaged byte", PLAN.encode() + b"\xff" + "园区".encode(), PLAN + "\ufffd园区", "utf-8"),
    ("Windows line endings", "一、总体要求\r\n（一）园区\r\n".encode("gbk"), "一、总体要求\n（一）园区\n", "gb18030"),
    ("old Mac line endings", "一、总体要求\r（一）园区".encode(), "一、总体要求\n（一）园区", "utf-8"),
    ("full-width spaces and punctuation kept", "　　一、园区：约2.2平方公里；".encode(), "　　一、园区：约2.2平方公里；", "utf-8"),
]


@pytest.mark.parametrize(("what", "content", "text", "encoding"), TXT_CASES, ids=[c[0] for c in TXT_CASES])
def test_txt_is_decoded_as_the_import_decides(what, content, text, encoding):
    got = read_document(content, "plan.txt")
    assert (got.text, got.encoding, got.kind, got.recognised, got.pages) == (text, encoding, "txt", False, None)
    assert got.notes[0].startswith(f"read as {encoding}")


def test_the_source_names_its_file_and_bytes():
    content = PLAN.encode("gbk")
    got = read_document(content, "/uploads/方案.txt")
    assert (got.file_name, got.sha256) == ("方案.txt", hashlib.sha256(content).hexdigest())


# --------------------------------------------------------------------------------------------- DOCX

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')


def para(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r><w:t xml:space=\"preserve\">{r}</w:t></w:r>" for r in runs) + "</w:p>"


def table(rows: list[list[str]]) -> str:
    cells = "".join("<w:tr>" + "".join(f"<w:tc>{c if c.startswith('<') else para(c)}</w:tc>" for c in row)
                    + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


def docx(body: str, *, document: str | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal DOCX (what Word needs to open it) whose body is `body`."""
    xml = document or f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_NS}><w:body>{body}' \
                      '<w:sectPr/></w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                    'package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


TEXT_BOX = ("<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>"
            "<w:txbxContent>" + para("框内：一期") + "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback>"
            "<w:pict><v:textbox><w:txbxContent>" + para("框内：一期") + "</w:txbxContent></v:textbox></w:pict>"
            "</mc:Fallback></mc:AlternateContent></w:r></w:p>")

DOCX_CASES = [
    # (what, body of word/document.xml, text read)
    ("a paragraph and a 3x3 table, in document order",
     para("一、园区概况") + table([["序号", "园区名称", "面积"], ["1", "琶洲园区", "2.2平方公里"], ["2", "科学城", "约20平方公里"]])
     + para("二、发展目标"),
     "一、园区概况\n序号 | 园区名称 | 面积\n1 | 琶洲园区 | 2.2平方公里\n2 | 科学城 | 约20平方公里\n二、发展目标"),
    ("runs of one paragraph joined, empty paragraphs dropped", para("规划面积", "约2.2", "平方公里") + "<w:p/>" + para("止"),
     "规划面积约2.2平方公里\n止"),
    ("a tracked insertion kept, a tracked deletion left out",
     "<w:p><w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t>新增</w:t></w:r></w:ins><w:r><w:t>园区</w:t></w:r>"
     "<w:del w:id=\"2\" w:author=\"a\"><w:r><w:delText>删去</w:delText></w:r></w:del></w:p>", "新增园区"),
    ("a content control around a paragraph",
     "<w:sdt><w:sdtPr/><w:sdtContent>" + para("控件内") + "</w:sdtContent></w:sdt>", "控件内"),
    ("a hyperlink's text and a field's result, not its code",
     "<w:p><w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink><w:r><w:instrText> PAGE </w:instrText></w:r>"
     "<w:r><w:t>3</w:t></w:r></w:p>", "链接3"),
    ("tabs and line breaks inside a paragraph",
     "<w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r></w:p>", "甲\t乙\n丙"),
    ("a text box read once (its VML fallback not again)", TEXT_BOX, "正文\n框内：一期"),
    ("a cell of two paragraphs is one cell", table([["名称", "四至"], ["甲园", para("东至甲路") + para("西至乙路")]]),
     "名称 | 四至\n甲园 | 东至甲路 西至乙路"),
    ("a layout table (holding a table) as its cells' lines",
     table([[para("标题") + table([["a", "b"]])]]), "标题\na | b"),
    ("an empty cell keeps its column", table([["1", "", "3"]]), "1 |  | 3"),
]


@pytest.mark.parametrize(("what", "body", "text"), DOCX_CASES, ids=[c[0] for c in DOCX_CASES])
def test_docx_paragraphs_and_tables_in_order(what, body, text):
    got = read_document(docx(body), "plan.docx")
    assert (got.text, got.kind, got.encoding, got.recognised) == (text, "docx", None, False)


def test_docx_main_part_found_through_its_relationships():
    content = docx("")
    moved = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(moved, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                dst.writestr("word/document2.xml", _body_xml(para("别处")))
            elif info.filename == "_rels/.rels":
                dst.writestr(info, data.replace(b"word/document.xml", b"word/document2.xml"))
            else:
                dst.writestr(info, data)
    assert read_document(moved.getvalue(), "plan.docx").text == "别处"


def _body_xml(body: str) -> str:
    return f'<?xml version="1.0"?><w:document {_NS}><w:body>{body}</w:body></w:document>'


# ---------------------------------------------------------------------------------------------- PDF

def text_pdf(pages: list[list[str]], *, glyph_by_glyph: bool = False) -> bytes:
    """A PDF with a text layer (matplotlib, the project's TrueType CJK font embedded)."""
    buf = io.BytesIO()
    rc = {"pdf.fonttype": 42, "font.family": "sans-serif", "font.sans-serif": [pdf_cjk_font(), "DejaVu Sans"]}
    with plt.rc_context(rc), PdfPages(buf) as pdf:
        for lines in pages:
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                if glyph_by_glyph:  # one text object a character, set 11 pt apart, as some producers write
                    for j, ch in enumerate(line):
                        fig.text(0.08 + j * 0.0185, 0.95 - i * 0.03, ch, fontsize=11)
                else:
                    fig.text(0.08, 0.95 - i * 0.03, line, fontsize=11)
            pdf.savefig(fig)
            plt.close(fig)
    return buf.getvalue()


WRAPPED = ["第1页", "一、园区概况", "琶洲园区规划面积约2.2平方公里，东至华南快速干线，南至新港东路，西至琶洲塔", "公园，北至珠江。",
           "（二）发展目标", "到2025年，园区主营业务收入突破650亿元。", "— 1 —"]


@pytest.fixture(scope="module")
def plan_pdf() -> bytes:
    return text_pdf([WRAPPED, ["第2页", "二、保障措施", "加强组织领导。"]])


def test_text_pdf_read_as_paragraphs(plan_pdf):
    got = read_document(plan_pdf, "plan.pdf")
    assert (got.kind, got.pages, got.recognised, got.encoding) == ("pdf", 2, False, None)
    assert got.text == ("一、园区概况\n琶洲园区规划面积约2.2平方公里，东至华南快速干线，南至新港东路，西至琶洲塔公园，北至珠江。\n"
                        "（二）发展目标\n到2025年，园区主营业务收入突破650亿元。\n二、保障措施\n加强组织领导。")
    assert "3 page-number lines dropped" in got.notes
    assert any("line breaks inside paragraphs" in n for n in got.notes)


def test_glyph_by_glyph_pdf_has_no_spaces_between_chinese_characters():
    got = read_document(text_pdf([["广州科学城园区", "东至开创大道。"]], glyph_by_glyph=True), "plan.pdf")
    assert got.text == "广州科学城园区\n东至开创大道。"


def _encrypted(content: bytes, user: str, owner: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(content)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_with_an_owner_password_only_is_read(plan_pdf):
    got = read_document(_encrypted(plan_pdf, "", "owner"), "plan.pdf")
    assert "琶洲园区" in got.text
    assert any("owner password only" in n for n in got.notes)


def test_a_pdf_named_txt_is_read_as_pdf(plan_pdf):
    got = read_document(plan_pdf, "plan.txt")
    assert got.kind == "pdf" and "琶洲园区" in got.text
    assert got.notes[0] == "named .txt, but the content is PDF: read as PDF"


# ----------------------------------------------------------------------------------------- scan + OCR

def scan_pdf(lines: list[str]) -> bytes:
    """A PDF holding only an image of Chinese text (a scan: no text layer)."""
    font = ImageFont.truetype(cjk_font_files()[0], 40)
    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((150, 200 + i * 80), line, font=font, fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=200)
    return buf.getvalue()


SCAN = ["广州科学城园区规划面积约二十平方公里。", "重点发展新一代信息技术产业。"]


@pytest.fixture(scope="module")
def scan() -> bytes:
    return scan_pdf(SCAN)


def test_scan_is_recognised_by_ocr(scan):
    got = read_document(scan, "scan.pdf")
    assert (got.kind, got.pages, got.recognised) == ("pdf", 1, True)
    for words in ("科学城", "园区", "平方公里", "信息技术"):
        assert words in got.text, got.text
    assert f"every page recognised by OCR (tesseract, chi_sim+eng): {RECOGNISED_NOTE}" in got.notes


def test_a_scanned_page_inside_a_text_pdf_is_recognised(plan_pdf, scan):
    writer = pypdf.PdfWriter()
    for part in (plan_pdf, scan):
        writer.append(pypdf.PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    got = read_document(out.getvalue(), "mixed.pdf")
    assert got.recognised and "琶洲园区" in got.text and "科学城" in got.text
    assert any(n.startswith("pages 3 recognised by OCR") for n in got.notes)


@pytest.mark.parametrize(("setting", "value", "why"), [
    ("TESSERACT", "tesseract-not-installed", "tesseract-not-installed is not installed (tesseract-ocr)"),
    ("PDFTOPPM", "pdftoppm-not-installed", "pdftoppm-not-installed is not installed (poppler-utils)"),
    ("OCR_LANGS", "chi_sim+xyz_lang", "tesseract has no xyz_lang language data"),
])
def test_scan_without_ocr_says_how_to_install_it(scan, monkeypatch, setting, value, why):
    monkeypatch.setattr(_source_pdf, setting, value)
    with pytest.raises(DocumentError, match="scanned PDF") as caught:
        read_document(scan, "scan.pdf")
    err = caught.value
    assert err.code == "ocr-missing" and why in err.message
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in err.message and "Makefile" in err.message
    assert OCR_INSTALL in err.message_zh


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("TESSERACT", "false", "scan.pdf: page 1: false failed"),
    ("OCR_TIMEOUT_S", 0.001, "scan.pdf: page 1: pdftoppm took more than 0.001 s; split the scan."),
])
def test_ocr_that_fails_says_which_page(scan, monkeypatch, setting, value, message):
    monkeypatch.setattr(_source_pdf, "_ocr_missing", lambda: None)
    monkeypatch.setattr(_source_pdf, setting, value)
    with pytest.raises(DocumentError, match=message) as caught:
        read_document(scan, "scan.pdf")
    assert caught.value.code == "ocr-failed"


def test_scan_with_ocr_turned_off(scan):
    with pytest.raises(DocumentError) as caught:
        read_document(scan, "scan.pdf", ocr=False)
    assert caught.value.code == "no-text"


# --------------------------------------------------------------------------------------------- HTML

GOV_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于印发方案的通知_广州市人民政府</title><style>.x{color:red}</style></head>
<body><header>广州市人民政府门户网站</header><nav><a href="/">首页</a> <a>政务公开</a></nav>
<script>var s = "脚本里的字不读";</script>
<div class="article"><h1>关于印发园区建设方案的通知</h1>
<p>各区人民政府：</p><p>　　琶洲园区规划面积约2.2平方公里，
东至华南快速干线。&nbsp;</p>
<table><tr><th>序号</th><th>园区名称</th><th>面积</th></tr>
<tr><td>1</td><td>琶洲园区</td><td>2.2平方公里</td></tr>
<tr><td>2</td><td>科学城<br>（一期）</td><td>约20平方公里</td></tr></table>
<div style="display: none">隐藏的字</div><p>附件：园区一览表</p></div>
<footer>版权所有 广州市人民政府办公厅</footer></body></html>"""

GOV_TEXT = ("关于印发园区建设方案的通知\n各区人民政府：\n琶洲园区规划面积约2.2平方公里，东至华南快速干线。\n"
            "序号 | 园区名称 | 面积\n1 | 琶洲园区 | 2.2平方公里\n2 | 科学城 （一期） | 约20平方公里\n附件：园区一览表")

HTML_CASES = [
    # (what, bytes, file name, text read, encoding)
    ("a GB2312 government page", GOV_PAGE.encode("gb2312"), "notice.html", GOV_TEXT, "gb18030"),
    ("the same page in UTF-8 saying so", GOV_PAGE.replace("gb2312", "utf-8").encode(), "notice.htm", GOV_TEXT, "utf-8"),
    ("declared GB2312 but written in UTF-8", GOV_PAGE.encode("utf-8"), "notice.html", GOV_TEXT, "utf-8"),
    ("no charset: detected", GOV_PAGE.replace("; charset=gb2312", "").encode("gbk"), "notice.html", GOV_TEXT,
     "gb18030"),
    ("saved by a browser with a comment first, named .txt",
     ("<!-- saved from url=(0030)http://www.gz.gov.cn/ -->\n" + GOV_PAGE).encode("gbk"), "notice.txt", GOV_TEXT,
     "gb18030"),
    ("a layout table around the article", "<html><body><table><tr><td><table><tr><td>甲</td><td>乙</td></tr></table>"
     "<p>正文一</p><p>正文二</p></td></tr></table></body></html>".encode(), "p.html", "甲 | 乙\n正文一\n正文二", "utf-8"),
    ("no </head>", "<html><head><title>题</title><body><p>园区</p></body></html>".encode(), "p.html", "园区", "utf-8"),
    ("a <nav> never closed is read after all", "<html><body><nav>首页<p>园区</p></body></html>".encode(), "p.html",
     "首页\n园区", "utf-8"),
    ("a bogus <![ is text", "<html><body><p>甲<![乙</p></body></html>".encode(), "p.html", "甲<![乙", "utf-8"),
]


@pytest.mark.parametrize(("what", "content", "name", "text", "encoding"), HTML_CASES, ids=[c[0] for c in HTML_CASES])
def test_html_visible_text_only(what, content, name, text, encoding):
    got = read_document(content, name)
    assert (got.text, got.encoding, got.kind) == (text, encoding, "html")


def test_html_notes_say_what_was_dropped():
    notes = read_document(GOV_PAGE.encode("gb2312"), "notice.html").notes
    assert notes[0] == "read as gb18030 (the page's meta charset)"
    assert notes[1] == ("visible text only (html.parser): footer, head, header, hidden elements, nav, script dropped")


# ------------------------------------------------------------------------------------------ hostile

def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="PNG")
    return buf.getvalue()


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
          f'<w:document {_NS}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')


def hostile_cases(pdf: bytes) -> list[tuple[str, bytes, str, str]]:
    # (what, bytes, file name, DocumentError code)
    return [
        ("an empty file", b"", "plan.txt", "empty"),
        ("only whitespace", b" \r\n\t ", "plan.txt", "empty"),
        ("51 MB", b"a" * (51 * 1024 * 1024), "plan.txt", "too-large"),
        ("a PNG named .txt", _png(), "plan.txt", "unknown-format"),
        ("a JPEG named .pdf", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "plan.pdf", "unknown-format"),
        ("an old Word .doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "plan.doc", "unknown-format"),
        ("a zip that is not a Word document", _zip({"a.csv": b"x"}), "plan.zip", "unknown-format"),
        ("text undecodable after the first 4 KB", b"a" * 5000 + b"\xff" * 40, "plan.txt", "undecodable"),
        ("a truncated PDF", pdf[: len(pdf) // 2], "plan.pdf", "broken-pdf"),
        ("a PDF header and garbage", b"%PDF-1.7\n" + b"\x00garbage" * 50, "plan.pdf", "broken-pdf"),
        ("an encrypted PDF", _encrypted(pdf, "secret", "owner"), "plan.pdf", "encrypted"),
        ("a zip bomb .docx", docx(para("x"), extra={"word/media/bomb.bin": b"\x00" * (8 * 1024 * 1024)}), "plan.docx",
         "unsafe"),
        ("a .docx of too many parts", docx(para("x"), extra={f"word/p{i}.xml": b"x" for i in range(2001)}), "plan.docx",
         "unsafe"),
        ("a .docx with an entity bomb", docx("", document=LAUGHS), "plan.docx", "unsafe"),
        ("a truncated .docx", docx(para("x"))[:300], "plan.docx", "broken-docx"),
        ("a .docx without word/document.xml", _zip({"x.xml": b"<a/>"}), "plan.docx", "broken-docx"),
        ("a .docx whose text is not XML", docx("", document="<w:document>not closed"), "plan.docx", "broken-docx"),
        ("a .docx without text", docx("<w:p/>"), "plan.docx", "empty"),
    ]


def test_every_hostile_file_is_refused_with_its_code(plan_pdf):
    cases, got = hostile_cases(plan_pdf), []
    for what, content, name, _ in cases:
        try:
            read_document(content, name)
        except DocumentError as err:
            assert err.message and err.message_zh and str(err) == err.message, what
            assert name in err.message and name in err.message_zh, what
            got.append((what, err.code))
        else:
            got.append((what, "read"))
    assert got == [(what, code) for what, _, _, code in cases]


def test_document_error_is_a_layer_error_that_survives_pickling():
    err = DocumentError("empty", "a.txt: the file is empty.", "a.txt：文件为空。")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, LayerError) and (back.code, back.message, back.message_zh, str(back)) == (
        "empty", "a.txt: the file is empty.", "a.txt：文件为空。", "a.txt: the file is empty.")
