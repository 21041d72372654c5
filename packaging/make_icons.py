"""Render the program icon from resources/icons/transcript-reader.svg.

Writes, beside the SVG:

- ``transcript-reader-<N>.png`` for N in 16, 32, 48, 64, 128, 256, 512 (each size rendered from the
  SVG itself, not scaled down from a larger bitmap), used by the window and the Linux hicolor
  install;
- ``transcript-reader.ico`` (Windows; 16–256) and ``transcript-reader.icns`` (macOS; 16–512),
  which need Pillow (the ``packaging`` extra). ``--png-only`` skips them.

The PNGs are rendered with Qt's SVG renderer (PySide6 is a runtime dependency already). The files
are committed; run this again after editing the SVG:

    python packaging/make_icons.py
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "transcript-reader.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico holds
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)  # Pillow picks the icns slots from these


def render_png(svg: Path, size: int) -> bytes:
    """The SVG rendered at ``size``×``size`` pixels (transparent background) as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QGuiApplication(sys.argv[:1])  # noqa: F841 - kept alive for the painter
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"could not encode the {size}px icon")
    buffer.close()
    return bytes(data.data())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--png-only", action="store_true", help="skip .ico and .icns (no Pillow)")
    parser.add_argument("--out", type=Path, default=ICONS, help="output folder")
    ns = parser.parse_args(argv)
    ns.out.mkdir(parents=True, exist_ok=True)

    rendered: dict[int, bytes] = {}
    for size in sorted(set(PNG_SIZES) | (set() if ns.png_only else set(ICO_SIZES + ICNS_SIZES))):
        rendered[size] = render_png(SVG, size)
    for size in PNG_SIZES:
        path = ns.out / f"transcript-reader-{size}.png"
        path.write_bytes(rendered[size])
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    if ns.png_only:
        return 0

    try:
        from PIL import Image
    except ImportError:
        print("Pillow is needed for .ico/.icns: pip install -e '.[packaging]'", file=sys.stderr)
        return 1

    def image(size: int) -> Image.Image:
        return Image.open(io.BytesIO(rendered[size])).convert("RGBA")

    ico = ns.out / "transcript-reader.ico"
    biggest = image(ICO_SIZES[-1])
    biggest.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[image(s) for s in ICO_SIZES[:-1]],
    )
    print(ico.relative_to(ROOT) if ico.is_relative_to(ROOT) else ico)

    icns = ns.out / "transcript-reader.icns"
    image(ICNS_SIZES[-1]).save(
        icns, format="ICNS", append_images=[image(s) for s in ICNS_SIZES[:-1]]
    )
    print(icns.relative_to(ROOT) if icns.is_relative_to(ROOT) else icns)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
