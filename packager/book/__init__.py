"""The ground floor: the Book model and the pure facts every stage shares (licences, roles, share links, slugs).

Nothing here reads a file or imports another part of packager, except errors and diagnostics.
"""
