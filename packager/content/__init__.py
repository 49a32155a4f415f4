"""Articles -> Book: each article's Markdown read, made safe and valid, and gathered into the pure-data Book.

Per article: ``preprocess`` (template syntax a book cannot run) -> ``markdown``
(the reader) -> ``xhtml`` (sanitise, repair, serialise) -> the article's own
tree transforms (``typography``, ``images``, ``linkmap``). ``article_pool``
renders articles side by side; ``assemble`` builds the Book around them.
"""
