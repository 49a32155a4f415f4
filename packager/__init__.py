"""Turn a folder of Markdown articles into free EPUB and PDF books and a download page."""

__version__ = "0.1.0"
