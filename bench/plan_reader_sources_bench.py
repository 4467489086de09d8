"""Benchmark: reading a plan document into text (layers.plan_reader.sources), issue 24.

Generates a text PDF of Chinese paragraphs (matplotlib's PDF backend, the project's TrueType CJK
font embedded as CID TrueType, one text object a line; GENERATED text, not a real plan), reads it
with `read_document` and prints the seconds (the issue's goal: 100 pages in <= 30 s on 2 cores).
When pdfplumber is installed (it is not a dependency) the same file is also read with it, and with
bare pypdf, to show why pypdf was chosen. With --ocr-pages N a scan of N pages (an image of the
same text, no text layer) is recognised by tesseract and the seconds per page printed.

    python -m bench.plan_reader_sources_bench [--pages 100] [--ocr-pages 2]
"""

from __future__ import annotations

import argparse
import io
import time

PARKS = ["琶洲互联网创新集聚区", "广州科学城", "中新广州知识城", "南沙资讯科技园", "黄花岗科技园", "天河智慧城"]
INDUSTRIES = ["人工智能", "数字经济", "生物医药", "新能源汽车", "集成电路", "智能装备"]


def paragraph(i: int) -> str:
    """A generated paragraph of plan-like Chinese text (numbers vary with `i`)."""
    park = PARKS[i % len(PARKS)]
    return (f"（{i % 9 + 1}）{park}规划面积约{1 + i % 17 / 10:.1f}平方公里，东至{park[:2]}大道，南至{i % 7 + 1}号路，"
            f"西至滨江公园，北至珠江。重点发展{INDUSTRIES[i % 6]}、{INDUSTRIES[(i + 2) % 6]}产业，到{2025 + i % 6}年，"
            f"园区主营业务收入突破{100 + i * 7}亿元，新增企业不少于{20 + i % 50}家，建成标准厂房{i % 30 + 5}万平方米。")


def page_lines(page: int, width: int = 38, lines: int = 36) -> list[str]:
    i, out = page * 10, list[str]()
    while len(out) < lines:
        para = paragraph(i)
        out += [para[k:k + width] for k in range(0, len(para), width)]
        i += 1
    return out[:lines]


def text_pdf(pages: int) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from ui.exports.static_map import pdf_cjk_font

    buf = io.BytesIO()
    rc = {"pdf.fonttype": 42, "font.family": "sans-serif", "font.sans-serif": [pdf_cjk_font(), "DejaVu Sans"]}
    with plt.rc_context(rc), PdfPages(buf) as pdf:
        for p in range(pages):
            fig = plt.figure(figsize=(8.27, 11.69))
            for k, line in enumerate(page_lines(p)):
                fig.text(0.08, 0.95 - k * 0.025, line, fontsize=11)
            fig.text(0.5, 0.03, f"— {p + 1} —", fontsize=10, ha="center")
            pdf.savefig(fig)
            plt.close(fig)
    return buf.getvalue()


def scan_pdf(pages: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    from ui.exports.static_map import cjk_font_files

    font = ImageFont.truetype(cjk_font_files()[0], 36)
    images = []
    for p in range(pages):
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(image)
        for k, line in enumerate(page_lines(p, lines=30)):
            draw.text((120, 150 + k * 66), line, font=font, fill=0)
        images.append(image)
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=200, save_all=True, append_images=images[1:])
    return buf.getvalue()


def run(pages: int = 100, ocr_pages: int = 2) -> dict[str, float]:
    from layers.plan_reader.sources import read_document

    t0 = time.perf_counter()
    pdf = text_pdf(pages)
    print(f"generated a {pages}-page text PDF of generated Chinese paragraphs ({len(pdf) / 2**20:.2f} MiB) "
          f"in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    got = read_document(pdf, "bench.pdf")
    results = {"read_document_s": time.perf_counter() - t0}
    print(f"read_document: {results['read_document_s']:.2f} s, {got.pages} pages, {len(got.text):,} characters, "
          f"{got.text.count(chr(10)) + 1:,} paragraphs; notes: {'; '.join(got.notes)}")
    import pypdf

    t0 = time.perf_counter()
    bare = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    results["pypdf_s"] = time.perf_counter() - t0
    print(f"pypdf {pypdf.__version__} alone: {results['pypdf_s']:.2f} s, {sum(map(len, bare)):,} characters")
    try:
        import pdfplumber
    except ImportError:
        print("pdfplumber: not installed (not a dependency), not compared")
    else:
        t0 = time.perf_counter()
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            plumbed = [page.extract_text() or "" for page in doc.pages]
        results["pdfplumber_s"] = time.perf_counter() - t0
        same = sum(a.split() == b.split() for a, b in zip(bare, plumbed))
        print(f"pdfplumber {pdfplumber.__version__}: {results['pdfplumber_s']:.2f} s, "
              f"{sum(map(len, plumbed)):,} characters; pages with the same text as pypdf's: {same}/{pages}")
    if ocr_pages:
        scan = scan_pdf(ocr_pages)
        t0 = time.perf_counter()
        recognised = read_document(scan, "scan.pdf")
        results["ocr_s_per_page"] = (time.perf_counter() - t0) / ocr_pages
        expected = "".join("".join(page_lines(p, lines=30)) for p in range(ocr_pages))
        found = set(recognised.text)
        share = sum(ch in found for ch in expected) / len(expected)
        print(f"OCR (tesseract chi_sim+eng): {results['ocr_s_per_page']:.1f} s a page over {ocr_pages} pages; "
              f"{share:.0%} of the drawn characters occur in the recognised text")
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--ocr-pages", type=int, default=2)
    a = ap.parse_args()
    run(a.pages, a.ocr_pages)
