"""The DBN / DBM page, by role (see ``page.py``'s docstring for the files)."""
