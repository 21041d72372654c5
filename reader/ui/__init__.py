"""Qt widgets of the reader: each module one part of the window."""
