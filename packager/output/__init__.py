"""The output folder: staged, locked, swapped in whole, cleaned of our files only; reused when nothing changed."""
