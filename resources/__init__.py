"""Package data: icons, styles and the bundled sample library (installed as reader.resources)."""
