#!/usr/bin/env python3
"""Make the binary attachments of the sample evidence in ``evidence/``.

The sample's Markdown files list these attachments; this script draws them, so
that no binary has to be edited by hand and every run gives the same bytes:

- ``evidence/zonghe/2021-12-20-guihua-zhuanlan-jietu.png``: a mock screenshot
  of the 规划计划 column (Pillow, Noto Sans CJK SC found through fontconfig);
- ``evidence/zonghe/2021-03-18-dangzu-huiyi.pdf``: the one-page 会议纪要 of the
  Party group meeting (WeasyPrint, "Noto Serif CJK SC" by family name; the
  dates come from ``<meta>``, so the PDF does not depend on the clock).

Run from anywhere: ``python scripts/make_sample_attachments.py``. Needs Pillow,
WeasyPrint and the Debian package fonts-noto-cjk.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "evidence"

PNG_PATH = EVIDENCE / "zonghe" / "2021-12-20-guihua-zhuanlan-jietu.png"
PDF_PATH = EVIDENCE / "zonghe" / "2021-03-18-dangzu-huiyi.pdf"

SANS_SC = "Noto Sans CJK SC"


# --- the screenshot ----------------------------------------------------------


def find_font(family: str, style: str = "Regular") -> tuple[str, int]:
    """The font file and TTC face index of a fontconfig family (SC, not the JP first face)."""
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}", f"{family}:style={style}:lang=zh-cn"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        sys.exit(f"找不到字体 {family}（需要 fontconfig 和 fonts-noto-cjk）：{exc}")
    path, _, index = out.partition("|")
    if not path or not Path(path).is_file():
        sys.exit(f"找不到字体 {family}，请安装 fonts-noto-cjk")
    from PIL import ImageFont

    face = int(index or 0)
    # fc-match may fall back to another family: make sure the face really is the SC one.
    if ImageFont.truetype(path, 12, index=face).getname()[0] != family:
        for i in range(16):
            try:
                if ImageFont.truetype(path, 12, index=i).getname()[0] == family:
                    face = i
                    break
            except OSError:
                break
        else:
            sys.exit(f"字体文件 {path} 中没有 {family}")
    return path, face


def make_png(path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    regular, reg_index = find_font(SANS_SC, "Regular")
    bold, bold_index = find_font(SANS_SC, "Bold")

    def font(size: int, heavy: bool = False) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(bold if heavy else regular, size, index=bold_index if heavy else reg_index)

    w, h = 800, 500
    img = Image.new("RGB", (w, h), "#ffffff")
    d = ImageDraw.Draw(img)

    # browser window: title bar, address bar
    d.rectangle([0, 0, w, 30], fill="#dee1e6")
    for i, colour in enumerate(("#ff5f57", "#febc2e", "#28c840")):
        d.ellipse([12 + i * 20, 10, 24 + i * 20, 22], fill=colour)
    d.rounded_rectangle([82, 5, 330, 30], radius=6, fill="#ffffff")
    d.text((94, 9), "规划计划 - 晋城市人民政府", font=font(13), fill="#202124")
    d.rectangle([0, 30, w, 62], fill="#ffffff")
    d.rounded_rectangle([12, 36, w - 12, 57], radius=10, fill="#f1f3f4")
    d.text((28, 38), "http://www.jcgov.gov.cn/zwgk/zfxxgk/xzspj/ghjh/", font=font(13), fill="#3c4043")
    d.line([0, 62, w, 62], fill="#c8c8c8")

    # site header and navigation
    d.rectangle([0, 63, w, 123], fill="#b5120f")
    d.text((28, 73), "晋城市人民政府", font=font(28, True), fill="#ffffff")
    d.text((250, 84), "政府信息公开 · 晋城市行政审批服务管理局", font=font(16), fill="#ffe9c7")
    d.rectangle([0, 123, w, 155], fill="#8e0e0c")
    x = 28
    for item in ("首页", "政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政策直通车", "互动交流"):
        d.text((x, 129), item, font=font(15), fill="#ffffff")
        x += int(d.textlength(item, font=font(15))) + 34

    # left column
    d.rectangle([20, 170, 190, 470], fill="#f7f3ee", outline="#e2d6c6")
    d.rectangle([20, 170, 190, 204], fill="#b5120f")
    d.text((36, 176), "法定主动公开内容", font=font(15, True), fill="#ffffff")
    for i, item in enumerate(("机构职能", "政策文件", "规划计划", "权责清单", "双公示", "民生实事")):
        y = 216 + i * 40
        if item == "规划计划":
            d.rectangle([21, y - 8, 189, y + 26], fill="#fde8e6")
            d.rectangle([21, y - 8, 25, y + 26], fill="#b5120f")
        d.text((44, y), item, font=font(15), fill="#b5120f" if item == "规划计划" else "#333333")

    # main column: breadcrumb, list
    d.text((210, 172), "当前位置：首页 > 政府信息公开 > 法定主动公开内容 > 规划计划", font=font(13), fill="#666666")
    d.text((210, 200), "规划计划", font=font(20, True), fill="#b5120f")
    d.line([210, 232, 780, 232], fill="#b5120f", width=2)
    rows = (
        ("晋城市“十四五”规划和二〇三五年远景目标纲要", "2021-04-16"),
        ("晋城市“十四五”优化营商环境专项行动规划", "2021-09-28"),
        ("晋城市行政审批服务管理局2021年政务公开工作要点", "2021-03-22"),
        ("晋城市“十三五”行政审批制度改革规划（历史规划）", "2017-03-10"),
        ("晋城市行政审批服务管理局2020年工作计划（历史计划）", "2020-02-26"),
    )
    for i, (title, day) in enumerate(rows):
        y = 248 + i * 38
        d.ellipse([212, y + 8, 217, y + 13], fill="#b5120f")
        d.text((226, y), title, font=font(15), fill="#1a1a1a")
        d.text((688, y), day, font=font(14), fill="#888888")
        d.line([210, y + 30, 780, y + 30], fill="#e8e8e8")
    d.text((210, 442), "共5条  第1页/共1页", font=font(13), fill="#666666")

    # the capture stamp in the bottom right corner
    d.rectangle([520, 470, 800, 500], fill="#fff7d6")
    d.text((532, 475), "截图时间：2021-12-20 10:32", font=font(14), fill="#7a5b00")

    # few colours: a palette image keeps the file small (~24 KB); PNG has no timestamp by default
    img = img.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG", optimize=True)


# --- the minutes ---------------------------------------------------------------

MINUTES_HTML = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>局党组会议纪要（2021年第4次）</title>
<meta name="author" content="晋城市行政审批服务管理局办公室">
<meta name="dcterms.created" content="2021-03-18">
<meta name="dcterms.modified" content="2021-03-18">
<style>
  @page { size: A4; margin: 37mm 26mm 35mm 28mm; }
  body { font-family: "Noto Serif CJK SC"; font-size: 14pt; line-height: 1.75; color: #000; }
  .head { text-align: center; color: #c00; font-size: 30pt; font-weight: bold; letter-spacing: 2pt; margin: 0; }
  .no { text-align: center; margin: 6pt 0 0; }
  hr { border: 0; border-top: 2pt solid #c00; margin: 4pt 0 16pt; }
  h1 { font-size: 20pt; text-align: center; margin: 0 0 12pt; }
  p { text-indent: 2em; margin: 0; text-align: justify; }
  h2 { font-size: 14pt; margin: 6pt 0 0; text-indent: 2em; }
  .sign { text-align: right; margin-top: 18pt; }
</style>
</head>
<body>
<p class="head">会 议 纪 要</p>
<p class="no">晋城市行政审批服务管理局党组〔2021〕4号</p>
<hr>
<h1>局党组会议纪要</h1>
<p>2021年3月18日上午，局党组书记、局长主持召开2021年第4次党组会议，局党组成员出席，\
办公室、综合组、政务服务中心、财务科负责同志列席。会议听取了综合组关于2021年政务公开工作的汇报，\
研究部署全年政务公开工作。纪要如下：</p>
<h2>一、关于政务服务公开工作</h2>
<p>会议要求政务服务中心对照政务服务事项清单，逐项更新办事指南，在大厅“政务公开专区”和门户网站同步公开，\
6月底前完成7×24小时自助服务区公开事项的梳理。</p>
<h2>二、关于“双公示”工作</h2>
<p>会议要求综合组牵头落实行政许可、行政处罚信息“双公示”，做到7个工作日内上报山西省信用信息共享平台，\
按月建立“双公示”台账，每半年开展一次台账与平台数据比对。</p>
<h2>三、关于责任落实</h2>
<p>政务公开工作纳入全局年度绩效考核，各组（科室、单位）主要负责同志为第一责任人。</p>
<p class="sign">晋城市行政审批服务管理局办公室<br>2021年3月18日</p>
</body>
</html>
"""


def make_pdf(path: Path) -> None:
    from weasyprint import HTML

    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=MINUTES_HTML, base_url=str(path.parent)).write_pdf(path)


def main() -> int:
    make_png(PNG_PATH)
    make_pdf(PDF_PATH)
    for made in (PNG_PATH, PDF_PATH):
        print(f"已生成 {made.relative_to(ROOT)}（{made.stat().st_size:,} 字节）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
