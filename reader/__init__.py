"""Transcript Reader: read and annotate podcast and interview transcripts offline."""

__version__ = "0.1.0"
APP_NAME = "Transcript Reader"
APP_ID = "org.transcriptreader.TranscriptReader"
