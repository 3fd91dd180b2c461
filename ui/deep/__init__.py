"""The DBN/DBM page."""
