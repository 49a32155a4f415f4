"""Book -> Book transforms, run after the Book is assembled and before anything is rendered (credits, share)."""
