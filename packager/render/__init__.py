"""Renderers: the books (``epub``, ``pdf/``) from the Book, then the site (``site/``) from the books.

Each renderer gets a ``RenderContext`` (``context.py``), writes only its own files
into the destination, and knows no other renderer. ``registry.py`` maps each
book format (``packager/formats.py``) to the renderer that makes it.
"""
